"""MARC records out: MARC 21 (ISO 2709 in UTF-8, or MARCXML) of what a catalogue record and
its copies say now (bukve.catalog.marc.Description), with the copies in Koha's 952 (the
subfields bukve/catalog/marc.py reads). A record that came in MARC 21 keeps the fields it
came with, but for what was changed since."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO

import pymarc
from pymarc import Field, Record, Subfield

from bukve.catalog.marc import Copy, Description, marc21_description

_WRITTEN_TYPES = {"map": "e", "video": "g", "dvd": "g", "audio": "i", "music_cd": "j",
                  "cdrom": "m", "ebook": "m", "toy": "r", "reading_device": "r"}  # fmt: skip

# What a description says, and the MARC 21 fields that say it.
_ASPECTS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("control_number",), ("001",)),
    (("title", "subtitle", "responsibility"), ("245",)),
    (("authors",), ("100", "110", "111", "700", "710", "711")),
    (("publisher", "place", "year"), ("260", "264")),
    (("edition",), ("250",)),
    (("isbns",), ("020",)),
    (("issn",), ("022",)),
    (("language",), ("041",)),
    (("subjects",), ("600", "610", "611", "630", "648", "650", "651", "655")),
    (("classification",), ("080", "082")),
    (("series",), ("490", "830")),
    (("notes",), ("500",)),
)


def marc21_record(description: Description, source: Record | None = None) -> Record:
    """The record in MARC 21 (UTF-8) with `description`'s copies as 952 fields. A record
    that came in MARC 21 (`source`) keeps every field it came with, but for its old 952s
    and the fields of what was changed since in Bukve (its title, say), which are written
    from the description; any other record is written from the description."""
    if source is not None:
        record = source
        before, built = marc21_description(source), _built(description)
        for names, tags in _ASPECTS:
            if any(getattr(before, n) != getattr(description, n) for n in names):
                record.remove_fields(*tags)
                for field in built.get_fields(*tags):
                    record.add_ordered_field(field)
        record.remove_fields("952")
    else:
        record = _built(description)
    record.leader = pymarc.Leader(str(record.leader)[:9] + "a" + str(record.leader)[10:])
    record.force_utf8 = True
    for copy in description.copies:
        record.add_ordered_field(_holding(copy))
    return record


def _built(d: Description) -> Record:
    record = Record(force_utf8=True)
    kind = _WRITTEN_TYPES.get(d.material, "a")
    level = "s" if d.material in ("magazine", "newspaper") else "m"
    # length and base address are set on writing; "i": ISBD punctuation left out
    record.leader = pymarc.Leader(f"00000n{kind}{level} a2200000 i 4500")
    fields: list[Field | None] = [Field("001", data=d.control_number)] if d.control_number else []
    fixed = f"{' ' * 7}s{d.year or '    ':>4}{' ' * 23}{(d.language or '   ')[:3]:<3} d"
    fields.append(Field("008", data=fixed[:40].ljust(40)))
    fields += [_field("020", a=isbn) for isbn in d.isbns]
    fields += [_field("022", a=d.issn), _field("041", a=d.language)]
    fields += [_field("080", a=d.classification)]
    if d.authors:
        fields.append(_field("100", "1 ", a=d.authors[0]))
    fields.append(_field("245", "10", a=d.title, b=d.subtitle, c=d.responsibility))
    fields.append(_field("250", a=d.edition))
    year = str(d.year) if d.year else ""
    fields.append(_field("264", " 1", a=d.place, b=d.publisher, c=year))
    fields += [_field("490", "0 ", a=d.series), _field("500", a=d.notes)]
    fields += [_field("650", " 4", a=s) for s in d.subjects]
    fields += [_field("700", "1 ", a=a) for a in d.authors[1:]]
    record.add_field(*(f for f in fields if f is not None))
    return record


def _holding(copy: Copy) -> Field:
    field = _field(
        "952", a=copy.branch, b=copy.branch, c=copy.location, o=copy.call_number,
        p=copy.barcode, g=str(copy.price) if copy.price is not None else "",
        d=copy.acquired.isoformat() if copy.acquired else "",
        **{"7": "1" if copy.not_for_loan else ""}, z=copy.note,
    )  # fmt: skip
    assert field is not None  # a copy always has its barcode
    return field


def _field(tag: str, indicators: str = "  ", **subfields: str) -> Field | None:
    """A data field of the non-empty subfields, or None when all are empty."""
    present = [Subfield(code, value) for code, value in subfields.items() if value]
    if not present:
        return None
    return Field(tag, indicators=pymarc.Indicators(indicators[0], indicators[1]), subfields=present)


def write_marc21(records: Iterable[Record], stream: IO[bytes]) -> int:
    """Write ISO 2709 records; returns how many."""
    count = 0
    for record in records:
        stream.write(record.as_marc())
        count += 1
    return count


def write_marcxml(records: Iterable[Record], stream: IO[bytes]) -> int:
    """Write a MARCXML collection; returns how many."""
    stream.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(b'<collection xmlns="http://www.loc.gov/MARC21/slim">\n')
    count = 0
    for record in records:
        stream.write(pymarc.record_to_xml(record, namespace=False))
        stream.write(b"\n")
        count += 1
    stream.write(b"</collection>\n")
    return count


def source_record(source: bytes, fmt: str) -> Record | None:
    """A stored source record parsed again (the MARC 21 ones only: UNIMARC is not written
    back as it came, its fields mean other things in MARC 21)."""
    if not source or fmt == "unimarc":
        return None
    if fmt == "marcxml":
        records = pymarc.parse_xml_to_array(_xml_stream(source))
        return records[0] if records else None
    return Record(data=source, to_unicode=True, force_utf8=False)


def _xml_stream(source: bytes) -> IO[bytes]:
    return io.BytesIO(
        b'<collection xmlns="http://www.loc.gov/MARC21/slim">' + source + b"</collection>"
    )
