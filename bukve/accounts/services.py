"""The money ledger: charges, payments and how payments settle charges.

Payments settle the oldest open charges first; what is left stays as a credit and settles
the next charges as they are recorded (RULES.md 1, Debts and blocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Sum

from bukve.accounts.models import Allocation, Charge, Payment
from bukve.members.models import Member
from bukve.refusals import Refused
from bukve.rules.money import old_debt_cutoff

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def charge_record(
    *, member: Member, day: date, kind: str, amount: Decimal, **links: object
) -> Charge:
    """Record a debt and settle it from the member's credit. Caller holds the member lock."""
    charge = Charge.objects.create(
        library_id=member.library_id,
        member=member,
        date=day,
        kind=kind,
        amount=amount,
        open_amount=amount,
        **links,
    )
    _settle(member)
    return charge


def charges_record(*, charges: Sequence[Charge]) -> None:
    """Record many debts at once (the daily run's fines and notice fees), with the same
    result as `charge_record` called for each in the given order.

    The charges come unsaved, with member, date, kind, amount and links; the library and the
    open amount are filled in here. Only a member with a credit (a payment not yet allocated)
    has anything to settle, so only their charges are saved one by one and settled; the rest
    are inserted together. The order is kept, so ids, which break ties between charges of
    the same day when settling oldest first, are the same. Caller holds the members' locks.
    """
    if not charges:
        return
    with_credit = set(
        Payment.objects.filter(
            member_id__in={c.member_id for c in charges}, unallocated__gt=0
        ).values_list("member_id", flat=True)
    )
    batch: list[Charge] = []
    for charge in charges:
        charge.library_id = charge.member.library_id
        charge.open_amount = charge.amount
        if charge.member_id in with_credit:
            Charge.objects.bulk_create(batch)
            batch = []
            charge.save(force_insert=True)
            _settle(charge.member)
        else:
            batch.append(charge)
    Charge.objects.bulk_create(batch)


def _settle(member: Member) -> None:
    """Allocate unallocated payments to open charges, oldest first.

    The allocations are inserted together and each payment is saved once, when its share
    is worked out, instead of after every allocation.
    """
    payments = list(Payment.objects.filter(member=member, unallocated__gt=0).order_by("date", "id"))
    if not payments:
        return
    allocations: list[Allocation] = []
    paid_from: dict[int, Payment] = {}  # the payments allocated from, to save
    charges = Charge.objects.filter(member=member, open_amount__gt=0).order_by("date", "id")
    for charge in charges:
        while charge.open_amount > 0 and payments:
            payment = payments[0]
            amount = min(payment.unallocated, charge.open_amount)
            allocations.append(Allocation(payment=payment, charge=charge, amount=amount))
            payment.unallocated -= amount
            charge.open_amount -= amount
            paid_from[payment.pk] = payment
            if payment.unallocated == 0:
                payments.pop(0)
        charge.save(update_fields=["open_amount"])
        if not payments:
            break
    Allocation.objects.bulk_create(allocations)
    for payment in paid_from.values():
        payment.save(update_fields=["unallocated"])


def payment_take(
    *,
    member: Member,
    day: date,
    amount: Decimal | None = None,
    method: str = "cash",
    taken_by: User | None = None,
) -> Payment:
    """Take a payment; without an amount, the whole open debt.

    Maribor (seed 001): items that already have a notice must be returned before debts are
    paid (`return_items_first`).
    """
    from bukve.circulation.services import collection_refresh, member_lock
    from bukve.libraries.services import policy_for

    with transaction.atomic():
        member = member_lock(member.pk)
        policy = policy_for(member.library, day)
        if (
            policy.return_noticed_items_before_paying
            and member.loans.filter(status="out", notice_level__gt=0).exists()
        ):
            raise Refused("return_items_first")
        if amount is None:
            amount = open_debt(member)
        if amount <= 0:
            raise Refused("amount_not_positive")
        if method == Payment.WAIVER or method not in dict(Payment.METHODS):
            raise ValueError(f"not a payment method: {method!r}")
        payment = Payment.objects.create(
            library_id=member.library_id, member=member, date=day, amount=amount,
            unallocated=amount, method=method, taken_by=taken_by,
        )  # fmt: skip
        _settle(member)
        collection_refresh(member)
        payment.refresh_from_db(fields=["unallocated"])  # _settle worked on its own copy
        return payment


def charge_waive(*, charge: Charge, amount: Decimal, reason: str, by: User, day: date) -> Payment:
    """Waive (part of) a charge on the director's decision (Tolmin art. 17, 36, 58.a).

    The waiver is a ledger entry of its own, kept with who decided, when and why; it settles
    only this charge. Locks: member, then the charge."""
    from bukve.circulation.services import collection_refresh, member_lock

    reason = reason.strip()
    if not reason:
        raise Refused("reason_required")
    if amount <= 0:
        raise Refused("amount_not_positive")
    with transaction.atomic():
        member = member_lock(charge.member_id)
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if amount > charge.open_amount:
            raise Refused("waiver_exceeds_debt")
        waiver = Payment.objects.create(
            library_id=member.library_id, member=member, date=day, amount=amount,
            unallocated=ZERO, method=Payment.WAIVER, note=reason, taken_by=by,
        )  # fmt: skip
        Allocation.objects.create(payment=waiver, charge=charge, amount=amount)
        charge.open_amount -= amount
        charge.save(update_fields=["open_amount"])
        collection_refresh(member)
        return waiver


def open_debt(member: Member) -> Decimal:
    total = Charge.objects.filter(member=member).aggregate(s=Sum("open_amount"))["s"]
    return (total or ZERO).quantize(CENT)  # SQLite's sums drop trailing zeros


def balance(member: Member) -> Decimal:
    """Charges less payments: what the member owes (negative: a credit)."""
    charged = Charge.objects.filter(member=member).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payment.objects.filter(member=member).aggregate(s=Sum("amount"))["s"] or ZERO
    return (charged - paid).quantize(CENT)


def has_old_debt(member: Member, today: date, months: int) -> bool:
    return Charge.objects.filter(
        member=member, open_amount__gt=0, date__lte=old_debt_cutoff(today, months)
    ).exists()
