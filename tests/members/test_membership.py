"""Members join, pay the fee of their category for a year, get cards, sign, authorise
someone, and leave (RULES.md 3 and 4; Tolmin art. 12-20, 23)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge
from bukve.accounts.services import payment_take
from bukve.circulation.services import loan_checkout, member_blocks
from bukve.membership.services import (
    Evidence,
    authorisation_add,
    card_issue,
    evidence_record,
    member_create,
    member_sign,
    membership_end,
    membership_renew,
    membership_start,
)
from bukve.refusals import Refused

TODAY = date(2026, 6, 10)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def velenje(load_library):
    return load_library("velenje")


def fees(member) -> list[tuple[str, Decimal]]:
    return [(c.kind, c.amount) for c in Charge.objects.filter(member=member).order_by("id")]


def create(library, **fields):
    fields.setdefault("first_name", "Ana")
    fields.setdefault("last_name", "Novak")
    fields.setdefault("born", date(1980, 1, 1))
    fields.setdefault("category", "adult")
    return member_create(library=library, today=TODAY, **fields)


# --- joining ---------------------------------------------------------------------------------


def test_it_gives_new_members_the_next_card_number_of_the_library(tolmin, make_member):
    # given: the library's numbers so far
    make_member(tolmin, "TO0040")

    # when
    ana, bor = create(tolmin), create(tolmin, first_name="Bor")

    # then
    assert (ana.card_number, bor.card_number) == ("TO000041", "TO000042")


def test_it_charges_the_annual_fee_and_pays_the_membership_for_a_year(tolmin):
    ana = create(tolmin)

    assert fees(ana) == [("membership", Decimal("18.00"))]
    assert ana.expires == date(2027, 6, 9)
    assert ana.signed_on == TODAY and not ana.restricted


def test_it_keeps_the_password_hashed_and_refuses_a_weak_one(tolmin):
    from django.contrib.auth.hashers import check_password
    from django.core.exceptions import ValidationError

    ana = create(tolmin, password="knjige-na-polici")
    assert check_password("knjige-na-polici", ana.password)
    with pytest.raises(ValidationError):
        create(tolmin, first_name="Bor", password="kratko")


def test_it_takes_the_fee_from_the_age_where_the_rules_say_so(velenje):
    # Velenje: under 18 free; pupils over 18 pay 8.00.
    young = create(velenje, category="pupil", born=date(2010, 1, 1))
    older = create(velenje, category="pupil", born=date(2007, 1, 1))

    assert fees(young) == []
    assert fees(older) == [("membership", Decimal("8.00"))]


def test_it_charges_the_staff_and_the_mobile_library_members_no_fee(tolmin):
    assert fees(create(tolmin, category="retired_staff")) == []
    assert fees(create(tolmin, category="mobile_only", first_name="Bor")) == []


def test_it_wants_evidence_for_a_free_category(tolmin):
    # when: unemployed, without the certificate
    with pytest.raises(Refused) as refused:
        create(tolmin, category="unemployed")
    assert refused.value.code == "evidence_required"

    # when: a certificate issued 20 days ago
    evidence = Evidence("unemployment_certificate", date(2026, 5, 21))
    ana = create(tolmin, category="unemployed", evidence=evidence)

    # then: free, and the certificate is accepted until it is older than a month: the day
    # before the day a debt of its date would block (RULES.md 1)
    assert fees(ana) == []
    assert ana.evidence.get().expires == date(2026, 6, 20)


def test_it_refuses_a_certificate_older_than_a_month(tolmin):
    old = Evidence("unemployment_certificate", date(2026, 5, 1))
    with pytest.raises(Refused) as refused:
        create(tolmin, category="unemployed", evidence=old)
    assert refused.value.code == "evidence_required"


def test_it_wants_a_guardian_for_a_child_under_15(tolmin):
    with pytest.raises(Refused) as refused:
        create(tolmin, category="child", born=date(2016, 1, 1))
    assert refused.value.code == "guardian_required"

    mother = create(tolmin)
    child = create(tolmin, category="child", born=date(2016, 1, 1), guardian=mother)
    assert child.guardian == mother
    assert fees(child) == []


def test_it_leaves_the_signature_of_an_online_registration_for_the_desk(tolmin):
    # given: a child registered online, no guardian yet
    child = create(tolmin, category="child", born=date(2016, 1, 1), restricted=True)
    assert member_blocks(child, TODAY) == ["membership_restricted"]

    # then: signing needs the guardian
    with pytest.raises(Refused):
        member_sign(member=child, by=None, today=TODAY)
    mother = create(tolmin)
    child = member_sign(member=child, by=None, today=TODAY, guardian=mother)
    assert (child.restricted, child.signed_on, child.guardian) == (False, TODAY, mother)
    assert member_blocks(child, TODAY) == []


def test_it_starts_a_free_category_registered_online_when_the_evidence_is_shown(tolmin):
    bor = create(tolmin, category="disabled", restricted=True)
    assert bor.expires is None

    card = Evidence("disability_card", date(2024, 1, 1), date(2029, 1, 1))
    evidence_record(member=bor, today=TODAY, evidence=card)
    bor = member_sign(member=bor, by=None, today=TODAY)
    assert bor.expires == date(2027, 6, 9)
    assert fees(bor) == []


@pytest.mark.parametrize(
    ("category", "born", "charged"),
    [
        ("adult", date(1980, 1, 1), [("membership", Decimal("15.00"))]),
        ("pensioner", date(1950, 1, 1), [("membership", Decimal("15.00"))]),
        ("student", date(2008, 6, 10), [("membership", Decimal("15.00"))]),  # 18 today
        ("youth", date(2008, 6, 11), []),  # 17 until tomorrow
    ],
)
def test_it_charges_ravnes_membership_fee_to_members_of_18_and_over(
    load_library, category, born, charged
):
    # given: seed 000 says members pay a fee; RULES.md 5 assumes adults 15.00, under 18 free
    ravne = load_library("ravne")

    # when
    member = create(ravne, category=category, born=born)

    # then: the fee is charged for a year, as at the other libraries
    assert fees(member) == charged
    assert member.expires == date(2027, 6, 9)


def test_it_charges_ravnes_fee_to_an_online_registration_which_stays_restricted(load_library):
    # given: a member registered online at Ravne (seed 000, steps 4 and 6)
    ravne = load_library("ravne")
    ula = create(ravne, restricted=True)

    # when: she pays the fee online
    payment_take(member=ula, day=TODAY)

    # then: the fee was 15.00 and is paid, but home loans wait for her signature
    assert fees(ula) == [("membership", Decimal("15.00"))]
    assert member_blocks(ula, TODAY) == ["membership_restricted"]


def test_it_keeps_a_legal_entity_with_a_named_employee(velenje):
    firm = create(velenje, first_name="", last_name="Gorenje d.d.", born=None,
                  category="legal_entity", contact_person="Marta Kos")  # fmt: skip
    assert firm.contact_person == "Marta Kos"
    assert fees(firm) == [("membership", Decimal("30.00"))]


# --- renewing --------------------------------------------------------------------------------


def test_it_renews_from_the_end_of_the_paid_period_in_its_last_month(tolmin):
    ana = create(tolmin)

    with pytest.raises(Refused) as refused:
        membership_renew(member=ana, today=date(2027, 4, 1))
    assert refused.value.code == "renewal_too_early"

    ana = membership_renew(member=ana, today=date(2027, 5, 20))
    assert ana.expires == date(2028, 6, 9)
    assert fees(ana)[-1] == ("membership", Decimal("18.00"))


def test_it_renews_an_expired_membership_from_today(tolmin):
    ana = create(tolmin)
    payment_take(member=ana, day=TODAY)
    assert member_blocks(ana, date(2027, 7, 1)) == ["membership_expired"]

    ana = membership_renew(member=ana, today=date(2027, 7, 1))
    assert ana.expires == date(2028, 6, 30)


# --- cards -----------------------------------------------------------------------------------


def test_it_charges_maribors_card_prices_by_age(load_library):
    maribor = load_library("maribor")
    adult = create(maribor)
    child = create(maribor, category="child", born=date(2016, 1, 1), guardian=adult)

    for member in (adult, child):
        card_issue(member=member, reason="first", today=TODAY, by=None)
        card_issue(member=member, reason="lost", today=TODAY, by=None)

    assert fees(adult) == [("card", Decimal("2.10")), ("card", Decimal("4.20"))]
    assert fees(child) == [("card", Decimal("2.10"))]  # the first card is free under 15
    assert child.cards.count() == 2


def test_it_gives_a_new_card_for_changed_data_free_in_tolmin(tolmin):
    ana = create(tolmin, issue_card=True)
    card_issue(member=ana, reason="changed_data", today=TODAY, by=None)

    # the annual fee includes the card (art. 13), a new one for changed data is free (art. 12)
    assert fees(ana) == [("membership", Decimal("18.00"))]
    assert [c.reason for c in ana.cards.order_by("id")] == ["first", "changed_data"]


@pytest.mark.parametrize(
    ("category", "born", "charged"),
    [
        ("adult", date(1980, 1, 1), [("membership", Decimal("18.00"))]),
        ("pensioner", date(1950, 1, 1), [("membership", Decimal("18.00"))]),
        ("pupil", date(2008, 1, 1), []),
        ("youth", date(2010, 1, 1), []),
        # art. 17: no fee on the mobile library, but adults pay for the card (assumed 2.00)
        ("mobile_only", date(1980, 1, 1), [("card", Decimal("2.00"))]),
        ("mobile_only", date(2008, 6, 10), [("card", Decimal("2.00"))]),  # 18 today
        ("mobile_only", date(2008, 6, 11), []),  # 17 until tomorrow
    ],
)
def test_it_charges_tolmins_card_only_to_adults_enrolling_on_the_mobile_library(
    tolmin, category, born, charged
):
    # when: a member enrols and gets the card
    member = create(tolmin, category=category, born=born, issue_card=True)

    # then
    assert fees(member) == charged
    assert member.cards.get().reason == "first"


def test_it_charges_a_lost_or_destroyed_card_in_tolmin(tolmin):
    # given: Ana paid the annual fee, which includes her card; Bor, 12, has a free card
    ana = create(tolmin, issue_card=True)
    mother = create(tolmin, first_name="Mama")
    bor = create(tolmin, first_name="Bor", category="child", born=date(2014, 1, 1),
                 guardian=mother, issue_card=True)  # fmt: skip

    # when: both lose their cards, and Ana's new one is destroyed too
    card_issue(member=ana, reason="lost", today=TODAY, by=None)
    card_issue(member=bor, reason="lost", today=TODAY, by=None)
    card_issue(member=ana, reason="damaged", today=TODAY, by=None)

    # then: each new card is charged (art. 19; assumed 2.00)
    assert fees(ana) == [("membership", Decimal("18.00")), ("card", Decimal("2.00")),
                         ("card", Decimal("2.00"))]  # fmt: skip
    assert fees(bor) == [("card", Decimal("2.00"))]


@pytest.mark.parametrize(
    ("issued", "today", "accepted"),
    [
        (date(2027, 1, 15), date(2027, 2, 14), True),
        (date(2027, 1, 15), date(2027, 2, 15), False),
        (date(2027, 1, 31), date(2027, 2, 27), True),
        (date(2027, 1, 31), date(2027, 2, 28), False),  # as a debt of 31 Jan blocks then
        (date(2027, 3, 31), date(2027, 4, 29), True),
        (date(2027, 3, 31), date(2027, 4, 30), False),
    ],
)
def test_it_accepts_a_certificate_until_it_is_older_than_a_month(tolmin, issued, today, accepted):
    # given: an unemployment certificate "not older than one month" (art. 17)
    evidence = Evidence("unemployment_certificate", issued)

    # when: the member enrols with it on `today`
    if accepted:
        member = member_create(library=tolmin, first_name="Ana", last_name="Novak",
                               born=date(1980, 1, 1), category="unemployed",
                               evidence=evidence, today=today)  # fmt: skip

        # then: free, and the certificate is valid to the last day it is accepted
        assert fees(member) == []
        assert member.evidence.get().expires == today
    else:
        with pytest.raises(Refused) as refused:
            member_create(library=tolmin, first_name="Ana", last_name="Novak",
                          born=date(1980, 1, 1), category="unemployed", evidence=evidence,
                          today=today)  # fmt: skip
        assert refused.value.code == "evidence_required"


def test_it_refuses_a_certificate_recorded_with_a_later_expiry_once_it_is_a_month_old(
    tolmin, make_member
):
    # given: a certificate of 15 Jan kept from before, valid until 15 Feb
    from bukve.members.models import CategoryEvidence

    bor = make_member(tolmin, "TO1", category="unemployed", expires=date(2027, 2, 14))
    CategoryEvidence.objects.create(
        member=bor, kind="unemployment_certificate", issued=date(2027, 1, 15),
        expires=date(2027, 2, 15),
    )  # fmt: skip

    # when: he renews on 15 Feb, the day it is a month old
    with pytest.raises(Refused) as refused:
        membership_renew(member=bor, today=date(2027, 2, 15))

    # then
    assert refused.value.code == "evidence_required"
    assert membership_renew(member=bor, today=date(2027, 2, 14)).expires == date(2028, 2, 14)


# --- authorised persons ----------------------------------------------------------------------


def test_it_authorises_a_person_only_while_the_membership_is_paid(tolmin):
    ana = create(tolmin)

    with pytest.raises(Refused) as refused:
        authorisation_add(member=ana, name="Bor Novak", valid_until=date(2027, 7, 1),
                          today=TODAY, by=None)  # fmt: skip
    assert refused.value.code == "authorisation_beyond_membership"

    done = authorisation_add(member=ana, name="Bor Novak", valid_until=date(2027, 6, 9),
                             today=TODAY, by=None)  # fmt: skip
    assert done.valid_until == ana.expires


# --- ending membership -----------------------------------------------------------------------


def test_it_ends_a_membership_on_request_only_with_no_loans_and_no_debts(tolmin, make_item):
    ana = create(tolmin)
    book = make_item(tolmin, "B1")
    loan_checkout(member=ana, item=book, today=TODAY)

    with pytest.raises(Refused) as refused:
        membership_end(member=ana, today=TODAY, reason="request", by=None)
    assert refused.value.code == "loans_out"

    from bukve.circulation.services import loan_checkin

    loan_checkin(item=book, today=TODAY)
    with pytest.raises(Refused) as refused:
        membership_end(member=ana, today=TODAY, reason="request", by=None)
    assert refused.value.code == "debts_open"  # the fee

    payment_take(member=ana, day=TODAY)
    ana = membership_end(member=ana, today=TODAY, reason="request", by=None)
    assert ana.ended_on == TODAY
    assert member_blocks(ana, TODAY) == ["membership_ended"]
    assert ana.payments.get().amount == Decimal("18.00")  # not refunded


def test_it_excludes_a_member_for_breaking_the_rules_until_the_directors_date(tolmin, make_item):
    ana = create(tolmin)
    payment_take(member=ana, day=TODAY)
    membership_end(member=ana, today=TODAY, reason="rules", by=None, until=date(2026, 12, 31))

    with pytest.raises(Refused) as refused:
        loan_checkout(member=ana, item=make_item(tolmin, "B1"), today=TODAY)
    assert refused.value.code == "membership_banned"
    with pytest.raises(Refused):
        membership_start(member=ana, today=date(2026, 12, 31))

    # after the exclusion the person may join again
    ana = membership_start(member=ana, today=date(2027, 1, 4))
    assert member_blocks(ana, date(2027, 1, 4)) == []
    assert ana.expires == date(2028, 1, 3)


def test_velenje_charges_schools_and_kindergartens_no_fee(load_library):
    # Velenje's price list: schools and kindergartens free, other legal persons 30.00
    from bukve.libraries.services import policy_for

    membership = policy_for(load_library("velenje"), date(2026, 6, 1)).membership

    assert membership.fee("school", None) == Decimal("0.00")
    assert membership.fee("legal_entity", None) == Decimal("30.00")
