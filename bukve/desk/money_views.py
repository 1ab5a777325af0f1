"""The desk's money pages: price-list sales, the day's takings and debts, and members in
collection. (A member's account, its corrections and installment plans: account_views.py.)

Who may do what (bukve/libraries/models.py, Staff): circulation staff sell; a branch head or
above sees the takings; the director hands members over to collection (Tolmin art. 41-42).
Views parse the input, call one service and show the outcome; refusals and bad input are
shown as messages or form errors, never as errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.forms import BoundField
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bukve.accounts import services as ledger
from bukve.accounts.models import Payment
from bukve.accounts.selectors import (
    corrections,
    money_payments,
    payments_on,
    refunds_on,
    reversed_ids,
    reversible_ids,
)
from bukve.circulation import collection as handover
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.common import card_member, show_refusal, to_member
from bukve.desk.money_forms import DayForm, HandOverForm, SaleForm
from bukve.formatting import money
from bukve.inputs import parse_id
from bukve.libraries.models import Staff
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.refusals import Refused
from bukve.rules.money import started_hours
from bukve.rules.policy import PriceItem

# The price-list groups of the presets, as the desk names them; another group shows its code.
GROUPS = {
    "lost": gettext_lazy("Lost or damaged material"),
    "photocopy": gettext_lazy("Photocopies"),
    "ill": gettext_lazy("Interlibrary loan"),
    "reservation": gettext_lazy("Reservations"),
    "computer": gettext_lazy("Computer use"),
    "print": gettext_lazy("Printouts"),
    "sale": gettext_lazy("Sales"),
    "expert_advice": gettext_lazy("Expert advice"),
    "binding": gettext_lazy("Binding"),
    "third_age": gettext_lazy("University of the Third Age"),
    "rooms": gettext_lazy("Room rental"),
    "publications": gettext_lazy("The library's publications"),
    "other": gettext_lazy("Other"),
}
# What a quantity counts, per unit of the price list.
UNITS = {
    "item": gettext_lazy("pieces"),
    "page": gettext_lazy("pages"),
    "unit": gettext_lazy("units"),
    "hour": gettext_lazy("hours"),
    "started_hour": gettext_lazy("minutes"),
    "day": gettext_lazy("days"),
    "record": gettext_lazy("records"),
}


def _today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class SaleRow:
    price: PriceItem
    field: BoundField  # its quantity
    unit: str  # what the quantity counts
    vat: Decimal | None  # the VAT rate the price includes


def _groups(
    form: SaleForm, prices: Mapping[str, PriceItem], rate_of: Callable[[PriceItem], Decimal | None]
) -> list[tuple[str, list[SaleRow]]]:
    """The price list in its order, by group, with a readable label for each group."""
    groups: dict[str, list[SaleRow]] = {}
    for code, price in prices.items():
        unit = str(UNITS.get(price.unit, price.unit))
        groups.setdefault(price.group, []).append(
            SaleRow(price, form[f"q_{code}"], unit, rate_of(price))
        )
    return [
        (str(GROUPS.get(name, name.replace("_", " ").capitalize())), rows)
        for name, rows in groups.items()
    ]


def _line_text(price: PriceItem, quantity: int) -> str:
    """A sold line in words: "Najem avle, začeta ura: 61 min = 2 h × 40,00 €"."""
    if price.unit == "started_hour":
        count = _("%(minutes)s min = %(hours)s h") % {
            "minutes": quantity, "hours": started_hours(quantity),
        }  # fmt: skip
    else:
        count = f"{quantity} {UNITS.get(price.unit, price.unit)}"
    return f"{price.name}: {count} × {money(price.amount)}"


@staff_required()
def sale(request: DeskRequest) -> HttpResponse:
    """Sell items of the price list valid today: charged to a member's account, or paid at
    once in cash or by card by a member or by someone who is not a member (a walk-in sale).
    A paid sale goes to its receipt. A member page links here with its member chosen."""
    library = request.staff.library
    today = _today()
    policy = policy_for(library, today)
    wanted = parse_id(request.GET.get("member"))
    # No member asked for (None) finds none: Django reads pk=None as "pk IS NULL", which the
    # stubs do not allow for.
    member = Member.objects.filter(library=library, pk=wanted).first()  # type: ignore[misc]
    initial = {"card": member.card_number, "pay": "account"} if member else {}
    form = SaleForm(request.POST or None, prices=policy.prices, initial=initial)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["card"].strip()
        pay = form.cleaned_data["pay"]
        buyer = card_member(request, number) if number else None
        if number and buyer is None:
            form.add_error("card", _("No member with this card number."))
        elif pay == "account" and buyer is None:
            form.add_error(
                "card", _("Enter the card number of the member whose account to charge.")
            )
        else:
            try:
                sold = ledger.sale_record(
                    library=library, day=today, lines=form.lines, by=request.user, member=buyer,
                    method=None if pay == "account" else pay,
                    idempotency_key=form.cleaned_data["token"],
                )  # fmt: skip
            except Refused as refusal:
                form.add_error(None, refusal.sentence)
            else:
                lines = "; ".join(_line_text(policy.prices[line.code], line.quantity)
                                  for line in form.lines)  # fmt: skip
                total = sum((c.amount for c in sold.charges), Decimal("0.00"))
                if sold.payment is not None:
                    messages.success(request, _("Sold: %(lines)s. Paid %(total)s.")
                                     % {"lines": lines, "total": money(total)})  # fmt: skip
                    return redirect("desk:receipt", pk=sold.payment.pk)
                messages.success(request, _("Charged to the account: %(lines)s. Total %(total)s.")
                                 % {"lines": lines, "total": money(total)})  # fmt: skip
                assert buyer is not None
                return to_member(buyer, "account")
    context = {
        "form": form,
        "groups": _groups(form, policy.prices, lambda price: policy.vat.rate_of(price, today)),
        "vat": policy.vat,
        "any_vat": any(policy.vat.class_of(p) for p in policy.prices.values()),
        "member": member,
        "today": today,
        "section": "money",
    }
    return render(request, "desk/money/sale.html", context)


# --- takings and debts ----------------------------------------------------------------------


@staff_required(Staff.BRANCH_HEAD)
def takings(request: DeskRequest) -> HttpResponse:
    """The money the library took on a day, per method (a reversal counts against the method
    of the payment it undoes), that day's payments and corrections, and the debts open."""
    library = request.staff.library
    form = DayForm(request.GET if "date" in request.GET else None)
    day = form.cleaned_data["date"] if form.is_valid() else _today()
    per_method = ledger.takings(library, day)
    day_entries = payments_on(library, day)
    context = {
        "form": form if form.is_bound else DayForm(initial={"date": day}),
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "per_method": [
            (method, label, per_method.get(method, Decimal("0.00")))
            for method, label in Payment.METHODS
            if method in Payment.MONEY
        ],  # fmt: skip
        "total": sum(per_method.values(), Decimal("0.00")),
        "payments": money_payments(day_entries),
        "corrections": corrections(day_entries),
        "refunds": refunds_on(library, day),
        "outstanding": ledger.outstanding(library),
        # A walk-in sale's payment is reversed here; a member's also on the member page.
        "reversible": reversible_ids(day_entries),
        "reversed_payments": reversed_ids(day_entries),
        "may_reverse_payment": True,
        "section": "money",
    }
    return render(request, "desk/money/takings.html", context)


