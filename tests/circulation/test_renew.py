"""Renewals: timely and late, the channels, and the reasons a renewal is refused."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run_day
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkin, loan_checkout, loan_renew
from bukve.members.models import Member
from bukve.refusals import Refused


def refusal(**kwargs) -> str:
    with pytest.raises(Refused) as info:
        loan_renew(**kwargs)
    return info.value.code


def fines_of(member):
    return list(
        Charge.objects.filter(member=member, kind="fine")
        .order_by("date", "id")
        .values_list("date", "amount", "units", "stretch_from")
    )


def test_it_adds_the_renewal_period_to_the_due_date(load_library, make_member, make_item):
    # given: a Maribor book due on Monday 23 March
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when: renewed online three days early
    loan = loan_renew(member=ana, item=book, channel="online", today=date(2026, 3, 20))

    # then: 23 Mar + 21 days, not 20 Mar + 21 days
    assert loan.due_date == date(2026, 4, 13)
    assert loan.renewals == 1
    assert fines_of(ana) == []
    loan.refresh_from_db()
    assert loan.next_notice_date == date(2026, 4, 23)


def test_it_moves_a_renewed_due_date_to_an_open_day(load_library, make_member, make_item):
    # given: a Velenje book due on Saturday 10 October
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")
    loan = loan_checkout(member=ana, item=book, today=date(2026, 9, 19))
    assert loan.due_date == date(2026, 10, 10)

    # when: 10 Oct + 21 days is Saturday 31 Oct, Reformation Day, then Sunday 1 Nov
    loan = loan_renew(member=ana, item=book, today=date(2026, 10, 1))

    # then
    assert loan.due_date == date(2026, 11, 2)


def test_it_charges_the_overdue_stretch_of_a_late_renewal_on_the_renewal_day(
    load_library, make_member, make_item
):
    # given: a Tolmin book due on Wednesday 29 April
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    book = make_item(tolmin, "b1")
    loan = loan_checkout(member=tina, item=book, today=date(2026, 4, 1))
    assert loan.due_date == date(2026, 4, 29)

    # when: renewed at the desk on Monday 4 May, before any notice
    loan = loan_renew(member=tina, item=book, channel="desk", today=date(2026, 5, 4))

    # then: working days of (29 Apr, 4 May] are 30 Apr and 4 May (1 May a holiday, then a
    # weekend), 2 x 0.20, recorded on the renewal day; the new period counts from that day
    assert fines_of(tina) == [(date(2026, 5, 4), Decimal("0.40"), 2, date(2026, 4, 29))]
    assert loan.due_date == date(2026, 5, 18)
    assert loan.notice_level == 0


def test_it_charges_two_stretches_of_a_loan_renewed_late(load_library, make_member, make_item):
    # given: a Maribor book due on Monday 23 March
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when: renewed by phone on Saturday 28 March and returned on Saturday 25 April
    loan = loan_renew(member=ana, item=book, channel="phone", today=date(2026, 3, 28))
    loan_checkin(item=book, today=date(2026, 4, 25))

    # then: 24-26 Mar are tolerance, 27 and 28 Mar charged; the new due is 28 Mar + 21 days,
    # and (18 Apr, 25 Apr] has 3 tolerance days and 22-25 Apr charged
    assert loan.due_date == date(2026, 4, 18)
    assert fines_of(ana) == [
        (date(2026, 3, 28), Decimal("0.20"), 2, date(2026, 3, 23)),
        (date(2026, 4, 25), Decimal("0.40"), 4, date(2026, 4, 18)),
    ]


def test_it_records_no_fine_for_a_late_renewal_within_the_tolerance(
    load_library, make_member, make_item
):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when: two days late
    loan = loan_renew(member=ana, item=book, channel="desk", today=date(2026, 3, 25))

    # then
    assert fines_of(ana) == []
    assert loan.due_date == date(2026, 4, 15)


def test_it_renews_an_overdue_loan_asked_for_by_e_mail_as_by_phone(
    load_library, make_member, make_item
):
    # given: a Tolmin book due on Wednesday 29 April
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    book = make_item(tolmin, "b1")
    loan_checkout(member=tina, item=book, today=date(2026, 4, 1))

    # when: Tina asks by e-mail and staff record it on Monday 4 May (art. 28)
    loan = loan_renew(member=tina, item=book, channel="email", today=date(2026, 5, 4))

    # then: as by phone, the fine of 30 April and 4 May is charged on the renewal day and the
    # new period counts from it
    assert fines_of(tina) == [(date(2026, 5, 4), Decimal("0.40"), 2, date(2026, 4, 29))]
    assert (loan.due_date, loan.renewals) == (date(2026, 5, 18), 1)


@pytest.mark.parametrize("channel", ["online", "selfcheck"])
def test_it_sends_an_overdue_renewal_to_the_staff(load_library, make_member, make_item, channel):
    # given: a Tolmin book due on 29 April
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    book = make_item(tolmin, "b1")
    loan_checkout(member=tina, item=book, today=date(2026, 4, 1))

    # when / then
    assert (
        refusal(member=tina, item=book, channel=channel, today=date(2026, 5, 4))
        == "overdue_needs_staff"
    )
    loan = Loan.objects.get(item=book)
    assert (loan.due_date, loan.renewals, loan.fine_closed) == (date(2026, 4, 29), 0, False)
    assert fines_of(tina) == []


def test_it_refuses_a_renewal_after_a_notice(load_library, make_member, make_item):
    # given: the 1st Tolmin notice comes on the 5th day after the due date (4 May)
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    book = make_item(tolmin, "b1")
    loan_checkout(member=tina, item=book, today=date(2026, 4, 1))
    daily_run_day(library=tolmin, day=date(2026, 5, 4))

    # when / then
    assert refusal(member=tina, item=book, channel="desk", today=date(2026, 5, 5)) == "after_notice"


def test_it_refuses_a_renewal_when_another_member_waits(load_library, make_member, make_item):
    # given: Ivo waits for the title Hana has on loan
    velenje = load_library("velenje")
    hana, ivo = make_member(velenje, "hana"), make_member(velenje, "ivo")
    book = make_item(velenje, "c1", record="potter")
    loan_checkout(member=hana, item=book, today=date(2026, 10, 1))
    reservation_place(member=ivo, item=book, today=date(2026, 10, 2))

    # when / then
    assert refusal(member=hana, item=book, today=date(2026, 10, 6)) == "reserved_by_other"


def test_it_renews_when_only_the_borrower_waits(load_library, make_member, make_item):
    # given: Hana's own reservation of the title does not block her renewal
    velenje = load_library("velenje")
    hana = make_member(velenje, "hana")
    book = make_item(velenje, "c1", record="potter")
    loan_checkout(member=hana, item=book, today=date(2026, 10, 1))
    reservation_place(member=hana, item=book, today=date(2026, 10, 2))

    # when
    loan = loan_renew(member=hana, item=book, today=date(2026, 10, 6))

    # then
    assert loan.renewals == 1


def test_it_allows_two_renewals_in_maribor(load_library, make_member, make_item):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when
    first = loan_renew(member=ana, item=book, today=date(2026, 3, 20)).due_date
    second = loan_renew(member=ana, item=book, today=date(2026, 4, 10)).due_date

    # then: 63 days in all, then no more
    assert (first, second) == (date(2026, 4, 13), date(2026, 5, 4))
    assert refusal(member=ana, item=book, today=date(2026, 5, 1)) == "renewal_limit"


def test_it_refuses_a_renewal_with_a_month_old_debt_in_tolmin(load_library, make_member, make_item):
    # given: Tina owes 1.00 charged on 15 April; her book is due on 18 May
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    book = make_item(tolmin, "b1")
    loan_checkout(member=tina, item=book, today=date(2026, 4, 20))
    charge_record(member=tina, day=date(2026, 4, 15), kind="service", amount=Decimal("1.00"))

    # when: on 14 May the debt is not yet a month old; on 15 May it is
    loan = loan_renew(member=tina, item=book, today=date(2026, 5, 14))

    # then
    assert loan.due_date == date(2026, 6, 1)
    assert refusal(member=tina, item=book, today=date(2026, 5, 15)) == "debt_overdue"


def test_it_refuses_to_renew_non_book_material_of_the_mobile_library(
    load_library, make_member, make_item
):
    # given: a DVD lent on Tolmin's mobile library
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    dvd = make_item(tolmin, "d1", material="dvd")
    loan = loan_checkout(
        member=tina, item=dvd, branch=tolmin.branches.get(code="mobile"), today=date(2026, 4, 20)
    )
    assert loan.due_date == date(2026, 5, 25)

    # when / then
    assert refusal(member=tina, item=dvd, today=date(2026, 5, 4)) == "not_renewable"


def test_it_refuses_to_renew_someone_elses_loan(load_library, make_member, make_item):
    # given
    maribor = load_library("maribor")
    ana, bor = make_member(maribor, "ana"), make_member(maribor, "bor")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when / then
    assert refusal(member=bor, item=book, today=date(2026, 3, 10)) == "item_not_available"


def test_it_gives_the_renewal_refusals_in_the_order_of_the_rules(
    load_library, make_member, make_item
):
    # given: an overdue Maribor loan renewed twice, with a notice, that Bor waits for; its
    # borrower is in collection and restricted, and asks online
    maribor = load_library("maribor")
    ana, bor = make_member(maribor, "ana"), make_member(maribor, "bor")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    loan_renew(member=ana, item=book, today=date(2026, 3, 20))
    loan_renew(member=ana, item=book, today=date(2026, 4, 10))
    reservation_place(member=bor, item=book, today=date(2026, 4, 11))
    Loan.objects.filter(item=book).update(notice_level=1)
    Member.objects.filter(pk=ana.pk).update(in_collection_since=date(2026, 5, 1), restricted=True)
    today = date(2026, 5, 20)

    def renew():
        return refusal(member=ana, item=book, channel="online", today=today)

    # when / then
    assert renew() == "in_collection"
    Member.objects.filter(pk=ana.pk).update(in_collection_since=None)
    assert renew() == "membership_restricted"
    Member.objects.filter(pk=ana.pk).update(restricted=False)
    assert renew() == "after_notice"
    Loan.objects.filter(item=book).update(notice_level=0)
    assert renew() == "reserved_by_other"
    bor.reservations.update(status="cancelled")
    assert renew() == "renewal_limit"
    Loan.objects.filter(item=book).update(renewals=1)
    assert renew() == "overdue_needs_staff"
    assert loan_renew(member=ana, item=book, channel="desk", today=today).renewals == 2
