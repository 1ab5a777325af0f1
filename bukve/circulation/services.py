"""Circulation services: checkout, renew, check in, lost, reserve and pick up.

Each service is one transaction. Locks are taken in one fixed order: the item (or the copies
of a title, by id), then the member, then the member's loans and charges.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bukve import refusals
from bukve.accounts.services import has_old_debt, open_debt
from bukve.accounts.settlement import charge_record
from bukve.catalog.models import Item
from bukve.catalog.services import item_lock
from bukve.circulation.fines import is_exempt, loan_fine
from bukve.circulation.models import Loan, Reservation, Transit
from bukve.circulation.transit import transit_open, transit_receive, transit_send
from bukve.libraries.models import Branch
from bukve.libraries.services import calendar_for, policy_for
from bukve.members.models import Member
from bukve.members.services import member_lock
from bukve.notices.models import Message
from bukve.notices.services import member_messages
from bukve.refusals import Refused
from bukve.rules import loans, notices
from bukve.rules.calendar import BranchCalendar
from bukve.rules.policy import CHANNELS, Policy


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def member_facts(member: Member, policy: Policy, today: date) -> loans.MemberFacts:
    return loans.MemberFacts(
        category=member.category,
        in_collection=member.in_collection_since is not None,
        restricted=member.restricted,
        expires=member.expires,
        has_old_debt=policy.debt_blocks and has_old_debt(member, today, policy.debt_age_months),
        loans_out=member.loans.filter(status=Loan.OUT).count(),
        ended_on=member.ended_on,
        banned_until=member.banned_until,
    )


# --- fines and notices of one loan --------------------------------------------------------


def _record_fine(
    loan: Loan, member: Member, policy: Policy, end: date, calendar: BranchCalendar | None = None
) -> None:
    """Close the overdue stretch at `end` and record its fine as a debt on that day."""
    if not loan.fine_closed and not is_exempt(member, policy):
        fine = loan_fine(loan, end, calendar)
        if fine.amount > 0:
            charge_record(
                member=member,
                day=end,
                kind="fine",
                amount=fine.amount,
                loan=loan,
                item=loan.item,
                units=fine.units,
                stretch_from=loan.due_date,
            )
    loan.fine_closed = True


def schedule_notice(loan: Loan, policy: Policy) -> None:
    """Set the day the loan's next notice falls due (None: its ladder has ended); the caller
    saves the loan."""
    ladder = policy.ladder_of(loan.branch.profile, loan.item.material)
    step = notices.next_step(ladder, loan.due_date, loan.notice_level, loan.last_notice_date)
    loan.next_notice_date = step.date if step else None


def _close_loan(loan: Loan, member: Member, policy: Policy, day: date, status: str) -> None:
    _record_fine(loan, member, policy, day)
    loan.status = status
    loan.closed_date = day
    loan.next_notice_date = None
    loan.save(update_fields=["status", "closed_date", "next_notice_date", "fine_closed"])


def collection_refresh(member: Member) -> None:
    """End the "in collection" state once every handed-over item is back or paid for and
    nothing is left unpaid. Caller holds the member lock."""
    if member.in_collection_since is None:
        return
    if member.loans.filter(status=Loan.OUT, handed_over_date__isnull=False).exists():
        return
    if open_debt(member) > 0:
        return
    member.in_collection_since = None
    member.save(update_fields=["in_collection_since"])


# --- checkout, renew, check in, lost ---------------------------------------------------------


def _held_for(member: Member, item: Item) -> Reservation | None:
    return Reservation.objects.filter(member=member, item=item, status=Reservation.HELD).first()


def loan_checkout(
    *,
    member: Member,
    item: Item,
    branch: Branch | None = None,
    today: date | None = None,
    due: date | None = None,
    require_hold: bool = False,
) -> Loan:
    """Lend a copy. A copy held for this member is picked up; a due date set by hand is kept
    as it is. A mobile-only member borrows only at a branch of the mobile library until the
    annual fee is paid (`fee_required`, Tolmin art. 17, 22). Locks: item, member."""
    today = _today(today)
    with transaction.atomic():
        item = item_lock(item.pk)
        member = member_lock(member.pk)
        if item.library_id != member.library_id:
            raise Refused("not_a_member")
        branch = branch or item.branch
        policy = policy_for(member.library, today)
        profile = policy.profiles[branch.profile]
        hold = _held_for(member, item)
        available = hold is not None or (item.status == Item.SHELF and not require_hold)
        refusal = loans.checkout_refusal(
            policy,
            profile,
            member_facts(member, policy, today),
            loans.ItemFacts(item.material, item.not_for_loan, available),
            today,
        )
        if refusal == "item_not_available":
            raise _unavailable(item, member)
        if refusal == "fee_required":
            raise Refused("fee_required", refusals.BORROWS_ONLY_ON_MOBILE, branch=branch)
        if refusal:
            raise Refused(refusal)
        if hold is not None:
            hold.status = Reservation.COLLECTED
            hold.closed_date = today
            hold.save(update_fields=["status", "closed_date"])
        by_hand = due is not None
        if due is None:
            due = loans.due_date(today, profile.loan_days.get(item.material), calendar_for(branch))
        loan = Loan(
            library_id=member.library_id,
            member=member,
            item=item,
            branch=branch,
            checkout_date=today,
            due_date=due,
            due_set_by_hand=by_hand,
        )
        schedule_notice(loan, policy)
        loan.save()
        item.status = Item.LOAN
        item.save(update_fields=["status"])
        _pull_release(item, today, policy)
        return loan


def hold_pickup(*, member: Member, item: Item, today: date | None = None) -> Loan:
    """The member collects the copy of this title held for them (any copy of the title)."""
    hold = (
        Reservation.objects.filter(member=member, record=item.record_id, status=Reservation.HELD)
        .select_related("item", "pickup_branch")
        .first()
    )
    if hold is None:
        return loan_checkout(member=member, item=item, today=today, require_hold=True)
    assert hold.item is not None
    return loan_checkout(member=member, item=hold.item, branch=hold.pickup_branch, today=today)


def _out_loan(item: Item) -> Loan:
    loan = (
        Loan.objects.select_related("branch", "library", "item")
        .filter(item=item, status=Loan.OUT)
        .first()
    )
    if loan is None:
        raise _unavailable(item)
    return loan


def _unavailable(item: Item, member: Member | None = None) -> Refused:
    """`item_not_available` with what the copy is really doing: on loan to this member or
    to another (since when, due when), held for another member at a branch, lost, or back
    already. `member` asks for the copy (checkout, renewal); None at check-in."""
    loan = Loan.objects.filter(item=item, status=Loan.OUT).first()
    if loan is not None:
        if member is not None and loan.member_id == member.pk:
            return Refused("item_not_available", refusals.ON_LOAN_TO_MEMBER,
                           since=loan.checkout_date, due=loan.due_date)  # fmt: skip
        return Refused("item_not_available", refusals.ON_LOAN_TO_OTHER, due=loan.due_date)
    if item.status == Item.LOST:
        return Refused("item_not_available", refusals.LOST)
    if item.status == Item.WITHDRAWN:
        return Refused("item_not_available", refusals.WITHDRAWN)
    if item.status == Item.IN_TRANSIT and (transit := transit_open(item)) is not None:
        return Refused("item_not_available", refusals.IN_TRANSIT, branch=transit.to_branch)
    if member is not None:
        hold = (
            Reservation.objects.filter(item=item, status=Reservation.HELD)
            .exclude(member=member)
            .select_related("pickup_branch")
            .first()
        )
        if hold is not None:
            return Refused("item_not_available", refusals.HELD_FOR_OTHER,
                           branch=hold.pickup_branch, until=hold.hold_expires)  # fmt: skip
        if item.status == Item.SHELF:  # a pick-up with nothing held for the member
            return Refused("item_not_available", refusals.NOT_HELD_FOR_MEMBER)
        return Refused("item_not_available")
    returned = (
        Loan.objects.filter(item=item, status=Loan.RETURNED)
        .order_by("-closed_date", "-id")
        .values_list("closed_date", flat=True)
        .first()
    )
    if returned is not None:
        return Refused("item_not_available", refusals.ALREADY_RETURNED, returned=returned)
    return Refused("item_not_available", refusals.NOT_ON_LOAN)


@dataclass(frozen=True)
class Renewal:
    """What renewing a loan today would do: the new due date, or the refusal's code."""

    due: date | None
    refusal: str | None
    fine: Decimal  # the fine a late renewal records now (Tolmin art. 28-29)


