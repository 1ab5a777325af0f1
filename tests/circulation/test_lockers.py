"""Parcel lockers (Tolmin art. 22.b): a reservation collected from the locker in front of
Knjižnica Tolmin. The copy is put in the locker from the hold shelf: the loan starts that
day and the member gets the code; what is not collected within 3 days is taken back in
that day's run and charged (1.00, assumed), and the copy serves the next member."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.catalog.models import Item
from bukve.circulation.daily import daily_run_day
from bukve.circulation.holds import reservation_place
from bukve.circulation.lockers import locker_add, locker_collected, locker_deposit
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.notices.models import Message
from bukve.refusals import Refused

MON, THU = date(2026, 3, 2), date(2026, 3, 5)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def locker(tolmin):
    branch = tolmin.branches.get(code="tolmin")
    return locker_add(branch=branch, code="paketnik", name="Paketnik pred Knjižnico Tolmin")


def test_a_copy_put_in_the_locker_is_lent_from_that_day_and_the_member_gets_a_code(
    tolmin, locker, make_member, make_item
):
    # given: Bor reserved a book on Tolmin's shelf for the parcel locker
    bor = make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", title="Alamut", branch="tolmin")
    hold = reservation_place(member=bor, item=book, locker=locker, today=MON)

    # then: it is held at Tolmin for the locker, and nobody is told yet
    assert (hold.status, hold.pickup_branch, hold.locker) == (
        Reservation.HELD, locker.branch, locker,
    )  # fmt: skip
    assert not Message.objects.filter(member=bor).exists()

    # when: the librarian puts it in the locker
    deposit = locker_deposit(reservation=hold, today=MON)

    # then: the loan starts today (28 days for a book), Bor gets the code, and has 3 days
    loan = Loan.objects.get(item=book, status=Loan.OUT)
    assert (loan.member, loan.checkout_date, loan.due_date) == (bor, MON, date(2026, 3, 30))
    assert deposit.code.isdigit() and len(deposit.code) == 6
    assert deposit.collect_by == THU
    message = Message.objects.get(member=bor, kind="locker_ready")
    assert deposit.code in message.body and "Paketnik pred Knjižnico Tolmin" in message.body
    assert Reservation.objects.get(pk=hold.pk).status == Reservation.COLLECTED

    # when: the locker reports it collected; the day's runs go by
    locker_collected(deposit=deposit, today=date(2026, 3, 3))
    for day in (MON, date(2026, 3, 3), date(2026, 3, 4), THU):
        daily_run_day(library=tolmin, day=day)

    # then: the loan runs on, nothing is charged
    assert Loan.objects.get(item=book).status == Loan.OUT
    assert not Charge.objects.filter(kind="hold_not_collected").exists()


def test_a_copy_not_collected_in_3_days_is_taken_back_charged_and_passed_on(
    tolmin, locker, make_member, make_item
):
    # given: Bor's book in the locker since Monday; Ana waits for the same title at Kobarid
    bor, ana = make_member(tolmin, "bor"), make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="tolmin")
    deposit = locker_deposit(
        reservation=reservation_place(member=bor, item=book, locker=locker, today=MON), today=MON
    )
    reservation_place(member=ana, item=book, pickup_branch=tolmin.branches.get(code="kobarid"),
                      today=MON)  # fmt: skip

    # when: the runs up to Wednesday, then Thursday, the last day
    for day in (MON, date(2026, 3, 3), date(2026, 3, 4)):
        daily_run_day(library=tolmin, day=day)
    assert Loan.objects.get(item=book).status == Loan.OUT
    daily_run_day(library=tolmin, day=THU)

    # then: taken back on Thursday, the loan ended without a fine, 1.00 charged, and the
    # copy goes to Kobarid for Ana
    deposit.refresh_from_db()
    assert deposit.taken_back_date == THU
    loan = Loan.objects.get(item=book)
    assert (loan.status, loan.closed_date) == (Loan.RETURNED, THU)
    charge = Charge.objects.get(member=bor, kind="hold_not_collected")
    assert charge.amount == Decimal("1.00")
    assert not Charge.objects.filter(member=bor, kind="fine").exists()
    assert Item.objects.get(pk=book.pk).status == Item.IN_TRANSIT
    # and: collected too late, nothing changes
    assert locker_collected(deposit=deposit, today=date(2026, 3, 6)).collected_date is None


def test_only_a_held_copy_of_a_locker_reservation_goes_in_the_locker(
    tolmin, locker, make_member, make_item
):
    bor, ana = make_member(tolmin, "bor"), make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="bovec")
    loan_checkout(member=ana, item=book, today=MON)
    waiting = reservation_place(member=bor, item=book, locker=locker, today=MON)
    with pytest.raises(Refused) as refused:
        locker_deposit(reservation=waiting, today=MON)
    assert refused.value.code == "not_in_locker"
    # when: the copy comes back at Bovec, it is sent to the locker's branch first
    done = loan_checkin(item=book, branch=tolmin.branches.get(code="bovec"), today=MON)
    assert done.transit is not None and done.transit.to_branch == locker.branch


def test_a_library_without_lockers_refuses_a_locker_reservation(
    load_library, make_member, make_item
):
    maribor = load_library("maribor")
    other = locker_add(branch=maribor.branches.first(), code="x", name="X")
    member = make_member(maribor, "ana")
    with pytest.raises(Refused) as refused:
        reservation_place(member=member, item=make_item(maribor, "m1"), locker=other, today=MON)
    assert refused.value.code == "no_lockers"
