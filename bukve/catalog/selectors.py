"""Reads of the catalogue that pages, the API and the command line share. Reads only; writes
are the services'."""

from __future__ import annotations

from bukve.catalog.models import Item

# --- the member portal, the JSON API and the command line -----------------------------------


def item_by_barcode(library_id: int, barcode: str) -> Item | None:
    """The copy of the library with this barcode, with its record and branch."""
    items = Item.objects.select_related("record", "branch")
    return items.filter(library=library_id, barcode=barcode).first()
