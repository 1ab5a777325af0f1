"""Catch-up: a daily run after missed days gives exactly what running every day would have.

Checked as a property on two identical libraries loaded from one preset: library A runs the
daily run only now and then (`daily_run(until=...)`, which catches up the missed days),
library B runs every single day (`daily_run_day`). Both see the same desk events, each
day's events before that day's run, so A catches up to the day before an event first.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from bukve.accounts.models import Charge
from bukve.catalog.models import Item, Record
from bukve.circulation import holds
from bukve.circulation import services as circulation
from bukve.circulation.daily import daily_run, daily_run_day
from bukve.circulation.models import Loan, Reservation
from bukve.libraries.services import library_load, preset_read
from bukve.members.models import Member
from bukve.notices.models import Notice
from bukve.refusals import Refused

START = date(2026, 9, 1)
MOBILE = {"maribor": "bibliobus", "tolmin": "mobile"}
KINDS = ["checkout", "checkout", "checkout", "return", "lost", "renew", "reserve", "pickup"]

event_strategy = st.tuples(
    st.integers(0, 35),  # day after START
    st.sampled_from(KINDS),
    st.integers(0, 2),  # member: ana (adult), tim (child, guardian ana), eva (staff)
    st.integers(0, 3),  # item: i0 and i1 are copies of one title
    st.booleans(),  # checkout on the mobile library / renewal online
)
events_strategy = st.tuples(
    event_strategy.map(lambda e: (e[0] // 10, "checkout", *e[2:])),  # something is lent early
    st.lists(event_strategy, max_size=8),
).map(lambda first_rest: sorted([first_rest[0], *first_rest[1]], key=lambda e: e[0]))


def library_build(code: str, suffix: str, materials: list[str]):
    policy = preset_read(code)
    library = library_load(policy=replace(policy, id=f"{code}-{suffix}"))
    ana = Member.objects.create(
        library=library, card_number="ana", category="adult", born=date(1985, 3, 2)
    )
    tim = Member.objects.create(
        library=library, card_number="tim", category="child", born=date(2016, 6, 1), guardian=ana
    )
    eva = Member.objects.create(
        library=library, card_number="eva", category="staff", born=date(1970, 1, 1)
    )
    branch = library.branches.order_by("id").first()
    items = []
    for n, material in enumerate(materials):
        record, _ = Record.objects.get_or_create(library=library, key=f"r{max(n, 1)}")
        items.append(
            Item.objects.create(
                library=library,
                record=record,
                barcode=f"i{n}",
                material=material,
                branch=branch,
                price=Decimal("10.00"),
            )
        )
    return library, [ana, tim, eva], items


def play(code, library, members, items, event):
    """Play one desk event; its outcome is a due date, a holder or a refusal code."""
    day, kind, m, i, flag = event
    today = START + timedelta(days=day)
    member = Member.objects.get(pk=members[m].pk)
    item = Item.objects.get(pk=items[i].pk)
    try:
        match kind:
            case "checkout":
                mobile = flag and code in MOBILE
                branch = library.branches.get(code=MOBILE[code]) if mobile else None
                loan = circulation.loan_checkout(
                    member=member, item=item, branch=branch, today=today
                )
                return loan.due_date
            case "renew":
                channel = "online" if flag else "desk"
                return circulation.loan_renew(
                    member=member, item=item, channel=channel, today=today
                ).due_date
            case "return":
                held = circulation.loan_checkin(item=item, today=today).held_for
                return held.member.card_number if held else None
            case "lost":
                return circulation.loan_declare_lost(item=item, today=today).status
            case "reserve":
                return holds.reservation_place(member=member, item=item, today=today).status
            case "pickup":
                return circulation.hold_pickup(member=member, item=item, today=today).due_date
    except Refused as refusal:
        return refusal.code


def outcome(library):
    """What the daily runs and the desk produced, keyed by card numbers and barcodes."""
    cards = dict(Member.objects.filter(library=library).values_list("id", "card_number"))
    notices = sorted(
        (
            cards[n.member_id],
            n.date,
            n.level,
            n.collection,
            cards[n.addressee_id],
            n.registered_mail,
            tuple(sorted(loan.item.barcode for loan in n.loans.all())),
        )
        for n in Notice.objects.filter(library=library).prefetch_related("loans__item")
    )
    charges = sorted(
        (
            cards[c.member_id],
            c.date,
            c.kind,
            c.amount,
            c.open_amount,
            c.item.barcode if c.item else None,
            c.level,
            c.units,
            c.stretch_from,
        )
        for c in Charge.objects.filter(library=library).select_related("item")
    )
    loans = sorted(
        (
            loan.item.barcode,
            cards[loan.member_id],
            loan.checkout_date,
            loan.status,
            loan.due_date,
            loan.renewals,
            loan.notice_level,
            loan.last_notice_date,
            loan.next_notice_date,
            loan.fine_closed,
            loan.handed_over_date,
            loan.closed_date,
        )
        for loan in Loan.objects.filter(library=library).select_related("item")
    )
    reservations = sorted(
        (
            cards[r.member_id],
            r.record.key,
            r.status,
            r.item.barcode if r.item else None,
            r.held_date,
            r.hold_expires,
            r.closed_date,
        )
        for r in Reservation.objects.filter(library=library).select_related("record", "item")
    )
    members = sorted(
        Member.objects.filter(library=library).values_list("card_number", "in_collection_since")
    )
    items = sorted(Item.objects.filter(library=library).values_list("barcode", "status"))
    return notices, charges, loans, reservations, members, items


@settings(
    max_examples=20,
    deadline=None,
    database=None,
    # No "explain" phase (it takes minutes); shrinking is what makes a failure readable.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    code=st.sampled_from(["maribor", "velenje", "tolmin"]),
    materials=st.lists(st.sampled_from(["book", "dvd", "magazine"]), min_size=4, max_size=4),
    events=events_strategy,
    checkpoints=st.sets(st.integers(0, 70), max_size=4),
    extra_days=st.integers(5, 35),
)
def test_it_catches_up_missed_days_exactly_as_running_every_day(
    db, code, materials, events, checkpoints, extra_days
):
    last = events[-1][0] + extra_days
    # Each example in its own savepoint, rolled back: the `db` fixture only rolls back once,
    # at the end of the whole test.
    with transaction.atomic():
        # given: two identical libraries
        a_library, a_members, a_items = library_build(code, "a", materials)
        b_library, b_members, b_items = library_build(code, "b", materials)
        by_day: dict[int, list] = {}
        for e in events:
            by_day.setdefault(e[0], []).append(e)

        # when: A runs now and then and catches up; B runs every day
        a_results = []
        for day in sorted(set(by_day) | {d for d in checkpoints if d <= last} | {last}):
            if day in by_day:
                daily_run(library=a_library, until=START + timedelta(days=day - 1))
                a_results += [play(code, a_library, a_members, a_items, e) for e in by_day[day]]
            if day in checkpoints or day == last:
                daily_run(library=a_library, until=START + timedelta(days=day))
        b_results = []
        for day in range(events[0][0], last + 1):
            b_results += [play(code, b_library, b_members, b_items, e) for e in by_day.get(day, [])]
            daily_run_day(library=b_library, day=START + timedelta(days=day))

        # then: the same outcomes, notices and charges, to the day and the cent
        assert a_results == b_results
        a, b = outcome(a_library), outcome(b_library)
        assert a[0] == b[0], "notices"
        assert a[1] == b[1], "charges"
        assert a[2:] == b[2:], "loans, reservations, members, items"
        event(f"notices: {min(len(a[0]), 3)}+")
        event(f"charge kinds: {sorted({c[2] for c in a[1]})}")
        transaction.set_rollback(True)
