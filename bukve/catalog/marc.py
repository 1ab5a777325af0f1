"""MARC records in: what a catalogue record and its copies say, read from MARC 21 (ISO 2709
in UTF-8 or MARC-8, or MARCXML) and UNIMARC (the COBISS exports); bukve/catalog/marc_write.py
writes them out. No database here: the import service (bukve/catalog/imports.py) stores
what this module reads.

Which fields are read (of a field that may repeat, the first; of subjects, authors and
ISBNs, all):

    what                MARC 21                         UNIMARC (COBISS)
    control number      001                             001
    title, subtitle     245 $a $n $p, $b                200 $a $h $i, $e
    responsibility      245 $c                          200 $f $g
    main author         100/110/111 $a                  700/710/711 $a $b
    added authors       700/710/711 $a                  701/702/711/712 $a $b
    edition             250 $a                          205 $a
    place, publisher    264/260 $a, $b                  210/214 $a, $c
    year                264/260 $c, else 008/07-10      210/214 $d, else 100 $a/9-12
    ISBN, ISSN          020 $a, 022 $a                  010 $a, 011 $a
    language            041 $a, else 008/35-37          101 $a
    subjects            600-655 $a $v $x $y $z          600-608 $a $j $x $y $z
    classification      080 $a (UDC), else 082 $a       675 $a (UDC)
    series              490 $a, else 830 $a             225 $a, else 410 $a
    notes               500 $a                          300 $a
    material            leader/06-07                    leader/06-07

Copies (items) come from the holdings fields:
- MARC 21 in Koha's layout, 952: $p barcode, $o call number, $a home branch (code), $c
  shelving location, $g price (else $v, the replacement price), $d date acquired
  (YYYY-MM-DD), $7 not for loan (set and not 0), $z public note, $x internal note.
- UNIMARC from COBISS, 996 (monographs) and 997 (serials) of COMARC/H: $f inventory number
  (the number on the copy's label, which the libraries scan: the barcode), $d call number,
  $l location (department), $o date of acquisition (YYYYMMDD), $q status: set and not 0 is
  not for loan, $n note. *Assumed*: the seeds say nothing of COMARC/H; this reading follows
  IZUM's published field list and should be checked against a real export.
- UNIMARC in Koha's layout, 995: $f barcode, $k call number, $b home branch, $e location.
A holdings field without a barcode is no copy and is skipped.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO
from xml.etree import ElementTree

import pymarc
from pymarc import Field, Record, Subfield
from pymarc.exceptions import BadSubfieldCodeWarning

FORMATS = ("marc21", "unimarc", "marcxml")
_TERMINATOR = b"\x1d"

# leader/06 (type of record) and /07 (bibliographic level) to Bukve's materials
_TYPES = {
    "a": "book", "t": "book", "e": "map", "f": "map", "g": "video", "i": "audio",
    "j": "music_cd", "m": "cdrom", "r": "toy", "k": "book", "c": "book", "d": "book",
}  # fmt: skip
_SERIAL_LEVELS = {"s", "b"}


@dataclass(frozen=True)
class Copy:
    """A copy as a holdings field describes it."""

    barcode: str
    call_number: str = ""
    branch: str = ""  # the home branch's code, as the source names it
    location: str = ""
    price: Decimal | None = None
    acquired: date | None = None
    not_for_loan: bool = False
    note: str = ""


@dataclass(frozen=True)
class Description:
    """What a catalogue shows and searches of one record."""

    control_number: str
    title: str
    subtitle: str = ""
    responsibility: str = ""
    authors: tuple[str, ...] = ()  # the main author first
    publisher: str = ""
    place: str = ""
    year: int | None = None
    edition: str = ""
    isbns: tuple[str, ...] = ()
    issn: str = ""
    language: str = ""
    subjects: tuple[str, ...] = ()
    classification: str = ""
    series: str = ""
    notes: str = ""
    material: str = "book"
    copies: tuple[Copy, ...] = ()


@dataclass(frozen=True)
class Read:
    """One record of a file: its description and the record as it came (bytes of ISO 2709,
    or the MARCXML of the record), or why it could not be read."""

    position: int  # 1 for the file's first record
    description: Description | None
    source: bytes = b""
    reason: str = ""
    control_number: str = ""


class MarcError(ValueError):
    """A record that can't be made sense of: no title, say."""


# --- reading ----------------------------------------------------------------------------------


