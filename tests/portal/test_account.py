"""The account (debts, payments, a fine day by day) and the digital membership card."""

from datetime import date
from decimal import Decimal

from bukve.accounts.models import Charge
from bukve.accounts.services import payment_take
from bukve.circulation.services import loan_checkin, loan_checkout

from .helpers import page, sl


def may_day_fine(maribor, member, make_item) -> Charge:
    """A Maribor book due on Friday 24 April, back on Tuesday 5 May: 3 tolerance days, then
    28-30 April, 4 and 5 May charged; 1 and 2 May (praznik dela) and Sunday 3 May not."""
    book = make_item(maribor, f"b-{member.card_number}")
    loan = loan_checkout(member=member, item=book, today=date(2026, 4, 3))
    assert loan.due_date == date(2026, 4, 24)
    loan_checkin(item=book, today=date(2026, 5, 5))
    return Charge.objects.get(member=member, kind="fine")


def test_it_lists_debts_and_payments(client, load_library, make_portal_member, make_item, log_in):
    # given: a fine of 0.50, of which 0.20 is paid
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    fine = may_day_fine(maribor, ana, make_item)
    payment_take(member=ana, day=date(2026, 5, 6), amount=Decimal("0.20"))
    log_in(ana)

    # when
    html = page(client.get("/moja/account/"))

    # then
    assert fine.amount == Decimal("0.50")
    assert "5. 5. 2026" in html
    assert "0,50 €" in html
    assert f"{sl('Open debt')}: <strong>0,30 €</strong>" in html
    assert "6. 5. 2026" in html
    assert "0,20 €" in html
    assert f'href="/moja/account/fines/{fine.pk}/"' in html


def test_it_explains_a_fine_day_by_day_with_the_holidays(
    client, load_library, make_portal_member, make_item, log_in
):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    fine = may_day_fine(maribor, ana, make_item)
    log_in(ana)

    # when
    html = page(client.get(f"/moja/account/fines/{fine.pk}/"))

    # then
    assert "praznik dela" in html
    assert "pet 1. 5. 2026" in html  # Slovenian day names on a Slovenian page
    assert "0,50 €" in html


def test_it_shows_only_the_members_own_fines(
    client, load_library, make_portal_member, make_item, log_in
):
    # given: Bor's fine
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    bor = make_portal_member(maribor, "0067890")
    fine = may_day_fine(maribor, bor, make_item)
    log_in(ana)

    # when, then
    assert client.get(f"/moja/account/fines/{fine.pk}/").status_code == 404
    assert "0,50 €" not in page(client.get("/moja/account/"))


def test_it_shows_the_card_as_a_barcode_and_a_qr_code(
    client, load_library, make_portal_member, log_in
):
    # given
    tolmin = load_library("tolmin")
    ana = make_portal_member(tolmin, "0012345", last_name="Novak", expires=date(2026, 12, 31))
    log_in(ana)

    # when
    html = page(client.get("/moja/card/"))

    # then
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="barcode"' in html
    assert 'class="qr"' in html
    assert html.count("<svg") == 2
    assert "0012345 Novak" in html  # make_member names her after the card
    assert "Knjižnica Cirila Kosmača Tolmin" in html
    assert "31. 12. 2026" in html
