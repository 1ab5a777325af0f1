"""Reads of the money ledger that pages, the API and the command line share. Reads only;
writes are the services'."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from bukve.accounts.models import (
    Allocation,
    BankTransaction,
    Charge,
    InstallmentPlan,
    OnlinePayment,
    Payment,
)
from bukve.libraries.models import Library
from bukve.members.models import Member


def charges_open(member: Member) -> QuerySet[Charge]:
    """The member's charges not paid in full, the oldest first."""
    return member.charges.filter(open_amount__gt=0).order_by("date", "id")


def charges_plannable(member: Member) -> QuerySet[Charge]:
    """The member's open charges that are not in an installment plan yet."""
    return member.charges.filter(open_amount__gt=0, plans__isnull=True).order_by("date", "id")


def member_plans(member: Member) -> QuerySet[InstallmentPlan]:
    """The member's installment plans with their installments and charges, the oldest first."""
    plans = member.plans.select_related("approved_by").prefetch_related("installments", "charges")
    return plans.order_by("date", "id")


def reversible_ids(payments: QuerySet[Payment]) -> set[int]:
    """Which of `payments` are payments of money not reversed yet."""
    found = payments.filter(method__in=Payment.MONEY, reversal__isnull=True)
    return set(found.values_list("pk", flat=True))


def reversed_ids(payments: QuerySet[Payment]) -> set[int]:
    """Which of `payments` have been reversed."""
    return set(payments.filter(reversal__isnull=False).values_list("pk", flat=True))


def payment_allocations(payment: Payment) -> QuerySet[Allocation]:
    """What a payment (a correction) settled, the oldest charge first."""
    allocations = payment.allocations.select_related("charge__item__record")
    return allocations.order_by("charge__date")


def charge_allocations(charge: Charge) -> list[Allocation]:
    """Every allocation to or from a charge, in order, with the payments, their reversals
    and who took them."""
    return list(
        charge.allocations.select_related(
            "payment__taken_by", "payment__reversal__taken_by"
        ).order_by("id")
    )


def charge_is_reversed(charge: Charge) -> bool:
    """Whether the charge itself was reversed (recorded by mistake)."""
    return charge.allocations.filter(
        payment__method=Payment.REVERSAL, payment__reverses__isnull=True
    ).exists()


def payments_on(library: Library, day: date) -> QuerySet[Payment]:
    """The library's payments and corrections of a day, with the member, who took them and
    what they reverse."""
    return Payment.objects.filter(library=library, date=day).select_related(
        "member", "taken_by", "reverses"
    )


def money_payments(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Of `payments`, the payments of money and their reversals, in order."""
    return payments.filter(Q(method__in=Payment.MONEY) | Q(reverses__isnull=False)).order_by("id")


def corrections(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Of `payments`, the corrections (waivers, write-offs, ...) but reversals, in order."""
    return payments.filter(method__in=Payment.CORRECTIONS, reverses__isnull=True).order_by("id")


def refunds_on(library: Library, day: date) -> QuerySet[Charge]:
    """The refunds the library recorded on a day."""
    return (
        Charge.objects.filter(library=library, date=day, kind="refund")
        .select_related("member", "refund_of", "created_by")
        .order_by("id")
    )


def bank_transactions_unmatched(library: Library) -> QuerySet[BankTransaction]:
    """The last 100 bank transfers that matched no member, the newest first."""
    return (
        BankTransaction.objects.filter(library=library, status=BankTransaction.UNMATCHED)
        .select_related("imported_by")
        .order_by("-date", "-id")[:100]
    )


def charges_of(member: Member, *related: str) -> QuerySet[Charge]:
    """The member's charges, the latest first, with the relations `related` read along."""
    charges = Charge.objects.filter(member=member)
    if related:
        charges = charges.select_related(*related)
    return charges.order_by("-date", "-id")


def payments_of(member: Member, *related: str) -> QuerySet[Payment]:
    """The member's payments (and waivers), the latest first, with `related` read along."""
    payments = Payment.objects.filter(member=member)
    if related:
        payments = payments.select_related(*related)
    return payments.order_by("-date", "-id")


def open_charges(member: Member) -> list[Charge]:
    """The member's charges with something open on them, the oldest first."""
    return list(charges_open(member).select_related("item__record"))


def charges_picked(member: Member, ids: Iterable[str], purpose: str) -> QuerySet[Charge]:
    """The member's charges of `ids`; only the membership fee when paying for a membership."""
    charges = Charge.objects.filter(member=member, pk__in=ids)
    if purpose == "membership":
        charges = charges.filter(kind="membership")
    return charges


def online_orders(member_ids: Iterable[int]) -> QuerySet[OnlinePayment]:
    """The online payment orders of the members of `member_ids`."""
    return OnlinePayment.objects.filter(member__in=member_ids).select_related(
        "library", "member", "payment"
    )


def payment_paid(payment: Payment) -> list[Allocation]:
    """What a payment settled: its allocations, by the date of the charge."""
    allocations = payment.allocations.filter(amount__gt=0)
    return list(allocations.select_related("charge__item__record").order_by("charge__date"))


def library_fine(library_id: int, charge_id: int) -> Charge | None:
    """The fine of `charge_id` in the library, with what explaining it day by day reads."""
    return (
        Charge.objects.filter(
            library=library_id,
            pk=charge_id,
            kind="fine",
            loan__isnull=False,
            stretch_from__isnull=False,
        )
        .select_related("item", "loan__branch", "loan__library", "loan__item")
        .first()
    )