def guess_format(head: bytes) -> str:
    """The format of a file that begins with `head`: MARCXML if it is XML, UNIMARC if its
    first record has a UNIMARC title (200) and no MARC 21 one (245), else MARC 21."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "marcxml"
    try:
        base = int(head[12:17])
        directory = head[24 : base - 1]
        tags = {directory[i : i + 3] for i in range(0, len(directory) - 11, 12)}
    except ValueError:
        return "marc21"
    return "unimarc" if b"200" in tags and b"245" not in tags else "marc21"


def read_file(stream: IO[bytes], fmt: str) -> Iterator[Read]:
    """The records of a file in `fmt` (one of FORMATS), in order, each read or rejected with
    a reason; a broken record never stops the ones after it (in ISO 2709; a MARCXML file
    that is not well-formed ends where it breaks)."""
    if fmt == "marcxml":
        yield from _read_xml(stream)
    else:
        yield from _read_iso2709(stream, unimarc=fmt == "unimarc")


def _read_iso2709(stream: IO[bytes], unimarc: bool) -> Iterator[Read]:
    with warnings.catch_warnings():  # pymarc warns of what it mends (a bad subfield code)
        warnings.simplefilter("ignore", BadSubfieldCodeWarning)
        yield from _read_records(stream, unimarc)


def _read_records(stream: IO[bytes], unimarc: bool) -> Iterator[Read]:
    position = 0
    for chunk in _chunks(stream):
        if not chunk.strip(b" \t\r\n\x1d"):
            continue  # the line end some files have after a record
        chunk = chunk.lstrip(b" \t\r\n")
        position += 1
        record, reason = _record_of(chunk, unimarc)
        if record is None:
            yield Read(position, None, chunk, reason, _control_number_of(chunk))
        else:
            yield _described(position, record, chunk, unimarc)


def _chunks(stream: IO[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """The records of an ISO 2709 stream, each up to and with its record terminator (the
    last one also without it, when the file is cut short). Split on the terminator, not on
    the length in the leader: a record whose length is wrong then can't swallow the ones
    after it."""
    rest = b""
    while block := stream.read(size):
        rest += block
        *records, rest = rest.split(_TERMINATOR)
        for record in records:
            yield record + _TERMINATOR
    if rest:
        yield rest


def _record_of(chunk: bytes, unimarc: bool) -> tuple[Record | None, str]:
    """The record in `chunk`, or None and why it can't be read."""
    if not chunk.endswith(_TERMINATOR):
        return None, "the file ends inside this record (no record terminator)"
    if not chunk[:5].isdigit():
        return None, "no record here: its leader does not begin with a record length"
    if (length := int(chunk[:5])) != len(chunk):
        return None, f"its leader gives a length of {length} bytes, it has {len(chunk)}"
    # UNIMARC has no MARC-8: its character set is in 100 $a; COBISS exports UTF-8.
    try:
        return Record(data=chunk, to_unicode=True, force_utf8=unimarc, utf8_handling="strict"), ""
    except (ValueError, IndexError, KeyError, pymarc.PymarcException) as exc:
        if unimarc and isinstance(exc, ValueError) and (older := _older_unimarc(chunk)):
            return older, ""
        return None, _reason(exc)


def _older_unimarc(chunk: bytes) -> Record | None:
    """A UNIMARC record that is not UTF-8 (100 $a/26-29 names an older character set, most
    often ISO 5426): read with pymarc's MARC-8 table, which has ISO 5426's letters and
    combining accents at the same places. None when even that fails."""
    try:
        return Record(data=chunk, to_unicode=True, force_utf8=False, utf8_handling="strict")
    except (ValueError, IndexError, KeyError, pymarc.PymarcException):
        return None


def _read_xml(stream: IO[bytes]) -> Iterator[Read]:
    """MARCXML read one record at a time (ElementTree's iterparse), so that a large file
    never is in memory whole; a file that is not well-formed ends where it breaks."""
    position = 0
    try:
        for _event, element in ElementTree.iterparse(stream, events=("end",)):
            if element.tag.rpartition("}")[2] != "record":
                continue
            position += 1
            record = _xml_record(element)
            element.clear()
            yield _described(position, record, pymarc.record_to_xml(record), unimarc=False)
    except ElementTree.ParseError as error:
        yield Read(position + 1, None, b"", f"not well-formed MARCXML: {error}")


def _xml_record(element: ElementTree.Element) -> Record:
    record = Record(force_utf8=True)
    for child in element:
        tag, text = child.tag.rpartition("}")[2], child.text or ""
        if tag == "leader" and len(text) == 24:
            record.leader = pymarc.Leader(text)
        elif tag == "controlfield":
            record.add_field(Field(child.get("tag", ""), data=text))
        elif tag == "datafield":
            subfields = [
                Subfield(sub.get("code", ""), sub.text or "")
                for sub in child
                if sub.tag.rpartition("}")[2] == "subfield"
            ]
            indicators = pymarc.Indicators(child.get("ind1", " "), child.get("ind2", " "))
            record.add_field(Field(child.get("tag", ""), indicators, subfields))
    return record