def _renewal(loan: Loan, member: Member, channel: str, today: date) -> Renewal:
    item = loan.item
    policy = policy_for(member.library, today)
    profile = policy.profiles[loan.branch.profile]
    reserved = (
        Reservation.objects.filter(record=item.record_id, status=Reservation.WAITING)
        .exclude(member=member)
        .exists()
    )
    facts = loans.LoanFacts(item.material, loan.due_date, loan.renewals, loan.notice_level,
                            reserved)  # fmt: skip
    refusal = loans.renewal_refusal(
        policy, profile, member_facts(member, policy, today), facts, channel, today
    )
    if refusal:
        return Renewal(None, refusal, Decimal("0.00"))
    calendar = calendar_for(loan.branch)
    fine = Decimal("0.00")
    if today > loan.due_date and not loan.fine_closed and not is_exempt(member, policy):
        fine = loan_fine(loan, today, calendar).amount
    due = loans.renewed_due(loan.due_date, today, profile.renewal_days.get(item.material), calendar)
    return Renewal(due, None, fine)


def renewal_preview(*, loan: Loan, channel: str = "online", today: date | None = None) -> Renewal:
    """What `loan_renew` would do today, without doing it (the portal shows it per loan)."""
    return _renewal(loan, loan.member, channel, _today(today))


