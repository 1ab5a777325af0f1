"""MARC files in and out: pymarc's own test files (records of the Library of Congress and
others, MARC-8 and UTF-8, UNIMARC, MARCXML, and broken records)."""

import io
from decimal import Decimal
from pathlib import Path

import pymarc
import pytest

from bukve.catalog.imports import catalog_export, catalog_import
from bukve.catalog.models import Item, Record
from bukve.catalog.search import record_search
from bukve.libraries.models import Branch, Library

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture
def library() -> Library:
    library = Library.objects.create(code="tst", name="Test")
    Branch.objects.create(library=library, code="main", name="Main")
    Branch.objects.create(library=library, code="east", name="East")
    return library


def _import(library: Library, name: str, fmt: str = "marc21"):
    with open(DATA / name, "rb") as stream:
        return catalog_import(library=library, stream=stream, fmt=fmt)


def test_marc21_records_are_read_and_searchable(library: Library) -> None:
    report = _import(library, "test.dat")
    assert (report.read, report.created, report.rejected) == (10, 10, [])
    record = Record.objects.get(library=library, key="fol05865967")
    assert record.title == "Programming Perl"
    assert record.authors == ["Wall, Larry", "Christiansen, Tom", "Orwant, Jon"]
    assert (record.year, record.isbn, record.language) == (2000, "0596000278", "eng")
    assert record.publisher == "O'Reilly"
    assert "Perl (Computer program language)" in record.subjects
    found = record_search(library.pk, "programming perl").records
    assert found[0].title == "Programming Perl"


def test_marc8_is_decoded(library: Library) -> None:
    _import(library, "diacritic.dat")
    _import(library, "marc8.dat")
    assert Record.objects.filter(library=library).count() == 2
    assert record_search(library.pk, "loneliness").records[0].author == "Tournier, Paul"


def test_importing_again_updates_and_never_duplicates(library: Library) -> None:
    _import(library, "test.dat")
    Record.objects.filter(key="fol05865967").update(title="Changed")
    report = _import(library, "test.dat")
    assert (report.created, report.updated) == (0, 10)
    assert Record.objects.filter(library=library).count() == 10
    assert Record.objects.get(key="fol05865967").title == "Programming Perl"


def test_unimarc(library: Library) -> None:
    report = _import(library, "testunimarc.dat", "unimarc")
    assert (report.read, report.created, report.rejected) == (1, 1, [])
    record = Record.objects.get(library=library)
    assert record.title == "L'altra faccia della spirale"
    assert record.author == "Asimov, Isaac"
    assert (record.publisher, record.place, record.year) == ("A. Mondadori", "Milano", 1996)
    assert record.isbn == "8804406828"


def test_marcxml(library: Library) -> None:
    report = _import(library, "batch.xml", "marcxml")
    assert (report.read, report.created) == (2, 2)
    assert record_search(library.pk, "ray charles").records[0].title == "The Great Ray Charles"


def test_broken_records_are_named_and_the_good_ones_imported(library: Library) -> None:
    report = _import(library, "bad_records.mrc")
    assert report.created == 1  # two copies of the same record, one of them good twice
    assert [r.position for r in report.rejected] == [2, 3, 4, 5, 6, 7]
    assert all(r.reason for r in report.rejected)


def test_a_record_with_a_wrong_length_garbage_or_a_cut_end_loses_no_other_record(
    library: Library,
) -> None:
    # given: five good records, and between them one whose leader gives a wrong length (it
    # would swallow the rest of the file if read by that length), bytes that are no record,
    # and at the end a record cut in half
    records = (DATA / "test.dat").read_bytes().split(b"\x1d")[:6]
    wrong_length = b"99999" + records[1][5:]
    broken = b"\x1d".join(
        [records[0], wrong_length, b"no record at all", *records[2:5], records[5][:200]]
    )
    # when: it is imported
    report = catalog_import(library=library, stream=io.BytesIO(broken), fmt="marc21")
    # then: the four good records are in, the three others named with their position
    assert (report.read, report.created) == (7, 4)
    rejected = {r.position: r.reason for r in report.rejected}
    assert sorted(rejected) == [2, 3, 7]
    assert "99999" in rejected[2] and "leader" in rejected[3] and "ends inside" in rejected[7]
    assert report.rejected[0].control_number == _control(records[1])


def _control(chunk: bytes) -> str:
    return pymarc.Record(chunk + b"\x1d")["001"].data.strip()


