"""Reads of the ledger that pages share."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from bukve.accounts.models import Allocation, BankTransaction, Charge, InstallmentPlan, Payment
from bukve.libraries.models import Library
from bukve.members.models import Member

# --- the staff desk (bukve/desk) ------------------------------------------------------------


def member_charges(member: Member) -> QuerySet[Charge]:
    """The member's charges, the newest first."""
    return member.charges.select_related("item__record").order_by("-date", "-id")


def member_payments(member: Member) -> QuerySet[Payment]:
    """The member's payments and corrections, the newest first."""
    return member.payments.select_related("taken_by").order_by("-date", "-id")


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
