"""Template filters shared by the desk and the portal: money, charges, refusals."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bukve.accounts.models import Charge
from bukve.refusals import SENTENCES

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """12.5 → "12,50 €" on a Slovenian page, "€12.50" on an English one."""
    if amount is None:
        return ""
    number = formats.number_format(Decimal(amount).quantize(Decimal("0.01")), 2, use_l10n=True)
    return f"€{number}" if get_language() == "en" else f"{number} €"


@register.filter
def charge_kind(charge: Charge) -> str:
    """What a charge is for, in the page's language: "overdue notice no. 2", "overdue fine"."""
    if charge.kind == "notice" and charge.level:
        return _("overdue notice no. %(level)s") % {"level": charge.level}
    return str(Charge.KINDS.get(charge.kind, charge.kind))


@register.filter
def refusal(code: str) -> str:
    """The sentence of a refusal code, in the page's language."""
    return str(SENTENCES.get(code, code))
