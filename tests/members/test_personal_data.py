"""Personal data (Tolmin art. 55): education only with consent, the member's download, and
the purge a year after the membership ended that keeps the loans' statistics."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge, Payment
from bukve.accounts.services import payment_take
from bukve.accounts.settlement import charge_record
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.members.models import Member
from bukve.members.services import member_education_set, member_search
from bukve.membership.personal_data import member_data_export, members_purge
from bukve.refusals import Refused

TODAY = date(2026, 6, 10)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def test_it_keeps_the_education_level_only_with_consent(tolmin, make_member):
    ana = make_member(tolmin, "TO1")

    with pytest.raises(Refused) as refused:
        member_education_set(member=ana, education="univerzitetna", consent=False)
    assert refused.value.code == "education_needs_consent"

    ana = member_education_set(member=ana, education="univerzitetna", consent=True)
    assert ana.education == "univerzitetna"
    ana = member_education_set(member=ana, education="", consent=False)
    assert (ana.education, ana.education_consent) == ("", False)


def test_it_exports_the_members_data_as_json(tolmin, make_member, make_item):
    ana = make_member(tolmin, "TO1", last_name="Novak", email="ana@example.org")
    loan_checkout(member=ana, item=make_item(tolmin, "B1", title="Pod svobodnim soncem"),
                  today=TODAY)  # fmt: skip

    data = json.loads(json.dumps(member_data_export(ana)))

    assert data["member"]["last_name"] == "Novak"
    assert data["member"]["email"] == "ana@example.org"
    assert data["loans"][0]["title"] == "Pod svobodnim soncem"
    assert data["loans"][0]["checkout_date"] == "2026-06-10"


def test_it_purges_exactly_the_members_whose_data_may_go(tolmin, make_member, make_item):
    # given: memberships that ended 13 and 11 months ago, one with an open debt
    gone = make_member(tolmin, "TO1", category="pensioner", born=date(1950, 1, 1),
                       expires=date(2025, 5, 9))  # fmt: skip
    make_member(tolmin, "TO2", expires=date(2025, 7, 9))
    owes = make_member(tolmin, "TO3", expires=date(2025, 5, 9))
    left = make_member(tolmin, "TO4", ended_on=date(2025, 5, 1), end_reason="request")
    charge_record(member=owes, day=date(2025, 1, 5), kind="service", amount=Decimal("2.00"))
    book = make_item(tolmin, "B1")
    loan_checkout(member=gone, item=book, today=date(2025, 1, 5))
    loan_checkin(item=book, today=date(2025, 2, 20))  # late: a fine, paid
    payment_take(member=gone, day=date(2025, 2, 20))
    fine = Charge.objects.get(member=gone)

    # when
    purged = members_purge(library=tolmin, today=TODAY)

    # then: the person is gone, the loan's statistics and the ledger stay
    assert purged == 2
    assert set(Member.objects.filter(age_group="").values_list("card_number", flat=True)) == {
        "TO2",
        "TO3",
    }
    loan = Loan.objects.get(item=book)
    anonymous = loan.member
    assert (anonymous.category, anonymous.age_group) == ("pensioner", "65+")
    assert (anonymous.first_name, anonymous.born, anonymous.email) == ("", None, "")
    assert (loan.checkout_date, loan.closed_date, loan.branch.code) == (
        date(2025, 1, 5),
        date(2025, 2, 20),
        "tolmin",
    )
    fine.refresh_from_db()
    assert fine.member == anonymous and fine.open_amount == 0
    assert Payment.objects.get().member == anonymous
    assert not Member.objects.filter(pk__in=[gone.pk, left.pk]).exists()
    # the anonymous member is statistics, not a person: the desk never finds it
    assert not member_search(tolmin, anonymous.card_number).exists()

    # and: a second run finds nothing; the debtor goes once the debt is paid
    assert members_purge(library=tolmin, today=TODAY) == 0
    payment_take(member=owes, day=TODAY)
    assert members_purge(library=tolmin, today=TODAY) == 1
    assert not Member.objects.filter(pk=owes.pk).exists()


def test_it_keeps_the_age_at_checkout_in_the_statistics(tolmin, make_member, make_item):
    # given: a girl who borrowed at 14 and at 16
    ana = make_member(tolmin, "TO1", category="youth", born=date(2009, 3, 1),
                      expires=date(2025, 5, 9))  # fmt: skip
    for barcode, day in (("B1", date(2023, 5, 2)), ("B2", date(2025, 5, 2))):
        item = make_item(tolmin, barcode)
        loan_checkout(member=ana, item=item, today=day)
        loan_checkin(item=item, today=day)

    members_purge(library=tolmin, today=TODAY)

    groups = dict(Loan.objects.values_list("item__barcode", "member__age_group"))
    assert groups == {"B1": "0-14", "B2": "15-17"}
