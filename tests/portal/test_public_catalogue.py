"""The public catalogue, /katalog/<library>/: anyone searches a library's catalogue as Moja
knjižnica does (Slovenian forms, diacritics, facets), opens a record with every field and its
copies, and sees nothing of another library; a bad link gives a page with a message."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation
from django.utils.html import escape

from bukve.catalog.models import Item, Record
from bukve.circulation.services import loan_checkout
from bukve.portal.forms import CATALOGUE_PROBLEMS

from .helpers import page, sl


def sl_ctx(text: str) -> str:
    with translation.override("sl"):
        return translation.pgettext("catalogue page", text)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def velenje(load_library):
    return load_library("velenje")


def catalogue(library, make_item, key: str, title: str, *barcodes: str, branch=None, **fields):
    """A record of `library` with a copy for each barcode."""
    for barcode in barcodes:
        make_item(library, barcode, record=key, title=title, branch=branch)
    record = Record.objects.get(library=library, key=key)
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    return record


@pytest.fixture
def books(tolmin, make_item, make_member):
    """Tolmin's catalogue: Cankar in Tolmin and Kobarid (the Tolmin copy on loan), a picture
    book about children, an English novel on CD and a book nobody may take home."""
    cankar = catalogue(
        tolmin, make_item, "cankar", "Na klancu", "t1", author="Ivan Cankar",
        subtitle="roman", publisher="Mladinska knjiga", place="Ljubljana", year=2004,
        edition="2. izd.", isbn="9789610123456", language="slv",
        subjects=["Slovenska književnost", "Romani"], classification="821.163.6-31",
        series="Zbirka Klasje", notes="Spremna beseda Janko Kos.", responsibility="Ivan Cankar",
    )  # fmt: skip
    make_item(tolmin, "k1", record="cankar", branch="kobarid", call_number="C CANKAR Na")
    loan_checkout(member=make_member(tolmin, "TO0001"), item=Item.objects.get(barcode="t1"),
                  today=date(2026, 6, 1))  # fmt: skip
    catalogue(tolmin, make_item, "otroci", "Knjiga o otrocih", "t2", author="Špela Župančič",
              language="slv", year=2019)  # fmt: skip
    catalogue(tolmin, make_item, "cd", "The Children of Men", "t3", author="P. D. James",
              language="eng", year=2017, material="audio", subjects=["otroci"])  # fmt: skip
    catalogue(tolmin, make_item, "ref", "Slovar slovenskega knjižnega jezika", "t4",
              language="slv", year=1994)  # fmt: skip
    Item.objects.filter(barcode="t4").update(not_for_loan=True)
    return cankar


def test_it_finds_by_any_form_of_the_words_without_logging_in(client, books):
    # "otrok" is the lemma of "otrocih"; "zupancic" without the diacritics
    html = page(client.get("/katalog/tolmin/", {"q": "otrok zupancic"}))

    assert "Knjiga o otrocih" in html
    assert "Na klancu" not in html
    assert "Špela Župančič" in html and "2019" in html


def test_it_shows_the_copies_per_branch_and_no_reserve_button(client, books):
    html = page(client.get("/katalog/tolmin/", {"q": "cankar klancu"}))

    assert sl("Copies: %(copies)s, on the shelf now: %(available)s", copies=2, available=1) in html
    assert "Knjižnica Kobarid" in html and "Knjižnica Tolmin" in html
    assert sl("available: %(available)s of %(copies)s", available=1, copies=1) in html
    assert sl("not available now") in html  # Tolmin's copy is on loan
    assert "/reserve/" not in html
    assert sl("Log in to Moja knjižnica to reserve") in html
    assert "/moja/search/?q=Na+klancu" in html


def test_an_exact_title_comes_first(client, tolmin, make_item, books):
    catalogue(tolmin, make_item, "klanec2", "Na klancu in drugi spisi", "t9", year=2030)

    html = page(client.get("/katalog/tolmin/", {"q": "na klancu"}))

    assert html.index(f"/katalog/tolmin/{books.pk}/") < html.index("Na klancu in drugi spisi")


def test_the_facets_narrow_the_search(client, books):
    # given: "otrok" finds a book in Slovenian and an audiobook in English (by its subject)
    html = page(client.get("/katalog/tolmin/", {"q": "otrok"}))
    assert "Knjiga o otrocih" in html and "The Children of Men" in html

    # then: the facets are links with counts
    for facet in ("material=book", "material=audio", "language=slv", "language=eng",
                  "year=2017", "available_at=tolmin"):  # fmt: skip
        assert escape(f"?q=otrok&{facet}") in html, facet
    assert sl_ctx("Year of publication") in html and sl_ctx("Available at") in html
    assert sl("audiobook") in html and "Angleščina" in html  # by their names

    # when: a facet is chosen, it narrows the search and can be undone
    for facet, found, not_found in (
        ({"material": "audio"}, "The Children of Men", "Knjiga o otrocih"),
        ({"language": "slv"}, "Knjiga o otrocih", "The Children of Men"),
        ({"year": "2017"}, "The Children of Men", "Knjiga o otrocih"),
    ):
        html = page(client.get("/katalog/tolmin/", {"q": "otrok", **facet}))
        assert found in html and not_found not in html, facet
        assert 'aria-current="true"' in html and sl_ctx("any") in html
    html = page(client.get("/katalog/tolmin/", {"q": "cankar", "available_at": "kobarid"}))
    assert "Na klancu" in html
    html = page(client.get("/katalog/tolmin/", {"q": "cankar", "available_at": "tolmin"}))
    assert "Na klancu" not in html
    assert escape(sl("Nothing found for “%(q)s”.", q="cankar")) in html


def test_the_record_page_shows_every_field_and_the_copies(client, books):
    html = page(client.get(f"/katalog/tolmin/{books.pk}/"))

    for text in ("Na klancu", "roman", "Ivan Cankar", "Mladinska knjiga", "Ljubljana", "2004",
                 "2. izd.", "9789610123456", "Slovenska književnost; Romani", "821.163.6-31",
                 "Zbirka Klasje", "Spremna beseda Janko Kos.", "C CANKAR Na",
                 "Knjižnica Kobarid"):  # fmt: skip
        assert text in html, text
    assert "Slovenščina" in html or "slovenščina" in html  # the language by its name
    for label in ("Publisher", "Place of publication", "UDC", "Series", "Subjects", "Edition",
                  "Call number"):  # fmt: skip
        assert sl_ctx(label) in html, label
    assert sl_ctx("available") in html and sl("on loan") in html


def test_each_library_sees_only_its_own_catalogue(client, books, velenje, make_item):
    theirs = catalogue(velenje, make_item, "cankar-ve", "Na klancu", "v1")

    assert client.get(f"/katalog/tolmin/{theirs.pk}/").status_code == 404
    assert client.get(f"/katalog/velenje/{books.pk}/").status_code == 404
    assert client.get("/katalog/nobody/").status_code == 404
    html = page(client.get("/katalog/velenje/", {"q": "klancu"}))
    assert f"/katalog/velenje/{theirs.pk}/" in html
    assert f"/katalog/velenje/{books.pk}/" not in html


def test_a_typing_slip_is_forgiven_when_nothing_matches(client, books):
    html = page(client.get("/katalog/tolmin/", {"q": "Cnakar"}))

    assert "Na klancu" in html
    assert escape(sl("Nothing matches “%(q)s” exactly; these are close to it.", q="Cnakar")) in html


def test_a_search_too_long_gives_a_page_that_says_so(client, books):
    html = page(client.get("/katalog/tolmin/", {"q": "cankar " * 40}))

    message = sl("The search is too long: type at most %(limit_value)d characters.",
                 limit_value=200)  # fmt: skip
    assert escape(message) in html


@pytest.mark.parametrize(
    "name, value",
    [("material", "spaceship"), ("language", "'; drop"), ("language", "sl\n"), ("year", "lani"),
     ("year", "9" * 30), ("available_at", "koper"), ("page", "druga"), ("page", "-1")],
)  # fmt: skip
def test_a_bad_filter_or_page_is_left_out_with_a_message(client, books, name, value):
    html = page(client.get("/katalog/tolmin/", {"q": "cankar", name: value}))

    assert escape(sl(str(CATALOGUE_PROBLEMS[name]))) in html
    assert "Na klancu" in html  # the rest of the link is searched


@pytest.mark.parametrize("params", [{"q": "cankar\x00"}, {"q": "cankar", "available_at": "\x00"}])
def test_a_nul_character_is_refused_with_a_page_that_says_so(client, books, params):
    # bukve.middleware refuses a NUL anywhere in a request, before any view reads it
    response = client.get("/katalog/tolmin/", params)

    assert response.status_code == 400
    assert sl("The request cannot be read") in response.content.decode()


def test_a_page_past_the_last_shows_the_last(client, books):
    html = page(client.get("/katalog/tolmin/", {"q": "cankar", "page": "9999"}))

    assert "Na klancu" in html


def test_the_results_are_paged(client, tolmin, make_item):
    for n in range(25):
        catalogue(tolmin, make_item, f"p{n}", f"Pesmi {n:02d}", f"p{n}", year=2000)

    first = page(client.get("/katalog/tolmin/", {"q": "pesmi"}))
    second = page(client.get("/katalog/tolmin/", {"q": "pesmi", "page": "2"}))

    assert first.count('class="card catalogue-hit"') == 20
    assert second.count('class="card catalogue-hit"') == 5
    assert escape("?q=pesmi&page=2") in first


def test_the_page_costs_the_same_few_queries_however_many_results(
    client, tolmin, make_item, django_assert_max_num_queries
):
    for n in range(20):
        catalogue(tolmin, make_item, f"p{n}", f"Pesmi {n:02d}", f"p{n}a", f"p{n}b", year=2000)

    with django_assert_max_num_queries(12):
        html = page(client.get("/katalog/tolmin/", {"q": "pesmi"}))
    assert html.count('class="card catalogue-hit"') == 20


def test_the_landing_page_and_the_login_page_link_to_the_catalogue(client, tolmin):
    assert 'href="/katalog/"' in page(client.get("/"))
    assert 'href="/katalog/tolmin/"' in page(client.get("/moja/login/"))  # the only library
    assert 'href="/katalog/tolmin/"' in page(client.get("/katalog/"))


def test_the_catalogue_speaks_english_too(client, books):
    client.cookies["django_language"] = "en"
    html = page(client.get("/katalog/tolmin/", {"q": "cankar"}))

    assert "Copies: 2, on the shelf now: 1" in html
    assert "Log in to Moja knjižnica to reserve" in html
    html = page(client.get(f"/katalog/tolmin/{books.pk}/"))
    assert "Call number" in html and "Slovenian" in html
