"""Reads of the catalogue that pages share."""

from __future__ import annotations

from bukve.catalog.models import Item
from bukve.libraries.models import Library

# --- the staff desk (bukve/desk) ------------------------------------------------------------


def item_by_barcode(library: Library, barcode: str) -> Item | None:
    """The copy of `library` with this barcode, its record and branch read too."""
    return (
        Item.objects.select_related("record", "branch")
        .filter(library=library, barcode=barcode)
        .first()
    )
