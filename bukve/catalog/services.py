"""Writes to the catalogue, and the item lock every circulation service takes first."""

from __future__ import annotations

from bukve.catalog.models import Item


def item_lock(pk: int) -> Item:
    """The item, locked for the rest of the transaction (the first lock of the documented
    order: item, then member, then their loans and charges)."""
    return Item.objects.select_for_update().select_related("record", "branch").get(pk=pk)