def _described(position: int, record: Record, source: bytes, unimarc: bool) -> Read:
    control = _control(record)
    try:
        description = unimarc_description(record) if unimarc else marc21_description(record)
    except (MarcError, ValueError, IndexError, KeyError, TypeError) as exc:
        return Read(position, None, source, str(exc) or type(exc).__name__, control)
    return Read(position, description, source, "", control)


def _reason(exception: Exception | None) -> str:
    if exception is None:
        return "unreadable record"
    text = str(exception) or type(exception).__name__
    return re.sub(r"\s+", " ", text)[:300]


def _control_number_of(chunk: bytes) -> str:
    """The 001 of a record that could not be parsed, when its directory still says where
    it is; else ""."""
    try:
        base = int(chunk[12:17])
        directory = chunk[24 : base - 1]
        for i in range(0, len(directory) - 11, 12):
            if directory[i : i + 3] == b"001":
                length, start = int(directory[i + 3 : i + 7]), int(directory[i + 7 : i + 12])
                value = chunk[base + start : base + start + length - 1]
                return value.decode("utf-8", "replace").strip()
    except (ValueError, IndexError):
        pass
    return ""


# --- MARC 21 ----------------------------------------------------------------------------------


def marc21_description(record: Record) -> Description:
    title_field = _first(record, "245")
    title = _clean(_joined(title_field, "anp"))
    if not title:
        raise MarcError("no title (245 $a)")
    fixed = _data(record, "008")
    imprint = _first(record, "264") or _first(record, "260")
    main = [_clean(_joined(f, "a")) for f in record.get_fields("100", "110", "111")]
    added = [_clean(_joined(f, "a")) for f in record.get_fields("700", "710", "711")]
    subject_tags = ("600", "610", "611", "630", "648", "650", "651", "655")
    return Description(
        control_number=_control(record),
        title=title,
        subtitle=_clean(_joined(title_field, "b")),
        responsibility=_clean(_joined(title_field, "c")),
        authors=_unique(main + added),
        publisher=_clean(_sub(imprint, "b")),
        place=_clean(_sub(imprint, "a")),
        year=_year(_sub(imprint, "c")) or _year(fixed[7:11]),
        edition=_clean(_sub(_first(record, "250"), "a")),
        isbns=_unique(_isbn(f.get("a", "")) for f in record.get_fields("020")),
        issn=_clean(_sub(_first(record, "022"), "a")),
        language=(_sub(_first(record, "041"), "a") or fixed[35:38]).strip()[:3],
        subjects=_unique(_subject(f, "avxyz") for f in record.get_fields(*subject_tags)),
        classification=_clean(_sub(_first(record, "080") or _first(record, "082"), "a")),
        series=_clean(_sub(_first(record, "490") or _first(record, "830"), "a")),
        notes=" ".join(_clean(f.get("a", "")) for f in record.get_fields("500")).strip(),
        material=_material(record),
        copies=tuple(_copies(record.get_fields("952"), _koha21)),
    )


def _koha21(field: Field) -> Copy:
    return Copy(
        barcode=_sub(field, "p").strip(),
        call_number=_sub(field, "o").strip(),
        branch=_sub(field, "a").strip(),
        location=_sub(field, "c").strip(),
        price=_price(_sub(field, "g") or _sub(field, "v")),
        acquired=_day(_sub(field, "d")),
        not_for_loan=_sub(field, "7").strip() not in ("", "0"),
        note=_clean(" ".join(v for v in (_sub(field, "z"), _sub(field, "x")) if v)),
    )


# --- UNIMARC ----------------------------------------------------------------------------------


def unimarc_description(record: Record) -> Description:
    title_field = _first(record, "200")
    title = _clean(_joined(title_field, "ahi"))
    if not title:
        raise MarcError("no title (200 $a)")
    general = _sub(_first(record, "100"), "a")
    imprint = _first(record, "210") or _first(record, "214")
    main = [_person(f) for f in record.get_fields("700", "710", "711")]
    added = [_person(f) for f in record.get_fields("701", "702", "711", "712")]
    subject_tags = ("600", "601", "602", "604", "605", "606", "607", "608")
    responsibility = "; ".join(v for v in _values(title_field, "fg") if v)
    return Description(
        control_number=_control(record),
        title=title,
        subtitle=_clean(_joined(title_field, "e")),
        responsibility=_clean(responsibility),
        authors=_unique(main + added),
        publisher=_clean(_sub(imprint, "c")),
        place=_clean(_sub(imprint, "a")),
        year=_year(_sub(imprint, "d")) or _year(general[9:13]),
        edition=_clean(_sub(_first(record, "205"), "a")),
        isbns=_unique(_isbn(f.get("a", "")) for f in record.get_fields("010")),
        issn=_clean(_sub(_first(record, "011"), "a")),
        language=_sub(_first(record, "101"), "a").strip()[:3],
        subjects=_unique(_subject(f, "ajxyz") for f in record.get_fields(*subject_tags)),
        classification=_clean(_sub(_first(record, "675"), "a")),
        series=_clean(_sub(_first(record, "225") or _first(record, "410"), "a")),
        notes=" ".join(_clean(f.get("a", "")) for f in record.get_fields("300")).strip(),
        material=_material(record),
        copies=tuple(
            [
                *_copies(record.get_fields("996", "997"), _cobiss),
                *_copies(record.get_fields("995"), _koha_unimarc),
            ]
        ),  # fmt: skip
    )


