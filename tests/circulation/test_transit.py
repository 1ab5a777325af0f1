"""Copies between branches (Tolmin art. 24, 31): a copy returned away from home goes home in
transit; a hold for pick-up at another branch is pulled from the shelf, sent, and ready only
once it has arrived, with the pick-up window counted from then."""

from datetime import date

import pytest

from bukve.catalog.models import Item
from bukve.catalog.services import item_withdraw
from bukve.circulation.holds import reservation_cancel, reservation_place
from bukve.circulation.models import Reservation, Transit
from bukve.circulation.selectors import pull_list, transits_open
from bukve.circulation.services import hold_pickup, loan_checkin, loan_checkout
from bukve.notices.models import Message
from bukve.refusals import Refused

MON, TUE, WED = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def branch(tolmin):
    return lambda code: tolmin.branches.get(code=code)


def status(item: Item) -> str:
    return Item.objects.get(pk=item.pk).status


def test_a_copy_returned_at_another_branch_goes_home_in_transit(
    tolmin, branch, make_member, make_item
):
    # given: Ana borrowed a book of Tolmin's branch
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="tolmin")
    loan_checkout(member=ana, item=book, today=MON)

    # when: she returns it at Kobarid
    done = loan_checkin(item=book, branch=branch("kobarid"), today=TUE)

    # then: the loan ends, and the copy is to be sent home to Tolmin
    assert done.loan is not None and done.held_for is None
    assert done.transit is not None and done.transit.to_branch == branch("tolmin")
    assert status(book) == Item.IN_TRANSIT
    assert list(transits_open(start=branch("kobarid"))) == [done.transit]
    assert list(transits_open(to=branch("tolmin"))) == [done.transit]
    # and: on its way, nobody can borrow it
    with pytest.raises(Refused) as refused:
        loan_checkout(member=bor, item=book, branch=branch("kobarid"), today=TUE)
    assert refused.value.code == "item_not_available"

    # when: it is scanned at Tolmin
    home = loan_checkin(item=book, branch=branch("tolmin"), today=WED)

    # then: the transit ends and the copy is on its shelf
    assert (home.loan, home.held_for, home.transit) == (None, None, None)
    assert status(book) == Item.SHELF
    transit = Transit.objects.get()
    assert (transit.received_date, transit.received_at) == (WED, branch("tolmin"))
    assert not transits_open(to=branch("tolmin")).exists()


def test_a_copy_returned_at_home_goes_on_the_shelf(tolmin, branch, make_member, make_item):
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="bovec")
    loan_checkout(member=ana, item=book, today=MON)
    done = loan_checkin(item=book, branch=branch("bovec"), today=TUE)
    assert done.transit is None and status(book) == Item.SHELF


def test_a_hold_at_another_branch_is_pulled_sent_and_ready_once_it_arrives(
    tolmin, branch, make_member, make_item
):
    # given: the only copy is on Tolmin's shelf; Bor reserves it to pick up at Bovec
    bor = make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="tolmin", call_number="821 CANKAR")
    hold = reservation_place(member=bor, item=book, pickup_branch=branch("bovec"), today=MON)

    # then: it is not ready; it is on Tolmin's pull list, not on Bovec's
    assert (hold.status, hold.item, hold.hold_expires) == (Reservation.WAITING, book, None)
    assert [r.pk for r in pull_list(branch("tolmin"))] == [hold.pk]
    assert not pull_list(branch("bovec")).exists()
    assert not Message.objects.filter(kind="hold_ready").exists()

    # when: Tolmin takes it from the shelf and scans it in
    sent = loan_checkin(item=book, branch=branch("tolmin"), today=MON)

    # then: it goes in transit to Bovec, for Bor's hold
    assert sent.loan is None and sent.held_for is None
    assert sent.transit is not None and sent.transit.to_branch == branch("bovec")
    assert sent.transit.reservation_id == hold.pk
    assert Reservation.objects.get(pk=hold.pk).status == Reservation.IN_TRANSIT
    assert status(book) == Item.IN_TRANSIT
    assert not pull_list(branch("tolmin")).exists()

    # when: it is scanned at Bovec on Wednesday
    arrived = loan_checkin(item=book, branch=branch("bovec"), today=WED)

    # then: it is on Bovec's hold shelf for Bor, five working days from Wednesday, and Bor
    # is told
    assert arrived.held_for is not None and arrived.held_for.pk == hold.pk
    hold.refresh_from_db()
    assert (hold.status, hold.held_date, hold.hold_expires) == (
        Reservation.HELD, WED, date(2026, 3, 11),
    )  # fmt: skip
    assert status(book) == Item.HELD
    assert Message.objects.filter(kind="hold_ready", member=bor).exists()
    # and: Bor collects it there
    loan = hold_pickup(member=bor, item=book, today=date(2026, 3, 5))
    assert loan.branch == branch("bovec")


def test_a_copy_on_the_pick_up_branch_shelf_is_held_at_once(tolmin, branch, make_member, make_item):
    bor = make_member(tolmin, "bor")
    make_item(tolmin, "b1", record="r", branch="tolmin")
    here = make_item(tolmin, "b2", record="r", branch="kobarid")
    hold = reservation_place(member=bor, item=here, pickup_branch=branch("kobarid"), today=MON)
    assert (hold.status, hold.item) == (Reservation.HELD, here)


