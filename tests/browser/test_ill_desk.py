"""Interlibrary loan at the desk with the keyboard: the librarian finds the member, orders a
title from another library for her, receives it with the lending library's due date, and the
member collects it. Desktop, Slovenian."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import formats, timezone

from bukve.interlibrary.models import IllRequest
from bukve.libraries.models import Staff
from tests.browser.conftest import desk_login, screen_page


@pytest.fixture
def tolmin_desk(load_library, make_member):
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="knjiznica-2026", first_name="Mojca")
    Staff.objects.create(user=user, library=tolmin, role=Staff.CIRCULATION)
    make_member(tolmin, "TO0042", first_name="Ana", last_name="Kralj", email="ana@example.org")
    return tolmin


def test_a_title_is_ordered_received_and_collected_with_the_keyboard(
    browser, live_server, tolmin_desk
):
    from playwright.sync_api import expect

    page = screen_page(browser, live_server, "ill-desk-desktop-sl")
    keyboard = page.keyboard
    due = timezone.localdate() + timedelta(days=21)
    try:
        # given: Mojca at the desk has Ana's page open, found by her card
        desk_login(page, "mojca", "knjiznica-2026")
        page.enter("TO0042")
        expect(page.locator("h1")).to_contain_text("Ana Kralj")

        # when: she opens Ana's interlibrary loans and orders a title, typing and tabbing
        link = page.get_by_role("link", name="Medknjižnična izposoja: naroči gradivo")
        link.focus()
        with page.expect_navigation():
            keyboard.press("Enter")
        expect(page.locator("#id_title")).to_be_focused()
        keyboard.type("Alamut")
        for text in ("Vladimir Bartol", "9789610104", "Mestna knjižnica Ljubljana"):
            keyboard.press("Tab")
            keyboard.type(text)
        page.shot("order-form")
        with page.expect_navigation():
            keyboard.press("Enter")

        # then: it is ordered, and listed with its next step
        expect(page.locator(".messages")).to_contain_text("Alamut: naročeno.")
        expect(page.locator("#id_title")).to_be_focused()  # ready for another title
        page.shot("ordered")

        # when: it arrives; she types the due date Ljubljana gave and presses Enter
        request = IllRequest.objects.get()
        field = page.locator(f"#due-{request.pk}")
        field.focus()
        # Chromium orders a date field's parts by its own language (not the page's): the
        # test's headless one month first, a Slovenian one day first.
        keyboard.type(due.strftime("%m%d%Y"))
        if field.input_value() != due.isoformat():
            field.fill("")
            field.focus()
            keyboard.type(due.strftime("%d%m%Y"))
        expect(field).to_have_value(due.isoformat())
        with page.expect_navigation():
            keyboard.press("Enter")

        # then: Ana is told, and the next step is her collecting it
        day = formats.date_format(due, "j. n. Y")
        expect(page.locator(".messages")).to_contain_text(f"Alamut: prispelo, rok vrnitve {day}")
        collect = page.get_by_role("button", name="Član prevzame")
        page.shot("received")

        # when: Ana collects it
        collect.focus()
        with page.expect_navigation():
            keyboard.press("Enter")

        # then: it is on loan to her and she is charged Tolmin's fee
        expect(page.locator(".messages")).to_contain_text("Zaračunano 7,00 €")
        expect(page.get_by_role("button", name="Član je vrnil")).to_be_visible()
        page.shot("collected")
        request.refresh_from_db()
        assert (request.status, request.due_date) == (IllRequest.ON_LOAN, due)
        page.go("/desk/ill/")
        expect(page.locator("#borrowing")).to_be_visible()
        page.shot("list")
    finally:
        page.context.close()
