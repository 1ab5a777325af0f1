"""The desk's money pages: price-list sales, corrections of the ledger, installment plans,
the day's takings and debts, and members in collection.

Who may do what (bukve/libraries/models.py, Staff): circulation staff sell and take
payments; a branch head or above reverses a charge or a payment recorded by mistake and sees
the takings; the director writes off debts, grants installment plans (Tolmin art. 36) and
hands members over to collection (Tolmin art. 41-42). Every correction needs a reason, kept
in the ledger with who and when. Views parse the input, call one service and show the
outcome; refusals and bad input are shown as messages or form errors, never as errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bukve.accounts import services as ledger
from bukve.accounts.models import Charge, Installment, InstallmentPlan, Payment
from bukve.circulation import collection as handover
from bukve.circulation.models import Loan
from bukve.desk.access import staff_required
from bukve.desk.forms import OnceForm
from bukve.desk.templatetags.bukve import charge_kind, money
from bukve.desk.views import _date, _form_errors, _member, _refused, _to_member
from bukve.inputs import AmountField, parse_id, plausible_day
from bukve.libraries.models import Staff
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.refusals import Refused
from bukve.rules.money import MAX_AMOUNT, sale_units, started_hours
from bukve.rules.policy import PriceItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

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


def _card_member(request: HttpRequest, number: str) -> Member | None:
    return Member.objects.filter(library=request.staff.library, card_number=number).first()


# --- forms ----------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the ledger)"), max_length=300, widget=forms.TextInput
    )


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

    def __init__(self, *args: object, prices: Mapping[str, PriceItem], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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
        if first_due > _today() + relativedelta(years=1):
            raise forms.ValidationError(_("The first installment falls due within a year."))
        return first_due

    def __init__(self, *args: object, member: Member, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["charges"]
        field.queryset = plannable(member)  # type: ignore[attr-defined]
        field.label_from_instance = _charge_label  # type: ignore[attr-defined]


class DayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Day"), widget=DATE, validators=[plausible_day])


class HandOverForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm: hand these members over to collection now."),
    )


def plannable(member: Member) -> QuerySet[Charge]:
    """The member's open charges that are not in an installment plan yet."""
    return member.charges.filter(open_amount__gt=0, plans__isnull=True).order_by("date", "id")


def _charge_label(charge: Charge) -> str:
    what = charge.note if charge.kind == "sale" and charge.note else charge_kind(charge)
    return f"{_date(charge.date)}: {what[:1].upper()}{what[1:]}, {money(charge.open_amount)}"


# --- price-list sales -----------------------------------------------------------------------


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
def sale(request: HttpRequest) -> HttpResponse:
    """Sell items of the price list valid today: charged to a member's account, or paid at
    once in cash or by card by a member or by someone who is not a member (a walk-in sale).
    A paid sale goes to its receipt. A member page links here with its member chosen."""
    library = request.staff.library
    today = _today()
    policy = policy_for(library, today)
    member = Member.objects.filter(library=library, pk=parse_id(request.GET.get("member"))).first()
    initial = {"card": member.card_number, "pay": "account"} if member else {}
    form = SaleForm(request.POST or None, prices=policy.prices, initial=initial)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["card"].strip()
        pay = form.cleaned_data["pay"]
        buyer = _card_member(request, number) if number else None
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
                return _to_member(buyer, "account")
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


# --- corrections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A line of a charge's history: a payment, a correction, or money taken back from it."""

    date: date
    what: str
    amount: Decimal
    by: User | None
    why: str
    payment: Payment | None = None  # a payment of money, for its receipt


def _what(payment: Payment) -> str:
    if payment.method == Payment.REVERSAL:
        return _("reversal: the charge was recorded by mistake")
    if payment.is_correction:
        return payment.get_method_display()
    return _("payment (%(method)s), receipt %(number)s") % {
        "method": payment.get_method_display(), "number": payment.receipt_number or payment.pk,
    }  # fmt: skip


