"""The forms of the desk's money pages: corrections with a reason, price-list sales,
installment plans, the day of the takings and the hand-over to collection."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bukve.accounts import services as ledger
from bukve.accounts.models import Charge
from bukve.accounts.selectors import charges_plannable
from bukve.desk.common import date_text
from bukve.desk.forms import OnceForm, offer_charges
from bukve.desk.templatetags.bukve import charge_kind
from bukve.formatting import money
from bukve.inputs import AmountField, plausible_day
from bukve.members.models import Member
from bukve.rules.money import MAX_AMOUNT, sale_units
from bukve.rules.policy import PriceItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the ledger)"), max_length=300, widget=forms.TextInput
    )


class WaiveForm(ReasonForm):
    amount = AmountField(label=gettext_lazy("Waive (€)"))
    field_order = ["amount", "reason"]


class WriteOffForm(ReasonForm):
    amount = AmountField(label=gettext_lazy("Write off (€)"))
    field_order = ["amount", "reason"]


class SaleForm(OnceForm):
    """A quantity for each item of the price list (empty: not sold), and who pays how."""

    PAY = [
        ("account", gettext_lazy("Charge to the member's account")),
        ("cash", gettext_lazy("Paid now in cash")),
        ("card", gettext_lazy("Paid now by card")),
    ]
    pay = forms.ChoiceField(label=gettext_lazy("Payment"), choices=PAY, initial="cash",
                            widget=forms.RadioSelect)  # fmt: skip
    card = forms.CharField(
        label=gettext_lazy("Member's card number"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Leave empty for a sale to someone who is not a member."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, prices: Mapping[str, PriceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prices = prices
        for code, price in prices.items():
            self.fields[f"q_{code}"] = forms.IntegerField(
                label=price.name, required=False, min_value=1, max_value=10_000,
                widget=forms.NumberInput(attrs={"min": 1, "class": "quantity"}),
            )  # fmt: skip

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        self.lines = [
            ledger.SaleLine(code, data[f"q_{code}"])
            for code in self.prices
            if data.get(f"q_{code}")
        ]
        if not self.errors and not self.lines:
            raise forms.ValidationError(_("Enter a quantity for at least one item."))
        if (
            sum(
                self.prices[line.code].amount
                * sale_units(self.prices[line.code].unit, line.quantity)
                for line in self.lines
            )
            > MAX_AMOUNT
        ):
            raise forms.ValidationError(_("This is more than one sale at the desk can take."))
        return data


class PlanForm(forms.Form):
    charges = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Debts to pay in installments"),
        queryset=Charge.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    installments = forms.IntegerField(
        label=gettext_lazy("Monthly installments"), min_value=2, max_value=24, initial=3
    )
    first_due = forms.DateField(label=gettext_lazy("First installment due on"), widget=DATE,
                                validators=[plausible_day])  # fmt: skip
    reason = ReasonForm.base_fields["reason"]

    def clean_first_due(self) -> date:
        first_due: date = self.cleaned_data["first_due"]
        if first_due > timezone.localdate() + relativedelta(years=1):
            raise forms.ValidationError(_("The first installment falls due within a year."))
        return first_due

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_charges(self.fields["charges"], charges_plannable(member), _charge_label)


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Day"), widget=DATE, validators=[plausible_day])


class HandOverForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm: hand these members over to collection now."),
    )


def _charge_label(charge: Charge) -> str:
    what = charge.note if charge.kind == "sale" and charge.note else charge_kind(charge)
    return f"{date_text(charge.date)}: {what[:1].upper()}{what[1:]}, {money(charge.open_amount)}"
