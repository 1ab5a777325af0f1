"""Circulation services: checkout, renew, check in, lost, reserve, pick up and the daily run.

Each service is one transaction. Locks are taken in one fixed order: the item (or the copies
of a title, by id), then the member, then the member's loans and charges.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Min
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, gettext_noop

from bukve import refusals
from bukve.accounts.models import Charge
from bukve.accounts.services import charge_record, charges_record, has_old_debt, open_debt
from bukve.catalog.models import Item
from bukve.catalog.services import item_lock
from bukve.circulation.models import DailyRun, Loan, Reservation
from bukve.libraries.models import Branch, Library, season_label
from bukve.libraries.services import calendar_for, fine_rates, policy_for
from bukve.members.models import Member
from bukve.members.selectors import members_with
from bukve.members.services import member_lock
from bukve.notices.models import Message, Notice
from bukve.notices.services import loan_items, member_messages, notice_messages
from bukve.refusals import Refused
from bukve.rules import fines, loans, notices
from bukve.rules.calendar import BranchCalendar, holiday_name
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


def is_exempt(member: Member, policy: Policy) -> bool:
    """Tolmin: library staff and its retirees pay no loan-period charges."""
    return member.category in policy.fine_exempt_categories


# --- fines and notices of one loan --------------------------------------------------------


def loan_fine(
    loan: Loan, end: date, calendar: BranchCalendar | None = None, start: date | None = None
) -> fines.Fine:
    """The fine of the loan's overdue stretch (start, end]; start is the current due date."""
    policy = policy_for(loan.library, end)
    profile = loan.branch.profile
    return fines.fine(
        start or loan.due_date,
        end,
        policy.profiles[profile].fines,
        calendar or calendar_for(loan.branch),
        fine_rates(loan.library, profile, loan.item.material),
    )


def fine_explain(charge: Charge) -> tuple[fines.Day, ...]:
    """The day-by-day explanation of a recorded fine: each day keeps the core's `code` and
    gets in `why` the reason in the active language, holiday names included (RULES.md 1)."""
    assert charge.kind == "fine" and charge.loan is not None and charge.stretch_from is not None
    english = (get_language() or "sl").startswith("en")
    on_weekdays = (gettext_noop("on Mondays"), gettext_noop("on Tuesdays"),
                   gettext_noop("on Wednesdays"), gettext_noop("on Thursdays"),
                   gettext_noop("on Fridays"), gettext_noop("on Saturdays"),
                   gettext_noop("on Sundays"))  # fmt: skip

    def why(day: fines.Day) -> str:
        weekday = {"weekday": formats.date_format(day.date, "l"),
                   "on_weekdays": gettext(on_weekdays[day.date.weekday()])}  # fmt: skip
        match day.code:
            case "charged":
                return gettext("charged")
            case "tolerance":
                return gettext("tolerance")
            case "sunday":
                return gettext("Sunday")
            case "holiday":
                name = holiday_name(day.date, "en_US" if english else "sl") or day.detail
                return gettext("holiday: %(name)s") % {"name": name}
            case "closure" if day.detail:
                return gettext("extraordinary closure: %(reason)s") % {"reason": day.detail}
            case "closure":
                return gettext("extraordinary closure")
            case "seasonal_schedule":
                season = season_label(day.detail)
                return gettext("%(season)s: closed %(on_weekdays)s") % {"season": season, **weekday}
            case "not_working_day":
                return (
                    gettext("not a working day (%(weekday)s): only working days are charged")
                    % weekday
                )
            case "closed_weekday":
                return gettext("the branch is closed %(on_weekdays)s") % weekday
            case "period_starts":
                return gettext(
                    "%(days)s-day period no. %(number)s starts: one unit of the fine"
                ) % {"days": day.detail, "number": day.number}
            case "same_period":
                return gettext("within period %(number)s, already charged") % {"number": day.number}
        return day.why

    days = loan_fine(charge.loan, charge.date, start=charge.stretch_from).days
    return tuple(replace(day, why=why(day)) for day in days)


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


def _schedule_notice(loan: Loan, policy: Policy) -> None:
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
        _schedule_notice(loan, policy)
        loan.save()
        item.status = Item.LOAN
        item.save(update_fields=["status"])
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
        _schedule_notice(loan, policy)
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
    loan: Loan
    held_for: Reservation | None  # the copy goes to the hold shelf for this reservation


