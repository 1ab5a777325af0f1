"""Moja knjižnica: a member downloads their statement of loans and debts and the receipts of
their payments as PDF; a parent those of the child they act for; nobody anyone else's."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from bukve.accounts.services import charge_waive, payment_take
from bukve.accounts.settlement import charge_record

from .helpers import page

TODAY = date(2026, 6, 10)


@pytest.fixture
def family(load_library, make_portal_member, make_member):
    """Maribor: Mira, her son Luka (11) and Tim (11), no kin; each paid 2.10 for a card."""
    maribor = load_library("maribor")
    mira = make_portal_member(maribor, "MB0000100", first_name="Mira")
    luka = make_member(maribor, "MB0000101", born=date(2015, 2, 1), guardian=mira)
    tim = make_portal_member(maribor, "MB0000102", born=date(2015, 2, 1))
    payments = {}
    for member in (mira, luka, tim):
        charge_record(member=member, day=TODAY, kind="card", amount=Decimal("2.10"))
        payments[member.card_number] = payment_take(member=member, day=TODAY)
    return mira, luka, tim, payments


def receipt_url(payment) -> str:
    return f"/moja/account/receipts/{payment.pk}.pdf"


def test_the_account_lists_receipts_and_the_statement(client, family, log_in):
    # given
    mira, _, _, payments = family
    log_in(mira)

    # when
    html = page(client.get("/moja/account/"))

    # then
    assert f'href="{receipt_url(payments["MB0000100"])}"' in html
    assert 'href="/moja/account/statement.pdf"' in html
    assert payments["MB0000100"].receipt_number in html


def test_a_member_downloads_their_receipt_and_statement(client, family, log_in):
    # given
    mira, _, _, payments = family
    log_in(mira)

    # when
    receipt = client.get(receipt_url(payments["MB0000100"]))
    statement = client.get("/moja/account/statement.pdf")

    # then
    number = payments["MB0000100"].receipt_number
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt["Content-Disposition"] == f'inline; filename="racun-{number}.pdf"'
    assert receipt.content.startswith(b"%PDF")
    assert statement.status_code == 200 and statement["Content-Type"] == "application/pdf"
    assert statement["Content-Disposition"] == 'inline; filename="stanje-MB0000100.pdf"'


def test_a_member_cannot_open_someone_elses_receipt(client, family, log_in):
    mira, luka, tim, payments = family
    log_in(mira)

    # not Tim's, and not her son's while she acts for herself
    assert client.get(receipt_url(payments["MB0000102"])).status_code == 404
    assert client.get(receipt_url(payments["MB0000101"])).status_code == 404


def test_a_parent_acting_for_a_child_gets_the_childs_receipt(client, family, log_in):
    # given
    mira, luka, _, payments = family
    log_in(mira)
    client.post("/moja/acting-for/", {"member": luka.pk, "next": "/moja/account/"})

    # when
    receipt = client.get(receipt_url(payments["MB0000101"]))
    statement = client.get("/moja/account/statement.pdf")

    # then
    assert receipt.status_code == 200
    assert statement["Content-Disposition"] == 'inline; filename="stanje-MB0000101.pdf"'
    assert client.get(receipt_url(payments["MB0000100"])).status_code == 404


def test_a_waiver_has_no_receipt(client, family, log_in):
    mira, _, _, _ = family
    charge = charge_record(member=mira, day=TODAY, kind="fine", amount=Decimal("1.00"))
    director = User.objects.create_user("director")
    waiver = charge_waive(charge=charge, amount=Decimal("1.00"), reason="Illness", by=director,
                          day=TODAY)  # fmt: skip
    log_in(mira)

    assert client.get(receipt_url(waiver)).status_code == 404


def test_a_stranger_is_sent_to_log_in(client, family):
    _, _, _, payments = family

    response = client.get(receipt_url(payments["MB0000100"]))

    assert response.status_code == 302 and "/moja/login/" in response.url
