"""Input as every interface reads it: ids, amounts and text, parsed one way everywhere.

The desk, the portal, the API, the CLI and the bank import read ids and amounts through
these helpers, so that "²" is not a number, "1E2" is not money and "1,50" is, in every
channel alike. Amounts are parsed by bukve.rules.money.parse_amount; this module adds what
Django needs around it: a form field with translated messages and a URL converter for ids.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from bukve.rules.money import MAX_AMOUNT, AmountError, parse_amount

MAX_ID = 2**63 - 1  # the largest id a database row can have (a signed 64-bit integer)
_ID = re.compile(r"[1-9][0-9]{0,18}", re.ASCII)


def parse_id(text: object) -> int | None:
    """A database id from text (a URL, a query string, a form), or None when the text can
    be no id: not ASCII digits ("²", "١"), zero, or beyond a 64-bit integer."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 1 <= text <= MAX_ID else None
    if not isinstance(text, str) or not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class IdConverter:
    """`<id:pk>` in URLs: like `<int:pk>`, but a number no row can have is not found (404)
    instead of reaching the database, which cannot compare it."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django: this pattern does not match, so a 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


AMOUNT_MESSAGES = {
    "amount_invalid": _("Enter an amount in euros, e.g. 12,50 (digits, a decimal comma)."),
    "amount_precision": _("An amount has at most two decimals (cents)."),
    "amount_negative": _("The amount cannot be negative."),
    "amount_too_large": _("The amount is too large."),
}


def amount_message(error: AmountError) -> str:
    return str(AMOUNT_MESSAGES[error.code])


class AmountField(forms.CharField):
    """An amount in euros as people type it ("1,50" or "1.50"), read by parse_amount; the
    form's value is a Decimal with two places, at least `min_value`."""

    def __init__(
        self, *, min_value: Decimal = Decimal("0.01"), max_value: Decimal = MAX_AMOUNT,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text box (so a comma can be typed) that phones open with the number keys.
        attrs = {"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"}
        return {**super().widget_attrs(widget), **attrs}

    # A CharField that cleans to a Decimal: the stubs' CharField.to_python returns text.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        try:
            amount = parse_amount(text, maximum=self.max_value)
        except AmountError as error:
            raise forms.ValidationError(amount_message(error), code=error.code) from None
        if amount < self.min_value:
            raise forms.ValidationError(
                _("The amount must be at least %(min)s.") % {"min": f"{self.min_value:.2f}"},
                code="amount_not_positive",
            )
        return amount

    def prepare_value(self, value: Any) -> Any:
        return formats.number_format(value, 2) if isinstance(value, Decimal) else value


def plausible_day(day: date) -> None:
    """A form's date that can be real: "0001-01-01" and "9999-12-31" are typing mistakes
    (and a year 9999 overflows any date computed from it)."""
    if not 1900 <= day.year <= 2999:
        raise forms.ValidationError(_("Enter a day between the years 1900 and 2999."))


def birth_day(day: date) -> None:
    """A date of birth: from 1900 to today."""
    if not date(1900, 1, 1) <= day <= timezone.localdate():
        raise forms.ValidationError(
            _("A date of birth is between 1. 1. 1900 and today."), code="birth_date_implausible"
        )


def clean_text(text: str) -> str:
    """Text to store or search: NUL characters, which PostgreSQL cannot keep, are dropped."""
    return text.replace("\x00", "")