def loan_checkin(*, item: Item, today: date | None = None) -> CheckIn:
    """Return a copy at any branch, without a card. The fine of the stretch is recorded; a
    copy someone reserved goes to the hold shelf. Locks: item, member, loan."""
    today = _today(today)
    with transaction.atomic():
        item = item_lock(item.pk)
        loan = _out_loan(item)
        member = member_lock(loan.member_id)
        policy = policy_for(member.library, today)
        _close_loan(loan, member, policy, today, Loan.RETURNED)
        held = _hold_next(item, today, policy)
        collection_refresh(member)
        return CheckIn(loan, held)


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
        addressee=member if to == member.pk else member.guardian,
    ))  # fmt: skip


def _hold_next(item: Item, day: date, policy: Policy) -> Reservation | None:
    """Hold the copy for the first member waiting for its title, or put it on the shelf."""
    waiting = (
        Reservation.objects.select_related("pickup_branch")
        .filter(record=item.record_id, status=Reservation.WAITING)
        .order_by("placed_date", "id")
        .first()
    )
    if waiting is None:
        item.status = Item.SHELF
        item.save(update_fields=["status"])
        return None
    _hold(waiting, item, day, policy)
    return waiting


def reservation_place(
    *, member: Member, item: Item, pickup_branch: Branch | None = None, today: date | None = None
) -> Reservation:
    """Reserve the title of `item`; a copy on the shelf is held at once, otherwise the member
    joins the queue. A member who already waits for the title or has a copy of it on the
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
        active = Reservation.objects.filter(
            member=member,
            record=item.record_id,
            status__in=[Reservation.WAITING, Reservation.HELD],
        ).first()
        if active is not None:
            raise _already_reserved(active)
        reservation = Reservation.objects.create(
            library_id=member.library_id, member=member, record_id=item.record_id,
            pickup_branch=pickup_branch, placed_date=today,
        )  # fmt: skip
        on_shelf = sorted(
            (
                c for c in copies
                if c.status == Item.SHELF
                and loans.is_for_home_loan(profile, loans.ItemFacts(c.material, c.not_for_loan))
            ),
            key=lambda c: c.barcode,
        )  # fmt: skip
        if on_shelf:
            _hold(reservation, on_shelf[0], today, policy)
        return reservation


def _already_reserved(active: Reservation) -> Refused:
    """`already_reserved`, saying whether the member waits for the title or has a copy of it
    on the hold shelf (where, until when)."""
    if active.status == Reservation.HELD:
        return Refused("already_reserved", refusals.ALREADY_HELD,
                       branch=active.pickup_branch, until=active.hold_expires)  # fmt: skip
    return Refused("already_reserved", refusals.ALREADY_WAITING, since=active.placed_date)


def reservation_cancel(*, reservation: Reservation, today: date | None = None) -> Reservation:
    """Cancel a reservation; a copy held for it passes to the next in the queue.

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
        if reservation.status not in (Reservation.WAITING, Reservation.HELD):
            return reservation
        was_held = reservation.status == Reservation.HELD
        reservation.status = Reservation.CANCELLED
        reservation.closed_date = today
        reservation.save(update_fields=["status", "closed_date"])
        if was_held and reservation.item_id in copies:
            _hold_next(copies[reservation.item_id], today, policy_for(reservation.library, today))
        return reservation


# --- the daily run ---------------------------------------------------------------------------


def daily_run(*, library: Library, until: date | None = None) -> list[DailyRun]:
    """Run every day not yet run up to `until`, in order (catch-up). A day already run is
    skipped, so running twice changes nothing."""
    until = _today(until)
    last = DailyRun.objects.filter(library=library).aggregate(d=Max("date"))["d"]
    if last is None:
        first = [
            Loan.objects.filter(library=library, status=Loan.OUT).aggregate(
                d=Min("next_notice_date"))["d"],
            Reservation.objects.filter(library=library, status=Reservation.HELD).aggregate(
                d=Min("hold_expires"))["d"],
        ]  # fmt: skip
        start = min([d for d in first if d is not None] + [until])
    else:
        start = last + timedelta(days=1)
    runs = []
    day = start
    while day <= until:
        run = daily_run_day(library=library, day=day)
        if run is not None:
            runs.append(run)
        day += timedelta(days=1)
    return runs


