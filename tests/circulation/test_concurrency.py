"""Two desks, or the desk and the daily run, at the same moment (PostgreSQL only: SQLite
serialises every write, so there is no race to show there)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction

from bukve.accounts.models import Charge
from bukve.catalog.models import Item
from bukve.circulation.daily import daily_run_day
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import DailyRun, Loan
from bukve.circulation.services import hold_pickup, loan_checkin, loan_checkout
from bukve.notices.models import Notice
from bukve.refusals import Refused

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks and concurrent transactions need PostgreSQL; SQLite runs one "
        "writer at a time",
    ),
    pytest.mark.django_db(transaction=True),
]


class Desk(threading.Thread):
    """Run one service call in its own thread and database connection."""

    def __init__(self, call, barrier=None):
        super().__init__(daemon=True)
        self.call, self.barrier = call, barrier
        self.result = self.error = self.pid = None
        self.started_call = threading.Event()

    def run(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            if self.barrier is not None:
                self.barrier.wait(timeout=10)
            self.started_call.set()
            self.result = self.call()
        except Refused as refusal:
            self.result = refusal.code
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            connection.close()

    def finish(self):
        self.join(timeout=30)
        assert not self.is_alive(), "a desk never finished"
        return self


def wait_until_blocked(desk, timeout=10.0):
    """Wait until the desk's transaction waits for a lock held by another one."""
    desk.started_call.wait(timeout)
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s))", [desk.pid])
            if cursor.fetchone()[0] > 0:
                return
            time.sleep(0.02)
    raise RuntimeError("the desk never waited for a lock")


def test_it_lends_an_item_once_when_two_desks_check_it_out_together(
    load_library, make_member, make_item
):
    # given: Ana and Bor ask for the same copy at two desks
    maribor = load_library("maribor")
    ana, bor = make_member(maribor, "ana"), make_member(maribor, "bor")
    book = make_item(maribor, "b1")
    barrier = threading.Barrier(2)
    desks = [
        Desk(lambda m=m: loan_checkout(member=m, item=book, today=date(2026, 3, 2)), barrier)
        for m in (ana, bor)
    ]

    # when
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.finish()

    # then: one loan, one refusal, no database error
    assert [desk.error for desk in desks] == [None, None]
    outcomes = sorted(str(type(desk.result).__name__) for desk in desks)
    assert outcomes == ["Loan", "str"]
    assert [d.result for d in desks if isinstance(d.result, str)] == ["item_not_available"]
    assert Loan.objects.filter(item=book).count() == 1
    assert Item.objects.get(pk=book.pk).status == Item.LOAN


def test_it_runs_a_day_once_when_two_runs_start_together(load_library, make_member, make_item):
    # given: on 2 April Ana's book gets its 1st notice
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    loan_checkout(member=ana, item=make_item(maribor, "b1"), today=date(2026, 3, 2))
    barrier = threading.Barrier(2)
    runs = [
        Desk(lambda: daily_run_day(library=maribor, day=date(2026, 4, 2)), barrier)
        for _ in range(2)
    ]

    # when
    for run in runs:
        run.start()
    for run in runs:
        run.finish()

    # then
    assert [run.error for run in runs] == [None, None]
    assert sorted(run.result is None for run in runs) == [False, True]
    assert DailyRun.objects.count() == 1
    assert Notice.objects.count() == 1
    assert Charge.objects.filter(kind="notice").count() == 1


def test_it_sends_no_notice_for_a_loan_returned_while_the_run_works(
    load_library, make_member, make_item
):
    # given: Ana's book was due on 23 March; its 1st notice falls due on 2 April
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    run = Desk(lambda: daily_run_day(library=maribor, day=date(2026, 4, 2)))

    # when: the book is returned at the desk while the run of 2 April is working
    with transaction.atomic():
        loan_checkin(item=book, today=date(2026, 4, 2))
        run.start()
        wait_until_blocked(run)
    run.finish()

    # then: the return stops the ladder; only the fine of the return is charged
    assert run.error is None
    assert Notice.objects.count() == 0
    assert list(Charge.objects.values_list("kind", "amount")) == [("fine", Decimal("0.60"))]


def test_it_lets_a_member_collect_on_the_last_day_while_the_run_works(
    load_library, make_member, make_item
):
    # given: Ivo's book was due on 12 October (1st notice on 20 October) and a copy of c1 is
    # held for him from 14 October until 20 October
    velenje = load_library("velenje")
    ivo = make_member(velenje, "ivo")
    loan_checkout(member=ivo, item=make_item(velenje, "b9"), today=date(2026, 9, 21))
    copy = make_item(velenje, "c1")
    hold = reservation_place(member=ivo, item=copy, today=date(2026, 10, 14))
    assert hold.hold_expires == date(2026, 10, 20)
    pickup = Desk(lambda: hold_pickup(member=ivo, item=copy, today=date(2026, 10, 20)))
    run = Desk(lambda: daily_run_day(library=velenje, day=date(2026, 10, 20)))

    # when: Ivo collects at the desk while the run of 20 October is working (another
    # transaction holds the copy for a moment, so that both wait for it in this order)
    with transaction.atomic():
        Item.objects.select_for_update().get(pk=copy.pk)
        pickup.start()
        wait_until_blocked(pickup)
        run.start()
        wait_until_blocked(run)
    pickup.finish()
    run.finish()

    # then: both go through, one after the other
    assert (pickup.error, run.error) == (None, None)


def test_two_branches_scanning_one_copy_at_once_leave_one_state(
    load_library, make_member, make_item
):
    # given: Ana's Tolmin copy is scanned in at Kobarid and at Bovec at the same moment
    from bukve.circulation.models import Transit

    tolmin = load_library("tolmin")
    book = make_item(tolmin, "b1", branch="tolmin")
    loan_checkout(member=make_member(tolmin, "ana"), item=book, today=date(2026, 3, 2))
    barrier = threading.Barrier(2)
    desks = [
        Desk(
            lambda code=code: loan_checkin(
                item=book, branch=tolmin.branches.get(code=code), today=date(2026, 3, 3)
            ),
            barrier,
        )  # fmt: skip
        for code in ("kobarid", "bovec")
    ]

    # when
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.finish()

    # then: the loan ended once; the copy is on its way home once, from where it was
    # scanned last
    assert [desk.error for desk in desks] == [None, None]
    assert Loan.objects.get(item=book).status == Loan.RETURNED
    assert sum(desk.result.loan is not None for desk in desks) == 1
    open_ = Transit.objects.filter(item=book, received_date__isnull=True)
    assert open_.count() == 1 and open_.get().to_branch.code == "tolmin"
    assert Item.objects.get(pk=book.pk).status == Item.IN_TRANSIT
