"""How the ledger records debts and settles them: a charge is settled from the member's
credit as it is recorded, and a payment settles the charges the payer picked, then the oldest
open ones; what is left stays as a credit (RULES.md 1, Debts and blocks). Receipts are
numbered per library and year.

These are the building blocks of the ledger's services (accounts/services.py) and of the
services that record charges (circulation, membership): the caller holds the member lock and
the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from bukve.accounts.models import Allocation, Charge, Payment, ReceiptSequence
from bukve.members.models import Member

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
    credit_settle(member)
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
        payments_with_credit(
            Payment.objects.filter(member_id__in={c.member_id for c in charges})
        ).values_list("member_id", flat=True)
    )
    batch: list[Charge] = []
    for charge in charges:
        member = charge.member
        assert member is not None  # only a walk-in sale has no member, and it is not recorded here
        charge.library_id = member.library_id
        charge.open_amount = charge.amount
        if charge.member_id in with_credit:
            Charge.objects.bulk_create(batch)
            batch = []
            charge.save(force_insert=True)
            credit_settle(member)
        else:
            batch.append(charge)
    Charge.objects.bulk_create(batch)


def payments_with_credit(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Payments with money left to allocate. A reversed payment has none: its reversal entry
    holds the opposite amount."""
    return payments.filter(unallocated__gt=0, reversal__isnull=True)


def credit_settle(member: Member, picked: Sequence[Charge] = ()) -> None:
    """Allocate the member's credit to open charges: the picked ones first, in the order
    given, then the rest oldest first.

    The allocations are inserted together and each payment is saved once, when its share
    is worked out, instead of after every allocation.
    """
    payments = list(
        payments_with_credit(Payment.objects.filter(member=member)).order_by("date", "id")
    )
    if not payments:
        return
    allocations: list[Allocation] = []
    paid_from: dict[int, Payment] = {}  # the payments allocated from, to save
    oldest = Charge.objects.filter(member=member, open_amount__gt=0).order_by("date", "id")
    seen: set[int] = set()
    for charge in [*picked, *oldest]:
        if charge.pk in seen:
            continue
        seen.add(charge.pk)
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


def receipt_number_next(library_id: int, day: date) -> str:
    """The next receipt number of the library in the day's year: 2026-000123."""
    ReceiptSequence.objects.get_or_create(library_id=library_id, year=day.year)
    sequence = ReceiptSequence.objects.select_for_update().get(library_id=library_id,
                                                               year=day.year)  # fmt: skip
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{day.year}-{sequence.last:06d}"
