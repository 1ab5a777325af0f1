"""The desk's pages of a member's account: taking a payment and its receipt, the statement
of loans and debts, a charge with its history and corrections (waived, written off,
reversed), payments reversed, and the installment plans on the member page.

Who may do what (bukve/libraries/models.py, Staff): circulation staff take payments; a
branch head or above reverses a charge or a payment recorded by mistake; the director waives
and writes off debts and grants installment plans (Tolmin art. 36). Every correction needs a
reason, kept in the ledger with who and when.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.models import User
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.accounts import services as ledger
from bukve.accounts.models import Charge, Installment, InstallmentPlan, Payment
from bukve.accounts.pdf import pdf_response, receipt_pdf, statement_document
from bukve.accounts.receipts import receipt_for
from bukve.accounts.selectors import (
    charge_allocations,
    charge_is_reversed,
    charges_plannable,
    member_plans,
    payment_allocations,
    reversed_ids,
    reversible_ids,
)
from bukve.accounts.slips import upn_qr_svg_data_uri
from bukve.circulation.fines import fine_explain
from bukve.circulation.models import Loan
from bukve.circulation.statements import statement_for
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.common import member_or_404, show_form_errors, show_refusal, to_member
from bukve.desk.forms import PaymentForm
from bukve.desk.money_forms import PlanForm, ReasonForm, WaiveForm, WriteOffForm
from bukve.formatting import money
from bukve.libraries.models import Staff
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.refusals import Refused


def _today() -> date:
    return timezone.localdate()


# --- payments and receipts ------------------------------------------------------------------


@require_POST
@staff_required()
def payment(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    form = PaymentForm(request.POST, member=member)
    if not form.is_valid():
        show_form_errors(request, form)
        return to_member(member, "account")
    try:
        taken = ledger.payment_take(
            member=member,
            day=timezone.localdate(),
            amount=form.cleaned_data["amount"],
            method=form.cleaned_data["method"],
            taken_by=request.user,
            charges=list(form.cleaned_data["charges"]),
            idempotency_key=form.cleaned_data["token"],
            debt_seen=form.cleaned_data["debt_seen"],
        )
    except Refused as refusal:
        show_refusal(request, refusal)
        return to_member(member, "account")
    messages.success(request, _("Payment of %(amount)s taken.") % {"amount": money(taken.amount)})
    return redirect("desk:receipt", pk=taken.pk)


@staff_required()
def receipt(request: DeskRequest, pk: int) -> HttpResponse:
    """A payment's receipt, to print: the charges it paid with the VAT included, any credit
    left; a walk-in sale's too. A correction (a waiver, a reversal) shows what it settled."""
    taken = get_object_or_404(
        Payment.objects.select_related("member", "library", "taken_by", "reverses"),
        pk=pk,
        library=request.staff.library,
    )
    context: dict[str, object] = {"payment": taken, "member": taken.member, "section": "members",
               "debt": ledger.open_debt(taken.member) if taken.member else None}  # fmt: skip
    if taken.method in Payment.MONEY:
        context["receipt"] = receipt_for(taken)
    else:
        context["allocations"] = payment_allocations(taken)
    return render(request, "desk/receipt.html", context)


@staff_required()
def receipt_download(request: DeskRequest, pk: int) -> HttpResponse:
    """A payment's receipt as PDF (payments of money only: a correction has no receipt)."""
    taken = get_object_or_404(
        Payment.objects.select_related("member", "library", "taken_by"),
        pk=pk,
        library=request.staff.library,
        method__in=Payment.MONEY,
    )
    found = receipt_for(taken)
    return pdf_response(receipt_pdf(found), found.filename)


@staff_required()
def statement(request: DeskRequest, pk: int) -> HttpResponse:
    """The member's list of loans and debts, to print (Tolmin art. 24)."""
    member = member_or_404(request, pk)
    found = statement_for(member, timezone.localdate())
    slip = found.bank.slip if found.bank else None
    context = {"member": member, "statement": found, "section": "members",
               "qr": upn_qr_svg_data_uri(slip) if slip else None}  # fmt: skip
    return render(request, "desk/statement.html", context)


@staff_required()
def statement_download(request: DeskRequest, pk: int) -> HttpResponse:
    """The member's loans and debts as PDF."""
    found = statement_for(member_or_404(request, pk), timezone.localdate())
    return pdf_response(statement_document(found), found.filename)


# --- a charge and its corrections ------------------------------------------------------


@staff_required()
def charge(request: DeskRequest, pk: int) -> HttpResponse:
    """A charge: what it is, how it was paid or waived, and a fine's day-by-day explanation."""
    charge = get_object_or_404(
        Charge.objects.select_related("member", "loan__branch", "item__record"),
        pk=pk,
        library=request.staff.library,
    )
    days = fine_explain(charge) if _explainable(charge) else None
    context: dict[str, object] = {
        "charge": charge,
        "member": charge.member,
        "days": days,
        "waive_form": WaiveForm(initial={"amount": charge.open_amount}),
        "may_waive": request.staff.may(Staff.DIRECTOR) and charge.open_amount > 0,
        "section": "members",
    }
    context.update(charge_context(request, charge))
    return render(request, "desk/charge.html", context)


def _explainable(charge: Charge) -> bool:
    return charge.kind == "fine" and charge.loan_id is not None and charge.stretch_from is not None


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
    allocations = charge_allocations(charge)
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