def loan_renew(
    *, member: Member, item: Item, channel: str = "desk", today: date | None = None
) -> Loan:
    """Renew a loan: new due = max(due, today) + renewal period, moved to an open day.

    A late renewal (at the desk, by phone or asked for by e-mail, where the library allows
    it) closes the overdue stretch and records its fine on the renewal day (Tolmin art.
    28-29). Locks: item, member, loan.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    today = _today(today)
    with transaction.atomic():
        item = item_lock(item.pk)
        member = member_lock(member.pk)
        loan = _out_loan(item)
        if loan.member_id != member.pk:
            raise _unavailable(item, member)
        loan.item = item
        renewal = _renewal(loan, member, channel, today)
        if renewal.refusal:
            raise Refused(renewal.refusal)
        assert renewal.due is not None
        policy = policy_for(member.library, today)
        if today > loan.due_date:
            _record_fine(loan, member, policy, today, calendar_for(loan.branch))
        loan.due_date = renewal.due
        loan.renewals += 1
        loan.fine_closed = False
        loan.due_set_by_hand = False
        schedule_notice(loan, policy)
        loan.save(update_fields=["due_date", "renewals", "fine_closed", "due_set_by_hand",
                                 "next_notice_date"])  # fmt: skip
        return loan


def member_blocks(member: Member, today: date | None = None) -> list[str]:
    """The reasons the member may not borrow now, as refusal codes, in RULES.md's order."""
    today = _today(today)
    policy = policy_for(member.library, today)
    facts = member_facts(member, policy, today)
    blocks = []
    if facts.in_collection:
        blocks.append("in_collection")
    if facts.restricted:
        blocks.append("membership_restricted")
    if facts.expires is not None and facts.expires < today:
        blocks.append("membership_expired")
    if facts.has_old_debt:
        blocks.append("debt_overdue")
    ended = loans.membership_end_refusal(facts, today)
    if ended:
        blocks.append(ended)
    return blocks


@dataclass(frozen=True)
class CheckIn:
    loan: Loan | None  # the loan that ended; None for a copy that arrived or was pulled
    held_for: Reservation | None  # the copy goes to the hold shelf here for this reservation
    transit: Transit | None  # the copy is to be sent on, to transit.to_branch


