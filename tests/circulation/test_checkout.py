"""Checkout at the desk: due dates, the order of refusals, and that a refusal writes nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from bukve.accounts.services import payment_take
from bukve.accounts.settlement import charge_record
from bukve.catalog.models import Item
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import hold_pickup, loan_checkin, loan_checkout
from bukve.members.models import Member
from bukve.refusals import Refused


def refusal(**kwargs) -> str:
    with pytest.raises(Refused) as info:
        loan_checkout(**kwargs)
    return info.value.code


def test_it_moves_a_due_date_on_a_holiday_to_the_next_open_day(
    load_library, make_member, make_item
):
    # given: Maribor lends books for 21 days; 10 Oct 2026 + 21 is 31 Oct (Reformation Day),
    # followed by 1 Nov (a Sunday and a holiday)
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")

    # when
    loan = loan_checkout(member=ana, item=book, today=date(2026, 10, 10))

    # then
    assert loan.due_date == date(2026, 11, 2)
    assert not loan.due_set_by_hand


def test_it_moves_a_due_date_off_a_summer_saturday(load_library, make_member, make_item):
    # given: in July Maribor's main library is closed on Saturdays
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")

    # when: 4 Jul + 21 days is Saturday 25 Jul
    loan = loan_checkout(member=ana, item=book, today=date(2026, 7, 4))

    # then: Sunday 26 Jul is closed too, so Monday 27 Jul
    assert loan.due_date == date(2026, 7, 27)


def test_it_counts_the_loan_period_of_the_material(load_library, make_member, make_item):
    # given: Maribor lends DVDs for 7 days
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    dvd = make_item(maribor, "d1", material="dvd")

    # when
    loan = loan_checkout(member=ana, item=dvd, today=date(2026, 3, 2))

    # then
    assert loan.due_date == date(2026, 3, 9)


def test_it_keeps_a_due_date_set_by_hand(load_library, make_member, make_item):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")

    # when: the librarian sets the due date to a holiday
    loan = loan_checkout(member=ana, item=book, today=date(2026, 10, 10), due=date(2026, 10, 31))

    # then: no moving happens
    loan.refresh_from_db()
    assert loan.due_date == date(2026, 10, 31)
    assert loan.due_set_by_hand
    # and the notice ladder counts from it (1st notice 10 days after the due date)
    assert loan.next_notice_date == date(2026, 11, 10)


def test_it_lends_at_a_branch_with_its_own_rules(load_library, make_member, make_item):
    # given: the bibliobus lends every item for 28 days; 2 Mar + 28 = Monday 30 Mar
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    dvd = make_item(maribor, "d1", material="dvd")

    # when
    loan = loan_checkout(
        member=ana, item=dvd, branch=maribor.branches.get(code="bibliobus"), today=date(2026, 3, 2)
    )

    # then
    assert loan.branch.code == "bibliobus"
    assert loan.due_date == date(2026, 3, 30)


def test_it_gives_the_checkout_refusals_in_the_order_of_the_rules(
    load_library, make_member, make_item
):
    # given: a Tolmin member with every problem at once, and a copy that is both not for
    # home loan and on loan to someone else
    tolmin = load_library("tolmin")
    today = date(2026, 5, 20)
    vid = make_member(
        tolmin,
        "vid",
        category="mobile_only",
        restricted=True,
        expires=date(2026, 4, 30),
        in_collection_since=date(2026, 5, 1),
    )
    eva = make_member(tolmin, "eva")
    book = make_item(tolmin, "b1")
    loan_checkout(member=eva, item=book, today=date(2026, 5, 4))
    Item.objects.filter(pk=book.pk).update(not_for_loan=True)  # relabelled while out
    charge_record(member=vid, day=date(2026, 4, 20), kind="service", amount=Decimal("1.00"))

    # when / then: each problem removed in turn uncovers the next reason
    assert refusal(member=vid, item=book, today=today) == "in_collection"
    Member.objects.filter(pk=vid.pk).update(in_collection_since=None)

    assert refusal(member=vid, item=book, today=today) == "membership_restricted"
    Member.objects.filter(pk=vid.pk).update(restricted=False)

    assert refusal(member=vid, item=book, today=today) == "membership_expired"
    Member.objects.filter(pk=vid.pk).update(expires=date(2026, 12, 31))

    assert refusal(member=vid, item=book, today=today) == "fee_required"
    Member.objects.filter(pk=vid.pk).update(category="adult")

    assert refusal(member=vid, item=book, today=today) == "debt_overdue"
    payment_take(member=vid, day=today, amount=Decimal("1.00"))

    assert refusal(member=vid, item=book, today=today) == "not_for_loan"
    Item.objects.filter(pk=book.pk).update(not_for_loan=False)

    assert refusal(member=vid, item=book, today=today) == "item_not_available"
    loan_checkin(item=book, today=today)

    loan = loan_checkout(member=vid, item=book, today=today)
    assert loan.member_id == vid.pk


@pytest.mark.parametrize("branch", ["tolmin", "kobarid", "bovec"])
def test_it_lends_to_a_mobile_only_member_only_on_the_mobile_library(
    load_library, make_member, make_item, branch
):
    # given: Mia uses only Tolmin's mobile library and has paid no annual fee
    tolmin = load_library("tolmin")
    mia = make_member(tolmin, "mia", category="mobile_only")
    book, other = make_item(tolmin, "b1"), make_item(tolmin, "b2")

    # when: she borrows at a branch (art. 17 (2), 22)
    with pytest.raises(Refused) as info:
        loan_checkout(member=mia, item=book, branch=tolmin.branches.get(code=branch),
                      today=date(2026, 5, 4))  # fmt: skip

    # then: refused, with what paying the fee would change; on the mobile library she borrows
    assert info.value.code == "fee_required"
    with translation.override("en"):
        assert "annual membership fee opens every branch" in info.value.sentence
    assert Loan.objects.count() == 0
    loan = loan_checkout(member=mia, item=other, branch=tolmin.branches.get(code="mobile"),
                         today=date(2026, 5, 4))  # fmt: skip
    assert loan.due_date == date(2026, 6, 8)


def test_it_refuses_a_mobile_only_member_the_pickup_of_a_hold_at_a_branch(
    load_library, make_member, make_item
):
    # given: a copy held for Mia at Kobarid (reserving is not refused: RULES.md 1)
    tolmin = load_library("tolmin")
    mia = make_member(tolmin, "mia", category="mobile_only")
    book = make_item(tolmin, "b1", branch="kobarid")
    reservation_place(member=mia, item=book, today=date(2026, 5, 4))

    # when / then
    with pytest.raises(Refused) as info:
        hold_pickup(member=mia, item=book, today=date(2026, 5, 5))
    assert info.value.code == "fee_required"
    assert "Kobarid" in info.value.sentence


def test_it_lends_only_to_members_of_the_items_library(load_library, make_member, make_item):
    # given: Ana is a member in Maribor, the book belongs to Velenje
    maribor, velenje = load_library("maribor"), load_library("velenje")
    ana = make_member(maribor, "ana")
    book = make_item(velenje, "b1")

    # when / then
    assert refusal(member=ana, item=book, today=date(2026, 3, 2)) == "not_a_member"
    assert Loan.objects.count() == 0


def test_it_lends_on_the_last_paid_day_of_a_membership(load_library, make_member, make_item):
    # given: membership paid until 31 May
    tolmin = load_library("tolmin")
    vid = make_member(tolmin, "vid", expires=date(2026, 5, 31))
    b1, b2 = make_item(tolmin, "b1"), make_item(tolmin, "b2")

    # when / then
    assert loan_checkout(member=vid, item=b1, today=date(2026, 5, 31))
    assert refusal(member=vid, item=b2, today=date(2026, 6, 1)) == "membership_expired"


def test_it_blocks_an_old_debt_only_in_tolmin(load_library, make_member, make_item):
    # given: both members owe 1.00 charged two months ago
    tolmin, maribor = load_library("tolmin"), load_library("maribor")
    today = date(2026, 6, 10)
    tina = make_member(tolmin, "tina")
    mara = make_member(maribor, "mara")
    for member in (tina, mara):
        charge_record(member=member, day=date(2026, 4, 10), kind="service", amount=Decimal("1.00"))

    # when / then
    assert refusal(member=tina, item=make_item(tolmin, "t1"), today=today) == "debt_overdue"
    assert loan_checkout(member=mara, item=make_item(maribor, "m1"), today=today)


def test_it_refuses_a_newspaper_in_tolmin(load_library, make_member, make_item):
    # given: newspapers are not for home loan in Tolmin
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana")
    paper = make_item(tolmin, "n1", material="newspaper")

    # when / then
    assert refusal(member=ana, item=paper, today=date(2026, 5, 4)) == "not_for_loan"


def test_it_refuses_an_item_on_loan_to_someone_else(load_library, make_member, make_item):
    # given
    maribor = load_library("maribor")
    ana, bor = make_member(maribor, "ana"), make_member(maribor, "bor")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))

    # when / then: to another member, and to the same member again
    assert refusal(member=bor, item=book, today=date(2026, 3, 3)) == "item_not_available"
    assert refusal(member=ana, item=book, today=date(2026, 3, 3)) == "item_not_available"
    assert Loan.objects.filter(item=book).count() == 1


def test_it_refuses_a_copy_held_for_someone_else(load_library, make_member, make_item):
    # given: a copy on the shelf is held for Bor at once
    velenje = load_library("velenje")
    ana, bor = make_member(velenje, "ana"), make_member(velenje, "bor")
    book = make_item(velenje, "b1")
    reservation_place(member=bor, item=book, today=date(2026, 3, 2))

    # when / then
    assert refusal(member=ana, item=book, today=date(2026, 3, 3)) == "item_not_available"
    loan = loan_checkout(member=bor, item=book, today=date(2026, 3, 3))
    assert loan.member_id == bor.pk
    assert Reservation.objects.get(member=bor).status == Reservation.COLLECTED


def test_it_refuses_a_pickup_when_nothing_is_held(load_library, make_member, make_item):
    # given: a copy on the shelf, but no hold for Ana
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    book = make_item(velenje, "b1")

    # when / then
    with pytest.raises(Refused) as info:
        hold_pickup(member=ana, item=book, today=date(2026, 3, 3))
    assert info.value.code == "item_not_available"


def test_it_writes_nothing_when_it_refuses(load_library, make_member, make_item):
    # given: a copy held for Ula, who registered online and has not yet signed in person
    velenje = load_library("velenje")
    ula = make_member(velenje, "ula", restricted=True)
    book = make_item(velenje, "b1")
    hold = reservation_place(member=ula, item=book, today=date(2026, 3, 2))
    before = snapshot(velenje)

    # when: she comes to pick it up
    with pytest.raises(Refused) as info:
        hold_pickup(member=ula, item=book, today=date(2026, 3, 3))

    # then: the hold is untouched and no loan exists
    assert info.value.code == "membership_restricted"
    assert snapshot(velenje) == before
    hold.refresh_from_db()
    assert hold.status == Reservation.HELD
    book.refresh_from_db()
    assert book.status == Item.HELD


def snapshot(library):
    from bukve.accounts.models import Charge

    return (
        list(Loan.objects.filter(library=library).values_list("id", "status", "due_date")),
        list(Item.objects.filter(library=library).values_list("id", "status")),
        list(Reservation.objects.filter(library=library).values_list("id", "status", "item")),
        list(Charge.objects.filter(library=library).values_list("id", "open_amount")),
    )


def test_it_follows_the_branchs_profile_as_the_administrator_set_it(
    load_library, make_member, make_item
):
    # given: Tolmin's main branch moved to the mobile library's rules at the desk
    from bukve.libraries.services import branch_update

    tolmin = load_library("tolmin")
    branch = tolmin.branches.get(code="tolmin")
    branch_update(branch=branch, name=branch.name, address=branch.address,
                  weekdays=branch.weekdays, profile="mobile")  # fmt: skip
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", branch="tolmin")

    # when
    loan = loan_checkout(member=ana, item=book, today=date(2026, 5, 5))

    # then: the mobile library's ladder, 1st notice 36 days after the due date
    assert loan.next_notice_date == loan.due_date + timedelta(days=36)