def daily_run_day(*, library: Library, day: date) -> DailyRun | None:
    """One day of the daily run: notices and their fees, fines that stop at a notice,
    hand-over to collection, expired holds. Returns None when the day was already run.

    Only loans with a notice falling due and holds expiring are touched (indexed dates);
    fines of other loans are derived when they end (ARCHITECTURE.md, The daily run). The
    loans are worked through in batches written with bulk queries, so the run's time and
    memory follow the day's events, not the number of loans (bench/README.md).
    Locks, in the services' order: the copies of the day's loans and expired holds (by id),
    then their members (by id), all before anything is written; then their loans and charges.
    Loans and holds are read again under these locks, so a loan returned while the run
    waited gets no notice.
    """
    with transaction.atomic():
        run, created = DailyRun.objects.get_or_create(library=library, date=day)
        if not created:
            return None
        policy = policy_for(library, day)
        calendars: dict[int, BranchCalendar] = {}
        due = list(
            Loan.objects.filter(library=library, status=Loan.OUT, next_notice_date__lte=day)
            .order_by("member_id", "id")
            .values_list("member_id", "id", "item_id")
        )
        expired = list(
            Reservation.objects.filter(library=library, status=Reservation.HELD,
                                       hold_expires__lte=day)
            .values_list("member_id", "id", "item_id")
        )  # fmt: skip
        _lock(Item, {row[2] for row in due + expired})
        _lock(Member, {row[0] for row in due + expired})
        run.notices, run.charges = _notices_due(library, day, policy, calendars, due)
        run.holds_expired = _holds_expired(library, day, policy, [row[1] for row in expired])
        _reminders(library, day, policy)
        run.save(update_fields=["notices", "charges", "holds_expired"])
        return run


NOTICE_BATCH = 1000  # loans per batch of the daily run's notices: bounds its memory


def _lock(model: type[Item] | type[Member], pks: set[int]) -> None:
    """Lock rows by id, in id order, without loading them."""
    ordered = sorted(pks)
    for start in range(0, len(ordered), 10_000):
        chunk = ordered[start : start + 10_000]
        list(model.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
             .values_list("pk", flat=True))  # fmt: skip


def _notices_due(
    library: Library,
    day: date,
    policy: Policy,
    calendars: dict[int, BranchCalendar],
    due: list[tuple[int, int, int]],
) -> tuple[int, int]:
    """Issue the notices falling due on `day`; returns (notices, charges).

    The loans are taken in batches of whole members (a member's notices group their loans),
    so the run's memory is bounded by the batch, and each batch is written with a few bulk
    queries rather than several queries per loan. Only the ids of the day's loans are held
    for the whole run: they are read once at the start, as one consistent list.
    """
    fine_of = _fines_of_day(library, day, policy, calendars)
    notices_issued = charges = 0
    for ids in _whole_members([(member, loan) for member, loan, _ in due], NOTICE_BATCH):
        batch_notices, batch_charges = _notices_batch(library, day, policy, ids, fine_of)
        notices_issued += batch_notices
        charges += batch_charges
    return notices_issued, charges


def _whole_members(rows: list[tuple[int, int]], size: int) -> Iterator[list[int]]:
    """Loan ids from (member, loan) rows sorted by member, in batches of about `size` that
    never split a member's loans."""
    batch: list[int] = []
    previous = None
    for member_id, loan_id in rows:
        if len(batch) >= size and member_id != previous:
            yield batch
            batch = []
        batch.append(loan_id)
        previous = member_id
    if batch:
        yield batch


def _fines_of_day(
    library: Library, day: date, policy: Policy, calendars: dict[int, BranchCalendar]
) -> Callable[[Loan], fines.Fine]:
    """`loan_fine(loan, day)` for the loans of one daily run, with the policy, the fine rates
    and the branch calendars read once. A fine ending today depends only on the due date,
    the branch and the material, so each is computed once per run."""
    rates: dict[tuple[str, str], fines.Rates] = {}
    computed: dict[tuple[date, int, str], fines.Fine] = {}

    def fine_of(loan: Loan) -> fines.Fine:
        key = (loan.due_date, loan.branch_id, loan.item.material)
        if key not in computed:
            profile = loan.branch.profile
            if (profile, loan.item.material) not in rates:
                rates[profile, loan.item.material] = fine_rates(
                    library, profile, loan.item.material
                )
            if loan.branch_id not in calendars:
                calendars[loan.branch_id] = calendar_for(loan.branch)
            computed[key] = fines.fine(loan.due_date, day, policy.profiles[profile].fines,
                                       calendars[loan.branch_id],
                                       rates[profile, loan.item.material])  # fmt: skip
        return computed[key]

    return fine_of


