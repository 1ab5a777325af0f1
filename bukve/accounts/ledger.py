"""Proving the ledger adds up: every running sum equals its entries, nothing is settled
twice, no credit is left while owing (`bukve ledger check`)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum

from bukve.accounts.models import Allocation, Charge, Payment
from bukve.accounts.settlement import CENT, ZERO, payments_with_credit
from bukve.libraries.models import Library

LEDGER_MAX = Decimal("9999999.99")  # DecimalField(max_digits=9, decimal_places=2)


def _beyond(entries: QuerySet, *fields: str) -> list[int]:  # type: ignore[type-arg]
    """The ids of entries with an amount in `fields` that the ledger's columns cannot hold."""
    beyond = Q()
    for name in fields:
        beyond |= Q(**{f"{name}__gt": LEDGER_MAX}) | Q(**{f"{name}__lt": -LEDGER_MAX})
    return list(entries.filter(beyond).values_list("pk", flat=True))


def ledger_check(library: Library | None = None) -> list[str]:
    """Prove the ledger adds up; returns what does not (empty: all is well).

    Every charge's open amount is its amount less its allocations, between 0 and the amount;
    every payment's credit is its amount less its allocations (0 for a correction, the whole
    amount for a reversed payment and its reversal); no allocation takes back more than was
    allocated; allocations stay within one member and library; and no member has a credit
    while owing. Sums are compared in Python, as exact Decimals (SQLite adds in floats).
    """
    problems: list[str] = []
    scope = Q(library=library) if library else Q()
    # An amount beyond the ledger's nine digits cannot even be read back (SQLite stores what
    # it is given): such entries are named, and the checks below pass them by.
    charges_beyond = _beyond(Charge.objects.filter(scope), "amount", "open_amount")
    payments_beyond = _beyond(Payment.objects.filter(scope), "amount", "unallocated")
    allocations = Allocation.objects.filter(Q(charge__library=library) if library else Q())
    allocations_beyond = _beyond(allocations, "amount")
    for kind, pks in (("charge", charges_beyond), ("payment", payments_beyond),
                      ("allocation", allocations_beyond)):  # fmt: skip
        problems += [f"{kind} {pk}: an amount beyond what the ledger holds" for pk in pks]
    allocations = allocations.exclude(pk__in=allocations_beyond).exclude(
        Q(charge__in=charges_beyond) | Q(payment__in=payments_beyond)
    )
    pairs = allocations.values_list("payment", "charge").annotate(net=Sum("amount"))
    to_charge: dict[int, Decimal] = {}
    from_payment: dict[int, Decimal] = {}
    for payment_id, charge_id, net in pairs.iterator():
        net = Decimal(net).quantize(CENT)
        if net < 0:
            problems.append(f"payment {payment_id} takes back more from charge {charge_id} "
                            "than it gave")  # fmt: skip
        to_charge[charge_id] = to_charge.get(charge_id, ZERO) + net
        from_payment[payment_id] = from_payment.get(payment_id, ZERO) + net
    for pk, amount, open_amount in (
        Charge.objects.filter(scope)
        .exclude(pk__in=charges_beyond)
        .values_list("pk", "amount", "open_amount")
        .iterator()
    ):
        entries = amount - to_charge.get(pk, ZERO)
        if open_amount != entries:
            problems.append(f"charge {pk}: open {open_amount}, entries say {entries}")
        if not ZERO <= open_amount <= amount:
            problems.append(f"charge {pk}: open {open_amount} of {amount}")
    payments = (
        Payment.objects.filter(scope)
        .exclude(pk__in=payments_beyond)
        .values_list("pk", "amount", "unallocated", "method", "reverses__amount", "reversal")
    )
    for pk, amount, unallocated, method, reversed_amount, reversal in payments.iterator():
        entries = amount - from_payment.get(pk, ZERO)
        if unallocated != entries:
            problems.append(f"payment {pk}: credit {unallocated}, entries say {entries}")
        if method in Payment.MONEY:
            whole = unallocated == amount if reversal else ZERO <= unallocated <= amount
            sound = amount > 0 and whole
        elif reversed_amount is not None:  # a reversed payment's reversal
            sound = amount == -reversed_amount and unallocated == amount
        else:
            sound = amount >= 0 and unallocated == 0
        if not sound:
            problems.append(f"{method} {pk}: {amount}, credit {unallocated}")
    crossed = allocations.exclude(
        Q(payment__library=F("charge__library"))
        & (Q(payment__member=F("charge__member"))
           | Q(payment__member__isnull=True, charge__member__isnull=True))
    )  # fmt: skip
    for allocation in crossed:
        problems.append(f"allocation {allocation.pk} joins another member's entries")
    owing = Charge.objects.filter(member=OuterRef("member"), open_amount__gt=0)
    with_credit = payments_with_credit(Payment.objects.filter(scope, member__isnull=False)).filter(
        Exists(owing)
    )
    for member_id in with_credit.values_list("member", flat=True).distinct():
        problems.append(f"member {member_id} has a credit while owing")
    return problems
