"""Scanning at the desk with the keyboard only, as a barcode scanner does it: it types the
code and Enter, then the next code and Enter... Every scan must land in a scan field: after
each one the page comes back with the cursor in the same field (Chromium does not autofocus
on a URL with a fragment, so the desk must not redirect to one). On a desktop and a phone,
in Slovenian and in English."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.utils import formats, timezone

from bukve.circulation.models import Loan
from bukve.libraries.models import Staff
from tests.browser.conftest import desk_login, screen_page

BOOKS = ["40001", "40002", "40003", "40004", "40005"]
CARDS = ["TO0042", "TO0043", "TO0044", "TO0045", "TO0046"]
NAMES = ["Ana Kralj", "Bor Novak", "Cene Zupan", "Dora Kos", "Eva Vidmar"]

TEXT = {
    "sl": {
        "lent": "izposojeno, rok vrnitve",
        "renewed": "podaljšano, nov rok vrnitve",
        "returned": "vrnjeno, član",
        "again": "To gradivo je temu članu že izposojeno (od {since}, rok vrnitve {due}).",
        "back": "To gradivo ni izposojeno: vrnjeno je bilo že {returned}.",
    },
    "en": {
        "lent": "lent, due",
        "renewed": "renewed, now due",
        "returned": "returned by",
        "again": "This item is already on loan to this member (since {since}, due {due}).",
        "back": "This item is not on loan: it was already returned on {returned}.",
    },
}


def _day(day) -> str:
    return formats.date_format(day, "j. n. Y")


@pytest.fixture
def tolmin_desk(load_library, make_member, make_item):
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="knjiznica-2026", first_name="Mojca")
    Staff.objects.create(user=user, library=tolmin, role=Staff.CIRCULATION)
    for card, name in zip(CARDS, NAMES, strict=True):
        first, last = name.split()
        make_member(tolmin, card, first_name=first, last_name=last)
    for barcode in BOOKS:
        make_item(tolmin, barcode, title=f"Knjiga {barcode}")
    return tolmin


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["sl", "en"])
def test_five_scans_in_a_row_with_the_keyboard_only(
    browser, live_server, tolmin_desk, screen, language
):
    # given: a browser of the desk's screen size and language
    name = f"desk-scanning-{screen}-{language}"
    page = screen_page(browser, live_server, name, screen=screen, language=language)
    text = TEXT[language]
    keyboard = page.keyboard
    scan = page.enter  # what a scanner does: the code, then Enter

    def shot(name: str) -> None:
        """The whole page, and what the screen shows (where the cursor is)."""
        page.screenshot(path=page.shot(name).with_suffix(".screen.png"))

    from playwright.sync_api import expect

    try:
        # when: the librarian logs in, with the keyboard only
        desk_login(page, "mojca", "knjiznica-2026")

        # then: the cursor is in the member search
        expect(page.locator("#id_q")).to_be_focused()

        # when: she scans Ana's card
        scan(CARDS[0])

        # then: Ana's page opens with the cursor in the checkout field
        expect(page.get_by_role("heading", level=1)).to_contain_text(NAMES[0])
        checkout = page.locator("#id_barcode")
        expect(checkout).to_be_focused()
        assert "#" not in page.url

        # when: she scans five items in a row
        for barcode in BOOKS:
            scan(barcode)
            expect(page.get_by_role("status")).to_contain_text(f"{barcode} (Knjiga {barcode})")
            expect(page.get_by_role("status")).to_contain_text(text["lent"])
            expect(checkout).to_be_focused()
        shot("five-lent")

        # then: all five are lent to Ana
        loans = Loan.objects.filter(member__card_number=CARDS[0], status=Loan.OUT)
        assert sorted(loans.values_list("item__barcode", flat=True)) == BOOKS

        # when: she scans the first again by mistake
        scan(BOOKS[0])

        # then: the desk says it is already Ana's, since when and until when
        first = loans.get(item__barcode=BOOKS[0])
        again = text["again"].format(since=_day(first.checkout_date), due=_day(first.due_date))
        expect(page.get_by_role("status")).to_contain_text(again)
        expect(checkout).to_be_focused()
        shot("already-hers")

        # when: Ana wants them all renewed: Tab twice reaches the renewal field, then five scans
        keyboard.press("Tab")
        keyboard.press("Tab")
        renew = page.locator("#id_renew_barcode")
        expect(renew).to_be_focused()
        for barcode in BOOKS:
            scan(barcode)
            expect(page.get_by_role("status")).to_contain_text(f"{barcode} (Knjiga {barcode})")
            expect(page.get_by_role("status")).to_contain_text(text["renewed"])
            expect(renew).to_be_focused()
        shot("five-renewed")

        # then: each loan was renewed once
        assert list(loans.values_list("renewals", flat=True)) == [1] * 5

        # when: the five come back at the check-in desk
        page.goto(live_server.url + "/desk/checkin/")
        field = page.locator("#id_barcode")
        expect(field).to_be_focused()
        for barcode in BOOKS:
            scan(barcode)
            expect(page.get_by_role("status")).to_contain_text(f"{barcode} (Knjiga {barcode})")
            expect(page.get_by_role("status")).to_contain_text(text["returned"])
            expect(field).to_be_focused()
        shot("five-returned")

        # then: all five are back
        assert not loans.exists()
        assert Loan.objects.filter(status=Loan.RETURNED).count() == 5

        # when: one of them is scanned again
        scan(BOOKS[2])

        # then: the desk says it is back already, since when
        back = text["back"].format(returned=_day(timezone.localdate()))
        expect(page.get_by_role("status")).to_contain_text(back)
        expect(field).to_be_focused()
        shot("already-back")

        # when: five members come one after another, each scanning the card at the search
        for card, name in zip(CARDS, NAMES, strict=True):
            page.goto(live_server.url + "/desk/")
            expect(page.locator("#id_q")).to_be_focused()
            scan(card)

            # then: the member's page opens, ready to lend
            expect(page.get_by_role("heading", level=1)).to_contain_text(name)
            expect(page.locator("#id_barcode")).to_be_focused()
            assert re.search(r"/desk/members/\d+/$", page.url), page.url
        shot("member-found")
    finally:
        page.context.close()


def _login(browser, live_server, *, javascript: bool = True):
    page = screen_page(browser, live_server, "desk-scanning", javascript=javascript)
    desk_login(page, "mojca", "knjiznica-2026")
    return page.context, page


def test_scanning_works_without_javascript(browser, live_server, tolmin_desk):
    from playwright.sync_api import expect

    # given: a browser that runs no JavaScript, at Ana's page (her card scanned)
    context, page = _login(browser, live_server, javascript=False)
    try:
        expect(page.locator("#id_q")).to_be_focused()
        page.keyboard.type(CARDS[0])
        with page.expect_navigation():
            page.keyboard.press("Enter")

        # when: five items are scanned, keyboard only
        for barcode in BOOKS:
            expect(page.locator("#id_barcode")).to_be_focused()
            page.keyboard.type(barcode)
            with page.expect_navigation():
                page.keyboard.press("Enter")

        # then: all five are lent, and the cursor is back in the field (plain autofocus)
        expect(page.locator("#id_barcode")).to_be_focused()
        loans = Loan.objects.filter(member__card_number=CARDS[0], status=Loan.OUT)
        assert loans.count() == 5
    finally:
        context.close()


def test_a_section_link_still_leaves_the_cursor_in_the_checkout_field(
    browser, live_server, tolmin_desk
):
    from playwright.sync_api import expect

    member = tolmin_desk.member_set.get(card_number=CARDS[0])
    address = f"{live_server.url}/desk/members/{member.pk}/#account"

    # given: without JavaScript, Chromium does not autofocus on an address with a fragment
    context, page = _login(browser, live_server, javascript=False)
    try:
        page.goto(address)
        expect(page.locator("#id_barcode")).not_to_be_focused()
    finally:
        context.close()

    # when: the desk's script runs, as it does at the desk (a receipt links to #account)
    context, page = _login(browser, live_server)
    try:
        page.goto(address)

        # then: the cursor is in the checkout field, and a scan lends the item
        expect(page.locator("#id_barcode")).to_be_focused()
        page.keyboard.type(BOOKS[0])
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert Loan.objects.get(item__barcode=BOOKS[0]).member == member
    finally:
        context.close()