def charge_entries(charge: Charge) -> list[Entry]:
    """Every entry that touched the charge, in order, with who, when and why.

    Money comes off a charge again in two ways (bukve/accounts/services.py): the payment was
    reversed (taken by mistake), or the charge was reversed and its payments released as
    credit. Whichever of the two happened first took the money back."""
    allocations = list(
        charge.allocations.select_related(
            "payment__taken_by", "payment__reversal__taken_by"
        ).order_by("id")
    )
    cancelled = next((a.payment for a in allocations if a.payment.method == Payment.REVERSAL
                      and a.payment.reverses_id is None), None)  # fmt: skip
    entries = []
    for a in allocations:
        p = a.payment
        if a.amount >= 0:
            money_in = p if p.method in Payment.MONEY else None
            entries.append(Entry(p.date, _what(p), a.amount, p.taken_by, p.note, money_in))
            continue
        undo = getattr(p, "reversal", None)  # the payment's reversal entry, if any
        if undo is not None and (cancelled is None or undo.created_at <= cancelled.created_at):
            what = _("payment %(number)s reversed") % {"number": p.receipt_number or p.pk}
            entries.append(Entry(undo.date, what, a.amount, undo.taken_by, undo.note, p))
        elif cancelled is not None:
            what = _("payment %(number)s released as credit, the charge being reversed") % {
                "number": p.receipt_number or p.pk}  # fmt: skip
            entries.append(Entry(cancelled.date, what, a.amount, cancelled.taken_by,
                                 cancelled.note, p))  # fmt: skip
    return entries


def charge_context(request: HttpRequest, charge: Charge) -> dict[str, object]:
    """What the charge page adds about corrections (bukve/desk/views.py, `charge`)."""
    reversed_ = charge.allocations.filter(payment__method=Payment.REVERSAL,
                                          payment__reverses__isnull=True).exists()  # fmt: skip
    return {
        "entries": charge_entries(charge),
        "charge_reversed": reversed_,
        "may_write_off": request.staff.may(Staff.DIRECTOR) and charge.open_amount > 0,
        "write_off_form": WriteOffForm(initial={"amount": charge.open_amount}, prefix="write_off"),
        "may_reverse": request.staff.may(Staff.BRANCH_HEAD) and not reversed_,
        "reverse_form": ReasonForm(prefix="reverse"),
    }


def _charge(request: HttpRequest, pk: int) -> Charge:
    return get_object_or_404(Charge, pk=pk, library=request.staff.library)


@require_POST
@staff_required(Staff.DIRECTOR)
def charge_write_off(request: HttpRequest, pk: int) -> HttpResponse:
    """The director writes off (part of) a debt that cannot be collected; the reason is kept."""
    charge = _charge(request, pk)
    form = WriteOffForm(request.POST, prefix="write_off")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("desk:charge", pk=charge.pk)
    try:
        ledger.charge_correct(
            charge=charge, kind=Payment.WRITE_OFF, amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"], by=request.user, day=_today(),
        )  # fmt: skip
    except Refused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("%(amount)s written off.")
                         % {"amount": money(form.cleaned_data["amount"])})  # fmt: skip
    return redirect("desk:charge", pk=charge.pk)


@require_POST
@staff_required(Staff.BRANCH_HEAD)
def charge_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a charge recorded by mistake; money paid on it goes back to the member as
    credit (and pays their other debts)."""
    charge = _charge(request, pk)
    form = ReasonForm(request.POST, prefix="reverse")
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("desk:charge", pk=charge.pk)
    try:
        ledger.charge_reverse(charge=charge, reason=form.cleaned_data["reason"],
                              by=request.user, day=_today())  # fmt: skip
    except Refused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("The charge is reversed."))
    return redirect("desk:charge", pk=charge.pk)


@require_POST
@staff_required(Staff.BRANCH_HEAD)
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a payment taken by mistake (a wrong amount, a declined card): the debts it paid
    are open again."""
    taken = get_object_or_404(Payment, pk=pk, library=request.staff.library)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            ledger.payment_reverse(payment=taken, reason=form.cleaned_data["reason"],
                                   by=request.user, day=_today())  # fmt: skip
        except Refused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("Payment %(number)s of %(amount)s is reversed.") % {
                "number": taken.receipt_number or taken.pk, "amount": money(taken.amount),
            })  # fmt: skip
    else:
        _form_errors(request, form)
    if taken.member_id is None:
        return redirect(f"{reverse('desk:money_takings')}?date={taken.date.isoformat()}")
    return _to_member(taken.member, "account")  # type: ignore[arg-type]


# --- the member page ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    plan: InstallmentPlan
    installments: list[tuple[Installment, bool]]  # and whether it is paid, oldest first
    total: Decimal
    paid: Decimal
    due_now: Decimal  # installments due by today, not yet paid
    late: Decimal  # installments unpaid as long as makes a debt old: the plan is not kept