def test_a_return_at_the_pick_up_branch_fills_the_hold_there(
    tolmin, branch, make_member, make_item
):
    # given: Ana has the copy; Bor waits for it at Kobarid
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="tolmin")
    loan_checkout(member=ana, item=book, today=MON)
    hold = reservation_place(member=bor, item=book, pickup_branch=branch("kobarid"), today=MON)
    # when: Ana returns it at Kobarid
    done = loan_checkin(item=book, branch=branch("kobarid"), today=TUE)
    # then: it stays there, on the hold shelf for Bor (not sent home)
    assert done.transit is None and done.held_for is not None and done.held_for.pk == hold.pk


def test_a_return_elsewhere_goes_to_the_hold_not_home(tolmin, branch, make_member, make_item):
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="tolmin")
    loan_checkout(member=ana, item=book, today=MON)
    reservation_place(member=bor, item=book, pickup_branch=branch("bovec"), today=MON)
    done = loan_checkin(item=book, branch=branch("kobarid"), today=TUE)
    assert done.transit is not None and done.transit.to_branch == branch("bovec")


def test_a_copy_sent_for_a_cancelled_hold_goes_home_from_where_it_arrives(
    tolmin, branch, make_member, make_item
):
    bor = make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="tolmin")
    hold = reservation_place(member=bor, item=book, pickup_branch=branch("bovec"), today=MON)
    loan_checkin(item=book, branch=branch("tolmin"), today=MON)
    reservation_cancel(reservation=hold, today=TUE)
    done = loan_checkin(item=book, branch=branch("bovec"), today=WED)
    assert done.held_for is None
    assert done.transit is not None and done.transit.to_branch == branch("tolmin")


def test_a_copy_that_arrives_at_the_wrong_branch_is_sent_on(tolmin, branch, make_member, make_item):
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="tolmin")
    loan_checkout(member=ana, item=book, today=MON)
    loan_checkin(item=book, branch=branch("kobarid"), today=TUE)
    done = loan_checkin(item=book, branch=branch("bovec"), today=WED)
    assert done.transit is not None and done.transit.from_branch == branch("bovec")
    assert done.transit.to_branch == branch("tolmin")
    assert transits_open(to=branch("tolmin")).count() == 1


def test_a_copy_to_pull_lent_from_the_shelf_leaves_the_hold_to_another_copy(
    tolmin, branch, make_member, make_item
):
    # given: copies on the shelves of Tolmin and Kobarid; Bor's hold at Bovec is to be
    # pulled from Tolmin's (the first by barcode)
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    first = make_item(tolmin, "b1", record="r", branch="tolmin")
    other = make_item(tolmin, "b2", record="r", branch="kobarid")
    reservation_place(member=bor, item=first, pickup_branch=branch("bovec"), today=MON)
    assert [r.item for r in pull_list(branch("tolmin"))] == [first]
    # when: Ana borrows that copy at Tolmin before anyone takes it from the shelf
    loan_checkout(member=ana, item=first, branch=branch("tolmin"), today=TUE)
    # then: Bor's hold is to be pulled from Kobarid's shelf instead
    assert [r.item for r in pull_list(branch("kobarid"))] == [other]
    assert not pull_list(branch("tolmin")).exists()


def test_a_copy_returned_while_another_is_to_be_pulled_is_sent_instead(
    tolmin, branch, make_member, make_item
):
    # given: Bor's hold at Bovec is to be pulled from Tolmin's shelf; Ana has another copy
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    first = make_item(tolmin, "b1", record="r", branch="tolmin")
    other = make_item(tolmin, "b2", record="r", branch="kobarid")
    loan_checkout(member=ana, item=other, today=MON)
    hold = reservation_place(member=bor, item=first, pickup_branch=branch("bovec"), today=MON)
    # when: Ana returns hers at Kobarid
    done = loan_checkin(item=other, branch=branch("kobarid"), today=TUE)
    # then: the copy in hand goes to Bovec for Bor, and Tolmin's stays on its shelf
    assert done.transit is not None and done.transit.reservation_id == hold.pk
    assert not pull_list(branch("tolmin")).exists()
    assert status(first) == Item.SHELF


def test_a_library_whose_copies_do_not_travel_holds_at_once(tolmin, branch, make_member, make_item):
    # given: the policy simulator's library: a copy is wherever it is needed
    tolmin.transit = False
    tolmin.save(update_fields=["transit"])
    bor = make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="tolmin")
    hold = reservation_place(member=bor, item=book, pickup_branch=branch("bovec"), today=MON)
    assert hold.status == Reservation.HELD
    loan = hold_pickup(member=bor, item=book, today=TUE)
    done = loan_checkin(item=loan.item, branch=branch("kobarid"), today=WED)
    assert done.transit is None and status(book) == Item.SHELF


def test_a_copy_to_pull_withdrawn_leaves_the_hold_to_another_copy(
    tolmin, branch, make_member, make_item
):
    bor = make_member(tolmin, "bor")
    first = make_item(tolmin, "b1", record="r", branch="tolmin")
    other = make_item(tolmin, "b2", record="r", branch="kobarid")
    reservation_place(member=bor, item=first, pickup_branch=branch("bovec"), today=MON)
    item_withdraw(item=first, today=TUE, by=None)
    assert [r.item for r in pull_list(branch("kobarid"))] == [other]


def test_a_copy_in_transit_is_not_withdrawn(tolmin, branch, make_member, make_item):
    book = make_item(tolmin, "b1", branch="tolmin")
    loan_checkout(member=make_member(tolmin, "ana"), item=book, today=MON)
    loan_checkin(item=book, branch=branch("kobarid"), today=TUE)
    with pytest.raises(Refused) as refused:
        item_withdraw(item=book, today=WED, by=None)
    assert refused.value.code == "item_in_transit"