def charge_context(request: DeskRequest, charge: Charge) -> dict[str, object]:
    """What the charge page adds about corrections (`charge`)."""
    reversed_ = charge_is_reversed(charge)
    return {
        "entries": charge_entries(charge),
        "charge_reversed": reversed_,
        "may_write_off": request.staff.may(Staff.DIRECTOR) and charge.open_amount > 0,
        "write_off_form": WriteOffForm(initial={"amount": charge.open_amount}, prefix="write_off"),
        "may_reverse": request.staff.may(Staff.BRANCH_HEAD) and not reversed_,
        "reverse_form": ReasonForm(prefix="reverse"),
    }


@require_POST
@staff_required(Staff.DIRECTOR)
def waive(request: DeskRequest, pk: int) -> HttpResponse:
    """The director waives or reduces a charge (Tolmin art. 17, 36, 58.a); the reason is kept."""
    form = WaiveForm(request.POST)
    return _correct(request, pk, form, ledger.charge_waive, _("%(amount)s waived."))


def _correct(
    request: DeskRequest, pk: int, form: Form, correct: Callable[..., object], done: str
) -> HttpResponse:
    """Correct the charge through the service `correct`, with what the form holds (a reason,
    an amount) and who and when; then the charge page, with `done` or why not."""
    charge = get_object_or_404(Charge, pk=pk, library=request.staff.library)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("desk:charge", pk=charge.pk)
    data = form.cleaned_data
    try:
        correct(charge=charge, **data, by=request.user, day=_today())
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, done % {"amount": money(data.get("amount"))})
    return redirect("desk:charge", pk=charge.pk)


@require_POST
@staff_required(Staff.DIRECTOR)
def charge_write_off(request: DeskRequest, pk: int) -> HttpResponse:
    """The director writes off (part of) a debt that cannot be collected; the reason is kept."""
    form = WriteOffForm(request.POST, prefix="write_off")
    write_off = partial(ledger.charge_correct, kind=Payment.WRITE_OFF)
    return _correct(request, pk, form, write_off, _("%(amount)s written off."))


@require_POST
@staff_required(Staff.BRANCH_HEAD)
def charge_reverse(request: DeskRequest, pk: int) -> HttpResponse:
    """Cancel a charge recorded by mistake; money paid on it goes back to the member as
    credit (and pays their other debts)."""
    form = ReasonForm(request.POST, prefix="reverse")
    return _correct(request, pk, form, ledger.charge_reverse, _("The charge is reversed."))


@require_POST
@staff_required(Staff.BRANCH_HEAD)
def payment_reverse(request: DeskRequest, pk: int) -> HttpResponse:
    """Undo a payment taken by mistake (a wrong amount, a declined card): the debts it paid
    are open again."""
    taken = get_object_or_404(Payment, pk=pk, library=request.staff.library)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            ledger.payment_reverse(payment=taken, reason=form.cleaned_data["reason"],
                                   by=request.user, day=_today())  # fmt: skip
        except Refused as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, _("Payment %(number)s of %(amount)s is reversed.") % {
                "number": taken.receipt_number or taken.pk, "amount": money(taken.amount),
            })  # fmt: skip
    else:
        show_form_errors(request, form)
    if taken.member_id is None:
        return redirect(f"{reverse('desk:money_takings')}?date={taken.date.isoformat()}")
    return to_member(taken.member, "account")  # type: ignore[arg-type]


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
    request: DeskRequest, member: Member, today: date, loans: list[Loan]
) -> dict[str, object]:
    """What the member page adds about money (bukve/desk/views.py, `member`): Maribor's
    rule instead of the payment form, the reversible payments, the installment plans."""
    policy = policy_for(member.library, today)
    plans = []
    for plan in member_plans(member):
        paid = sum((c.amount - c.open_amount for c in plan.charges.all()), Decimal("0.00"))
        installments, total = [], Decimal("0.00")
        for installment in plan.installments.all():
            total += installment.amount
            installments.append((installment, total <= paid))
        late = ledger.plan_arrears(plan, today, policy.debt_age_months)
        due_now = ledger.plan_arrears(plan, today, 0)
        plans.append(PlanRow(plan, installments, total, paid, due_now, late))
    may_plan = request.staff.may(Staff.DIRECTOR) and charges_plannable(member).exists()
    return {
        "return_first": ledger.return_first_refusal(member, today),
        "noticed": [loan for loan in loans if loan.notice_level > 0],
        "reversible": reversible_ids(member.payments.all()),
        "reversed_payments": reversed_ids(member.payments.all()),
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
def plan_create(request: DeskRequest, pk: int) -> HttpResponse:
    """The director lets a member pay debts in monthly installments (Tolmin art. 36)."""
    member = member_or_404(request, pk)
    form = PlanForm(request.POST, member=member)
    if not form.is_valid():
        show_form_errors(request, form)
        return to_member(member, "plans")
    data = form.cleaned_data
    try:
        plan = ledger.installment_plan_create(
            member=member, charges=list(data["charges"]), installments=data["installments"],
            first_due=data["first_due"], reason=data["reason"], by=request.user, day=_today(),
        )  # fmt: skip
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("Installment plan of %(n)s installments agreed.")
                         % {"n": plan.installments.count()})  # fmt: skip
    return to_member(member, "plans")