def _person(field: Field) -> str:
    """UNIMARC keeps the surname in $a and the forename in $b (", Isaac")."""
    surname, forename = _sub(field, "a").strip(), _sub(field, "b").strip(" ,")
    return _clean(f"{surname}, {forename}" if forename else surname)


def _cobiss(field: Field) -> Copy:
    return Copy(
        barcode=_sub(field, "f").strip(),
        call_number=_clean(" ".join(_values(field, "d"))),
        location=_sub(field, "l").strip(),
        acquired=_day(_sub(field, "o")),
        not_for_loan=_sub(field, "q").strip() not in ("", "0"),
        note=_clean(_sub(field, "n")),
    )


def _koha_unimarc(field: Field) -> Copy:
    return Copy(
        barcode=_sub(field, "f").strip(),
        call_number=_sub(field, "k").strip(),
        branch=_sub(field, "b").strip(),
        location=_sub(field, "e").strip(),
    )


# --- small readers ----------------------------------------------------------------------------


def _control(record: Record) -> str:
    return _data(record, "001").strip()


def _data(record: Record, tag: str) -> str:
    field = _first(record, tag)
    return (field.data or "") if field is not None and field.is_control_field() else ""


def _first(record: Record, tag: str) -> Field | None:
    fields = record.get_fields(tag)
    return fields[0] if fields else None


def _sub(field: Field | None, code: str) -> str:
    if field is None or field.is_control_field():
        return ""
    return field.get(code) or ""


def _values(field: Field | None, codes: str) -> list[str]:
    if field is None or field.is_control_field():
        return []
    return [s.value for s in field.subfields if s.code in codes]


def _joined(field: Field | None, codes: str) -> str:
    return " ".join(_values(field, codes))


def _clean(text: str) -> str:
    """Without ISBD's trailing punctuation (" /", " :", ";", ",", a full stop after a word,
    not after an initial), the non-sorting marks around "L'" or "The " (NSB/NSE, 0x88 and
    0x89 or 0x98 and 0x9C), nor doubled spaces; composed (NFC), as MARC-8's separate accents
    are not."""
    text = unicodedata.normalize("NFC", re.sub(r"[\x88\x89\x98\x9c]", "", text))
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*[/:;,=]$", "", text).strip()
    return re.sub(r"(?<=[^\W\d_]{2})\.$", "", text)


def _subject(field: Field, codes: str) -> str:
    return " -- ".join(_clean(v) for v in _values(field, codes) if _clean(v))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _isbn(text: str) -> str:
    """The ISBN of "978-961-01-2345-6 (broš.)", without hyphens; "" when there is none."""
    match = re.search(r"(97[89][\d-]{10,14}|[\d-]{9,12}[\dXx])", text)
    if not match:
        return ""
    digits = re.sub(r"[^\dXx]", "", match.group(1)).upper()
    return digits if len(digits) in (10, 13) else ""


def _year(text: str) -> int | None:
    match = re.search(r"(1[5-9]\d\d|20\d\d)", text or "")
    return int(match.group(1)) if match else None


def _price(text: str) -> Decimal | None:
    match = re.search(r"\d+(?:[.,]\d{1,2})?", text or "")
    if not match:
        return None
    try:
        return Decimal(match.group(0).replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _day(text: str) -> date | None:
    digits = re.sub(r"\D", "", text or "")[:8]
    try:
        return (
            date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])) if len(digits) == 8 else None
        )
    except ValueError:
        return None


def _material(record: Record) -> str:
    leader = str(record.leader)
    kind, level = leader[6:7], leader[7:8]
    if kind == "a" and level in _SERIAL_LEVELS:
        return "magazine"
    return _TYPES.get(kind, "book")


def _copies(fields: Iterable[Field], read: Callable[[Field], Copy]) -> Iterator[Copy]:
    for field in fields:
        copy = read(field)
        if copy.barcode:
            yield copy