def _notices_batch(
    library: Library,
    day: date,
    policy: Policy,
    ids: list[int],
    fine_of: Callable[[Loan], fines.Fine],
) -> tuple[int, int]:
    """Notices of one batch of loans (whole members): one notice per member and level,
    listing the member's loans that reached it, with its fee; the fine stops at the level
    the profile says. Locks: the batch's members (by id). Returns (notices, charges)."""
    batch = list(
        Loan.objects.filter(pk__in=ids, status=Loan.OUT, next_notice_date__lte=day)
        .select_related("item__record", "branch")
        .order_by("member_id", "id")
    )  # fmt: skip
    members = {
        m.pk: m
        for m in Member.objects.select_for_update()
        .filter(pk__in={loan.member_id for loan in batch})
        .order_by("pk")
    }
    groups: dict[tuple[int, int, bool], list[tuple[Loan, notices.NextStep]]] = {}
    ladder_ended: list[Loan] = []
    for loan in batch:
        ladder = policy.ladder_of(loan.branch.profile, loan.item.material)
        step = notices.next_step(ladder, loan.due_date, loan.notice_level, loan.last_notice_date)
        if step is None:
            loan.next_notice_date = None
            ladder_ended.append(loan)
            continue
        key = (loan.member_id, step.step.level, step.step.collection)
        groups.setdefault(key, []).append((loan, step))
    _loans_update(ladder_ended, ["next_notice_date"])

    new_notices: list[Notice] = []
    for (member_id, level, collection), group in groups.items():
        member = members[member_id]
        step = group[0][1].step
        to = notices.addressee(member.pk, member.born, member.guardian_id, day,
                               policy.guardian_age)  # fmt: skip
        new_notices.append(Notice(
            library=library, member=member, addressee_id=to, level=level, date=day,
            collection=collection, registered_mail=step.registered_mail,
        ))  # fmt: skip
    Notice.objects.bulk_create(new_notices)
    Notice.loans.through.objects.bulk_create(
        Notice.loans.through(notice=notice, loan=loan)
        for notice, group in zip(new_notices, groups.values(), strict=True)
        for loan, _ in group
    )

    # The charges in the order charge_record would have recorded them: for each notice,
    # the fines of its loans, then its fee.
    new_charges: list[Charge] = []
    noticed: list[Loan] = []
    to_collection: list[Member] = []
    for notice, ((member_id, level, collection), group) in zip(new_notices, groups.items(),
                                                              strict=True):  # fmt: skip
        member = members[member_id]
        step = group[0][1].step
        for loan, _ in group:
            loan.notice_level += 1
            loan.last_notice_date = day
            if collection:
                loan.handed_over_date = day
            stop = policy.profiles[loan.branch.profile].fines.stop_at_level
            if not collection and stop == level:
                # What _record_fine does (keep the two in step), with the fine from the
                # run's caches and the charge recorded with the batch's others.
                if not loan.fine_closed and not is_exempt(member, policy):
                    fine = fine_of(loan)
                    if fine.amount > 0:
                        new_charges.append(Charge(
                            member=member, date=day, kind="fine", amount=fine.amount,
                            loan=loan, item=loan.item, units=fine.units,
                            stretch_from=loan.due_date,
                        ))  # fmt: skip
                loan.fine_closed = True
            _schedule_notice(loan, policy)
            noticed.append(loan)
        if collection and member.in_collection_since is None:
            member.in_collection_since = day
            to_collection.append(member)
        if step.fee > 0 and not is_exempt(member, policy):
            new_charges.append(Charge(
                member=member, date=day, kind="collection" if collection else "notice",
                amount=step.fee, notice=notice, level=None if collection else level,
            ))  # fmt: skip
    _loans_update(noticed, ["notice_level", "last_notice_date", "handed_over_date",
                            "fine_closed", "next_notice_date"])  # fmt: skip
    if to_collection:
        Member.objects.filter(pk__in=[m.pk for m in to_collection]).update(in_collection_since=day)
    charges_record(charges=new_charges)
    # After the charges: a notice's payment slip asks for the debt with today's fees.
    notice_messages(
        library, members, new_notices, [[loan for loan, _ in g] for g in groups.values()]
    )
    return len(groups), len(new_charges)


