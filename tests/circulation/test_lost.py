"""Lost items: the fine up to the day, the price and the processing fee; the ladder stops."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.catalog.models import Item
from bukve.circulation.daily import daily_run, daily_run_day
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkout, loan_declare_lost
from bukve.notices.models import Notice


def charges_of(member):
    return list(
        Charge.objects.filter(member=member)
        .order_by("date", "id")
        .values_list("date", "kind", "amount")
    )


@pytest.mark.parametrize(
    ("library", "checkout", "lost", "fine", "processing"),
    [
        # due 23 Mar; 27, 28 and 30 Mar charged after 3 tolerance days
        ("maribor", date(2026, 3, 2), date(2026, 3, 30), "0.30", "5.00"),
        ("ravne", date(2026, 3, 2), date(2026, 3, 30), "0.30", "5.00"),
        # due 23 Mar; 24-28 and 30 Mar at 0.30
        ("velenje", date(2026, 3, 2), date(2026, 3, 30), "1.80", "0.80"),
        # due 29 Apr; 30 Apr and 4 May at 0.20
        ("tolmin", date(2026, 4, 1), date(2026, 5, 4), "0.40", "3.00"),
    ],
)
def test_it_charges_the_fine_the_price_and_the_processing_fee(
    load_library, make_member, make_item, library, checkout, lost, fine, processing
):
    # given
    lib = load_library(library)
    ana = make_member(lib, "ana")
    book = make_item(lib, "b1", price="20.00")
    loan_checkout(member=ana, item=book, today=checkout)

    # when
    loan = loan_declare_lost(item=book, today=lost)

    # then
    assert charges_of(ana) == [
        (lost, "fine", Decimal(fine)),
        (lost, "lost_item", Decimal("20.00")),
        (lost, "processing", Decimal(processing)),
    ]
    loan.refresh_from_db()
    assert (loan.status, loan.closed_date, loan.next_notice_date) == (Loan.LOST, lost, None)
    book.refresh_from_db()
    assert book.status == Item.LOST


def test_it_charges_twice_the_price_of_a_lost_magazine_in_maribor(
    load_library, make_member, make_item
):
    # given: a magazine due on Monday 9 March (7 days)
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    magazine = make_item(maribor, "m1", material="magazine", price="4.50")
    loan_checkout(member=ana, item=magazine, today=date(2026, 3, 2))

    # when: declared lost on Monday 16 March
    loan_declare_lost(item=magazine, today=date(2026, 3, 16))

    # then: fine for 13, 14 and 16 Mar; twice the price; no processing fee
    assert charges_of(ana) == [
        (date(2026, 3, 16), "fine", Decimal("0.30")),
        (date(2026, 3, 16), "lost_item", Decimal("9.00")),
    ]


def test_it_charges_the_price_given_at_the_desk(load_library, make_member, make_item):
    # given: an item with no price in the catalogue, lost before its due date
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when
    loan_declare_lost(item=book, today=date(2026, 3, 10), price=Decimal("24.90"))

    # then
    assert charges_of(ana) == [
        (date(2026, 3, 10), "lost_item", Decimal("24.90")),
        (date(2026, 3, 10), "processing", Decimal("0.80")),
    ]


def test_it_stops_the_notice_ladder(load_library, make_member, make_item):
    # given: a Maribor book due on 23 March with its 1st notice on 2 April
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1", price="20.00")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    daily_run(library=maribor, until=date(2026, 4, 5))

    # when: declared lost, and the daily run goes on for months
    loan_declare_lost(item=book, today=date(2026, 4, 6))
    daily_run(library=maribor, until=date(2026, 7, 31))

    # then: the 1st notice only; Easter Monday 6 Apr is a holiday, so the fine is for
    # 27, 28, 30, 31 Mar, 1-4 Apr (not the Sundays, not 5 and 6 Apr)
    assert list(Notice.objects.values_list("date", "level")) == [(date(2026, 4, 2), 1)]
    assert charges_of(ana) == [
        (date(2026, 4, 2), "notice", Decimal("2.00")),
        (date(2026, 4, 6), "fine", Decimal("0.80")),
        (date(2026, 4, 6), "lost_item", Decimal("20.00")),
        (date(2026, 4, 6), "processing", Decimal("5.00")),
    ]


def test_it_adds_no_fine_after_the_maribor_stop(load_library, make_member, make_item):
    # given: the fine of a book due 22 September stopped at the 3rd notice on 22 October
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1", price="20.00")
    loan_checkout(member=ana, item=book, today=date(2026, 9, 1))
    for day in (date(2026, 10, 2), date(2026, 10, 12), date(2026, 10, 22)):
        daily_run_day(library=maribor, day=day)

    # when
    loan_declare_lost(item=book, today=date(2026, 10, 27))

    # then
    assert [c[1:] for c in charges_of(ana) if c[0] == date(2026, 10, 27)] == [
        ("lost_item", Decimal("20.00")),
        ("processing", Decimal("5.00")),
    ]
    assert Charge.objects.filter(kind="fine").count() == 1


def test_it_needs_a_price(load_library, make_member, make_item):
    # given: no price in the catalogue and none given
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when / then: nothing is written
    with pytest.raises(ValueError):
        loan_declare_lost(item=book, today=date(2026, 3, 30))
    assert Loan.objects.get(item=book).status == Loan.OUT
    assert charges_of(ana) == []
