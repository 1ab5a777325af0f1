"""Reservations: holds on the shelf, the first-come queue, expiry, cancelling, refusals."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.catalog.models import Item
from bukve.circulation.daily import daily_run_day
from bukve.circulation.holds import reservation_cancel, reservation_place
from bukve.circulation.models import Reservation
from bukve.circulation.services import hold_pickup, loan_checkin, loan_checkout
from bukve.refusals import Refused


def state(reservation):
    reservation.refresh_from_db()
    item = reservation.item.barcode if reservation.item else None
    return reservation.status, item, reservation.held_date, reservation.hold_expires


@pytest.fixture
def potter(load_library, make_member, make_item):
    """Velenje: Hana has both copies of Harry Potter on loan since 1 October (due 22 Oct);
    Ivo reserves on 2 October, Jan on 3 October."""
    velenje = load_library("velenje")
    hana, ivo, jan = (make_member(velenje, c) for c in ("hana", "ivo", "jan"))
    c1 = make_item(velenje, "c1", record="potter")
    c2 = make_item(velenje, "c2", record="potter")
    for copy in (c1, c2):
        loan_checkout(member=hana, item=copy, today=date(2026, 10, 1))
    r_ivo = reservation_place(member=ivo, item=c1, today=date(2026, 10, 2))
    r_jan = reservation_place(member=jan, item=c2, today=date(2026, 10, 3))
    return velenje, (hana, ivo, jan), (c1, c2), (r_ivo, r_jan)


def test_it_holds_the_copy_on_the_shelf_whose_barcode_sorts_first(
    load_library, make_member, make_item
):
    # given: copies of a title entered in another order than their barcodes; one is on loan,
    # one is not for home loan
    velenje = load_library("velenje")
    ana, bor = make_member(velenje, "ana"), make_member(velenje, "bor")
    c3 = make_item(velenje, "c3", record="r")
    make_item(velenje, "c2", record="r")
    make_item(velenje, "b9", record="r", not_for_loan=True)
    a1 = make_item(velenje, "a1", record="r")
    loan_checkout(member=bor, item=a1, today=date(2026, 3, 1))

    # when: Ana reserves on Monday 2 March through copy c3
    reservation = reservation_place(member=ana, item=c3, today=date(2026, 3, 2))

    # then: c2 is held for her until the 5th open day after (Saturday 7 March)
    assert state(reservation) == (Reservation.HELD, "c2", date(2026, 3, 2), date(2026, 3, 7))
    assert Item.objects.get(barcode="c2").status == Item.HELD
    assert Item.objects.get(barcode="c3").status == Item.SHELF


def test_it_counts_the_pickup_window_in_the_days_of_the_pickup_branch(
    load_library, make_member, make_item
):
    # given: Bovec opens Monday to Friday; Thursday 25 June is Statehood Day
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="bovec")

    # when: reserved on Thursday 18 June for pick-up in Bovec
    reservation = reservation_place(
        member=ana,
        item=book,
        today=date(2026, 6, 18),
        pickup_branch=tolmin.branches.get(code="bovec"),
    )

    # then: 19, 22, 23, 24 and 26 June
    assert state(reservation) == (Reservation.HELD, "b1", date(2026, 6, 18), date(2026, 6, 26))


def test_it_refuses_a_second_reservation_of_a_title_the_member_waits_for(potter):
    # given: Ivo waits for Harry Potter since 2 October
    _, (_, ivo, _), (_, c2), (r_ivo, _) = potter

    # when: he reserves it again, through the other copy
    with pytest.raises(Refused) as info:
        reservation_place(member=ivo, item=c2, today=date(2026, 10, 5))

    # then (RULES.md 1, Holds in detail)
    assert info.value.code == "already_reserved"
    assert "2. 10. 2026" in info.value.sentence
    assert list(Reservation.objects.filter(member=ivo).values_list("pk", flat=True)) == [r_ivo.pk]


def test_it_refuses_a_reservation_of_a_title_held_for_the_member(potter):
    # given: c1 is on the hold shelf for Ivo since Monday 12 October, until Saturday 17
    _, (_, ivo, _), (c1, c2), _ = potter
    loan_checkin(item=c1, today=date(2026, 10, 12))

    # when / then: not even through the copy still on loan
    with pytest.raises(Refused) as info:
        reservation_place(member=ivo, item=c2, today=date(2026, 10, 13))
    assert info.value.code == "already_reserved"
    assert "17. 10. 2026" in info.value.sentence
    assert Reservation.objects.filter(member=ivo).count() == 1


def test_it_lets_a_member_reserve_a_title_again_once_the_copy_is_picked_up(potter):
    # given: Ivo picked up c1, held for him, on 13 October
    _, (_, ivo, _), (c1, _), (r_ivo, _) = potter
    loan_checkin(item=c1, today=date(2026, 10, 12))
    hold_pickup(member=ivo, item=c1, today=date(2026, 10, 13))

    # when
    again = reservation_place(member=ivo, item=c1, today=date(2026, 10, 14))

    # then: he waits in the queue, behind Jan
    assert again.pk != r_ivo.pk
    assert state(again)[0] == Reservation.WAITING


@pytest.mark.parametrize(
    ("fact", "code"),
    [({"in_collection_since": date(2026, 2, 1)}, "in_collection"), ({}, "not_for_loan")],
)
def test_it_gives_the_reservation_refusals_in_the_order_of_the_rules(
    load_library, make_member, make_item, fact, code
):
    # given: Ana waits for a title of which one copy is not for home loan
    tolmin = load_library("tolmin")
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    lent = make_item(tolmin, "x1", record="r")
    reading_room = make_item(tolmin, "x2", record="r", not_for_loan=True)
    loan_checkout(member=bor, item=lent, today=date(2026, 5, 4))
    reservation_place(member=ana, item=lent, today=date(2026, 5, 4))
    type(ana).objects.filter(pk=ana.pk).update(**fact)

    # when / then: in_collection, not_for_loan, already_reserved (RULES.md 1)
    with pytest.raises(Refused) as info:
        reservation_place(member=ana, item=reading_room, today=date(2026, 5, 5))
    assert info.value.code == code


def test_it_counts_tolmins_pickup_window_in_working_days_over_a_saturday_and_a_holiday(
    load_library, make_member, make_item
):
    # given: Tolmin's branch opens Monday to Saturday; Monday 27 April 2026 is a holiday
    # (dan upora proti okupatorju), and so are 1 and 2 May
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="tolmin")

    # when: reserved on Thursday 23 April, the copy on the shelf held at once
    reservation = reservation_place(member=ana, item=book, today=date(2026, 4, 23))

    # then: five working days (art. 31): Fri 24, Tue 28, Wed 29, Thu 30 April, Mon 4 May;
    # the open Saturdays 25 April and 2 May (a holiday anyway) do not count
    assert state(reservation) == (Reservation.HELD, "b1", date(2026, 4, 23), date(2026, 5, 4))


def test_it_keeps_counting_open_days_where_the_library_does(load_library, make_member, make_item):
    # given: Velenje opens Monday to Saturday and counts open days (assumed)
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")

    # when: reserved on Thursday 23 April 2026
    reservation = reservation_place(member=ana, item=book, today=date(2026, 4, 23))

    # then: Fri 24, Sat 25, Tue 28, Wed 29, Thu 30 April
    assert state(reservation)[3] == date(2026, 4, 30)


def test_it_serves_the_queue_first_come_first_served(potter):
    # given
    _, (_, ivo, jan), (c1, c2), (r_ivo, r_jan) = potter

    # when: c2 comes back first, then c1
    first = loan_checkin(item=c2, today=date(2026, 10, 12))
    second = loan_checkin(item=c1, today=date(2026, 10, 13))

    # then
    assert first.held_for.pk == r_ivo.pk
    assert second.held_for.pk == r_jan.pk
    assert state(r_ivo) == (Reservation.HELD, "c2", date(2026, 10, 12), date(2026, 10, 17))
    assert state(r_jan) == (Reservation.HELD, "c1", date(2026, 10, 13), date(2026, 10, 19))


def test_it_lets_the_member_collect_on_the_last_day(potter):
    # given: c1 is held for Ivo from Monday 12 October until Saturday 17 October
    velenje, (_, ivo, _), (c1, _), (r_ivo, _) = potter
    loan_checkin(item=c1, today=date(2026, 10, 12))
    daily_run_day(library=velenje, day=date(2026, 10, 16))

    # when: he comes on the last day, before that day's run
    loan = hold_pickup(member=ivo, item=c1, today=date(2026, 10, 17))
    daily_run_day(library=velenje, day=date(2026, 10, 17))

    # then
    assert loan.member_id == ivo.pk
    assert state(r_ivo)[0] == Reservation.COLLECTED
    assert Charge.objects.count() == 0


def test_it_expires_a_hold_in_the_run_of_its_last_day(potter):
    # given: c1 is held for Ivo from Monday 12 October until Saturday 17 October
    velenje, (_, ivo, jan), (c1, _), (r_ivo, r_jan) = potter
    loan_checkin(item=c1, today=date(2026, 10, 12))

    # when
    daily_run_day(library=velenje, day=date(2026, 10, 16))
    held_on_16th = state(r_ivo)[0]
    run = daily_run_day(library=velenje, day=date(2026, 10, 17))

    # then: Ivo pays 1.00 for not collecting it, and the copy is held for Jan until Friday 23rd
    assert held_on_16th == Reservation.HELD
    assert run.holds_expired == 1
    assert state(r_ivo)[0] == Reservation.EXPIRED
    assert list(
        Charge.objects.values_list("member__card_number", "date", "kind", "amount", "item__barcode")
    ) == [("ivo", date(2026, 10, 17), "hold_not_collected", Decimal("1.00"), "c1")]
    assert state(r_jan) == (Reservation.HELD, "c1", date(2026, 10, 17), date(2026, 10, 23))
    with pytest.raises(Refused) as info:
        hold_pickup(member=ivo, item=c1, today=date(2026, 10, 19))
    assert info.value.code == "item_not_available"
    assert hold_pickup(member=jan, item=c1, today=date(2026, 10, 20)).due_date == date(2026, 11, 10)


def test_it_puts_an_uncollected_copy_back_on_the_shelf_without_a_fee_in_maribor(
    load_library, make_member, make_item
):
    # given: a copy held for Ana on Monday 2 March, until Saturday 7 March
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    reservation = reservation_place(member=ana, item=book, today=date(2026, 3, 2))

    # when
    daily_run_day(library=maribor, day=date(2026, 3, 7))

    # then
    assert state(reservation)[0] == Reservation.EXPIRED
    book.refresh_from_db()
    assert book.status == Item.SHELF
    assert Charge.objects.count() == 0


def test_it_passes_a_held_copy_on_when_the_hold_is_cancelled(potter):
    # given: c1 is held for Ivo since Monday 12 October
    _, _, (c1, _), (r_ivo, r_jan) = potter
    loan_checkin(item=c1, today=date(2026, 10, 12))
    r_ivo.refresh_from_db()

    # when: Ivo cancels on Wednesday 14 October
    reservation_cancel(reservation=r_ivo, today=date(2026, 10, 14))

    # then: Jan is notified that day and has until Tuesday 20 October
    assert state(r_ivo)[0] == Reservation.CANCELLED
    assert state(r_jan) == (Reservation.HELD, "c1", date(2026, 10, 14), date(2026, 10, 20))
    assert Charge.objects.count() == 0


def test_it_puts_the_copy_back_on_the_shelf_when_the_last_hold_is_cancelled(
    load_library, make_member, make_item
):
    # given
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")
    reservation = reservation_place(member=ana, item=book, today=date(2026, 3, 2))

    # when
    reservation_cancel(reservation=reservation, today=date(2026, 3, 3))

    # then
    book.refresh_from_db()
    assert book.status == Item.SHELF


def test_it_cancels_a_waiting_reservation(potter):
    # given
    _, _, (c1, _), (r_ivo, r_jan) = potter

    # when: Ivo cancels while waiting, then c1 comes back
    reservation_cancel(reservation=r_ivo, today=date(2026, 10, 5))
    result = loan_checkin(item=c1, today=date(2026, 10, 12))

    # then
    assert state(r_ivo) == (Reservation.CANCELLED, None, None, None)
    assert result.held_for.pk == r_jan.pk


def test_it_passes_the_copy_on_when_the_hold_was_made_after_the_reservation_was_read(potter):
    # given: the desk reads Ivo's reservation while he is still waiting ...
    _, _, (c1, _), (r_ivo, r_jan) = potter
    as_read = Reservation.objects.get(pk=r_ivo.pk)
    # ... and meanwhile c1 comes back and is held for him
    loan_checkin(item=c1, today=date(2026, 10, 12))

    # when: the cancel goes through with what was read
    reservation_cancel(reservation=as_read, today=date(2026, 10, 12))

    # then: the copy passes to Jan, as when the hold is read afresh
    assert state(r_ivo)[0] == Reservation.CANCELLED
    assert state(r_jan)[:2] == (Reservation.HELD, "c1")


def test_it_refuses_a_member_in_collection(load_library, make_member, make_item):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana", in_collection_since=date(2026, 2, 1))
    book = make_item(maribor, "b1")

    # when / then
    with pytest.raises(Refused) as info:
        reservation_place(member=ana, item=book, today=date(2026, 3, 2))
    assert info.value.code == "in_collection"
    assert Reservation.objects.count() == 0
    book.refresh_from_db()
    assert book.status == Item.SHELF


@pytest.mark.parametrize(("material", "not_for_loan"), [("book", True), ("newspaper", False)])
def test_it_refuses_an_item_not_for_home_loan(
    load_library, make_member, make_item, material, not_for_loan
):
    # given: a copy labelled "not for home loan", and a newspaper (never lent in Tolmin)
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana")
    item = make_item(tolmin, "x1", material=material, not_for_loan=not_for_loan)

    # when / then
    with pytest.raises(Refused) as info:
        reservation_place(member=ana, item=item, today=date(2026, 5, 4))
    assert info.value.code == "not_for_loan"
    assert Reservation.objects.count() == 0


def test_it_lets_a_restricted_member_reserve(load_library, make_member, make_item):
    # given: Ula registered online and has not yet signed in person (seed 000)
    ravne = load_library("ravne")
    ula = make_member(ravne, "ula", restricted=True)
    book = make_item(ravne, "b1")

    # when
    reservation = reservation_place(member=ula, item=book, today=date(2026, 3, 2))

    # then: reserving is not refused, but lending is
    assert reservation.status == Reservation.HELD
    with pytest.raises(Refused) as info:
        hold_pickup(member=ula, item=book, today=date(2026, 3, 3))
    assert info.value.code == "membership_restricted"
