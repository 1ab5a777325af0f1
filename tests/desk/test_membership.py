"""The desk's membership pages: enrolling a member, renewing, documents, cards, signing an
online registration, authorised persons and ending a membership, through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.models import Charge
from bukve.libraries.models import Staff
from bukve.members.models import Member, Registration

TODAY = date(2026, 6, 10)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def page(response) -> str:
    return response.content.decode()


NEW = {"first_name": "Ana", "last_name": "Novak", "born": "1980-01-01", "category": "adult",
       "language": "sl", "issue_card": "on"}  # fmt: skip


def test_it_enrols_a_member_and_shows_the_card_number(staff_client, tolmin):
    desk = staff_client(tolmin)

    response = desk.post(reverse("desk:new_member"), NEW, follow=True)

    ana = Member.objects.get(last_name="Novak")
    assert ana.card_number == "TO000001"
    assert "TO000001" in page(response)
    # the annual fee includes the card (Tolmin art. 13)
    assert sorted(Charge.objects.filter(member=ana).values_list("kind", "amount")) == [
        ("membership", Decimal("18.00")),
    ]
    assert ana.cards.get().price == Decimal("0.00")


def test_it_charges_the_card_to_an_adult_enrolling_on_the_mobile_library(staff_client, tolmin):
    # given: Tolmin art. 17: no fee on the mobile library, adults pay for the card (assumed)
    desk = staff_client(tolmin)

    # when
    desk.post(reverse("desk:new_member"), {**NEW, "category": "mobile_only"}, follow=True)

    # then
    ana = Member.objects.get(last_name="Novak")
    assert list(Charge.objects.filter(member=ana).values_list("kind", "amount")) == [
        ("card", Decimal("2.00")),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"born": "not a date"},
        {"born": "0001-01-01"},
        {"born": "1899-12-31"},
        {"born": "9999-12-31"},
        {"born": (TODAY + timedelta(days=1)).isoformat()},
        {"evidence_kind": "unemployment_certificate", "evidence_issued": "0001-01-01"},
        {"category": "dragon"},
        {"born": "", "category": "adult"},
        {"born": "2016-01-01", "category": "child"},  # no guardian
        {"guardian": "nobody"},
        {"category": "unemployed"},  # no certificate
        {"evidence_kind": "unemployment_certificate"},  # no issue date
        {"email": "not-an-address"},
    ],
)
def test_it_shows_bad_input_as_form_errors(staff_client, tolmin, change):
    desk = staff_client(tolmin)

    response = desk.post(reverse("desk:new_member"), {**NEW, **change})

    assert response.status_code == 200
    assert not Member.objects.exists()


def test_it_renews_a_membership_from_the_member_page(staff_client, tolmin, make_member):
    ana = make_member(tolmin, "TO1", expires=date(2026, 6, 30))
    desk = staff_client(tolmin)
    assert reverse("desk:membership_renew", args=[ana.pk]) in page(
        desk.get(reverse("desk:member", args=[ana.pk]))
    )

    desk.post(reverse("desk:membership_renew", args=[ana.pk]))

    ana.refresh_from_db()
    assert ana.expires == date(2027, 6, 30)


def test_it_records_evidence_and_cards(staff_client, tolmin, make_member):
    bor = make_member(tolmin, "TO1", category="unemployed", expires=date(2026, 6, 20))
    desk = staff_client(tolmin)

    desk.post(reverse("desk:evidence", args=[bor.pk]),
              {"kind": "unemployment_certificate", "issued": "2026-06-01"})  # fmt: skip
    desk.post(reverse("desk:membership_renew", args=[bor.pk]))
    desk.post(reverse("desk:card_issue", args=[bor.pk]), {"reason": "lost"})
    desk.post(reverse("desk:evidence", args=[bor.pk]), {"kind": "disability_card",
                                                        "issued": "2026-06-01"})  # fmt: skip

    bor.refresh_from_db()
    assert bor.expires == date(2027, 6, 20)
    assert list(Charge.objects.filter(member=bor).values_list("kind", "amount")) == [
        ("card", Decimal("2.00"))  # a lost card (Tolmin art. 19, assumed 2.00)
    ]
    assert bor.evidence.count() == 1  # the card without its expiry date was not recorded
    assert page(desk.get(reverse("desk:membership", args=[bor.pk]))).count("<li>") >= 2


def test_it_lists_and_signs_online_registrations(staff_client, tolmin, make_member):
    ana = make_member(tolmin, "TO1", restricted=True, last_name="Novak")
    Registration.objects.create(library=tolmin, first_name="Ana", last_name="Novak",
                                born=date(1985, 3, 2), category="adult", address="Tolmin",
                                email="ana@example.org", password="x",
                                status=Registration.DUPLICATE, duplicate_of=ana)  # fmt: skip
    desk = staff_client(tolmin)

    html = page(desk.get(reverse("desk:members_pending")))
    assert reverse("desk:membership", args=[ana.pk]) in html
    assert "ana@example.org" in html

    desk.post(reverse("desk:member_sign", args=[ana.pk]), {"guardian": ""})
    ana.refresh_from_db()
    assert (ana.restricted, ana.signed_on) == (False, TODAY)


def test_it_records_an_authorisation_within_the_paid_membership(staff_client, tolmin, make_member):
    ana = make_member(tolmin, "TO1", expires=date(2026, 12, 31))
    desk = staff_client(tolmin)
    url = reverse("desk:authorisation_add", args=[ana.pk])

    desk.post(url, {"name": "Bor Novak", "valid_until": "2027-01-01"})
    desk.post(url, {"valid_until": "2026-12-31"})  # nobody named
    desk.post(url, {"name": "Bor Novak", "valid_until": "2026-12-31"})

    assert list(ana.authorisations.values_list("name", "valid_until")) == [
        ("Bor Novak", date(2026, 12, 31))
    ]


def test_only_the_director_excludes_a_member(staff_client, tolmin, make_member, client):
    ana = make_member(tolmin, "TO1", expires=date(2026, 12, 31))
    url = reverse("desk:membership_exclude", args=[ana.pk])

    desk = staff_client(tolmin)
    assert desk.post(url, {"until": "2026-12-31"}).status_code == 403
    assert reverse("desk:membership_exclude", args=[ana.pk]) not in page(
        desk.get(reverse("desk:membership", args=[ana.pk]))
    )

    director = staff_client(tolmin, Staff.DIRECTOR, username="director")
    director.post(url, {"until": "2026-12-31"})
    ana.refresh_from_db()
    assert (ana.end_reason, ana.banned_until) == ("rules", date(2026, 12, 31))


def test_it_ends_a_membership_on_request(staff_client, tolmin, make_member):
    ana = make_member(tolmin, "TO1", expires=date(2026, 12, 31))
    desk = staff_client(tolmin)

    desk.post(reverse("desk:membership_end", args=[ana.pk]), {"reason": "request"})

    ana.refresh_from_db()
    assert ana.ended_on == TODAY


def test_it_never_shows_another_librarys_membership(staff_client, tolmin, load_library,
                                                    make_member):  # fmt: skip
    vid = make_member(load_library("velenje"), "VE1")
    desk = staff_client(tolmin)

    assert desk.get(reverse("desk:membership", args=[vid.pk])).status_code == 404
    assert desk.post(reverse("desk:membership_renew", args=[vid.pk])).status_code == 404


def _facts(html: str) -> dict[str, str]:
    """The facts (dt: dd) a page shows."""
    import re

    from django.utils.html import strip_tags

    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, re.S)
    return {strip_tags(k).strip(): " ".join(strip_tags(v).split()) for k, v in pairs}


@pytest.mark.parametrize("case", ["before_bukve", "signed_with_card", "online"])
def test_the_member_page_and_the_membership_page_say_the_same(
    staff_client, tolmin, make_member, case
):
    # given: a member from before Bukve kept records (no date, no card recorded), one who
    # signed and got a card at the desk, one registered online who has not signed yet
    from bukve.membership.services import card_issue

    member = make_member(tolmin, "TO0042", restricted=case == "online")
    if case == "signed_with_card":
        Member.objects.filter(pk=member.pk).update(signed_on=date(2026, 5, 4))
        card_issue(member=member, reason="first", today=date(2026, 5, 4), by=None)
    desk = staff_client(tolmin)

    # when
    member_page = page(desk.get(reverse("desk:member", args=[member.pk])))
    membership_page = page(desk.get(reverse("desk:membership", args=[member.pk])))

    # then: both pages state the statement and the card in the same words
    on_member, on_membership = _facts(member_page), _facts(membership_page)
    statement, card = "Pristopna izjava", "Članska izkaznica"
    assert on_member[statement] == on_membership[statement]
    assert on_member[card] == on_membership[card]
    expected = {
        "before_bukve": ("podpisana; datum ni vpisan", "TO0042; izročitev izkaznice ni vpisana"),
        "signed_with_card": (
            "podpisana 4. 5. 2026",
            "TO0042, izročena 4. 5. 2026 (prva izkaznica)",
        ),
        "online": ("še ne (vpis prek spleta)", "TO0042; izročitev izkaznice ni vpisana"),
    }[case]
    assert (on_member[statement], on_member[card]) == expected
    # and the membership page's own sections do not contradict the summary
    assert "Izkaznica še ni bila izročena" not in membership_page
    assert "Podpisano." not in membership_page


def test_a_mobile_only_member_pays_the_annual_fee_and_every_branch_opens(
    staff_client, tolmin, make_member
):
    # given: Eva borrows on the mobile library only (Tolmin art. 17, 22)
    eva = make_member(tolmin, "TO9", category="mobile_only", born=date(1980, 5, 5))
    desk = staff_client(tolmin)
    page_before = page(desk.get(reverse("desk:membership", args=[eva.pk])))
    assert reverse("desk:membership_fee_pay", args=[eva.pk]) in page_before

    # when: the desk charges her the annual fee
    desk.post(reverse("desk:membership_fee_pay", args=[eva.pk]))

    # then: an adult now, the fee on her account, and the button gone
    eva.refresh_from_db()
    assert eva.category == "adult"
    assert list(Charge.objects.filter(member=eva).values_list("kind", "amount")) == [
        ("membership", Decimal("18.00"))
    ]
    page_after = page(desk.get(reverse("desk:membership", args=[eva.pk])))
    assert reverse("desk:membership_fee_pay", args=[eva.pk]) not in page_after