def member_context(
    request: HttpRequest, member: Member, today: date, loans: list[Loan]
) -> dict[str, object]:
    """What the member page adds about money (bukve/desk/views.py, `member`): Maribor's
    rule instead of the payment form, the reversible payments, the installment plans."""
    policy = policy_for(member.library, today)
    plans = []
    plans_ = member.plans.select_related("approved_by").prefetch_related("installments", "charges")
    for plan in plans_.order_by("date", "id"):
        paid = sum((c.amount - c.open_amount for c in plan.charges.all()), Decimal("0.00"))
        installments, total = [], Decimal("0.00")
        for installment in plan.installments.all():
            total += installment.amount
            installments.append((installment, total <= paid))
        late = ledger.plan_arrears(plan, today, policy.debt_age_months)
        due_now = ledger.plan_arrears(plan, today, 0)
        plans.append(PlanRow(plan, installments, total, paid, due_now, late))
    may_plan = request.staff.may(Staff.DIRECTOR) and plannable(member).exists()
    return {
        "return_first": ledger.return_first_refusal(member, today),
        "noticed": [loan for loan in loans if loan.notice_level > 0],
        "reversible": set(
            member.payments.filter(method__in=Payment.MONEY, reversal__isnull=True).values_list(
                "pk", flat=True
            )
        ),
        "reversed_payments": set(
            member.payments.filter(reversal__isnull=False).values_list("pk", flat=True)
        ),
        "may_reverse_payment": request.staff.may(Staff.BRANCH_HEAD),
        "plans": plans,
        "plans_block": policy.debt_blocks,
        "may_plan": may_plan,
        "plan_form": PlanForm(member=member, initial={"first_due": today + relativedelta(months=1)})
        if may_plan
        else None,
    }


@require_POST
@staff_required(Staff.DIRECTOR)
def plan_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The director lets a member pay debts in monthly installments (Tolmin art. 36)."""
    member = _member(request, pk)
    form = PlanForm(request.POST, member=member)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_member(member, "plans")
    data = form.cleaned_data
    try:
        plan = ledger.installment_plan_create(
            member=member, charges=list(data["charges"]), installments=data["installments"],
            first_due=data["first_due"], reason=data["reason"], by=request.user, day=_today(),
        )  # fmt: skip
    except Refused as refusal:
        _refused(request, refusal)
    else:
        messages.success(request, _("Installment plan of %(n)s installments agreed.")
                         % {"n": plan.installments.count()})  # fmt: skip
    return _to_member(member, "plans")


# --- takings and debts ----------------------------------------------------------------------


@staff_required(Staff.BRANCH_HEAD)
def takings(request: HttpRequest) -> HttpResponse:
    """The money the library took on a day, per method (a reversal counts against the method
    of the payment it undoes), that day's payments and corrections, and the debts open."""
    library = request.staff.library
    form = DayForm(request.GET if "date" in request.GET else None)
    day = form.cleaned_data["date"] if form.is_valid() else _today()
    per_method = ledger.takings(library, day)
    day_entries = Payment.objects.filter(library=library, date=day).select_related(
        "member", "taken_by", "reverses"
    )
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
        "payments": day_entries.filter(
            Q(method__in=Payment.MONEY) | Q(reverses__isnull=False)
        ).order_by("id"),
        "corrections": day_entries.filter(
            method__in=Payment.CORRECTIONS, reverses__isnull=True
        ).order_by("id"),
        "refunds": Charge.objects.filter(library=library, date=day, kind="refund")
        .select_related("member", "refund_of", "created_by")
        .order_by("id"),
        "outstanding": ledger.outstanding(library),
        # A walk-in sale's payment is reversed here; a member's also on the member page.
        "reversible": set(
            day_entries.filter(method__in=Payment.MONEY, reversal__isnull=True).values_list(
                "pk", flat=True
            )
        ),
        "reversed_payments": set(
            day_entries.filter(reversal__isnull=False).values_list("pk", flat=True)
        ),
        "may_reverse_payment": True,
        "section": "money",
    }
    return render(request, "desk/money/takings.html", context)


# --- collection -----------------------------------------------------------------------------


@staff_required(Staff.DIRECTOR)
def collection(request: HttpRequest) -> HttpResponse:
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
def collection_export(request: HttpRequest) -> HttpResponse:
    library = request.staff.library
    response = HttpResponse(
        handover.collection_csv(library), content_type="text/csv; charset=utf-8"
    )
    name = f"{library.code}-collection-{_today().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@staff_required(Staff.DIRECTOR)
def collection_hand_over(request: HttpRequest) -> HttpResponse:
    form = HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to hand the members over."))
        return redirect("desk:money_collection")
    try:
        handed = handover.collection_hand_over(
            library=request.staff.library, day=_today(), by=request.user
        )
    except Refused as refusal:
        _refused(request, refusal)
    else:
        messages.success(
            request, _("%(n)s members handed over to collection.") % {"n": len(handed)}
        )
    return redirect("desk:money_collection")
