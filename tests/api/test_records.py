"""GET /api/records: the catalogue searched as a staff system does, in Slovenian."""

from __future__ import annotations

import pytest

from bukve.catalog.models import Item, Record
from bukve.libraries.models import Branch


@pytest.fixture
def shelves(tolmin):
    main = Branch.objects.filter(library=tolmin).order_by("pk").first()
    other = Branch.objects.create(library=tolmin, code="podbrdo", name="Podbrdo")
    knjige = Record.objects.create(library=tolmin, key="1", title="Zgodbe s knjigami",
                                   author="Župančič, Oton", year=1999, isbn="9789610123456",
                                   language="slv", subjects=["Otroci"])  # fmt: skip
    Item.objects.create(library=tolmin, record=knjige, barcode="A1", branch=main)
    Item.objects.create(library=tolmin, record=knjige, barcode="A2", branch=other,
                        status=Item.LOAN)  # fmt: skip
    Record.objects.create(library=tolmin, key="2", title="Knjiga", year=2020, language="slv")
    return main, other


def test_words_in_any_form_and_order_with_copies_per_branch(api, shelves):
    main, other = shelves
    body = api.get("/api/records", {"q": "zupancic knjiga"}).json()
    assert body["total"] == 1
    [found] = body["results"]
    assert (found["title"], found["author"], found["year"], found["isbn"]) == (
        "Zgodbe s knjigami",
        "Župančič, Oton",
        1999,
        "9789610123456",
    )
    assert {(c["barcode"], c["branch"], c["available"]) for c in found["items"]} == {
        ("A1", main.code, True),
        ("A2", other.code, False),
    }
    assert {a["branch"]: (a["copies"], a["available"]) for a in found["availability"]} == {
        main.code: (1, 1),
        other.code: (1, 0),
    }


def test_an_exact_title_first_and_facets(api, shelves):
    main, _other = shelves
    body = api.get("/api/records", {"q": "knjiga", "limit": 5}).json()
    assert [r["title"] for r in body["results"]] == ["Knjiga", "Zgodbe s knjigami"]
    assert body["facets"]["available_at"] == [{"value": main.code, "count": 1}]
    assert {f["value"] for f in body["facets"]["year"]} == {"1999", "2020"}
    narrowed = api.get("/api/records", {"q": "knjiga", "available_at": main.code}).json()
    assert [r["title"] for r in narrowed["results"]] == ["Zgodbe s knjigami"]


def test_bad_input_is_a_422(api, shelves):
    assert api.get("/api/records").status_code == 422
    assert api.get("/api/records", {"q": "x", "limit": 0}).status_code == 422
    assert api.get("/api/records", {"q": "x\x00"}).status_code == 422
    assert api.get("/api/records", {"q": "!!!"}).json()["total"] == 0
