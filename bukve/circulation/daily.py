"""The daily run: notices and their fees, fines that stop at a notice, hand-over to
collection, expired holds and reminders, day by day, catching up missed days.

It is safe to run twice (a day already run is skipped, DailyRun) and in parallel (it locks
in the services' order: copies, then members, then their loans and charges).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from bukve.accounts.models import Charge
from bukve.accounts.settlement import charge_record, charges_record
from bukve.catalog.models import Item
from bukve.circulation.fines import is_exempt
from bukve.circulation.holds import copy_route
from bukve.circulation.lockers import lockers_not_collected, lockers_waiting
from bukve.circulation.models import DailyRun, Loan, Reservation
from bukve.circulation.services import schedule_notice
from bukve.libraries.models import Library
from bukve.libraries.services import calendar_for, fine_rates, policy_for
from bukve.members.models import Member
from bukve.members.selectors import members_with
from bukve.notices.models import Message, Notice
from bukve.notices.services import loan_items, member_messages, notice_messages
from bukve.rules import fines, notices
from bukve.rules.calendar import BranchCalendar
from bukve.rules.policy import Policy


def daily_run(*, library: Library, until: date | None = None) -> list[DailyRun]:
    """Run every day not yet run up to `until`, in order (catch-up). A day already run is
    skipped, so running twice changes nothing."""
    until = until or timezone.localdate()
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
    hand-over to collection, expired holds and copies not collected from parcel lockers
    (counted with the holds). Returns None when the day was already run.

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
        in_lockers = [(d.loan.member_id, d.pk, d.loan.item_id)
                      for d in lockers_waiting(library.pk, day).select_related("loan")]  # fmt: skip
        _lock(Item, {row[2] for row in due + expired + in_lockers})
        _lock(Member, {row[0] for row in due + expired + in_lockers})
        run.notices, run.charges = _notices_due(library, day, policy, calendars, due)
        run.holds_expired = _holds_expired(library, day, policy, [row[1] for row in expired])
        run.holds_expired += lockers_not_collected(library.pk, day, policy)
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


GroupKey = tuple[int, int, bool]  # member, notice level, hand-over to collection
Group = list[tuple[Loan, notices.NextStep]]  # the loans that reach it, with their step


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
    groups = _steps_reached(batch, policy)
    new_notices = _notices_create(library, day, policy, members, groups)
    new_charges = _notices_record(day, policy, members, new_notices, groups, fine_of)
    # After the charges: a notice's payment slip asks for the debt with today's fees.
    notice_messages(
        library, members, new_notices, [[loan for loan, _ in g] for g in groups.values()]
    )
    return len(groups), len(new_charges)


def _steps_reached(batch: list[Loan], policy: Policy) -> dict[GroupKey, Group]:
    """The batch's loans grouped by member and the notice they reach; a loan past the end of
    its ladder has no next notice date any more."""
    groups: dict[GroupKey, Group] = {}
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
    return groups


def _notices_create(
    library: Library,
    day: date,
    policy: Policy,
    members: dict[int, Member],
    groups: dict[GroupKey, Group],
) -> list[Notice]:
    """One notice for each group, to the member or their parent or guardian, linked to the
    group's loans; in the order of the groups."""
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
    return new_notices


def _notices_record(
    day: date,
    policy: Policy,
    members: dict[int, Member],
    new_notices: list[Notice],
    groups: dict[GroupKey, Group],
    fine_of: Callable[[Loan], fines.Fine],
) -> list[Charge]:
    """What the notices change: each loan moves up its ladder (its fine stops at the level
    the profile says), a member handed over is in collection, and the fines and fees are
    recorded. Returns the charges."""
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
                # What the services' _record_fine does (keep the two in step), with the fine
                # from the run's caches and the charge recorded with the batch's others.
                if not loan.fine_closed and not is_exempt(member, policy):
                    fine = fine_of(loan)
                    if fine.amount > 0:
                        new_charges.append(Charge(
                            member=member, date=day, kind="fine", amount=fine.amount,
                            loan=loan, item=loan.item, units=fine.units,
                            stretch_from=loan.due_date,
                        ))  # fmt: skip
                loan.fine_closed = True
            schedule_notice(loan, policy)
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
    return new_charges


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
        .select_related("pickup_branch")
        .order_by("hold_expires", "id")
    )  # fmt: skip
    if not expired:
        return 0
    items = {
        i.pk: i
        for i in Item.objects.select_for_update(of=("self",))
        .select_related("record", "branch", "library")
        .filter(pk__in={r.item_id for r in expired})
        .order_by("pk")
    }
    members = {
        m.pk: m
        for m in Member.objects.select_for_update(of=("self",))
        .select_related("library")
        .filter(pk__in={r.member_id for r in expired})
        .order_by("pk")
    }
    for reservation in expired:
        assert reservation.item_id is not None  # a held reservation has its copy
        item = items[reservation.item_id]
        member = members[reservation.member_id]
        reservation.status = Reservation.EXPIRED
        reservation.closed_date = day
        reservation.save(update_fields=["status", "closed_date"])
        if policy.hold_not_collected_fee > 0:
            charge_record(member=member, day=day, kind="hold_not_collected",
                          amount=policy.hold_not_collected_fee, item=item)  # fmt: skip
        copy_route(item, at=reservation.pickup_branch, day=day, policy=policy)
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
