"""Copies on their way between branches (Tolmin art. 24: an item may be returned at any
branch; a hold is collected at the branch the member chose). A transit is opened when a
copy is scanned at a branch that is not where it must go, and received when it is scanned
again, at its destination or wherever it turned up. Callers hold the copy's lock."""

from __future__ import annotations

from datetime import date

from bukve.catalog.models import Item
from bukve.circulation.models import Reservation, Transit
from bukve.libraries.models import Branch


def transit_send(
    item: Item, *, start: Branch, to: Branch, day: date, reservation: Reservation | None = None
) -> Transit:
    """Send the copy from `start` to `to` (for `reservation`, or home)."""
    item.status = Item.IN_TRANSIT
    item.save(update_fields=["status"])
    return Transit.objects.create(library_id=item.library_id, item=item, from_branch=start,
                                  to_branch=to, reservation=reservation, sent_date=day)  # fmt: skip


def transit_open(item: Item) -> Transit | None:
    """The copy's transit that no branch has received yet, if any."""
    return (
        Transit.objects.select_related("to_branch", "reservation")
        .filter(item=item, received_date__isnull=True)
        .first()
    )


def transit_receive(transit: Transit, *, at: Branch, day: date) -> None:
    """The copy is scanned at `at` (its destination, or a branch it reached by mistake)."""
    transit.received_date = day
    transit.received_at = at
    transit.save(update_fields=["received_date", "received_at"])