def loan_checkin(*, item: Item, branch: Branch | None = None, today: date | None = None) -> CheckIn:
    """Scan a copy in at `branch`: a loan returned, at any branch and without a card (Tolmin
    art. 24; the fine of the stretch is recorded), a copy that arrives in transit, or one
    pulled from the shelf for a hold. Then it goes where it is wanted (`copy_route`): the
    hold shelf here, in transit to a hold's pick-up branch or home, or the shelf. `branch`
    None: wherever it is needed (the policy simulator). Locks: item, member, loan."""
    today = _today(today)
    with transaction.atomic():
        item = item_lock(item.pk)
        loan = Loan.objects.filter(item=item, status=Loan.OUT).first()
        arrived = transit_open(item)
        pulled = Reservation.objects.filter(item=item, status=Reservation.WAITING).exists()
        if loan is None and arrived is None and not (pulled and item.status == Item.SHELF):
            raise _unavailable(item)
        policy = policy_for(item.library, today)
        member = None
        if loan is not None:
            member = member_lock(loan.member_id)
            _close_loan(loan, member, policy, today, Loan.RETURNED)
        if arrived is not None:
            transit_receive(arrived, at=branch or arrived.to_branch, day=today)
        held, transit = copy_route(item, at=branch, day=today, policy=policy)
        if member is not None:
            collection_refresh(member)
        return CheckIn(loan, held, transit)


def loan_declare_lost(
    *, item: Item, today: date | None = None, price: Decimal | None = None
) -> Loan:
    """Declare a loaned copy lost: the fine up to today, the price and the processing fee.

    Maribor (seed 002): newspapers and magazines cost twice the purchase price, with no
    processing fee. Locks: item, member, loan.
    """
    today = _today(today)
    with transaction.atomic():
        item = item_lock(item.pk)
        loan = _out_loan(item)
        member = member_lock(loan.member_id)
        policy = policy_for(member.library, today)
        price = price if price is not None else item.price
        if price is None or price < 0:
            raise ValueError("the item has no price; give the price to charge")
        _close_loan(loan, member, policy, today, Loan.LOST)
        multiplier = policy.lost_price_multiplier.get(item.material) or Decimal(1)
        charge_record(member=member, day=today, kind="lost_item", loan=loan, item=item,
                      amount=(price * multiplier).quantize(Decimal("0.01")))  # fmt: skip
        if policy.lost_processing_fee > 0 and item.material not in policy.lost_without_processing:
            charge_record(member=member, day=today, kind="processing", loan=loan, item=item,
                          amount=policy.lost_processing_fee)  # fmt: skip
        item.status = Item.LOST
        item.save(update_fields=["status"])
        collection_refresh(member)
        return loan


# --- reservations ----------------------------------------------------------------------------


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
    """Serve from the shelf the members waiting for a title with no copy named yet. Caller
    holds the locks of the title's copies it may hold."""
    copies = list(Item.objects.filter(record=record_id).select_related("branch"))
    waiting = Reservation.objects.select_related("pickup_branch", "library", "member")
    for reservation in waiting.filter(record=record_id, status=Reservation.WAITING,
                                      item__isnull=True).order_by("placed_date", "id"):  # fmt: skip
        _shelf_serve(reservation, copies, day, policy)


def _pull_release(item: Item, day: date, policy: Policy) -> None:
    """A copy to be pulled for a reservation was lent from the shelf: the reservation waits
    for another copy. Caller holds the copy's lock."""
    pulls = Reservation.objects.filter(item=item, status=Reservation.WAITING)
    if pulls.update(item=None):
        _queue_serve(item.record_id, day, policy)


def reservation_place(
    *, member: Member, item: Item, pickup_branch: Branch | None = None, today: date | None = None
) -> Reservation:
    """Reserve the title of `item`; a copy on the shelf at the pick-up branch is held at once,
    one on another branch's shelf is pulled and sent there, otherwise the member joins the
    queue. A member who already waits for the title or has a copy of it on the
    hold shelf is refused another reservation (`already_reserved`, RULES.md 1, Holds in
    detail); once the copy is picked up the title may be reserved again.
    Locks: the title's copies (by id), member."""
    today = _today(today)
    with transaction.atomic():
        copies = list(Item.objects.select_for_update().filter(record=item.record_id).order_by("pk"))
        member = member_lock(member.pk)
        if item.library_id != member.library_id:
            raise Refused("not_a_member")
        pickup_branch = pickup_branch or item.branch
        policy = policy_for(member.library, today)
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
            pickup_branch=pickup_branch, placed_date=today,
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
    today = _today(today)
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
