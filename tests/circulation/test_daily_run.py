"""The daily run: notices grouped per member, level and day, their fees, addressees, the
hand-over to collection; running a day twice changes nothing."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.circulation.daily import daily_run, daily_run_day
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import DailyRun, Loan, Reservation
from bukve.circulation.services import loan_checkin, loan_checkout, loan_renew
from bukve.members.models import Member
from bukve.notices.models import Notice


def notices_of(member):
    return [
        (
            n.date,
            n.level,
            n.collection,
            n.addressee.card_number,
            sorted(loan.item.barcode for loan in n.loans.all()),
            n.registered_mail,
        )
        for n in Notice.objects.filter(member=member).order_by("date", "level")
    ]


def charges_of(member):
    return list(
        Charge.objects.filter(member=member)
        .order_by("date", "kind", "id")
        .values_list("date", "kind", "amount")
    )


def test_it_groups_a_members_loans_into_one_notice_per_level_and_day(
    load_library, make_member, make_item
):
    # given: Ana has two books and a DVD due on 23 March and a book due on 24 March; Bor has
    # a book due on 23 March
    maribor = load_library("maribor")
    ana, bor = make_member(maribor, "ana"), make_member(maribor, "bor")
    for barcode in ("b1", "b2"):
        loan_checkout(member=ana, item=make_item(maribor, barcode), today=date(2026, 3, 2))
    loan_checkout(
        member=ana, item=make_item(maribor, "d1", material="dvd"), today=date(2026, 3, 16)
    )
    loan_checkout(member=ana, item=make_item(maribor, "b3"), today=date(2026, 3, 3))
    loan_checkout(member=bor, item=make_item(maribor, "b4"), today=date(2026, 3, 2))

    # when
    runs = daily_run(library=maribor, until=date(2026, 4, 13))

    # then: one notice for the three loans that reached a level on the same day, one fee
    assert notices_of(ana) == [
        (date(2026, 4, 2), 1, False, "ana", ["b1", "b2", "d1"], False),
        (date(2026, 4, 3), 1, False, "ana", ["b3"], False),
        (date(2026, 4, 12), 2, False, "ana", ["b1", "b2", "d1"], False),
        (date(2026, 4, 13), 2, False, "ana", ["b3"], False),
    ]
    assert charges_of(ana) == [
        (date(2026, 4, 2), "notice", Decimal("2.00")),
        (date(2026, 4, 3), "notice", Decimal("2.00")),
        (date(2026, 4, 12), "notice", Decimal("5.00")),
        (date(2026, 4, 13), "notice", Decimal("5.00")),
    ]
    assert notices_of(bor) == [
        (date(2026, 4, 2), 1, False, "bor", ["b4"], False),
        (date(2026, 4, 12), 2, False, "bor", ["b4"], False),
    ]
    assert Charge.objects.get(member=ana, date=date(2026, 4, 2)).level == 1
    by_day = {run.date: (run.notices, run.charges) for run in runs}
    assert by_day[date(2026, 4, 2)] == (2, 2)
    assert by_day[date(2026, 4, 3)] == (1, 1)


def test_it_issues_notices_on_any_weekday_and_sends_the_late_ones_by_registered_mail(
    load_library, make_member, make_item
):
    # given: a Tolmin book due on Wednesday 29 April; notices 5, 10, 10 and 30 days apart
    tolmin = load_library("tolmin")
    tina = make_member(tolmin, "tina")
    loan_checkout(member=tina, item=make_item(tolmin, "b1"), today=date(2026, 4, 1))

    # when
    daily_run(library=tolmin, until=date(2026, 8, 31))

    # then: Sunday 24 May too; fees add up over the levels; no hand-over in Tolmin
    assert notices_of(tina) == [
        (date(2026, 5, 4), 1, False, "tina", ["b1"], False),
        (date(2026, 5, 14), 2, False, "tina", ["b1"], False),
        (date(2026, 5, 24), 3, False, "tina", ["b1"], True),
        (date(2026, 6, 23), 4, False, "tina", ["b1"], True),
    ]
    assert [c[1:] for c in charges_of(tina)] == [
        ("notice", Decimal("1.50")),
        ("notice", Decimal("3.00")),
        ("notice", Decimal("6.00")),
        ("notice", Decimal("10.00")),
    ]
    assert Loan.objects.get().next_notice_date is None


@pytest.mark.parametrize(
    ("born", "guardian", "to"),
    [
        (date(2016, 6, 1), True, "mama"),  # 9 years old
        (date(2011, 4, 3), True, "mama"),  # 15 the day after the notice
        (date(2011, 4, 2), True, "tim"),  # 15 on the day of the notice
        (date(2016, 6, 1), False, "tim"),  # no guardian on record
    ],
)
def test_it_addresses_the_notice_of_a_child_under_15_to_the_guardian(
    load_library, make_member, make_item, born, guardian, to
):
    # given: Tim's book is due on 23 March; the 1st notice is issued on 2 April
    maribor = load_library("maribor")
    mama = make_member(maribor, "mama")
    tim = make_member(
        maribor, "tim", category="child", born=born, guardian=mama if guardian else None
    )
    loan_checkout(member=tim, item=make_item(maribor, "b1"), today=date(2026, 3, 2))

    # when
    daily_run(library=maribor, until=date(2026, 4, 2))

    # then: the notice is Tim's, addressed to the guardian while he is under 15
    assert notices_of(tim) == [(date(2026, 4, 2), 1, False, to, ["b1"], False)]
    assert charges_of(tim) == [(date(2026, 4, 2), "notice", Decimal("2.00"))]
    assert charges_of(mama) == []


@pytest.mark.parametrize("category", ["staff", "retired_staff"])
def test_it_charges_tolmin_staff_no_fines_and_no_notice_fees(
    load_library, make_member, make_item, category
):
    # given: Eva, library staff, and Ana each have a book due on 29 April
    tolmin = load_library("tolmin")
    eva, ana = make_member(tolmin, "eva", category=category), make_member(tolmin, "ana")
    loan_checkout(member=eva, item=make_item(tolmin, "e1"), today=date(2026, 4, 1))
    loan_checkout(member=ana, item=make_item(tolmin, "a1"), today=date(2026, 4, 1))
    loan_checkout(member=eva, item=make_item(tolmin, "e2"), today=date(2026, 4, 1))

    # when: a late renewal by phone on 1 May (new due 15 May), daily runs and the returns
    loan_renew(
        member=eva,
        item=Loan.objects.get(item__barcode="e2").item,
        channel="phone",
        today=date(2026, 5, 1),
    )
    daily_run(library=tolmin, until=date(2026, 6, 29))
    for barcode in ("e1", "e2", "a1"):
        loan_checkin(
            item=Loan.objects.get(item__barcode=barcode, status="out").item, today=date(2026, 6, 30)
        )

    # then: Eva gets her notices but is charged nothing; Ana pays fees and the fine
    assert [n[:2] + (n[4],) for n in notices_of(eva)] == [
        (date(2026, 5, 4), 1, ["e1"]),
        (date(2026, 5, 14), 2, ["e1"]),
        (date(2026, 5, 20), 1, ["e2"]),
        (date(2026, 5, 24), 3, ["e1"]),
        (date(2026, 5, 30), 2, ["e2"]),
        (date(2026, 6, 9), 3, ["e2"]),
        (date(2026, 6, 23), 4, ["e1"]),
    ]
    assert charges_of(eva) == []
    assert [c[1] for c in charges_of(ana)] == ["notice"] * 4 + ["fine"]


def test_it_hands_over_to_collection_ten_days_after_the_third_notice(
    load_library, make_member, make_item
):
    # given: Ana has two books due on 22 September 2026 (notices on 2, 12 and 22 October)
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    for barcode in ("b1", "b2"):
        loan_checkout(member=ana, item=make_item(maribor, barcode), today=date(2026, 9, 1))

    # when
    daily_run(library=maribor, until=date(2026, 10, 31))
    before = Member.objects.get(pk=ana.pk).in_collection_since
    daily_run(library=maribor, until=date(2027, 3, 31))

    # then: on Sunday 1 November one hand-over for both, charged 25.00 once; the fines
    # stopped at the 3rd notice and the ladder ends there
    assert before is None
    assert notices_of(ana)[-2:] == [
        (date(2026, 10, 22), 3, False, "ana", ["b1", "b2"], False),
        (date(2026, 11, 1), 0, True, "ana", ["b1", "b2"], False),
    ]
    assert charges_of(ana) == [
        (date(2026, 10, 2), "notice", Decimal("2.00")),
        (date(2026, 10, 12), "notice", Decimal("5.00")),
        (date(2026, 10, 22), "fine", Decimal("2.30")),
        (date(2026, 10, 22), "fine", Decimal("2.30")),
        (date(2026, 10, 22), "notice", Decimal("15.00")),
        (date(2026, 11, 1), "collection", Decimal("25.00")),
    ]
    assert Charge.objects.get(kind="collection").level is None
    assert Member.objects.get(pk=ana.pk).in_collection_since == date(2026, 11, 1)
    assert set(Loan.objects.values_list("handed_over_date", "next_notice_date")) == {
        (date(2026, 11, 1), None)
    }


def world(library):
    """Everything the daily run may change, in comparable form."""
    return (
        sorted(
            Notice.objects.filter(library=library).values_list(
                "member_id", "level", "date", "collection", "addressee_id"
            )
        ),
        sorted(
            Charge.objects.filter(library=library).values_list(
                "member_id", "date", "kind", "amount", "open_amount", "loan_id"
            )
        ),
        sorted(
            Loan.objects.filter(library=library).values_list(
                "id",
                "status",
                "notice_level",
                "last_notice_date",
                "next_notice_date",
                "fine_closed",
                "handed_over_date",
            )
        ),
        sorted(
            Reservation.objects.filter(library=library).values_list(
                "id", "status", "item_id", "hold_expires"
            )
        ),
        sorted(Member.objects.filter(library=library).values_list("id", "in_collection_since")),
        DailyRun.objects.filter(library=library).count(),
    )


def test_it_changes_nothing_when_a_day_is_run_twice(load_library, make_member, make_item):
    # given: on 22 October Ana's 3rd notice is due with its fine, and Bor's hold (placed on
    # 16 October) expires
    maribor = load_library("maribor")
    ana, bor = make_member(maribor, "ana"), make_member(maribor, "bor")
    loan_checkout(member=ana, item=make_item(maribor, "b1"), today=date(2026, 9, 1))
    for day in (date(2026, 10, 2), date(2026, 10, 12)):
        daily_run_day(library=maribor, day=day)
    reservation_place(member=bor, item=make_item(maribor, "b2"), today=date(2026, 10, 16))
    first = daily_run_day(library=maribor, day=date(2026, 10, 22))
    after_first = world(maribor)

    # when
    second = daily_run_day(library=maribor, day=date(2026, 10, 22))
    catch_up = daily_run(library=maribor, until=date(2026, 10, 22))

    # then
    assert (first.notices, first.holds_expired) == (1, 1)
    assert Reservation.objects.get(member=bor).hold_expires == date(2026, 10, 22)
    assert second is None and catch_up == []
    assert world(maribor) == after_first


def test_it_catches_up_missed_days_in_order(load_library, make_member, make_item):
    # given: the run last ran on 1 October; a book is due on 22 September
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    loan_checkout(member=ana, item=make_item(maribor, "b1"), today=date(2026, 9, 1))
    daily_run_day(library=maribor, day=date(2026, 10, 1))

    # when: the next run is on 2 November
    runs = daily_run(library=maribor, until=date(2026, 11, 2))

    # then: every missed day was run, each notice on its own day
    assert [r.date for r in runs][0] == date(2026, 10, 2)
    assert len(runs) == 32
    assert [(n[0], n[1]) for n in notices_of(ana)] == [
        (date(2026, 10, 2), 1),
        (date(2026, 10, 12), 2),
        (date(2026, 10, 22), 3),
        (date(2026, 11, 1), 0),
    ]
