"""Members handed over to collection: by the daily run (Maribor: 10 days after the 3rd
notice) or once a year by the library (Tolmin art. 41-42: items still out after the 4th
notice), and the CSV list the collection agency gets."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.accounts.services import open_debt
from bukve.circulation.collection import (
    collection_candidates,
    collection_csv,
    collection_hand_over,
)
from bukve.circulation.daily import daily_run
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkin, loan_checkout, member_blocks
from bukve.libraries.services import policy_value_set
from bukve.members.models import Member
from bukve.notices.models import Message, Notice
from bukve.refusals import Refused


def rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # so Excel reads UTF-8
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("director")


# --- Maribor: the daily run hands over ---------------------------------------------------------


def test_it_lists_a_maribor_member_handed_over_by_the_daily_run(
    load_library, make_member, make_item, clerk
):
    # given: Ana's book (20.00) due 22 September 2026; notices on 2, 12 and 22 October, the
    # hand-over on 1 November
    maribor = load_library("maribor")
    ana = make_member(maribor, "MB1", first_name="Ana", last_name="Novak",
                      address="Glavni trg 1, Maribor", born=date(1980, 5, 4))  # fmt: skip
    make_member(maribor, "MB2")  # not in collection
    book = make_item(maribor, "b1", title="Čukova knjiga", price="20.00")
    loan_checkout(member=ana, item=book, today=date(2026, 9, 1))
    daily_run(library=maribor, until=date(2026, 11, 2))

    # when
    table = rows(collection_csv(maribor))

    # then: one row per item, with the whole open debt (2 + 5 + 15 notices, 2.30 fine, 25.00)
    assert table[1:] == [[
        "MB1", "Ana Novak", "Glavni trg 1, Maribor", "1980-05-04", "2026-11-01", "49,30",
        "b1", "Čukova knjiga", "2026-09-22", "20,00",
    ]]  # fmt: skip
    assert len(table[0]) == 10

    # and the library hands over in its daily run, not by hand
    with pytest.raises(Refused) as refused:
        collection_hand_over(library=maribor, day=date(2026, 11, 2), by=clerk)
    assert refused.value.code == "collection_by_daily_run"

    # once the book is back the row stays, without items, while she owes
    loan_checkin(item=book, today=date(2026, 11, 3))
    assert rows(collection_csv(maribor))[1][6:] == ["", "", "", ""]


# --- Tolmin: the library hands over, yearly ----------------------------------------------------


@pytest.fixture
def tolmin_noticed(load_library, make_member, make_item):
    """Tolmin: Tina's book, due 29 April 2026, had its 4th notice on 23 June (5th day, +10,
    +10, +30); Bor's book, due 17 June, has had only its 1st."""
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "TO1", first_name="Tina", last_name="Kos", address="Tolmin")
    bor = make_member(tolmin, "TO2", first_name="Bor")
    loan_checkout(member=tina, item=make_item(tolmin, "t1", title="Pod svobodnim soncem",
                                              price="25.00"), today=date(2026, 4, 1))  # fmt: skip
    loan_checkout(member=bor, item=make_item(tolmin, "t2"), today=date(2026, 5, 20))
    daily_run(library=tolmin, until=date(2026, 6, 30))
    assert Loan.objects.get(member=tina).notice_level == 4
    assert Loan.objects.get(member=bor).notice_level == 1
    return tolmin, tina, bor


