"""Reads of the money ledger that pages, the API and the command line share. Reads only;
writes are the services'."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from bukve.accounts.models import Allocation, Charge, OnlinePayment, Payment
from bukve.members.models import Member

# --- the member portal, the JSON API and the command line -----------------------------------


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
    return list(
        Charge.objects.filter(member=member, open_amount__gt=0)
        .select_related("item__record")
        .order_by("date", "id")
    )


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
