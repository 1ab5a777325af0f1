"""Moja knjižnica's account on a 390 px phone and on a desktop, in both languages: the
member logs in without choosing the library, and every column of the account fits."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bukve.accounts.services import payment_take
from bukve.accounts.settlement import charge_record
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.members.services import member_password_set

# Every table of the page fits its box (nothing to scroll sideways) and the page itself too.
FITS = """() => [...document.querySelectorAll('.table-scroll')].every(
    box => box.scrollWidth <= box.clientWidth) &&
    document.documentElement.scrollWidth <= document.documentElement.clientWidth"""


@pytest.mark.phone
def test_the_account_fits_a_phone_in_both_languages(page, load_library, make_member, make_item):
    # given: Ana in Tolmin with a fine for a book with a long title, a notice, a part payment
    today = timezone.localdate()
    for code in ("maribor", "velenje", "ravne"):
        load_library(code)
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "TO0042", first_name="Ana", last_name="Kralj")
    member_password_set(member=ana, password="knjiznica-2026")
    item = make_item(tolmin, "TO10001",
                     title="Koraki skozi meglo: Soška fronta Kobarid–Bovec 1915–1917")  # fmt: skip
    loan_checkout(member=ana, item=item, today=date(2026, 3, 20), due=date(2026, 4, 28))
    loan_checkin(item=item, today=date(2026, 5, 6))
    charge_record(member=ana, day=today, kind="notice", amount=Decimal("1.50"))
    payment_take(member=ana, day=today, amount=Decimal("1.00"), method="card")

    # when: she logs in with her card number only
    page.go("/moja/")
    page.shot("login-sl")
    page.get_by_label("Številka izkaznice ali e-pošta").fill("TO0042")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()
    page.get_by_role("link", name="Račun").click()

    # then: the "still open" column is on the screen, in Slovenian and in English
    for language, still_open in (("sl", "Neporavnano"), ("en", "Still open")):
        if language == "en":
            page.get_by_role("button", name="English").click()
        header = page.get_by_role("columnheader", name=still_open)
        expect(header).to_be_visible()
        box = header.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
        assert page.evaluate(FITS), f"something is cut off on the phone ({language})"
        page.shot(f"account-phone-{language}")
        page.set_viewport_size({"width": 1280, "height": 900})
        assert page.evaluate(FITS)
        page.shot(f"account-desktop-{language}")
        page.set_viewport_size({"width": 390, "height": 844})
