"""The money ledger: charges, payments, corrections and how payments settle charges.

The ledger is append-only. A charge or a payment is never changed or deleted; a correction
is a new entry with who, when and why: a waiver or a write-off settles a charge without
money, a reversal cancels a charge recorded by mistake, and a payment taken by mistake is
undone by a reversal entry that reopens what it paid. The only columns that change are the
running sums kept for fast queries (`Charge.open_amount`, `Payment.unallocated`), and
`ledger_check` (accounts/ledger.py) proves they equal the entries.

Payments settle the oldest open charges first unless the payer picks charges; what is left
stays as a credit and settles the next charges as they are recorded (RULES.md 1, Debts and
blocks; accounts/settlement.py).

Locks: the member first, then the charges and payments of that member, then the library's
receipt sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from bukve.accounts.events import debts_settled
from bukve.accounts.models import (
    Allocation,
    Charge,
    Installment,
    InstallmentPlan,
    Payment,
)
from bukve.accounts.settlement import (
    CENT,
    ZERO,
    credit_settle,
    receipt_number_next,
)
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.members.services import member_lock
from bukve.refusals import Refused
from bukve.rules import money
from bukve.rules.money import old_debt_cutoff
from bukve.rules.policy import Policy


def return_first_refusal(member: Member, day: date) -> str | None:
    """Maribor (seed 001): items that already have a notice must be returned before the
    debts are paid; online payment of notice fees is offered only once the items are back."""
    if not policy_for(member.library, day).return_noticed_items_before_paying:
        return None
    if member.loans.filter(status="out", notice_level__gt=0).exists():
        return "return_items_first"
    return None


def payment_take(
    *,
    member: Member,
    day: date,
    amount: Decimal | None = None,
    method: str = "cash",
    taken_by: User | None = None,
    charges: Sequence[Charge] = (),
    note: str = "",
    enforce_return_first: bool = True,
    idempotency_key: str = "",
    debt_seen: Decimal | None = None,
) -> Payment:
    """Take a payment and give it a receipt number. It settles the picked charges first (in
    the order given), then the oldest; what is left stays as a credit. Without an amount it
    pays the picked charges, or without those the whole open debt.

    One payment per click: a payment taken with the same `idempotency_key` (a desk form's
    one-time token, the API's Idempotency-Key header) is returned again and nothing more is
    booked; the key used for another member or method is refused
    (`idempotency_key_reused`). `debt_seen` is the open debt the payer was shown: when it
    has changed meanwhile (another desk took a payment), nothing is booked (`debt_changed`).

    Money already received (a bank transfer, a confirmed online payment) is booked with
    `enforce_return_first=False`: Maribor's rule is applied where the payment is offered.
    Locks: the member, then the picked charges, then the receipt sequence.
    """

    if method not in Payment.MONEY:
        raise ValueError(f"not a payment method: {method!r}")
    try:
        with transaction.atomic():
            member = member_lock(member.pk)
            earlier = _paid_with_key(member, idempotency_key, method, amount)
            if earlier is not None:
                return earlier
            if debt_seen is not None and open_debt(member) != debt_seen:
                raise Refused("debt_changed")
            return _payment_book(member, day, amount, method, taken_by, charges, note,
                                 enforce_return_first, idempotency_key)  # fmt: skip
    except IntegrityError:  # the key was taken at this moment for another member
        if idempotency_key and Payment.objects.filter(idempotency_key=idempotency_key).exists():
            raise Refused("idempotency_key_reused") from None
        raise


def _paid_with_key(member: Member, key: str, method: str, amount: Decimal | None) -> Payment | None:
    """The payment taken earlier with this key, or None. Caller holds the member lock."""
    if not key:
        return None
    earlier = Payment.objects.filter(library_id=member.library_id, idempotency_key=key).first()
    if earlier is None:
        return None
    if (earlier.member_id, earlier.method) != (member.pk, method) or (
        amount is not None and amount != earlier.amount
    ):
        raise Refused("idempotency_key_reused")
    return earlier


def _payment_book(
    member: Member, day: date, amount: Decimal | None, method: str, taken_by: User | None,
    charges: Sequence[Charge], note: str, enforce_return_first: bool, idempotency_key: str,
) -> Payment:  # fmt: skip
    """payment_take's booking. Caller holds the member lock."""
    if enforce_return_first and (reason := return_first_refusal(member, day)):
        raise Refused(reason)
    picked = list(
        Charge.objects.select_for_update()
        .filter(pk__in=[c.pk for c in charges], member=member, open_amount__gt=0)
        .order_by("date", "id")
    )
    if len(picked) != len({c.pk for c in charges}):
        raise Refused("charge_not_open")
    order = [c.pk for c in charges]
    picked.sort(key=lambda c: order.index(c.pk))
    if amount is None:
        amount = sum((c.open_amount for c in picked), ZERO) if picked else open_debt(member)
    if amount <= 0:
        raise Refused("amount_not_positive")
    payment = Payment.objects.create(
        library_id=member.library_id, member=member, date=day, amount=amount,
        unallocated=amount, method=method, taken_by=taken_by, note=note[:300],
        receipt_number=receipt_number_next(member.library_id, day),
        idempotency_key=idempotency_key,
    )  # fmt: skip
    credit_settle(member, picked)
    _paid_up(member)
    payment.refresh_from_db(fields=["unallocated"])  # _settle worked on its own copy
    return payment


def _paid_up(member: Member) -> None:
    """What settling a member's debts ends: the "in collection" state, once all is back and
    paid, and a registration waiting for its fee (Tolmin art. 13.a). Caller holds the
    member lock."""
    debts_settled.send(sender=payment_take, member=member)


# --- corrections ------------------------------------------------------------------------------


def _correction(
    *, member: Member | None, library_id: int, kind: str, amount: Decimal, reason: str,
    by: User, day: date, **fields: object,
) -> Payment:  # fmt: skip
    return Payment.objects.create(
        library_id=library_id, member=member, date=day, amount=amount, unallocated=ZERO,
        method=kind, note=reason, taken_by=by, **fields,
    )  # fmt: skip


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Refused("reason_required")
    return reason[:300]


def charge_correct(
    *, charge: Charge, kind: str, amount: Decimal, reason: str, by: User, day: date
) -> Payment:
    """Settle (part of) a charge without money: a waiver on the director's decision (Tolmin
    art. 17, 36, 58.a) or a write-off of a debt that cannot be collected. The entry settles
    only this charge and keeps who decided, when and why. Locks: member, then the charge."""

    if kind not in (Payment.WAIVER, Payment.WRITE_OFF):
        raise ValueError(f"not a correction: {kind!r}")
    reason = _reason(reason)
    if amount <= 0:
        raise Refused("amount_not_positive")
    with transaction.atomic():
        member = member_lock(charge.member_id) if charge.member_id else None
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if amount > charge.open_amount:
            raise Refused("waiver_exceeds_debt")
        entry = _correction(member=member, library_id=charge.library_id, kind=kind,
                            amount=amount, reason=reason, by=by, day=day)  # fmt: skip
        Allocation.objects.create(payment=entry, charge=charge, amount=amount)
        charge.open_amount -= amount
        charge.save(update_fields=["open_amount"])
        if member:
            _paid_up(member)
        return entry


def charge_waive(*, charge: Charge, amount: Decimal, reason: str, by: User, day: date) -> Payment:
    """Waive (part of) a charge on the director's decision (Tolmin art. 17, 36, 58.a)."""
    return charge_correct(charge=charge, kind=Payment.WAIVER, amount=amount, reason=reason,
                          by=by, day=day)  # fmt: skip


def _net_allocations(allocations: QuerySet[Allocation], by: str) -> dict[int, Decimal]:
    """What each payment (by="payment") or charge (by="charge") still has allocated."""
    sums = allocations.values(by).annotate(net=Sum("amount")).filter(net__gt=0)
    return {row[by]: row["net"] for row in sums}


def charge_reverse(*, charge: Charge, reason: str, by: User, day: date) -> Payment:
    """Cancel a charge recorded by mistake. Money paid on it is released as credit (and
    settles the member's other debts, oldest first); a reversal entry settles the rest.
    Locks: member, then the charge, then the payments that paid it."""

    reason = _reason(reason)
    with transaction.atomic():
        member = member_lock(charge.member_id) if charge.member_id else None
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge.allocations.filter(payment__method=Payment.REVERSAL,
                                     payment__reverses__isnull=True).exists():  # fmt: skip
            raise Refused("already_reversed")
        paid = _net_allocations(
            charge.allocations.filter(payment__method__in=Payment.MONEY), "payment"
        )
        for payment in Payment.objects.select_for_update().filter(pk__in=paid).order_by("pk"):
            Allocation.objects.create(payment=payment, charge=charge, amount=-paid[payment.pk])
            payment.unallocated += paid[payment.pk]
            payment.save(update_fields=["unallocated"])
        rest = charge.open_amount + sum(paid.values(), ZERO)
        if rest == 0:  # waived or written off in full: nothing is left to cancel
            raise Refused("nothing_to_reverse")
        entry = _correction(member=member, library_id=charge.library_id, kind=Payment.REVERSAL,
                            amount=rest, reason=reason, by=by, day=day)  # fmt: skip
        Allocation.objects.create(payment=entry, charge=charge, amount=rest)
        charge.open_amount = ZERO
        charge.save(update_fields=["open_amount"])
        if member:
            credit_settle(member)
            _paid_up(member)
        return entry


def payment_reverse(*, payment: Payment, reason: str, by: User, day: date) -> Payment:
    """Undo a payment taken by mistake (a wrong amount, a declined card): a reversal entry of
    the opposite amount, and the charges it paid are open again. A walk-in sale's payment
    takes its sale with it. Locks: member, then the payment, then its charges."""

    reason = _reason(reason)
    with transaction.atomic():
        member = member_lock(payment.member_id) if payment.member_id else None
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.method not in Payment.MONEY:
            raise Refused("not_a_payment")
        if Payment.objects.filter(reverses=payment).exists():
            raise Refused("already_reversed")
        paid = _net_allocations(payment.allocations.all(), "charge")
        reopened = list(Charge.objects.select_for_update().filter(pk__in=paid).order_by("pk"))
        for charge in reopened:
            Allocation.objects.create(payment=payment, charge=charge, amount=-paid[charge.pk])
            charge.open_amount += paid[charge.pk]
            charge.save(update_fields=["open_amount"])
        payment.unallocated = payment.amount
        payment.save(update_fields=["unallocated"])
        entry = Payment.objects.create(
            library_id=payment.library_id, member=member, date=day, amount=-payment.amount,
            unallocated=-payment.amount, method=Payment.REVERSAL, note=reason, taken_by=by,
            reverses=payment,
        )  # fmt: skip
        if member:
            credit_settle(member)
        else:
            for charge in reopened:
                charge_reverse(charge=charge, reason=reason, by=by, day=day)
        return entry


def payment_refund(
    *, payment: Payment, amount: Decimal, reason: str, by: User | None, day: date
) -> Charge:
    """Pay back (part of) a payment's credit to the member: money taken twice (an online
    payment confirmed after the desk had taken the same debt), or paid in excess. Booked as a
    charge of kind "refund", settled by this payment's credit, so the member's balance and
    the payment's credit go down together; the day's takings count it against the payment's
    method. Refused beyond the payment's credit (`refund_exceeds_credit`).
    Locks: the member, then the payment."""

    reason = _reason(reason)
    if amount <= 0:
        raise Refused("amount_not_positive")
    with transaction.atomic():
        member = member_lock(payment.member_id) if payment.member_id else None
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.method not in Payment.MONEY or hasattr(payment, "reversal"):
            raise Refused("not_a_payment")
        if amount > payment.unallocated:
            raise Refused("refund_exceeds_credit")
        refund = Charge.objects.create(
            library_id=payment.library_id, member=member, date=day, kind="refund", amount=amount,
            open_amount=ZERO, refund_of=payment, note=reason, created_by=by,
        )  # fmt: skip
        Allocation.objects.create(payment=payment, charge=refund, amount=amount)
        payment.unallocated -= amount
        payment.save(update_fields=["unallocated"])
        return refund


# --- price-list sales -------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleLine:
    """An item of the price list and how many: pages, units, days; for a rental per started
    hour, the minutes it lasted."""

    code: str
    quantity: int = 1


@dataclass(frozen=True)
class Sale:
    charges: list[Charge]
    payment: Payment | None  # None: charged to the member's account


def sale_record(
    *,
    library: Library,
    day: date,
    lines: Sequence[SaleLine],
    by: User | None,
    member: Member | None = None,
    method: str | None = None,
    idempotency_key: str = "",
) -> Sale:
    """Sell items of the library's price list at the desk, at the prices valid on the day
    (price lists are dated). To a member's account (no method), or paid at once with a
    receipt: by a member, or as a walk-in sale with no member. A price that includes VAT
    keeps its rate on the charge for the receipt (Maribor's price list, seed 002). A sale
    made with the same `idempotency_key` (the desk form's one-time token) is returned again
    and nothing more is sold. Locks: the member, then the receipt sequence."""

    if not lines:
        raise Refused("nothing_sold")
    if member is None and method is None:
        raise Refused("walk_in_pays_at_once")
    if method is not None and method not in Payment.MONEY:
        raise ValueError(f"not a payment method: {method!r}")
    policy = policy_for(library, day)
    try:
        with transaction.atomic():
            if member is not None:
                member = member_lock(member.pk)
                if member.library_id != library.pk:
                    raise Refused("not_a_member")
            if idempotency_key and (earlier := _sold_with_key(library, idempotency_key)):
                return earlier
            return _sale_book(library, day, lines, by, member, method, policy, idempotency_key)
    except IntegrityError:  # a walk-in sale with this key was paid at this very moment
        if idempotency_key and (earlier := _sold_with_key(library, idempotency_key)):
            return earlier
        raise


def _sold_with_key(library: Library, key: str) -> Sale | None:
    charges = list(Charge.objects.filter(library=library, idempotency_key=key).order_by("pk"))
    if not charges:
        return None
    return Sale(charges, Payment.objects.filter(library=library, idempotency_key=key).first())


def _sale_book(
    library: Library, day: date, lines: Sequence[SaleLine], by: User | None,
    member: Member | None, method: str | None, policy: Policy, key: str,
) -> Sale:  # fmt: skip
    """sale_record's booking. Caller holds the member lock."""
    charges = []
    for line in lines:
        price = policy.prices.get(line.code)
        if price is None:
            raise Refused("not_in_price_list")
        if line.quantity <= 0:
            raise Refused("amount_not_positive")
        units = money.sale_units(price.unit, line.quantity)
        charges.append(Charge.objects.create(
            library=library, member=member, date=day, kind="sale", amount=price.amount * units,
            open_amount=price.amount * units, units=units, price_code=price.code,
            unit_price=price.amount, vat_rate=policy.vat.rate_of(price, day), note=price.name,
            created_by=by, idempotency_key=key,
        ))  # fmt: skip
    if method is None:
        assert member is not None
        credit_settle(member)
        return Sale(charges, None)
    total = sum((c.amount for c in charges), ZERO)
    payment = Payment.objects.create(
        library=library, member=member, date=day, amount=total, unallocated=total,
        method=method, taken_by=by, receipt_number=receipt_number_next(library.pk, day),
        idempotency_key=key,
    )  # fmt: skip
    if member is not None:
        credit_settle(member, charges)
    else:
        Allocation.objects.bulk_create(Allocation(payment=payment, charge=c, amount=c.amount)
                                       for c in charges)  # fmt: skip
        Charge.objects.filter(pk__in=[c.pk for c in charges]).update(open_amount=ZERO)
        Payment.objects.filter(pk=payment.pk).update(unallocated=ZERO)
    payment.refresh_from_db(fields=["unallocated"])
    return Sale(charges, payment)


# --- installment plans ------------------------------------------------------------------------


def installment_plan_create(
    *,
    member: Member,
    charges: Sequence[Charge],
    installments: int,
    first_due: date,
    reason: str,
    by: User,
    day: date,
) -> InstallmentPlan:
    """Let a member pay debts in monthly installments on the director's decision (Tolmin
    art. 36). The open amount is split evenly in cents, the odd cents in the first one.
    Locks: the member, then the charges."""

    reason = _reason(reason)
    if not 2 <= installments <= 24:
        raise Refused("installments_out_of_range")
    if first_due < day:
        raise Refused("date_in_past")
    with transaction.atomic():
        member = member_lock(member.pk)
        picked = list(
            Charge.objects.select_for_update()
            .filter(pk__in=[c.pk for c in charges], member=member, open_amount__gt=0)
            .order_by("pk")
        )
        if not picked or len(picked) != len({c.pk for c in charges}):
            raise Refused("charge_not_open")
        if any(c.plans.exists() for c in picked):
            raise Refused("charge_in_plan")
        total = sum((c.open_amount for c in picked), ZERO)
        cents = int(total * 100)
        if cents < installments:
            raise Refused("installments_out_of_range")
        share, odd = divmod(cents, installments)
        plan = InstallmentPlan.objects.create(library_id=member.library_id, member=member,
                                              date=day, reason=reason, approved_by=by)  # fmt: skip
        plan.charges.set(picked)
        Installment.objects.bulk_create(
            Installment(plan=plan, due_date=first_due + relativedelta(months=n),
                        amount=Decimal(share + (odd if n == 0 else 0)) / 100)
            for n in range(installments)
        )  # fmt: skip
        return plan


def plan_arrears(plan: InstallmentPlan, today: date, months: int) -> Decimal:
    """What the member should have paid on the plan by now, counting installments only once
    they are `months` old (like any debt), less what its charges have been paid."""
    due = (
        plan.installments.filter(due_date__lte=old_debt_cutoff(today, months)).aggregate(
            s=Sum("amount")
        )["s"]
        or ZERO
    )
    charges = plan.charges.aggregate(paid=Sum(F("amount") - F("open_amount")))
    return max(ZERO, (due - (charges["paid"] or ZERO)).quantize(CENT))


# --- sums -------------------------------------------------------------------------------------


def open_debt(member: Member) -> Decimal:
    total = Charge.objects.filter(member=member).aggregate(s=Sum("open_amount"))["s"]
    return (total or ZERO).quantize(CENT)  # SQLite's sums drop trailing zeros


def credit(member: Member) -> Decimal:
    total = Payment.objects.filter(member=member).aggregate(s=Sum("unallocated"))["s"]
    return (total or ZERO).quantize(CENT)


def balance(member: Member) -> Decimal:
    """Charges less payments and corrections: what the member owes (negative: a credit)."""
    charged = Charge.objects.filter(member=member).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payment.objects.filter(member=member).aggregate(s=Sum("amount"))["s"] or ZERO
    return (charged - paid).quantize(CENT)


def has_old_debt(member: Member, today: date, months: int) -> bool:
    """A charge unpaid `months` after its date, outside an installment plan, or a plan's
    installment unpaid as long (Tolmin art. 35, 36)."""
    cutoff = old_debt_cutoff(today, months)
    if (
        Charge.objects.filter(member=member, open_amount__gt=0, date__lte=cutoff)
        .exclude(plans__isnull=False)
        .exists()
    ):
        return True
    return any(plan_arrears(plan, today, months) > 0 for plan in member.plans.all())


def takings(library: Library, day: date) -> dict[str, Decimal]:
    """Money taken on a day, per method; a payment reversed that day counts against the
    method it was taken by."""
    taken: dict[str, Decimal] = {method: ZERO for method in Payment.MONEY}
    rows = (
        Payment.objects.filter(library=library, date=day)
        .filter(Q(method__in=Payment.MONEY) | Q(reverses__isnull=False))
        .annotate(paid_by=Coalesce("reverses__method", "method"))
        .values("paid_by")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        taken[row["paid_by"]] = (row["total"] or ZERO).quantize(CENT)
    refunds = (
        Charge.objects.filter(library=library, date=day, kind="refund")
        .values("refund_of__method")
        .annotate(total=Sum("amount"))
    )
    for refund in refunds:
        method = refund["refund_of__method"]
        taken[method] = (taken[method] - (refund["total"] or ZERO)).quantize(CENT)
    return taken


def outstanding(library: Library) -> Decimal:
    total = Charge.objects.filter(library=library).aggregate(s=Sum("open_amount"))["s"]
    return (total or ZERO).quantize(CENT)
