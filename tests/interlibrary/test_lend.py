"""Lending our copy to another library: the copy is set aside, sent, and comes back to the
shelf or to the member waiting for it; a copy not on the shelf is not lent."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from bukve.catalog.models import Item
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Reservation
from bukve.circulation.services import loan_checkout
from bukve.interlibrary.models import IllRequest
from bukve.interlibrary.selectors import ill_overdue, ill_requests_open
from bukve.interlibrary.services import (
    ill_cancel,
    ill_lend_request,
    ill_lend_return,
    ill_lend_send,
    ill_receive,
)
from bukve.refusals import Refused

DAY = date(2026, 4, 7)


@pytest.fixture
def desk(db):
    return User.objects.create_user("desk", password="x")


def asked(library, item, desk, **fields):
    return ill_lend_request(library=library, partner="Knjižnica Idrija", item=item,
                            staff_user=desk, today=DAY, **fields)  # fmt: skip


def refusal(service, **kwargs):
    with pytest.raises(Refused) as info:
        service(**kwargs)
    return info.value.code


def test_it_lends_our_copy_and_puts_it_back_on_the_shelf(load_library, make_item, desk):
    # given: Velenje's copy of Alamut on the shelf
    velenje = load_library("velenje")
    book = make_item(velenje, "V1", title="Alamut")

    # when: Idrija asks for it, it is sent and comes back
    request = asked(velenje, book, desk, partner_code="IDRIJA")
    book.refresh_from_db()
    set_aside = book.status
    sent = ill_lend_send(request=request, due=date(2026, 5, 8), staff_user=desk,
                         today=date(2026, 4, 8))  # fmt: skip
    back = ill_lend_return(request=request, staff_user=desk, today=date(2026, 5, 6))

    # then: the copy was on loan while away and is on the shelf again
    assert set_aside == Item.LOAN
    book.refresh_from_db()
    assert book.status == Item.SHELF
    assert (request.direction, request.title, request.member) == (IllRequest.LEND, "Alamut", None)
    assert (sent.status, sent.sent_on, sent.due_date) == (
        IllRequest.SENT, date(2026, 4, 8), date(2026, 5, 8),
    )  # fmt: skip
    assert (back.status, back.returned_on, back.updated_by) == (
        IllRequest.RETURNED, date(2026, 5, 6), desk,
    )  # fmt: skip

    # and Idrija owes Velenje's price for libraries, 8.00, kept for the invoice
    assert request.partner_fee == Decimal("8.00")


def test_a_member_cannot_borrow_the_copy_while_it_is_away(
    load_library, make_member, make_item, desk
):
    # given: Maribor's copy is set aside for another library
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "M1", title="Alamut")
    asked(maribor, book, desk)

    # when
    with pytest.raises(Refused) as info:
        loan_checkout(member=ana, item=book, today=DAY)

    # then
    assert info.value.code == "item_not_available"


def test_a_copy_that_comes_back_goes_to_the_member_waiting_for_it(
    load_library, make_member, make_item, desk
):
    # given: Tolmin's only copy is at another library, and Ana reserves its title
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana", email="ana@example.org")
    book = make_item(tolmin, "T1", title="Kekec")
    request = asked(tolmin, book, desk)
    ill_lend_send(request=request, today=DAY)
    reservation = reservation_place(member=ana, item=book, today=date(2026, 4, 9))

    # when
    ill_lend_return(request=request, today=date(2026, 4, 20))

    # then: it goes to the hold shelf for her
    reservation.refresh_from_db()
    book.refresh_from_db()
    assert (reservation.status, book.status) == (Reservation.HELD, Item.HELD)


@pytest.mark.parametrize(
    ("status", "fields", "code"),
    [
        (Item.LOAN, {}, "item_not_available"),
        (Item.HELD, {}, "item_not_available"),
        (Item.LOST, {}, "item_not_available"),
        (Item.WITHDRAWN, {}, "item_not_available"),
        (Item.SHELF, {"not_for_loan": True}, "not_for_loan"),
    ],
)
def test_only_a_copy_for_loan_on_the_shelf_is_lent(
    load_library, make_item, desk, status, fields, code
):
    # given
    maribor = load_library("maribor")
    book = make_item(maribor, "M1", status=status, **fields)

    # when
    refused = refusal(ill_lend_request, library=maribor, partner="MKL", item=book, today=DAY)

    # then: nothing was written
    assert refused == code
    assert not IllRequest.objects.exists()
    book.refresh_from_db()
    assert book.status == status


def test_a_copy_is_lent_to_one_library_at_a_time(load_library, make_item, desk):
    maribor = load_library("maribor")
    book = make_item(maribor, "M1")
    asked(maribor, book, desk)

    assert refusal(ill_lend_request, library=maribor, partner="MKL", item=book, today=DAY) == (
        "item_not_available"
    )


def test_a_request_cancelled_before_sending_frees_the_copy(load_library, make_item, desk):
    # given
    maribor = load_library("maribor")
    book = make_item(maribor, "M1")
    request = asked(maribor, book, desk)

    # when
    cancelled = ill_cancel(request=request, staff_user=desk, today=date(2026, 4, 8))

    # then: back on the shelf, and it may be lent again
    book.refresh_from_db()
    assert (cancelled.status, book.status) == (IllRequest.CANCELLED, Item.SHELF)
    assert asked(maribor, book, desk).status == IllRequest.REQUESTED


def test_steps_of_the_other_direction_are_refused(load_library, make_item, desk):
    # given: a lend request, sent
    maribor = load_library("maribor")
    request = asked(maribor, make_item(maribor, "M1"), desk)
    ill_lend_send(request=request, today=DAY)

    # then: it cannot be received as a borrowed title, nor cancelled once sent
    assert refusal(ill_receive, request=request, due=date(2026, 5, 5), today=DAY) == (
        "ill_wrong_step"
    )
    assert refusal(ill_cancel, request=request, today=DAY) == "ill_wrong_step"


def test_a_copy_late_at_the_partner_library_is_overdue(load_library, make_item, desk):
    # given
    tolmin = load_library("tolmin")
    request = asked(tolmin, make_item(tolmin, "T1"), desk)
    ill_lend_send(request=request, due=date(2026, 5, 5), today=DAY)

    # then
    assert list(ill_overdue(tolmin, date(2026, 5, 6))) == [request]
    assert list(ill_requests_open(tolmin, IllRequest.LEND)) == [request]
    assert request.partner_fee == Decimal("7.00")  # Tolmin's price list: assumed (fees.py)
