"""Cataloguing at the desk in a browser: a cataloguer searches the catalogue, opens a record,
scans the labels of new copies one after another (the cursor stays in the scan field), is
told when a barcode is taken, and prints a spine label. The keyboard where staff use it (the
login, the search, the scans, the print button); on a desktop and a phone, in Slovenian and
in English."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from bukve.catalog.models import Item
from bukve.libraries.models import Staff
from tests.browser.conftest import desk_login, screen_page

TEXT = {
    "sl": {"added": "izvod dodan v enoti", "taken": "Drug izvod knjižnice že ima to črtno kodo",
           "label": "Nalepka za hrbet", "print": "Natisni nalepko", "found": "Najden 1 zapis"},
    "en": {"added": "copy added at", "taken": "Another copy of the library has this barcode",
           "label": "Spine label", "print": "Print the label", "found": "1 record found"},
}  # fmt: skip


@pytest.fixture
def tolmin_catalogue(load_library, make_item):
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="knjiznica-2026", first_name="Mojca")
    Staff.objects.create(user=user, library=tolmin, role=Staff.CIRCULATION, cataloguer=True)
    item = make_item(tolmin, "T0001", record="cankar", title="Na klancu",
                     call_number="821.163.6 CANKAR I. Na")  # fmt: skip
    record = item.record
    record.author, record.year = "Cankar, Ivan", 1904
    record.save()
    make_item(tolmin, "T0099", record="kosovel", title="Integrali")
    return tolmin


@pytest.mark.parametrize("screen", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_cataloguer_adds_copies_by_scanning_and_prints_a_label(
    browser, live_server, tolmin_catalogue, screen, language
):
    from playwright.sync_api import expect

    # given: a browser of the desk's screen size, in the language chosen with the switcher
    name = f"catalogue-desk-{screen}-{language}"
    page = screen_page(browser, live_server, name, screen=screen, language=language)
    text = TEXT[language]
    keyboard, shot, enter = page.keyboard, page.shot, page.enter

    try:
        # when: she logs in with the keyboard and opens the catalogue from the navigation
        desk_login(page, "mojca", "knjiznica-2026")
        page.get_by_role("navigation").get_by_role(
            "link", name="Katalog" if language == "sl" else "Catalogue"
        ).click()

        # then: the cursor is in the search
        search = page.locator("#id_q")
        expect(search).to_be_focused()
        shot("catalogue")

        # when: she searches with an inflected form and no diacritics
        enter("klanec cankar")

        # then: the record is found, with facets to narrow the search
        expect(page.get_by_role("heading", level=2).first).to_contain_text(text["found"])
        shot("found")

        # when: she opens the record
        page.get_by_role("link", name="Na klancu").click()

        # then: the cursor is in the field for a new copy's barcode
        expect(page.get_by_role("heading", level=1)).to_contain_text("Na klancu")
        scan_field = page.locator("#id_new_barcode")
        expect(scan_field).to_be_focused()
        shot("record")

        # when: she scans two new labels in a row
        for barcode in ("T0002", "T0003"):
            enter(barcode)
            expect(page.get_by_role("status")).to_contain_text(f"{barcode}: {text['added']}")
            expect(scan_field).to_be_focused()
            assert "#" not in page.url
        # and one that another copy has already
        enter("T0099")
        expect(page.get_by_role("status")).to_contain_text(text["taken"])
        expect(scan_field).to_be_focused()
        shot("copies-added")

        # then: the two copies are the record's, like the first one
        copies = Item.objects.filter(record__key="cankar").order_by("barcode")
        assert [(c.barcode, c.call_number) for c in copies] == [
            ("T0001", "821.163.6 CANKAR I. Na"), ("T0002", "821.163.6 CANKAR I. Na"),
            ("T0003", "821.163.6 CANKAR I. Na"),
        ]  # fmt: skip

        # when: she opens the spine label of the new copy and prints it with the keyboard
        page.get_by_role("link", name=f"{text['label']} T0002").click()
        label = page.locator(".spine-call-number span")
        expect(label).to_have_text(["821.163.6", "CANKAR", "I.", "Na"])
        button = page.get_by_role("button", name=text["print"])
        expect(button).to_be_focused()
        page.evaluate("window.print = () => { window.printed = true; }")
        keyboard.press("Enter")
        assert page.evaluate("window.printed") is True
        shot("label")
        page.emulate_media(media="print")
        shot("label-printed")
        expect(page.locator(".spine-library")).to_have_text(tolmin_catalogue.name)
    finally:
        page.context.close()
