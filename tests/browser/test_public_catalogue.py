"""The public catalogue on a 390 px phone and on a desktop, in both languages: anyone searches
Tolmin's catalogue without logging in, narrows the search by a facet, opens a record and is
sent to Moja knjižnica to reserve it; nothing is cut off."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bukve.catalog.models import Item, Record
from bukve.circulation.services import loan_checkout
from bukve.members.services import member_password_set

# The page itself and every table in it fit their boxes: nothing to scroll sideways.
FITS = """() => [...document.querySelectorAll('.table-scroll')].every(
    box => box.scrollWidth <= box.clientWidth) &&
    document.documentElement.scrollWidth <= document.documentElement.clientWidth"""


@pytest.fixture
def tolmin(load_library, make_member, make_item):
    """Tolmin with a novel in two branches (one copy on loan) and a picture book."""
    tolmin = load_library("tolmin")
    make_item(tolmin, "TO10001", record="klanec", call_number="C CANKAR Na")
    make_item(tolmin, "TO10002", record="klanec", branch="kobarid", call_number="C CANKAR Na")
    make_item(tolmin, "TO10003", record="otroci", material="book")
    for key, fields in {
        "klanec": {"title": "Na klancu", "author": "Ivan Cankar", "year": 2004,
                   "publisher": "Mladinska knjiga", "place": "Ljubljana", "language": "slv",
                   "subjects": ["Slovenska književnost", "Romani"],
                   "classification": "821.163.6-31", "series": "Zbirka Klasje",
                   "isbn": "9789610123456"},
        "otroci": {"title": "Otroci na klancu", "author": "Špela Župančič",
                   "year": 2019, "language": "slv"},
    }.items():  # fmt: skip
        record = Record.objects.get(library=tolmin, key=key)
        for name, value in fields.items():
            setattr(record, name, value)
        record.save()
    reader = member_password_set(member=make_member(tolmin, "TO0042"), password="knjiznica-2026")
    three_days_ago = timezone.localdate() - timedelta(days=3)
    loan_checkout(member=reader, item=Item.objects.get(barcode="TO10001"), today=three_days_ago)
    return tolmin


@pytest.mark.phone
def test_anyone_searches_the_catalogue_on_a_phone_and_a_desktop(page, tolmin):
    # given: the landing page, nobody logged in
    page.go("/")
    page.get_by_role("link", name="Katalog (brez prijave)").click()
    page.get_by_role("link", name=tolmin.name).click()

    # when: "klanec" is searched (the lemma of "klancu", "klancih")
    page.get_by_label("Naslov, avtor, predmetna oznaka ali ISBN").fill("klanec")
    page.get_by_role("button", name="Išči").click()

    # then: both titles, with their copies per branch, and no reserve button
    expect(page.get_by_role("status")).to_contain_text("Najdena 2 zapisa")
    expect(page.get_by_role("heading", name="Na klancu", exact=True)).to_be_visible()
    cankar = page.locator(".catalogue-hit").filter(has_text="Ivan Cankar")
    expect(cankar).to_contain_text("Knjižnica Kobarid")
    expect(page.get_by_role("button", name="Rezerviraj")).to_have_count(0)
    assert page.evaluate(FITS), "something is cut off on the phone"
    page.shot("results-phone-sl")

    # when: narrowed to the copies on the shelf at Kobarid
    page.locator(".facet").get_by_role("link", name="Knjižnica Kobarid").click()
    expect(page.locator(".catalogue-hit")).to_have_count(1)
    page.shot("narrowed-phone-sl")

    # and the record is opened
    page.get_by_role("link", name="Na klancu").click()
    expect(page.get_by_role("heading", name="Na klancu", level=1)).to_be_visible()
    for text in ("Mladinska knjiga", "821.163.6-31", "Zbirka Klasje", "C CANKAR Na", "izposojeno"):
        expect(page.locator("main")).to_contain_text(text)
    assert page.evaluate(FITS), "the record is cut off on the phone"
    page.shot("record-phone-sl")

    # and in English, on the phone and on a desktop
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("columnheader", name="Call number")).to_be_visible()
    expect(page.locator("main")).to_contain_text("on loan")
    assert page.evaluate(FITS)
    page.shot("record-phone-en")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.evaluate(FITS)
    page.shot("record-desktop-en")
    page.get_by_role("link", name="Back to the results").click()
    expect(page.locator(".catalogue-hit")).to_have_count(1)
    page.get_by_role("link", name="any").click()
    expect(page.locator(".catalogue-hit")).to_have_count(2)
    facets = page.locator(".facets").bounding_box()
    results = page.locator(".catalogue-hits").bounding_box()
    assert facets and results and facets["x"] + facets["width"] <= results["x"]  # side by side
    assert results["width"] > 640  # the results fill the rest of the line
    page.shot("results-desktop-en")

    # when: the reader follows "log in to reserve"
    page.get_by_role("link", name="Log in to Moja knjižnica to reserve").first.click()

    # then: Moja knjižnica's login, which leads back to the search for the title
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert "next=%2Fmoja%2Fsearch%2F%3Fq%3D" in page.url


def test_the_desktop_catalogue_in_slovenian(page, tolmin):
    page.go("/katalog/tolmin/?q=zupancic")
    expect(page.get_by_role("heading", name="Otroci na klancu")).to_be_visible()
    expect(page.locator(".facets")).to_contain_text("Leto izida")
    assert page.evaluate(FITS)
    page.shot("results-desktop-sl")
    page.go("/katalog/tolmin/?q=klanec&page=x&material=spaceship")
    expect(page.get_by_role("alert")).to_contain_text("To ni številka strani")
    page.shot("bad-link-desktop-sl")


@pytest.mark.phone
def test_a_member_searches_and_reserves_in_moja_knjiznica(page, tolmin):
    page.go("/moja/search/?q=klancu")
    page.get_by_label("Številka izkaznice ali e-pošta").fill("TO0042")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()
    expect(page.locator(".catalogue-hit")).to_have_count(2)
    assert page.evaluate(FITS)
    page.shot("portal-results-phone-sl")
    page.get_by_role("button", name="Rezerviraj").first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.shot("portal-reserved-phone-sl")
    assert page.url.endswith("/moja/reservations/")
