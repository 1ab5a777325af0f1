"""Members who use only Tolmin's mobile library (art. 17 (2), 22): they pay no annual fee and
borrow only on the mobile library; paying the fee opens every branch."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.circulation.services import loan_checkout
from bukve.membership.services import membership_fee_pay
from bukve.refusals import Refused

TODAY = date(2026, 5, 4)


def test_it_opens_every_branch_to_a_mobile_only_member_who_pays_the_annual_fee(
    load_library, make_member, make_item
):
    # given: Mia, 41, uses only the mobile library and is refused at the Tolmin branch
    tolmin = load_library("tolmin")
    mia = make_member(tolmin, "mia", category="mobile_only", born=date(1985, 3, 2),
                      expires=date(2026, 12, 31))  # fmt: skip
    book = make_item(tolmin, "b1", branch="tolmin")
    with pytest.raises(Refused):
        loan_checkout(member=mia, item=book, today=TODAY)

    # when: she pays the annual fee
    mia = membership_fee_pay(member=mia, today=TODAY)

    # then: she is an adult member for a year from today, charged the adult fee, and borrows
    # at the branch
    assert (mia.category, mia.expires) == ("adult", date(2027, 5, 3))
    assert list(Charge.objects.values_list("kind", "date", "amount")) == [
        ("membership", TODAY, Decimal("18.00"))
    ]
    assert loan_checkout(member=mia, item=book, today=TODAY).branch.code == "tolmin"


def test_it_gives_a_young_mobile_only_member_the_category_of_the_age_free_of_charge(
    load_library, make_member
):
    # given: Tim is 16
    tolmin = load_library("tolmin")
    tim = make_member(tolmin, "tim", category="mobile_only", born=date(2010, 1, 1))

    # when
    tim = membership_fee_pay(member=tim, today=TODAY)

    # then: a young person, who pays nothing (under 18 free)
    assert tim.category == "youth"
    assert Charge.objects.count() == 0
