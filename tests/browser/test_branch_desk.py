"""Between branches in a browser, with the keyboard as staff work: the librarian moves her
desk to Kobarid, scans in a Tolmin copy returned there and is told to send it home; at
Tolmin the pull list names a copy wanted at Bovec, which she scans in and sends. On a
desktop and a phone, in Slovenian and in English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from bukve.circulation.holds import reservation_place
from bukve.circulation.services import loan_checkout
from bukve.libraries.models import Staff
from tests.browser.conftest import desk_login, screen_page

TEXT = {
    "sl": {"nav": "Med enotami", "checkin": "Vračilo", "nothing": "S polic ni treba vzeti ničesar.",
           "send_home": "Pošljite ga v enoto Knjižnica Tolmin",
           "send_bovec": "Pošljite ga v enoto Knjižnica Bovec"},
    "en": {"nav": "Between branches", "checkin": "Check in", "nothing": "Nothing to pull.",
           "send_home": "Send it to Knjižnica Tolmin", "send_bovec": "Send it to Knjižnica Bovec"},
}  # fmt: skip


@pytest.fixture
def tolmin_branches(load_library, make_member, make_item):
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="knjiznica-2026", first_name="Mojca")
    Staff.objects.create(user=user, library=tolmin, branch=tolmin.branches.get(code="tolmin"))
    returned = make_item(tolmin, "T0001", title="Na klancu", branch="tolmin")
    loan_checkout(member=make_member(tolmin, "ana"), item=returned)
    wanted = make_item(tolmin, "T0002", title="Alamut", branch="tolmin", call_number="821 BARTOL")
    bovec = tolmin.branches.get(code="bovec")
    reservation_place(member=make_member(tolmin, "bor"), item=wanted, pickup_branch=bovec)
    return tolmin


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_librarian_sends_copies_between_branches(
    browser, live_server, tolmin_branches, screen, language
):
    from playwright.sync_api import expect

    name = f"branch-desk-{screen}-{language}"
    page = screen_page(browser, live_server, name, screen=screen, language=language)
    text = TEXT[language]
    try:
        # when: she logs in at Tolmin and opens "Between branches"
        desk_login(page, "mojca", "knjiznica-2026")
        page.get_by_role("navigation").get_by_role("link", name=text["nav"]).click()

        # then: Tolmin's pull list names the copy wanted at Bovec, by its call number
        pull = page.get_by_role("table").first
        expect(pull).to_contain_text("821 BARTOL")
        expect(pull).to_contain_text("Knjižnica Bovec")
        page.shot("pull-list")

        # when: she pulls it and scans it in at the check-in, keyboard only
        page.get_by_role("navigation").get_by_role("link", name=text["checkin"]).click()
        expect(page.locator("#id_barcode")).to_be_focused()
        page.enter("T0002")

        # then: she is told to send it to Bovec, and the cursor is back for the next scan
        expect(page.get_by_role("status")).to_contain_text(text["send_bovec"])
        expect(page.locator("#id_barcode")).to_be_focused()
        page.shot("sent-to-bovec")

        # when: she moves the desk to Kobarid with the keyboard
        page.get_by_role("navigation").get_by_role("link", name=text["nav"]).click()
        expect(page.get_by_text(text["nothing"])).to_be_visible()
        select = page.locator("#branch")
        select.focus()
        select.select_option(label="Knjižnica Kobarid")
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Knjižnica Kobarid")

        # and: scans in the Tolmin copy returned there
        page.get_by_role("navigation").get_by_role("link", name=text["checkin"]).click()
        expect(page.locator("#id_barcode")).to_be_focused()
        page.enter("T0001")

        # then: she is told to send it home to Tolmin
        expect(page.locator("main")).to_contain_text(text["send_home"])
        page.shot("sent-home")
    finally:
        page.context.close()
