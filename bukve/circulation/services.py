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
from bukve.circulation.holds import copy_route, pull_release
from bukve.circulation.models import Loan, Reservation, Transit
from bukve.circulation.transit import transit_open, transit_receive
from bukve.libraries.models import Branch
from bukve.libraries.services import calendar_for, policy_for
from bukve.members.models import Member
from bukve.members.services import member_lock
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
        pull_release(item, today, policy)
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
        arrived = transit_open(item) if item.status == Item.IN_TRANSIT else None
        pulled = item.status == Item.SHELF and (
            Reservation.objects.filter(item=item, status=Reservation.WAITING).exists()
        )
        if loan is None and arrived is None and not pulled:
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
