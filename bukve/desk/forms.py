"""Desk forms: they parse and check input; the views pass the clean values to services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from bukve.accounts.models import Charge, Payment
from bukve.accounts.selectors import charges_open
from bukve.accounts.services import open_debt
from bukve.formatting import money
from bukve.inputs import AmountField
from bukve.libraries.models import Branch
from bukve.members.models import Member
from bukve.throttle import login_failed, login_locked, login_succeeded


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Card number, name or date of birth"),
        max_length=100,
        help_text=_("Scan the card, or type a name or a date of birth (e.g. 2. 3. 1985)."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class BarcodeForm(forms.Form):
    """A scan field: the scanner types the barcode and Enter. With `focus` the field has the
    cursor when the page opens (autofocus; one per page), so the next scan is not lost."""

    barcode = forms.CharField(
        label=_("Item barcode"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, focus: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if focus:
            self.fields["barcode"].widget.attrs["autofocus"] = True

    def clean_barcode(self) -> str:
        barcode: str = self.cleaned_data["barcode"].strip()
        if "\x00" in barcode:
            raise forms.ValidationError(_("Enter a valid barcode."))
        return barcode


class RenewScanForm(BarcodeForm):
    """Renew at the desk by scanning the items the member brought; the form posts to the
    checkout address with a hidden `renew` (views.checkout)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_renew_%s")  # the page's checkout field is id_barcode
        super().__init__(*args, **kwargs)
        self.fields["barcode"].label = _("Item barcode to renew")


class ReserveForm(BarcodeForm):
    pickup_branch: forms.ModelChoiceField[Branch] = forms.ModelChoiceField(
        queryset=None, label=_("Pick-up branch"), empty_label=None
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_reserve_%s")  # the page's checkout field is id_barcode
        kwargs.setdefault("focus", False)
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Branch]", self.fields["pickup_branch"])
        field.queryset = branches
        self.fields["barcode"].label = _("Item barcode to reserve")
        self.fields["barcode"].help_text = _("Any copy of the title to reserve.")


class OnceForm(forms.Form):
    """A form that books money: its one-time token makes a double click (or a form sent
    again) book once; the service answers the repeat with what the first one booked."""

    token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].initial = secrets.token_hex(16)

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return "desk:" + token


class PaymentForm(OnceForm):
    """A payment at the desk. The member may pick the charges it pays (they are settled
    first); without an amount it pays the picked charges, or the whole open debt. It carries
    the open debt the librarian saw, so that a payment taken meanwhile at another desk is
    not paid again."""

    amount = AmountField(
        label=_("Amount (€)"),
        required=False,
        help_text=_("Leave empty to pay the charges ticked below, or else the whole debt."),
    )
    method = forms.ChoiceField(
        label=_("Paid by"),
        choices=[(m, label) for m, label in Payment.METHODS if m in ("cash", "card")],
    )
    charges = forms.ModelMultipleChoiceField(
        label=_("Pay these first"),
        queryset=Charge.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    debt_seen = AmountField(min_value=Decimal("0.00"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["debt_seen"].initial = open_debt(member)
        offer_charges(self.fields["charges"], charges_open(member), _open_charge_label)


def _open_charge_label(charge: Charge) -> str:
    day = date_format(charge.date, "j. n. Y")
    return f"{day} · {charge.get_kind_display()} · {money(charge.open_amount)}"


def offer_charges(
    field: forms.Field, charges: QuerySet[Charge], label: Callable[[Charge], str]
) -> None:
    """Let a field of checkboxes offer `charges`, each labelled by `label`."""
    choices = cast("forms.ModelMultipleChoiceField[Charge]", field)
    choices.queryset = charges
    # Django labels a choice through this method, which a field may have of its own; the
    # stubs see only the class's method.
    choices.label_from_instance = label  # type: ignore[method-assign,assignment]


class PortalPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password for Moja knjižnica"),
        strip=False,
        help_text=_("At least 8 characters; the member can change it in Moja knjižnica."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class DeskLoginForm(AuthenticationForm):
    """Django's staff login, locked for a while after repeated failures for one user name.
    The admin's login (bukve.admin_site) counts under the same SCOPE: the same accounts."""

    SCOPE = "staff"

    def clean(self) -> dict[str, object]:
        username = self.cleaned_data.get("username") or ""
        if login_locked(self.SCOPE, username):
            raise forms.ValidationError(
                _("Too many failed attempts for this user name. Try again in 15 minutes."),
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failed(self.SCOPE, username)
            raise
        login_succeeded(self.SCOPE, username)
        return cleaned