def test_copies_come_from_koha_holdings_and_go_out_again(library: Library) -> None:
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 a 4500")
    record.add_field(
        pymarc.Field("001", data="sl-1"),
        pymarc.Field("245", pymarc.Indicators("1", "0"),
                     [pymarc.Subfield("a", "Pod svobodnim soncem :"),
                      pymarc.Subfield("b", "povest davnih dedov /"),
                      pymarc.Subfield("c", "Fran Saleški Finžgar.")]),
        pymarc.Field("952", pymarc.Indicators(" ", " "),
                     [pymarc.Subfield("a", "east"), pymarc.Subfield("p", "TST0001"),
                      pymarc.Subfield("o", "821.163.6 FINŽGAR F."),
                      pymarc.Subfield("g", "24.90"), pymarc.Subfield("d", "2024-03-01")]),
    )  # fmt: skip
    catalog_import(library=library, stream=io.BytesIO(record.as_marc()), fmt="marc21")
    item = Item.objects.get(barcode="TST0001")
    assert (item.branch.code, item.call_number, item.price) == (
        "east",
        "821.163.6 FINŽGAR F.",
        Decimal("24.90"),
    )
    assert item.record.subtitle == "povest davnih dedov"
    assert item.record.responsibility == "Fran Saleški Finžgar"

    out = io.BytesIO()
    assert catalog_export(library=library, fmt="marc21", stream=out) == 1
    [back] = list(pymarc.MARCReader(io.BytesIO(out.getvalue()), to_unicode=True))
    assert back["245"]["c"] == "Fran Saleški Finžgar."  # the source's fields, as they came
    assert [f["p"] for f in back.get_fields("952")] == ["TST0001"]
    assert back["952"]["o"] == "821.163.6 FINŽGAR F."

    xml = io.BytesIO()
    catalog_export(library=library, fmt="marcxml", stream=xml)
    [again] = pymarc.parse_xml_to_array(io.BytesIO(xml.getvalue()))
    assert again["001"].data == "sl-1"


def test_a_unimarc_record_is_exported_as_marc21(library: Library) -> None:
    _import(library, "testunimarc.dat", "unimarc")
    out = io.BytesIO()
    catalog_export(library=library, fmt="marc21", stream=out)
    [back] = list(pymarc.MARCReader(io.BytesIO(out.getvalue()), to_unicode=True))
    assert back["245"]["a"] == "L'altra faccia della spirale"
    assert back["100"]["a"] == "Asimov, Isaac"


def test_what_was_changed_in_bukve_is_exported_and_the_rest_as_it_came(library: Library) -> None:
    _import(library, "test.dat")
    record = Record.objects.get(library=library, key="fol05865967")
    record.title, record.subtitle = "Programiranje v Perlu", "tretja izdaja"
    record.save()
    out = io.BytesIO()
    catalog_export(library=library, fmt="marc21", stream=out)
    exported = {r["001"].data.strip(): r for r in pymarc.MARCReader(io.BytesIO(out.getvalue()))}
    changed = exported["fol05865967"]
    assert (changed["245"]["a"], changed["245"]["b"]) == ("Programiranje v Perlu", "tretja izdaja")
    assert changed["100"]["a"] == "Wall, Larry."  # untouched: as it came
    with open(DATA / "test.dat", "rb") as stream:
        originals = {r["001"].data.strip(): r for r in pymarc.MARCReader(stream)}
    other = exported["fol05731351"]
    assert [str(f) for f in other.get_fields()] == [
        str(f) for f in originals["fol05731351"].get_fields()
    ]


def test_unimarc_in_an_older_character_set_and_marc8_come_in_composed(library: Library) -> None:
    older = pymarc.Record(to_unicode=False)
    older.leader = pymarc.Leader("00000nam0 2200000   4500")
    older.add_field(pymarc.Field("001", data="u1"))
    older.add_field(pymarc.Field("200", pymarc.Indicators("1", " "),
                                 [pymarc.Subfield("a", "XZupanXciXc")]))  # fmt: skip
    data = older.as_marc().replace(b"X", b"\xe9")  # ISO 5426's caron, before its letter
    report = catalog_import(library=library, stream=io.BytesIO(data), fmt="unimarc")
    assert report.rejected == []
    assert Record.objects.get(key="u1").title == "Župančič"  # one code point a letter (NFC)
    assert record_search(library.pk, "zupancic").total == 1


def test_importing_again_writes_only_what_the_file_changes(library: Library) -> None:
    _import(library, "test.dat")
    perl = Record.objects.get(key="fol05865967")
    Record.objects.filter(pk=perl.pk).update(title="Changed")
    untouched = Record.objects.exclude(pk=perl.pk).values_list("pk", "updated_at")
    before = dict(untouched)
    report = _import(library, "test.dat")
    assert (report.created, report.updated) == (0, 10)  # matched: counted as updated
    perl.refresh_from_db()
    assert perl.title == "Programming Perl" and perl.updated_at > perl.created_at
    assert dict(untouched) == before  # the file changes nothing of them: not written


def test_importing_again_puts_a_copy_back_as_the_file_says(library: Library) -> None:
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 a 4500")
    record.add_field(
        pymarc.Field("001", data="sl-2"),
        pymarc.Field("245", pymarc.Indicators("1", "0"), [pymarc.Subfield("a", "Alamut")]),
        pymarc.Field("952", pymarc.Indicators(" ", " "),
                     [pymarc.Subfield("a", "east"), pymarc.Subfield("p", "TST0002"),
                      pymarc.Subfield("o", "821.163.6 BARTOL V.")]),
    )  # fmt: skip
    data = record.as_marc()
    catalog_import(library=library, stream=io.BytesIO(data), fmt="marc21")
    Item.objects.filter(barcode="TST0002").update(call_number="X", status=Item.LOAN)
    catalog_import(library=library, stream=io.BytesIO(data), fmt="marc21")
    item = Item.objects.get(barcode="TST0002")
    assert (item.call_number, item.status) == ("821.163.6 BARTOL V.", Item.LOAN)