def _loans_update(loans_: list[Loan], fields: list[str]) -> None:
    """Save `fields` of many loans: one UPDATE for each distinct set of values. The loans
    that reach the same step on the same day get the same values, so a batch needs only a
    handful of queries (bulk_update would build a CASE expression per loan and field)."""
    same: dict[tuple[object, ...], list[int]] = {}
    for loan in loans_:
        same.setdefault(tuple(getattr(loan, f) for f in fields), []).append(loan.pk)
    for values, pks in same.items():
        Loan.objects.filter(pk__in=pks).update(**dict(zip(fields, values, strict=True)))


def _holds_expired(library: Library, day: date, policy: Policy, ids: list[int]) -> int:
    """Expire the holds not collected by `day`: the copy passes to the next member waiting
    for the title, or back to the shelf. Caller holds the locks of the copies and members."""
    expired = list(
        Reservation.objects.filter(pk__in=ids, status=Reservation.HELD, hold_expires__lte=day)
        .order_by("hold_expires", "id")
    )  # fmt: skip
    if not expired:
        return 0
    items = {
        i.pk: i
        for i in Item.objects.select_for_update()
        .select_related("record", "branch")
        .filter(pk__in={r.item_id for r in expired})
        .order_by("pk")
    }
    members = {
        m.pk: m
        for m in Member.objects.select_for_update()
        .select_related("library")
        .filter(pk__in={r.member_id for r in expired})
        .order_by("pk")
    }
    for reservation in expired:
        item = items[reservation.item_id]
        member = members[reservation.member_id]
        reservation.status = Reservation.EXPIRED
        reservation.closed_date = day
        reservation.save(update_fields=["status", "closed_date"])
        if policy.hold_not_collected_fee > 0:
            charge_record(member=member, day=day, kind="hold_not_collected",
                          amount=policy.hold_not_collected_fee, item=item)  # fmt: skip
        _hold_next(item, day, policy)
    return len(expired)


# --- messages of the daily run ---------------------------------------------------------------


def _reminders(library: Library, day: date, policy: Policy) -> None:
    """Reminders by e-mail or SMS, one per member and kind: the loan period ends in a few
    days, a notice falls due in a few days (Tolmin art. 27), the membership runs out soon.
    The days come from the policy's `messages` (3 and 14, assumed). Found through indexed
    dates (loan_due, loan_next_notice); each day is run once (DailyRun), so each reminder is
    queued once."""
    days = policy.data.get("messages", {})
    ahead = day + timedelta(days=days.get("reminder_days", 3))
    out = Loan.objects.filter(library=library, status=Loan.OUT).select_related("item__record")
    groups: dict[tuple[int, str, date, int], list[Loan]] = {}
    for loan in out.filter(due_date=ahead).order_by("member_id", "id"):
        groups.setdefault((loan.member_id, "reminder_due", ahead, 0), []).append(loan)
    for loan in out.filter(next_notice_date=ahead, due_date__lt=day).order_by("member_id", "id"):
        groups.setdefault((loan.member_id, "reminder_notice", ahead, loan.notice_level + 1),
                          []).append(loan)  # fmt: skip
    expiring = list(Member.objects.filter(
        library=library, expires=day + timedelta(days=days.get("membership_expiring_days", 14)),
        ended_on__isnull=True,
    ))  # fmt: skip
    members = {m.pk: m for m in expiring}
    members = members_with(library, members, {member_id for member_id, *_ in groups})
    members = members_with(
        library, members, {m.guardian_id for m in members.values() if m.guardian_id}
    )
    messages: list[Message] = []

    def tell(member: Member, kind: str, context: dict[str, object]) -> None:
        to = notices.addressee(member.pk, member.born, member.guardian_id, day,
                               policy.guardian_age)  # fmt: skip
        messages.extend(member_messages(library=library, member=member, addressee=members[to],
                                        kind=kind, context=context,
                                        electronic_only=True))  # fmt: skip

    for (member_id, kind, when, level), group in groups.items():
        context = {"items": loan_items(group), "level": level}
        context["due" if kind == "reminder_due" else "notice_date"] = when
        tell(members[member_id], kind, context)
    for member in expiring:
        tell(member, "membership_expiring", {"expires": member.expires})
    Message.objects.bulk_create(messages)
