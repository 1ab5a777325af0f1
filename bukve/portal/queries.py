"""What the portal reads: a member's loans with what renewing would do, their reservations
with their place in the queue, and the catalogue. Reads only; writes are the services'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from bukve.catalog.models import Item, Record
from bukve.circulation.fines import is_exempt, loan_fine
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import Renewal, renewal_preview
from bukve.folding import NEAR_FROM, fold, near
from bukve.libraries.services import policy_for
from bukve.members.models import Member

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class LoanRow:
    loan: Loan
    overdue: bool
    renewal: Renewal  # what renewing online today would do
    accruing: Decimal  # the fine so far of an overdue loan, not yet a debt (RULES.md 1)


def loan_rows(member: Member, today: date) -> list[LoanRow]:
    loans = (
        Loan.objects.filter(member=member, status=Loan.OUT)
        .select_related("item__record", "branch", "library", "member__library")
        .order_by("due_date", "id")
    )
    policy = policy_for(member.library, today)
    rows = []
    for loan in loans:
        overdue = loan.due_date < today
        accruing = Decimal("0.00")
        if overdue and not loan.fine_closed and not is_exempt(member, policy):
            accruing = loan_fine(loan, today).amount
        renewal = renewal_preview(loan=loan, channel="online", today=today)
        rows.append(LoanRow(loan, overdue, renewal, accruing))
    return rows


def queue_position(reservation: Reservation) -> int:
    """1 for the first member waiting for the title; in the order copies are held in
    (placed date, then id)."""
    before = Reservation.objects.filter(
        record=reservation.record_id, status=Reservation.WAITING
    ).filter(
        Q(placed_date__lt=reservation.placed_date)
        | Q(placed_date=reservation.placed_date, id__lt=reservation.pk)
    )
    return before.count() + 1


@dataclass(frozen=True)
class ReservationRow:
    reservation: Reservation
    position: int | None  # in the queue, while waiting


def reservation_rows(member: Member) -> list[ReservationRow]:
    reservations = (
        Reservation.objects.filter(
            member=member, status__in=[Reservation.WAITING, Reservation.HELD]
        )
        .select_related("record", "pickup_branch", "item")
        .order_by("placed_date", "id")
    )
    return [
        ReservationRow(r, queue_position(r) if r.status == Reservation.WAITING else None)
        for r in reservations
    ]


def catalogue_search(member: Member, text: str) -> QuerySet[Record]:
    """Titles of the member's library whose title or author contains every word of `text`,
    with how many copies there are and how many are on the shelf for home loan."""
    records = Record.objects.filter(library=member.library_id)
    words = fold(text).split()  # whatever the case and diacritics (bukve.folding)
    if not words:
        return records.none()
    found = records
    for word in words:
        found = found.filter(text_folded__contains=word)
    if not found.exists():  # a typing slip: "Presern" for Prešeren
        found = records
        for word in words:
            found = found.filter(
                text_folded__regex=near(word) if len(word) >= NEAR_FROM else re.escape(word)
            )
    records = found
    available = Q(items__status=Item.SHELF, items__not_for_loan=False)
    return (
        records.annotate(copies=Count("items"), available=Count("items", filter=available))
        .prefetch_related("items__branch")
        .order_by("title", "author", "id")[:SEARCH_LIMIT]
    )


def copy_to_reserve(record: Record) -> Item | None:
    """The copy to reserve a title through: one for home loan, on the shelf if there is one.
    A reservation is for the title; the copy names the default pick-up branch."""
    copies = sorted(
        record.items.all(),
        key=lambda c: (c.not_for_loan, c.status != Item.SHELF, c.barcode),
    )
    return copies[0] if copies else None
