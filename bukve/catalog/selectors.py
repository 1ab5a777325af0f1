"""Reads of the catalogue that pages, the API and the command line share. Reads only; writes
are the services'."""

from __future__ import annotations

from bukve.catalog.models import Item
from bukve.libraries.models import Library


def item_by_barcode(library: Library | int, barcode: str) -> Item | None:
    """The copy of the library with this barcode, with its record and branch."""
    items = Item.objects.select_related("record", "branch")
    return items.filter(library=library, barcode=barcode).first()
