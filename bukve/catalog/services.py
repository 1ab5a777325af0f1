"""Writes to the catalogue: records and their copies, each one transaction with who and
when; and the item lock every circulation service takes first."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from bukve.catalog.events import copy_withdrawn
from bukve.catalog.models import Item, Record
from bukve.libraries.models import Branch, Library
from bukve.refusals import ISBN_NOT_VALID, YEAR_NOT_POSSIBLE, Refused


def item_lock(pk: int) -> Item:
    """The item, locked for the rest of the transaction (the first lock of the documented
    order: item, then member, then their loans and charges)."""
    # of=self: the rows joined for reading (its title, branch, library) are not locked, or
    # every desk would queue on the library's one row
    locked = Item.objects.select_for_update(of=("self",))
    return locked.select_related("record", "branch", "library").get(pk=pk)


@dataclass(frozen=True)
class ItemFields:
    """What a cataloguer sets of a copy (its status is circulation's)."""

    barcode: str
    branch: Branch
    material: str = "book"
    call_number: str = ""
    location: str = ""
    price: Decimal | None = None
    acquired: date | None = None
    not_for_loan: bool = False
    parts: int = 1
    rfid: str = ""
    note: str = ""


def _apply(item: Item, values: ItemFields) -> None:
    for f in fields(values):
        value = getattr(values, f.name)
        setattr(item, f.name, value.strip() if isinstance(value, str) else value)


def _check(library: Library, values: ItemFields, item: Item | None = None) -> None:
    if not values.barcode.strip():
        raise ValueError("a copy needs a barcode")
    if values.branch.library_id != library.pk:
        raise ValueError("the branch is of another library")
    taken = Item.objects.filter(library=library, barcode=values.barcode.strip())
    if item is not None:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        raise Refused("barcode_taken", barcode=values.barcode.strip())


def item_create(*, record: Record, values: ItemFields, by: User | None) -> Item:
    """A new copy of `record`, on the shelf. Refuses a barcode the library uses already
    (`barcode_taken`)."""
    with transaction.atomic():
        locked = Record.objects.select_for_update(of=("self",))
        record = locked.select_related("library").get(pk=record.pk)
        _check(record.library, values)
        item = Item(library=record.library, record=record, created_by=by, updated_by=by)
        _apply(item, values)
        try:
            with transaction.atomic():
                item.save(force_insert=True)
        except IntegrityError:  # another desk took the barcode in the meantime
            raise Refused("barcode_taken", barcode=item.barcode) from None
        return item


def item_update(*, item: Item, values: ItemFields, by: User | None) -> Item:
    """Change what a cataloguer keeps of a copy (moving it to another branch is changing its
    branch). Locks: the item."""
    with transaction.atomic():
        item = item_lock(item.pk)
        _check(item.record.library, values, item)
        _apply(item, values)
        item.updated_by = by
        item.save()
        return item


def item_withdraw(*, item: Item, today: date, by: User | None) -> Item:
    """Take a copy out of the collection (odpis): it can't be lent or reserved any more and
    is left out of exports. A copy on loan, on the hold shelf or on its way between branches
    can't be withdrawn (`item_on_loan`, `item_held`, `item_in_transit`); a hold that was to
    be pulled from it is given another copy (bukve.catalog.events). Locks: the item."""
    with transaction.atomic():
        item = item_lock(item.pk)
        if item.status == Item.LOAN:
            raise Refused("item_on_loan")
        if item.status == Item.HELD:
            raise Refused("item_held")
        if item.status == Item.WITHDRAWN:
            raise Refused("item_withdrawn")
        if item.status == Item.IN_TRANSIT:
            raise Refused("item_in_transit")
        item.status, item.withdrawn_on, item.updated_by = Item.WITHDRAWN, today, by
        item.save(update_fields=["status", "withdrawn_on", "updated_by", "updated_at"])
        copy_withdrawn.send(sender=Item, item=item, day=today)
        return item


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFields:
    """What a cataloguer describes of a title at the desk (the MARC record it came from, if
    any, is kept as it came; an export writes these values over it)."""

    title: str
    subtitle: str = ""
    responsibility: str = ""
    author: str = ""
    added_authors: tuple[str, ...] = ()
    publisher: str = ""
    place: str = ""
    year: int | None = None
    edition: str = ""
    isbn: str = ""
    other_isbns: tuple[str, ...] = ()
    issn: str = ""
    language: str = ""
    subjects: tuple[str, ...] = ()
    classification: str = ""
    series: str = ""
    notes: str = ""
    material: str = "book"


FIRST_PRINTED_YEAR = 1450  # Gutenberg: no printed book of a library is older


def isbn_digits(text: str) -> str:
    """An ISBN as it is kept: its digits (and a final X), without hyphens or spaces; ""
    for none. Refuses one that is not 10 or 13 digits with a valid check digit
    (`isbn_invalid`)."""
    digits = re.sub(r"[\s-]", "", text).upper()
    if not digits:
        return ""
    if re.fullmatch(r"\d{9}[\dX]", digits):
        values = [10 if c == "X" else int(c) for c in digits]
        valid = sum((10 - n) * v for n, v in enumerate(values)) % 11 == 0
    elif re.fullmatch(r"97[89]\d{10}", digits):
        valid = sum((3 if n % 2 else 1) * int(c) for n, c in enumerate(digits)) % 10 == 0
    else:
        valid = False
    if not valid:
        raise Refused("isbn_invalid", ISBN_NOT_VALID, isbn=text.strip())
    return digits


def _lines(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for v in values if v.strip()]


def _describe(record: Record, values: RecordFields) -> None:
    """Check `values` and set them on `record`: a record needs a title (`title_required`),
    a year between the first printed books and next year (`year_implausible`), valid ISBNs
    (`isbn_invalid`)."""
    if not values.title.strip():
        raise Refused("title_required")
    next_year = timezone.localdate().year + 1
    if values.year is not None and not FIRST_PRINTED_YEAR <= values.year <= next_year:
        raise Refused("year_implausible", YEAR_NOT_POSSIBLE, year=values.year)
    for f in fields(values):
        value = getattr(values, f.name)
        if isinstance(value, str):
            value = value.strip()
        elif isinstance(value, tuple):
            value = _lines(value)
        setattr(record, f.name, value)
    record.isbn = isbn_digits(values.isbn)
    record.other_isbns = [isbn_digits(i) for i in _lines(values.other_isbns)]
    record.language = record.language.lower()


def record_create(*, library: Library, values: RecordFields, by: User | None) -> Record:
    """A new record catalogued at the desk, with a key of its own (a record imported later
    with the same ISBN is matched to it). Refuses what `_describe` refuses."""
    with transaction.atomic():
        record = Record(library=library, key=f"bukve-{uuid.uuid4().hex[:16]}", updated_by=by)
        _describe(record, values)
        record.save(force_insert=True)
        return record


def record_update(*, record: Record, values: RecordFields, by: User | None) -> Record:
    """Change what a record describes, with who changed it and when. Locks: the record."""
    with transaction.atomic():
        record = Record.objects.select_for_update().get(pk=record.pk)
        _describe(record, values)
        record.updated_by = by
        record.save()
        return record
