"""Reads of the catalogue that pages, the API and the command line share. Reads only; writes
are the services'."""

from __future__ import annotations

from django.db.models import Case, F, QuerySet, Value, When

from bukve.catalog.models import Item, Record
from bukve.libraries.models import Library


def item_by_barcode(library: Library | int, barcode: str) -> Item | None:
    """The copy of the library with this barcode, with its record and branch."""
    items = Item.objects.select_related("record", "branch")
    return items.filter(library=library, barcode=barcode).first()


# --- cataloguing at the desk ------------------------------------------------------------------


def record_of(library: Library | int, pk: int) -> Record | None:
    """The library's record `pk`, or None (another library's record is not found)."""
    return Record.objects.filter(library=library, pk=pk).first()


def record_copies(record: Record) -> QuerySet[Item]:
    """The copies of a record with their branches: those in the collection first, by
    barcode; the withdrawn ones last."""
    withdrawn = Case(When(status=Item.WITHDRAWN, then=Value(1)), default=Value(0))
    return (
        Item.objects.filter(record=record)
        .select_related("branch")
        .order_by(withdrawn, "branch__id", "barcode")
    )


def item_of(library: Library | int, pk: int) -> Item | None:
    """The library's copy `pk`, with its record and branch, or None."""
    items = Item.objects.select_related("record", "branch", "library")
    return items.filter(library=library, pk=pk).first()


def records_recent(library: Library | int, limit: int = 20) -> list[Record]:
    """The records catalogued or changed last (what a cataloguer goes back to)."""
    records = Record.objects.filter(library=library).order_by(
        F("updated_at").desc(nulls_last=True), "-id"
    )
    return list(records[:limit])
