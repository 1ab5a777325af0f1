"""A refusal in the API: `code` is RULES.md's reason, `detail` the precise sentence in the
language the client asks for (Accept-Language; Slovenian by default)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bukve.circulation.holds import reservation_place
from bukve.circulation.services import loan_checkin, loan_checkout

JSON = "application/json"


def day(value) -> str:
    return f"{value:%-d. %-m. %Y}"


def post(api, path: str, data: dict, language: str):
    headers = {"Accept-Language": language}
    return api.post(path, data, content_type=JSON, headers=headers)


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_checkout_of_the_members_own_loan(api, tolmin, make_member, make_item, language):
    # given: Ana borrowed the copy three days ago
    ana = make_member(tolmin, "T0001")
    loan = loan_checkout(member=ana, item=make_item(tolmin, "T1001"),
                         today=timezone.localdate() - timedelta(days=3))  # fmt: skip

    # when
    response = post(api, "/api/checkout", {"card_number": "T0001", "barcode": "T1001"}, language)

    # then
    since, due = day(loan.checkout_date), day(loan.due_date)
    assert response.status_code == 409
    assert response.json() == {
        "code": "item_not_available",
        "detail": {
            "sl": f"To gradivo je temu članu že izposojeno (od {since}, rok vrnitve {due}).",
            "en": f"This item is already on loan to this member (since {since}, due {due}).",
        }[language],
    }


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_checkin_of_a_copy_back_already(api, tolmin, make_member, make_item, language):
    # given: the copy came back yesterday
    book = make_item(tolmin, "T1001")
    yesterday = timezone.localdate() - timedelta(days=1)
    loan_checkout(member=make_member(tolmin, "T0001"), item=book, today=yesterday)
    loan_checkin(item=book, today=yesterday)

    # when
    response = post(api, "/api/checkin", {"barcode": "T1001"}, language)

    # then
    assert response.status_code == 409
    assert response.json() == {
        "code": "item_not_available",
        "detail": {
            "sl": f"To gradivo ni izposojeno: vrnjeno je bilo že {day(yesterday)}.",
            "en": f"This item is not on loan: it was already returned on {day(yesterday)}.",
        }[language],
    }


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_checkout_of_a_copy_held_for_another_member(
    api, tolmin, make_member, make_item, language
):
    # given: the copy is on the hold shelf of Kobarid for Bor
    make_member(tolmin, "T0001")
    bor = make_member(tolmin, "T0002")
    kobarid = tolmin.branches.get(name="Knjižnica Kobarid")
    copy = make_item(tolmin, "T1001", branch="kobarid")
    hold = reservation_place(member=bor, item=copy, pickup_branch=kobarid)

    # when
    response = post(api, "/api/checkout", {"card_number": "T0001", "barcode": "T1001"}, language)

    # then
    until = day(hold.hold_expires)
    assert response.status_code == 409
    assert response.json()["code"] == "item_not_available"
    expected = {
        "sl": "To gradivo je rezervirano za drugega člana: čaka na polici rezervacij v enoti "
        f"Knjižnica Kobarid (do {until}).",
        "en": f"This item is held for another member at Knjižnica Kobarid (until {until}).",
    }
    assert response.json()["detail"] == expected[language]


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_renewal_of_a_copy_on_loan_to_another_member(
    api, tolmin, make_member, make_item, language
):
    # given: Bor has the copy
    make_member(tolmin, "T0001")
    loan = loan_checkout(member=make_member(tolmin, "T0002"), item=make_item(tolmin, "T1001"))

    # when: renewed for Ana
    response = post(api, "/api/renew", {"card_number": "T0001", "barcode": "T1001"}, language)

    # then
    due = day(loan.due_date)
    assert response.status_code == 409
    assert response.json() == {
        "code": "item_not_available",
        "detail": {
            "sl": f"To gradivo je izposojeno drugemu članu (rok vrnitve {due}).",
            "en": f"This item is on loan to another member (due {due}).",
        }[language],
    }


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_checkout_at_a_branch_for_a_mobile_only_member(
    api, tolmin, make_member, make_item, language
):
    # given: Mia uses only the mobile library (Tolmin art. 17 (2), 22); the copy is at Tolmin
    make_member(tolmin, "T0001", category="mobile_only")
    make_item(tolmin, "T1001", branch="tolmin")

    # when
    response = post(api, "/api/checkout", {"card_number": "T0001", "barcode": "T1001"}, language)

    # then
    assert response.status_code == 409
    assert response.json() == {
        "code": "fee_required",
        "detail": {
            "sl": "Član uporablja samo potujočo knjižnico in si gradivo izposoja samo tam, ne v "
            "enoti Knjižnica Tolmin; s plačilom letne članarine si ga lahko izposoja v vseh "
            "enotah.",
            "en": "The member uses only the mobile library and borrows only there, not at "
            "Knjižnica Tolmin; paying the annual membership fee opens every branch.",
        }[language],
    }


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_second_reservation_of_a_title(api, tolmin, make_member, make_item, language):
    # given: Ana waits for the title since today; both copies are out
    ana, bor = make_member(tolmin, "T0001"), make_member(tolmin, "T0002")
    copies = [make_item(tolmin, f"T100{n}", record="r") for n in (1, 2)]
    for copy in copies:
        loan_checkout(member=bor, item=copy)
    reservation_place(member=ana, item=copies[0])

    # when: she reserves it again through the other copy
    response = post(api, "/api/reservations", {"card_number": "T0001", "barcode": "T1002"},
                    language)  # fmt: skip

    # then
    today = day(timezone.localdate())
    assert response.status_code == 409
    assert response.json() == {
        "code": "already_reserved",
        "detail": {
            "sl": f"Član že čaka na to delo (rezervacija z dne {today}); ena rezervacija dela "
            "zadošča.",
            "en": f"The member has already reserved this title (since {today}) and is waiting "
            "for it; one reservation of a title is enough.",
        }[language],
    }


def test_a_renewal_of_an_overdue_loan_asked_for_by_e_mail(api, tolmin, make_member, make_item):
    # given: Tina's book was due yesterday; no notice yet (Tolmin art. 28)
    tina = make_member(tolmin, "T0001")
    lent = timezone.localdate() - timedelta(days=29)
    loan = loan_checkout(member=tina, item=make_item(tolmin, "T1001"), today=lent,
                         due=timezone.localdate() - timedelta(days=1))  # fmt: skip

    # when: online it is refused, recorded by staff as asked by e-mail it is renewed
    online = {"card_number": "T0001", "barcode": "T1001", "channel": "online"}
    refused = post(api, "/api/renew", online, "en")
    renewed = post(api, "/api/renew", {**online, "channel": "email"}, "en")

    # then
    assert refused.status_code == 409
    assert refused.json()["code"] == "overdue_needs_staff"
    assert renewed.status_code == 200, renewed.json()
    loan.refresh_from_db()
    assert loan.renewals == 1