# --- collection -----------------------------------------------------------------------------


@staff_required(Staff.DIRECTOR)
def collection(request: DeskRequest) -> HttpResponse:
    """Members in collection with their debts and handed-over items, the list for the agency,
    and where the library hands over by hand (Tolmin art. 41-42) who would be handed over."""
    library = request.staff.library
    today = _today()
    by_hand = not handover.ladder_hands_over(policy_for(library, today))
    context = {
        "rows": handover.members_in_collection(library),
        "by_hand": by_hand,
        "candidates": handover.collection_candidates(library=library, day=today) if by_hand else [],
        "form": HandOverForm(),
        "section": "money",
    }
    return render(request, "desk/money/collection.html", context)


@staff_required(Staff.DIRECTOR)
def collection_export(request: DeskRequest) -> HttpResponse:
    library = request.staff.library
    response = HttpResponse(
        handover.collection_csv(library), content_type="text/csv; charset=utf-8"
    )
    name = f"{library.code}-collection-{_today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@staff_required(Staff.DIRECTOR)
def collection_hand_over(request: DeskRequest) -> HttpResponse:
    form = HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to hand the members over."))
        return redirect("desk:money_collection")
    try:
        handed = handover.collection_hand_over(
            library=request.staff.library, day=_today(), by=request.user
        )
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(
            request, _("%(n)s members handed over to collection.") % {"n": len(handed)}
        )
    return redirect("desk:money_collection")
