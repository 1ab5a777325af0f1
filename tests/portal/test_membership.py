"""Moja knjižnica: renewing the membership (the fee goes to the account) and downloading
one's personal data (Tolmin art. 55)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from bukve.accounts.models import Charge

from .helpers import page, sl


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def test_it_renews_the_membership_in_its_last_month(client, tolmin, make_portal_member, log_in):
    # given: paid until 30 June (today is 10 June)
    ana = make_portal_member(tolmin, "TO1", expires=date(2026, 6, 30))
    log_in(ana)
    assert sl("Renew the membership") in page(client.get("/moja/membership/"))

    # when
    response = client.post("/moja/membership/renew/", follow=True)

    # then: a year more, and the fee is on the account to pay
    ana.refresh_from_db()
    assert ana.expires == date(2027, 6, 30)
    assert Charge.objects.get(member=ana).amount == Decimal("18.00")
    renewed = "The membership is renewed until %(date)s. Pay the fee at the library or online."
    assert sl(renewed, date="30. 6. 2027") in page(response)


def test_it_says_when_renewing_is_too_early(client, tolmin, make_portal_member, log_in):
    ana = make_portal_member(tolmin, "TO1", expires=date(2027, 1, 1), language="en")
    log_in(ana)

    html = page(client.get("/moja/membership/"))
    assert "can be renewed in the last month" in html
    response = client.post("/moja/membership/renew/", follow=True)
    assert "it can be renewed in the last month of the paid period" in page(response)
    assert not Charge.objects.filter(member=ana).exists()


def test_it_lets_a_member_download_their_data(client, tolmin, make_portal_member, log_in):
    ana = make_portal_member(tolmin, "TO1", last_name="Novak", email="ana@example.org")
    log_in(ana)

    response = client.get("/moja/membership/data/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bukve-TO1.json"'
    data = json.loads(response.content)
    assert data["member"]["last_name"] == "Novak"
    assert data["member"]["card_number"] == "TO1"


def test_it_sends_strangers_to_the_login(client, tolmin):
    response = client.get("/moja/membership/data/")
    assert response.status_code == 302
    assert response.url.startswith("/moja/login/")
