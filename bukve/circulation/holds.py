"""Holds: reservations of a title, the copies that serve them and where a copy goes when it
is free (RULES.md, Holds in detail; Tolmin art. 24, 31). A copy on the shelf of the
pick-up branch is held at once; one on another branch's shelf is pulled and sent; a copy
scanned in anywhere goes to the first member waiting for its title, or home
(`copy_route`). The copy's journey between branches is bukve/circulation/transit.py.

Each service is one transaction; locks in the order of bukve/circulation/services.py: the
copies of a title (by id), then the member."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from bukve import refusals
from bukve.catalog.models import Item
from bukve.circulation.models import Locker, Reservation, Transit
from bukve.circulation.transit import transit_send
from bukve.libraries.models import Branch
from bukve.libraries.services import calendar_for, policy_for
from bukve.members.models import Member
from bukve.members.services import member_lock
from bukve.notices.models import Message
from bukve.notices.services import member_messages
from bukve.refusals import Refused
from bukve.rules import loans, notices
from bukve.rules.policy import Policy


def _hold(reservation: Reservation, item: Item, day: date, policy: Policy) -> None:
    """Put the copy on the hold shelf for the reservation; the member may collect it until
    the n-th open day of the pick-up branch after today, or the n-th working day where the
    library counts working days (Tolmin art. 31: "5 delovnih dni", so a Saturday the branch
    is open does not shorten the window)."""
    calendar = calendar_for(reservation.pickup_branch).counting(policy.hold_pickup_days_kind)
    reservation.status = Reservation.HELD
    reservation.item = item
    reservation.held_date = day
    reservation.hold_expires = calendar.nth_open_day_after(day, policy.hold_pickup_open_days)
    reservation.save(update_fields=["status", "item", "held_date", "hold_expires"])
    item.status = Item.HELD
    item.save(update_fields=["status"])
    if reservation.locker_id is not None:  # the member is told when it is in the locker
        return
    member = reservation.member
    to = notices.addressee(member.pk, member.born, member.guardian_id, day, policy.guardian_age)
    context = {"title": item.record.title, "branch": reservation.pickup_branch,
               "until": reservation.hold_expires}  # fmt: skip
    Message.objects.bulk_create(member_messages(
        library=reservation.library, member=member, kind="hold_ready", context=context,
        addressee=(member.guardian if to != member.pk else None) or member,
    ))  # fmt: skip


def copy_route(
    item: Item, *, at: Branch | None, day: date, policy: Policy
) -> tuple[Reservation | None, Transit | None]:
    """Where a copy free at branch `at` goes: to the first member waiting for its title (the
    reservation it was pulled or sent for first), on the hold shelf here when this is the
    pick-up branch, else in transit there; with no one waiting, on the shelf at home, or in
    transit home. `at` None, or a library whose copies do not travel: held or shelved at
    once, where it is needed. Returns the hold and the transit started. Caller holds the
    copy's lock."""
    wanting = _wanting(item)
    instant = at is None or not item.library.transit
    if wanting is None:
        if instant or at == item.branch:
            item.status = Item.SHELF
            item.save(update_fields=["status"])
            return None, None
        assert at is not None
        return None, transit_send(item, start=at, to=item.branch, day=day)
    pulled = wanting.item if wanting.item_id not in (None, item.pk) else None
    if instant or at == wanting.pickup_branch:
        _hold(wanting, item, day, policy)
        held, transit = wanting, None
    else:
        assert at is not None
        wanting.status, wanting.item = Reservation.IN_TRANSIT, item
        wanting.save(update_fields=["status", "item"])
        held, transit = None, transit_send(item, start=at, to=wanting.pickup_branch, day=day,
                                           reservation=wanting)  # fmt: skip
    if pulled is not None:  # the copy it was to be pulled from another shelf is free again
        _queue_serve(item.record_id, day, policy)
    return held, transit


def _wanting(item: Item) -> Reservation | None:
    """The reservation the copy is for: the one it was pulled or sent for, else the first
    member waiting for the title."""
    open_ = Reservation.objects.select_related("pickup_branch", "member", "item")
    mine = open_.filter(item=item, status__in=[Reservation.WAITING, Reservation.IN_TRANSIT])
    first = open_.filter(record=item.record_id, status=Reservation.WAITING)
    return mine.first() or first.order_by("placed_date", "id").first()


def _shelf_serve(reservation: Reservation, copies: list[Item], day: date, policy: Policy) -> None:
    """Serve a waiting reservation from the shelf: a copy there for home loan is held at once
    (RULES.md, Holds in detail) when it is at the pick-up branch or the copies do not travel;
    one on another branch's shelf is named, to be pulled and sent (the pull list). Copies
    another reservation is to be pulled from are left to it; of several, the pick-up
    branch's first, then by barcode."""
    profile = policy.profiles[reservation.pickup_branch.profile]
    taken = set(
        Reservation.objects.filter(status=Reservation.WAITING, item__in=copies)
        .exclude(pk=reservation.pk)
        .values_list("item_id", flat=True)
    )
    travel = reservation.library.transit
    free = sorted(
        (
            c for c in copies
            if c.status == Item.SHELF and c.pk not in taken
            and loans.is_for_home_loan(profile, loans.ItemFacts(c.material, c.not_for_loan))
        ),
        key=lambda c: (travel and c.branch_id != reservation.pickup_branch_id, c.barcode),
    )  # fmt: skip
    if not free:
        return
    if not travel or free[0].branch_id == reservation.pickup_branch_id:
        _hold(reservation, free[0], day, policy)
    else:
        reservation.item = free[0]
        reservation.save(update_fields=["item"])