def test_it_hands_over_tolmins_members_after_the_4th_notice(tolmin_noticed, clerk):
    # given
    tolmin, tina, bor = tolmin_noticed
    day = date(2026, 7, 1)
    assert [m for m, _loans in collection_candidates(library=tolmin, day=day)] == [tina]

    # when
    handed = collection_hand_over(library=tolmin, day=day, by=clerk)

    # then: Tina is in collection with her book, Bor is not
    assert handed == [tina]
    tina.refresh_from_db()
    assert tina.in_collection_since == day
    assert Loan.objects.get(member=tina).handed_over_date == day
    assert Loan.objects.get(member=bor).handed_over_date is None
    assert member_blocks(tina, day)[0] == "in_collection"
    # a hand-over notice with the book, and the collection message queued
    notice = Notice.objects.get(member=tina, collection=True)
    assert list(notice.loans.all()) == [Loan.objects.get(member=tina)]
    assert Message.objects.filter(member=tina, kind="collection", notice=notice).exists()
    # the call is charged per the price list (art. 41; assumed 10.00)
    fee = Charge.objects.get(kind="collection")
    assert (fee.member, fee.amount, fee.date) == (tina, Decimal("10.00"), day)

    # and the agency's list: the notice fees 1.50 + 3.00 + 6.00 + 10.00 and the call 10.00
    table = rows(collection_csv(tolmin))
    assert table[1:] == [["TO1", "Tina Kos", "Tolmin", "1985-03-02", "2026-07-01", "30,50",
                          "t1", "Pod svobodnim soncem", "2026-04-29", "25,00"]]  # fmt: skip

    # running it again hands over nobody new
    assert collection_hand_over(library=tolmin, day=day, by=clerk) == []
    assert Notice.objects.filter(collection=True).count() == 1


def test_it_charges_the_collection_fee_of_the_policy(tolmin_noticed, clerk):
    # given: the library sets a collection fee of 12.00
    tolmin, tina, _bor = tolmin_noticed
    day = date(2026, 7, 1)
    policy_value_set(library=tolmin, path="collection.fee", value="12.00", valid_from=day,
                     by=None, today=day)  # fmt: skip
    debt = open_debt(tina)

    # when
    collection_hand_over(library=tolmin, day=day, by=clerk)

    # then
    fee = Charge.objects.get(kind="collection")
    assert (fee.member, fee.amount, fee.date, fee.created_by) == (tina, Decimal("12.00"), day,
                                                                  clerk)  # fmt: skip
    assert open_debt(tina) == debt + Decimal("12.00")


def test_it_adds_up_the_yearly_calls_while_the_items_stay_out(tolmin_noticed, clerk):
    # given: Tina was called on 1 July 2026 and keeps the book; Bor's book reaches its 4th
    # notice (due 17 June: 22 June, 2 and 12 July, 11 August)
    tolmin, tina, bor = tolmin_noticed
    collection_hand_over(library=tolmin, day=date(2026, 7, 1), by=clerk)
    daily_run(library=tolmin, until=date(2027, 7, 1))
    debt = open_debt(tina)

    # when: the library calls within the year, then a year after the first call
    within = collection_hand_over(library=tolmin, day=date(2027, 6, 30), by=clerk)
    after = collection_hand_over(library=tolmin, day=date(2027, 7, 1), by=clerk)

    # then: within the year only Bor is new; a year on, Tina is called and charged again
    # (art. 42: collection costs add up), still in collection since her first call
    assert (within, after) == ([bor], [tina])
    calls = Charge.objects.filter(member=tina, kind="collection").order_by("date")
    assert [(c.date, c.amount) for c in calls] == [
        (date(2026, 7, 1), Decimal("10.00")),
        (date(2027, 7, 1), Decimal("10.00")),
    ]
    assert open_debt(tina) == debt + Decimal("10.00")
    tina.refresh_from_db()
    assert tina.in_collection_since == date(2026, 7, 1)
    assert Loan.objects.get(member=tina).handed_over_date == date(2026, 7, 1)
    call = Notice.objects.get(member=tina, collection=True, date=date(2027, 7, 1))
    assert list(call.loans.all()) == [Loan.objects.get(member=tina)]

    # and once the book is back, there is nobody to call about it
    loan_checkin(item=Loan.objects.get(member=tina).item, today=date(2027, 7, 2))
    assert collection_hand_over(library=tolmin, day=date(2028, 7, 2), by=clerk) == [bor]


def test_it_ends_collection_once_the_items_are_back_and_debts_paid(tolmin_noticed, clerk):
    from bukve.accounts.services import payment_take

    tolmin, tina, _bor = tolmin_noticed
    collection_hand_over(library=tolmin, day=date(2026, 7, 1), by=clerk)

    loan_checkin(item=Loan.objects.get(member=tina).item, today=date(2026, 7, 2))
    payment_take(member=tina, day=date(2026, 7, 2))

    assert Member.objects.get(pk=tina.pk).in_collection_since is None
    assert rows(collection_csv(tolmin))[1:] == []
