"""Reads of loans and reservations that pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from bukve.accounts.models import Charge
from bukve.circulation.models import Loan, Reservation
from bukve.libraries.models import Branch
from bukve.members.models import Member

# --- the staff desk (bukve/desk) ------------------------------------------------------------


def member_loans_out(member: Member) -> list[Loan]:
    """The member's loans not returned yet, the first due first."""
    return list(
        member.loans.filter(status=Loan.OUT)
        .select_related("item__record", "branch")
        .order_by("due_date", "id")
    )


def member_reservations_open(member: Member) -> QuerySet[Reservation]:
    """The member's reservations waiting for a copy or on the hold shelf, the oldest first."""
    return (
        member.reservations.filter(status__in=[Reservation.WAITING, Reservation.HELD])
        .select_related("record", "pickup_branch")
        .order_by("placed_date", "id")
    )


def hold_shelf_of(branch: Branch | None) -> QuerySet[Reservation]:
    """The copies on a branch's hold shelf, the first to expire first."""
    return (
        Reservation.objects.filter(pickup_branch=branch, status=Reservation.HELD)
        .select_related("member", "item__record")
        .order_by("hold_expires", "id")
    )


def desk_queue_position(reservation: Reservation) -> int:
    """1 for the first member waiting for the title (the desk counts the waiting
    reservations placed before it, by id)."""
    return (
        Reservation.objects.filter(
            record=reservation.record_id, status=Reservation.WAITING, id__lt=reservation.pk
        ).count()
        + 1
    )


def return_fine(loan: Loan) -> Charge | None:
    """The fine charged when the loan was returned, if one was."""
    if loan.closed_date is None:  # not returned
        return None
    return loan.member.charges.filter(loan=loan, kind="fine", date=loan.closed_date).first()