def _queue_serve(record_id: int, day: date, policy: Policy) -> None:
    """Serve from the shelf the members waiting for a title with no copy named yet, with the
    title's copies that no other transaction holds: taking more locks here, after the
    caller's member lock, must not wait (the lock order is copies, then member), and a copy
    another desk holds is busy anyway."""
    copies = list(
        Item.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(record=record_id)
        .select_related("branch")
        .order_by("pk")
    )
    waiting = Reservation.objects.select_related("pickup_branch", "library", "member")
    for reservation in waiting.filter(record=record_id, status=Reservation.WAITING,
                                      item__isnull=True).order_by("placed_date", "id"):  # fmt: skip
        _shelf_serve(reservation, copies, day, policy)


def pull_release(item: Item, day: date, policy: Policy | None = None) -> None:
    """A copy to be pulled for a reservation was lent from the shelf or withdrawn: the
    reservation is served by another copy, or waits. Caller holds the copy's lock."""
    pulls = Reservation.objects.filter(item=item, status=Reservation.WAITING)
    if pulls.update(item=None):
        _queue_serve(item.record_id, day, policy or policy_for(item.library, day))


def reservation_place(
    *,
    member: Member,
    item: Item,
    pickup_branch: Branch | None = None,
    locker: Locker | None = None,
    today: date | None = None,
) -> Reservation:
    """Reserve the title of `item`; a copy on the shelf at the pick-up branch is held at once,
    one on another branch's shelf is pulled and sent there, otherwise the member joins the
    queue. With a `locker` (Tolmin art. 22.b), it is collected from that parcel locker, which
    its branch fills (bukve/circulation/lockers.py); refused (`no_lockers`) where the
    library's rules have none. A member who already waits for the title or has a copy of it on the
    hold shelf is refused another reservation (`already_reserved`, RULES.md 1, Holds in
    detail); once the copy is picked up the title may be reserved again.
    Locks: the title's copies (by id), member."""
    today = today or timezone.localdate()
    with transaction.atomic():
        copies = list(Item.objects.select_for_update().filter(record=item.record_id).order_by("pk"))
        member = member_lock(member.pk)
        if item.library_id != member.library_id:
            raise Refused("not_a_member")
        policy = policy_for(member.library, today)
        if locker is not None and (locker.library_id != member.library_id
                                   or policy.locker_days is None):  # fmt: skip
            raise Refused("no_lockers")
        pickup_branch = locker.branch if locker is not None else pickup_branch or item.branch
        profile = policy.profiles[pickup_branch.profile]
        if member.in_collection_since is not None:
            raise Refused("in_collection")
        if not loans.is_for_home_loan(profile, loans.ItemFacts(item.material, item.not_for_loan)):
            raise Refused("not_for_loan")
        if all(c.status == Item.WITHDRAWN for c in copies):  # none left to wait for
            raise Refused("item_withdrawn")
        active = Reservation.objects.filter(
            member=member, record=item.record_id, status__in=Reservation.OPEN
        ).first()
        if active is not None:
            raise _already_reserved(active)
        reservation = Reservation.objects.create(
            library_id=member.library_id, member=member, record_id=item.record_id,
            pickup_branch=pickup_branch, locker=locker, placed_date=today,
        )  # fmt: skip
        _shelf_serve(reservation, copies, today, policy)
        return reservation


def _already_reserved(active: Reservation) -> Refused:
    """`already_reserved`, saying whether the member waits for the title or has a copy of it
    on the hold shelf (where, until when)."""
    if active.status == Reservation.HELD:
        return Refused("already_reserved", refusals.ALREADY_HELD,
                       branch=active.pickup_branch, until=active.hold_expires)  # fmt: skip
    return Refused("already_reserved", refusals.ALREADY_WAITING, since=active.placed_date)


def reservation_cancel(*, reservation: Reservation, today: date | None = None) -> Reservation:
    """Cancel a reservation; a copy held for it passes to the next in the queue (or goes
    home), one to be pulled for it serves the next waiting member.

    Locks: the title's copies (by id), so no check-in can hold a copy for the reservation
    meanwhile, then the reservation, read afresh."""
    today = today or timezone.localdate()
    with transaction.atomic():
        copies = {
            c.pk: c
            for c in Item.objects.select_for_update()
            .filter(record=reservation.record_id)
            .order_by("pk")
        }
        reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
        if reservation.status not in Reservation.OPEN:
            return reservation
        was = reservation.status
        reservation.status = Reservation.CANCELLED
        reservation.closed_date = today
        reservation.save(update_fields=["status", "closed_date"])
        policy = policy_for(reservation.library, today)
        if was == Reservation.HELD and reservation.item_id in copies:
            copy = copies[reservation.item_id]
            copy_route(copy, at=reservation.pickup_branch, day=today, policy=policy)
        elif was == Reservation.WAITING and reservation.item_id is not None:
            _queue_serve(reservation.record_id, today, policy)  # its copy to pull is free
        # A copy in transit for it goes on; where it arrives, it serves the next member.
        return reservation
