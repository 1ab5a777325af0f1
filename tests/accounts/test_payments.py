"""Payments settle the oldest charges first; a credit settles later charges; Maribor wants
noticed items back first; the "in collection" state ends when all is back and paid."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Allocation, Charge, Payment
from bukve.accounts.services import balance, has_old_debt, open_debt, payment_take
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkin, loan_checkout, loan_declare_lost
from bukve.members.models import Member
from bukve.refusals import Refused


def open_amounts(member):
    return list(
        Charge.objects.filter(member=member)
        .order_by("date", "id")
        .values_list("date", "open_amount")
    )


def charge(member, day, amount, kind="service"):
    return charge_record(member=member, day=day, kind=kind, amount=Decimal(amount))


@pytest.fixture
def ana_owes(load_library, make_member):
    """Velenje: Ana owes 3.00 of 5 March, 2.00 of 1 March and 1.00 of 3 March, recorded in
    that order."""
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    charge(ana, date(2026, 3, 5), "3.00")
    charge(ana, date(2026, 3, 1), "2.00")
    charge(ana, date(2026, 3, 3), "1.00")
    return ana


def test_it_settles_the_oldest_charges_first(ana_owes):
    # given
    ana = ana_owes

    # when
    payment = payment_take(member=ana, day=date(2026, 3, 10), amount=Decimal("3.00"))

    # then: by the date of the charge, not the order they were recorded in
    assert open_amounts(ana) == [
        (date(2026, 3, 1), Decimal("0.00")),
        (date(2026, 3, 3), Decimal("0.00")),
        (date(2026, 3, 5), Decimal("3.00")),
    ]
    assert sorted(payment.allocations.values_list("charge__date", "amount")) == [
        (date(2026, 3, 1), Decimal("2.00")),
        (date(2026, 3, 3), Decimal("1.00")),
    ]
    payment.refresh_from_db()  # the returned object still shows 3.00 unallocated
    assert payment.unallocated == Decimal("0.00")
    assert (open_debt(ana), balance(ana)) == (Decimal("3.00"), Decimal("3.00"))


def test_it_takes_a_partial_payment(ana_owes):
    # given
    ana = ana_owes

    # when
    payment_take(member=ana, day=date(2026, 3, 10), amount=Decimal("2.50"))

    # then
    assert open_amounts(ana) == [
        (date(2026, 3, 1), Decimal("0.00")),
        (date(2026, 3, 3), Decimal("0.50")),
        (date(2026, 3, 5), Decimal("3.00")),
    ]
    assert open_debt(ana) == Decimal("3.50")


def test_it_takes_the_whole_debt_when_no_amount_is_given(ana_owes):
    # given
    ana = ana_owes

    # when
    payment = payment_take(member=ana, day=date(2026, 3, 10))

    # then
    assert payment.amount == Decimal("6.00")
    assert (open_debt(ana), balance(ana)) == (Decimal("0.00"), Decimal("0.00"))


def test_it_keeps_a_credit_for_later_charges(ana_owes):
    # given: Ana pays 10.00 for 6.00 owed
    ana = ana_owes
    payment = payment_take(member=ana, day=date(2026, 3, 10), amount=Decimal("10.00"))
    assert balance(ana) == Decimal("-4.00")

    # when: two later charges
    charge(ana, date(2026, 3, 20), "1.50")
    charge(ana, date(2026, 3, 25), "4.00")

    # then: the credit of 4.00 covers the first and 2.50 of the second
    assert open_amounts(ana)[-2:] == [
        (date(2026, 3, 20), Decimal("0.00")),
        (date(2026, 3, 25), Decimal("1.50")),
    ]
    payment.refresh_from_db()
    assert payment.unallocated == Decimal("0.00")
    assert sum(a.amount for a in Allocation.objects.filter(payment=payment)) == Decimal("10.00")
    assert (open_debt(ana), balance(ana)) == (Decimal("1.50"), Decimal("1.50"))


def test_it_refuses_a_payment_of_nothing(load_library, make_member):
    # given
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")

    # when / then
    with pytest.raises(Refused) as refused:
        payment_take(member=ana, day=date(2026, 3, 10))
    assert refused.value.code == "amount_not_positive"
    assert Payment.objects.count() == 0


def test_it_wants_noticed_items_back_before_a_payment_in_maribor(
    load_library, make_member, make_item
):
    # given: a book due 23 March with its 1st notice (2.00) on 2 April, and an overdue DVD
    # without a notice yet
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    dvd = make_item(maribor, "d1", material="dvd")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    loan_checkout(member=ana, item=dvd, today=date(2026, 3, 30))
    daily_run(library=maribor, until=date(2026, 4, 8))

    # when / then: no payment while the noticed book is out
    with pytest.raises(Refused) as info:
        payment_take(member=ana, day=date(2026, 4, 8), amount=Decimal("2.00"))
    assert info.value.code == "return_items_first"
    assert Payment.objects.count() == 0

    # when: the book comes back; the overdue DVD without a notice does not block
    loan_checkin(item=book, today=date(2026, 4, 9))
    payment_take(member=ana, day=date(2026, 4, 9))

    # then: the notice and the book's fine (27, 28, 30, 31 Mar, 1-4, 7-9 Apr) are paid
    assert open_debt(ana) == Decimal("0.00")
    assert Payment.objects.get().amount == Decimal("3.10")


def test_it_takes_payments_with_noticed_items_out_elsewhere(load_library, make_member, make_item):
    # given: the same situation in Velenje, which has no such rule
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    daily_run(library=velenje, until=date(2026, 4, 8))

    # when
    payment_take(member=ana, day=date(2026, 4, 8))

    # then: the 1st notice of 31 March is paid
    assert open_debt(ana) == Decimal("0.00")


@pytest.fixture
def handed_over(load_library, make_member, make_item):
    """Maribor: Ana's book (price 20.00) was due 22 September 2026; notices on 2, 12 and 22
    October, hand-over to collection on 1 November."""
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1", price="20.00")
    loan_checkout(member=ana, item=book, today=date(2026, 9, 1))
    daily_run(library=maribor, until=date(2026, 11, 2))
    ana.refresh_from_db()
    assert ana.in_collection_since == date(2026, 11, 1)
    return maribor, ana, book


def in_collection(member) -> bool:
    return Member.objects.get(pk=member.pk).in_collection_since is not None


def test_it_ends_collection_once_the_items_are_back_and_all_is_paid(handed_over, make_item):
    # given
    maribor, ana, book = handed_over

    # when: the book comes back
    loan_checkin(item=book, today=date(2026, 11, 3))

    # then: still in collection while 2.00 + 5.00 + 2.30 + 15.00 + 25.00 are unpaid
    assert in_collection(ana)
    assert open_debt(ana) == Decimal("49.30")
    payment_take(member=ana, day=date(2026, 11, 4), amount=Decimal("49.00"))
    assert in_collection(ana)
    with pytest.raises(Refused) as info:
        loan_checkout(member=ana, item=make_item(maribor, "b2"), today=date(2026, 11, 4))
    assert info.value.code == "in_collection"

    # when: the rest is paid
    payment_take(member=ana, day=date(2026, 11, 5), amount=Decimal("0.30"))

    # then
    assert not in_collection(ana)
    assert loan_checkout(member=ana, item=make_item(maribor, "b3"), today=date(2026, 11, 5))


def test_it_ends_collection_once_a_lost_item_is_paid_for(handed_over):
    # given
    _, ana, book = handed_over

    # when: the book is declared lost and everything is paid
    loan_declare_lost(item=book, today=date(2026, 11, 3))
    assert in_collection(ana)
    payment_take(member=ana, day=date(2026, 11, 3))

    # then: 49.30 + 20.00 + 5.00 processing
    assert Payment.objects.get().amount == Decimal("74.30")
    assert not in_collection(ana)


def test_it_ends_collection_when_a_credit_already_covers_the_debts(handed_over):
    # given: Ana paid the collection agency before the book came back (refused in Maribor
    # while the item is out), so she pays after the return, more than she owes
    _, ana, book = handed_over
    loan_checkin(item=book, today=date(2026, 11, 3))

    # when
    payment_take(member=ana, day=date(2026, 11, 3), amount=Decimal("50.00"))

    # then
    assert not in_collection(ana)
    assert balance(ana) == Decimal("-0.70")


def test_it_counts_a_debt_as_old_one_calendar_month_after_its_date(load_library, make_member):
    # given: charges of 15 January and 31 January, and one half paid
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    charge(tina, date(2026, 1, 15), "2.00")

    # then: 15 Jan blocks from 15 Feb
    assert not has_old_debt(tina, date(2026, 2, 14), 1)
    assert has_old_debt(tina, date(2026, 2, 15), 1)

    # when: half of it is paid, it still blocks; paid in full, it does not
    payment_take(member=tina, day=date(2026, 2, 15), amount=Decimal("1.00"))
    assert has_old_debt(tina, date(2026, 2, 15), 1)
    payment_take(member=tina, day=date(2026, 2, 15), amount=Decimal("1.00"))
    assert not has_old_debt(tina, date(2026, 2, 15), 1)

    # and a charge of 31 January blocks from 28 February
    charge(tina, date(2026, 1, 31), "2.00")
    assert not has_old_debt(tina, date(2026, 2, 27), 1)
    assert has_old_debt(tina, date(2026, 2, 28), 1)
