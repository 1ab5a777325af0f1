"""The catalogue search finds records by any word's form, the same on both databases."""

import pytest

from bukve.catalog.models import Record
from bukve.catalog.search import record_search
from bukve.libraries.models import Library

pytestmark = pytest.mark.django_db


@pytest.fixture
def library() -> Library:
    return Library.objects.create(code="tst", name="Test")


def _record(library: Library, key: str, title: str, **fields: object) -> Record:
    return Record.objects.create(library=library, key=key, title=title, **fields)


def _titles(library: Library, text: str) -> list[str]:
    return [r.title for r in record_search(library.pk, text).records]


def test_inflected_forms_are_found_from_the_lemma(library: Library) -> None:
    _record(library, "1", "Zgodbe z otroki in knjigami", year=2001)
    _record(library, "2", "Otroci sveta", year=2010)
    _record(library, "3", "Kuharska knjiga", year=1999)
    assert _titles(library, "knjiga") == ["Zgodbe z otroki in knjigami", "Kuharska knjiga"]
    assert _titles(library, "otrok") == ["Otroci sveta", "Zgodbe z otroki in knjigami"]
    assert _titles(library, "KNJIGE otroci") == ["Zgodbe z otroki in knjigami"]


def test_diacritics_are_folded_and_words_may_come_in_any_order(library: Library) -> None:
    _record(library, "1", "Pesmi", author="Župančič, Oton", subjects=["Slovenska poezija"])
    assert _titles(library, "zupancic") == ["Pesmi"]
    assert _titles(library, "poezija ŽUPANČIČ") == ["Pesmi"]
    assert _titles(library, "zupancic proza") == []


def test_an_exact_title_ranks_first(library: Library) -> None:
    _record(library, "1", "Pod svobodnim soncem: povest", year=2020)
    _record(library, "2", "Pod svobodnim soncem", year=1990)
    assert _titles(library, "pod svobodnim soncem") == [
        "Pod svobodnim soncem",
        "Pod svobodnim soncem: povest",
    ]


def test_isbn_with_or_without_hyphens(library: Library) -> None:
    _record(library, "1", "Alamut", isbn="9789610123456")
    assert _titles(library, "978-961-01-2345-6") == ["Alamut"]
    assert _titles(library, "9789610123456") == ["Alamut"]


def test_an_isbn_10_and_its_isbn_13_find_each_other(library: Library) -> None:
    # given: an older record with an ISBN-10, a newer one with an ISBN-13
    _record(library, "1", "Na klancu", isbn="9612000481")
    _record(library, "2", "Programming Perl", isbn="9780596000271")
    # then: the barcode on the book (ISBN-13) finds the first, the ISBN-10 the second
    assert _titles(library, "978-961-200-048-6") == ["Na klancu"]
    assert _titles(library, "0-596-00027-8") == ["Programming Perl"]
    assert _titles(library, "9612000481") == ["Na klancu"]


def test_each_library_sees_only_its_own_catalogue(library: Library) -> None:
    other = Library.objects.create(code="oth", name="Other")
    _record(other, "1", "Alamut")
    assert _titles(library, "alamut") == []
    assert _titles(other, "alamut") == ["Alamut"]


def test_changed_and_deleted_records_leave_the_index(library: Library) -> None:
    record = _record(library, "1", "Alamut")
    record.title = "Jara gospoda"
    record.save()
    assert _titles(library, "alamut") == []
    assert _titles(library, "gospoda") == ["Jara gospoda"]
    record.delete()
    assert _titles(library, "gospoda") == []


def test_the_total_and_facets_count_at_most_a_sample(library: Library, monkeypatch) -> None:
    for n in range(5):
        _record(library, str(n), f"Knjiga {n}", year=2000 + n, language="slv")
    found = record_search(library.pk, "knjiga")
    assert (found.total, found.more) == (5, False)
    assert found.facets["language"][0].count == 5
    monkeypatch.setattr("bukve.catalog.search.SAMPLE", 3)
    found = record_search(library.pk, "knjiga", limit=2)
    assert (found.total, found.more) == (3, True)  # 3 or more
    assert found.facets["language"][0].count == 3  # among the 3 counted: the newest
    assert {f.value for f in found.facets["year"]} == {"2004", "2003", "2002"}
    assert [r.year for r in found.records] == [2004, 2003]


def test_the_records_without_a_year_come_last_on_both_databases(library: Library) -> None:
    _record(library, "1", "Knjiga brez leta")
    _record(library, "2", "Knjiga stara", year=1950)
    _record(library, "3", "Knjiga nova", year=2020)
    _record(library, "4", "Knjiga", year=1900)
    assert _titles(library, "knjiga") == [
        "Knjiga",  # the exact title first
        "Knjiga nova",
        "Knjiga stara",
        "Knjiga brez leta",
    ]


def test_a_broad_search_gives_the_newest_matches_and_says_more_match(library: Library) -> None:
    # given: 1,200 records, "ljubezen" in the newest 800, "vojna" in the oldest 800, so both
    # words are common and together only in the middle 400, where PostgreSQL's planner,
    # taking matches as spread evenly, does not expect them
    from django.db import connection

    Record.objects.bulk_create(
        Record(library=library, key=str(n), year=1000 + n // 3,
               title=f"Zgodba {n:04} {'ljubezen' if n >= 400 else ''} {'vojna' if n < 800 else ''}")
        for n in range(1200)
    )  # fmt: skip
    for record in Record.objects.filter(library=library):
        record.save()  # the index words
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_record")
    # when: both words are searched, and one alone
    both = record_search(library.pk, "ljubezen vojna", limit=500)
    one = record_search(library.pk, "vojna", limit=500)

    # then: the newest 300 matches in the page's order, and that more match
    def newest(numbers: range) -> list[str]:
        return [str(n) for n in sorted(numbers, key=lambda n: (-(n // 3), n))][:300]

    assert [r.key for r in both.records] == newest(range(400, 800))
    assert (both.total, both.more) == (300, True)
    assert [r.key for r in one.records] == newest(range(800))
