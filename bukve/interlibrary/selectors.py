"""Reads of interlibrary loans that pages, the API and the command line share. Reads only;
writes are the services'."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from bukve.interlibrary.models import IllRequest
from bukve.libraries.models import Library
from bukve.members.models import Member

# Steps with something still to do: the title or our copy is not back where it belongs.
OPEN = [IllRequest.REQUESTED, IllRequest.RECEIVED, IllRequest.ON_LOAN, IllRequest.RETURNED,
        IllRequest.NOT_COLLECTED, IllRequest.SENT]  # fmt: skip


def _rows(requests: QuerySet[IllRequest]) -> QuerySet[IllRequest]:
    return requests.select_related("member", "branch", "item", "fee")


def ill_requests_open(library: Library, direction: str | None = None) -> QuerySet[IllRequest]:
    """The library's interlibrary loans not finished yet, the oldest first. A lent copy that
    came back is finished; so is a borrowed title sent back, and a cancelled request."""
    requests = IllRequest.objects.filter(library=library, status__in=OPEN).exclude(
        direction=IllRequest.LEND, status=IllRequest.RETURNED
    )
    if direction is not None:
        requests = requests.filter(direction=direction)
    return _rows(requests).order_by("requested_on", "id")


def member_ill_requests(member: Member) -> QuerySet[IllRequest]:
    """The member's interlibrary loans not finished for them (ordered, waiting to be
    collected, on loan), the oldest first."""
    return _rows(
        member.ill_requests.filter(
            status__in=[IllRequest.REQUESTED, IllRequest.RECEIVED, IllRequest.ON_LOAN]
        )
    ).order_by("requested_on", "id")


def ill_waiting(library: Library) -> QuerySet[IllRequest]:
    """Titles arrived for members and not collected yet, the longest waiting first."""
    return _rows(IllRequest.objects.filter(library=library, status=IllRequest.RECEIVED)).order_by(
        "received_on", "id"
    )


def ill_overdue(library: Library, today: date) -> QuerySet[IllRequest]:
    """Interlibrary loans past their due date: a member's loan of a borrowed title, and our
    copy at a partner library, the longest overdue first."""
    late = Q(direction=IllRequest.BORROW, status=IllRequest.ON_LOAN) | Q(
        direction=IllRequest.LEND, status=IllRequest.SENT
    )
    return _rows(IllRequest.objects.filter(late, library=library, due_date__lt=today)).order_by(
        "due_date", "id"
    )


def ill_request_get(library: Library, pk: int) -> IllRequest | None:
    """One of the library's interlibrary loans, or None (another library's or none)."""
    return _rows(IllRequest.objects.filter(library=library, pk=pk)).first()
