"""Check in: the fine of the overdue stretch is recorded on the return day, a reserved copy
goes to the hold shelf."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.catalog.models import Item
from bukve.circulation.daily import daily_run
from bukve.circulation.fines import fine_explain
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.notices.models import Notice
from bukve.refusals import Refused


def charges_of(member):
    return list(
        Charge.objects.filter(member=member)
        .order_by("date", "id")
        .values_list("date", "kind", "amount")
    )


@pytest.mark.parametrize(
    ("material", "parts", "amount"),
    [
        ("book", 1, "0.30"),
        ("toy", 1, "0.30"),
        ("book", 3, "0.30"),
        ("dvd", 1, "1.20"),
        ("music_cd", 1, "1.20"),
    ],
)
def test_it_records_the_fine_on_the_return_day(
    load_library, make_member, make_item, material, parts, amount
):
    # given: a Maribor loan due on Monday 23 March
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    item = make_item(maribor, "x1", material=material, parts=parts)
    loan_checkout(member=ana, item=item, today=date(2026, 3, 2), due=date(2026, 3, 23))
    daily_run(library=maribor, until=date(2026, 3, 29))
    assert charges_of(ana) == []  # an accruing fine is not yet a debt

    # when: returned on Monday 30 March
    result = loan_checkin(item=item, today=date(2026, 3, 30))

    # then: 24-26 Mar are tolerance, 27 and 28 Mar charged, 29 Mar a Sunday, 30 Mar charged
    # (a set of parts is one unit)
    assert charges_of(ana) == [(date(2026, 3, 30), "fine", Decimal(amount))]
    fine = Charge.objects.get(member=ana)
    assert (fine.units, fine.stretch_from, fine.loan_id) == (3, date(2026, 3, 23), result.loan.pk)
    assert [(d.date.day, d.charged, d.code) for d in fine_explain(fine)] == [
        (24, False, "tolerance"),
        (25, False, "tolerance"),
        (26, False, "tolerance"),
        (27, True, "charged"),
        (28, True, "charged"),
        (29, False, "sunday"),
        (30, True, "charged"),
    ]
    loan = Loan.objects.get(pk=result.loan.pk)
    assert (loan.status, loan.closed_date, loan.next_notice_date) == (
        Loan.RETURNED,
        date(2026, 3, 30),
        None,
    )
    item.refresh_from_db()
    assert item.status == Item.SHELF
    assert result.held_for is None


def test_it_records_nothing_for_a_return_within_the_tolerance(load_library, make_member, make_item):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when: three days after the due date
    loan_checkin(item=book, today=date(2026, 3, 26))

    # then
    assert charges_of(ana) == []


def test_it_charges_working_days_in_tolmin(load_library, make_member, make_item):
    # given: a Tolmin book due on Wednesday 29 April
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    book = make_item(tolmin, "b1")
    loan_checkout(member=tina, item=book, today=date(2026, 4, 1))

    # when: returned on Friday 8 May
    loan_checkin(item=book, today=date(2026, 5, 8))

    # then: 30 Apr, 4-8 May; 1 May is a holiday, 2-3 May a weekend
    assert charges_of(tina) == [(date(2026, 5, 8), "fine", Decimal("1.20"))]


def test_it_takes_a_return_at_any_branch_with_the_rules_of_the_loan(
    load_library, make_member, make_item
):
    # given: a copy of the main library lent on the bibliobus (28 days, due 30 March)
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1", branch="main")
    loan_checkout(
        member=ana, item=book, branch=maribor.branches.get(code="bibliobus"), today=date(2026, 3, 2)
    )

    # when: returned without a card or a branch on 5 May
    result = loan_checkin(item=book, today=date(2026, 5, 5))

    # then: the bibliobus charges 1.00 per started 28-day period: (30 Mar, 5 May] is 36 days
    assert result.loan.branch.code == "bibliobus"
    fine = Charge.objects.get(member=ana)
    assert (fine.date, fine.amount, fine.units) == (date(2026, 5, 5), Decimal("1.00") * 2, 2)


def test_it_refuses_to_take_back_an_item_that_is_not_out(load_library, make_item):
    # given
    maribor = load_library("maribor")
    book = make_item(maribor, "b1")

    # when / then
    with pytest.raises(Refused) as info:
        loan_checkin(item=book, today=date(2026, 3, 2))
    assert info.value.code == "item_not_available"


def test_it_stops_the_maribor_fine_at_the_third_notice(load_library, make_member, make_item):
    # given: a book due on Tuesday 22 September, with notices on 2, 12 and 22 October
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 9, 1))
    daily_run(library=maribor, until=date(2026, 10, 26))

    # when: returned on 27 October
    loan_checkin(item=book, today=date(2026, 10, 27))

    # then: the fine of (22 Sep, 22 Oct] was recorded on the day of the 3rd notice: 23 days
    # (26 Sep to 22 Oct without the four Sundays), and nothing more at the return
    assert charges_of(ana) == [
        (date(2026, 10, 2), "notice", Decimal("2.00")),
        (date(2026, 10, 12), "notice", Decimal("5.00")),
        (date(2026, 10, 22), "fine", Decimal("2.30")),
        (date(2026, 10, 22), "notice", Decimal("15.00")),
    ]
    assert Charge.objects.get(kind="fine").units == 23


def test_it_keeps_velenje_fines_running_after_the_notices(load_library, make_member, make_item):
    # given: a Velenje book due on 23 March; notices on 31 March, 10 and 20 April
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    daily_run(library=velenje, until=date(2026, 4, 30))

    # when: returned on 30 April
    loan_checkin(item=book, today=date(2026, 4, 30))

    # then: the 38 days of (23 Mar, 30 Apr] less 5 Sundays (one is Easter), Easter Monday and
    # 27 April: 31 days at 0.30
    assert charges_of(ana) == [
        (date(2026, 3, 31), "notice", Decimal("3.00")),
        (date(2026, 4, 10), "notice", Decimal("5.00")),
        (date(2026, 4, 20), "notice", Decimal("7.00")),
        (date(2026, 4, 30), "fine", Decimal("9.30")),
    ]


def test_it_holds_a_returned_copy_for_the_first_in_the_queue(load_library, make_member, make_item):
    # given: Ivo and then Jan wait for the title Hana has on loan
    velenje = load_library("velenje")
    hana, ivo, jan = (make_member(velenje, c) for c in ("hana", "ivo", "jan"))
    book = make_item(velenje, "c1", record="potter")
    loan_checkout(member=hana, item=book, today=date(2026, 10, 1))
    reservation_place(member=ivo, item=book, today=date(2026, 10, 2))
    reservation_place(member=jan, item=book, today=date(2026, 10, 2))

    # when: returned on Monday 12 October
    result = loan_checkin(item=book, today=date(2026, 10, 12))

    # then: held for Ivo until the 5th open day after the notification (Saturday 17 Oct)
    assert result.held_for is not None and result.held_for.member_id == ivo.pk
    hold = Reservation.objects.get(member=ivo)
    assert (hold.status, hold.item_id, hold.held_date, hold.hold_expires) == (
        Reservation.HELD,
        book.pk,
        date(2026, 10, 12),
        date(2026, 10, 17),
    )
    assert Reservation.objects.get(member=jan).status == Reservation.WAITING
    book.refresh_from_db()
    assert book.status == Item.HELD


def test_it_issues_no_notice_after_the_return(load_library, make_member, make_item):
    # given: a book due on 23 March, returned on the 1st notice day before the run
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    loan_checkin(item=book, today=date(2026, 4, 2))

    # when
    daily_run(library=maribor, until=date(2026, 6, 30))

    # then
    assert Notice.objects.count() == 0
