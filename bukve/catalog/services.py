"""Writes to the catalogue: records and their copies, each one transaction with who and
when; and the item lock every circulation service takes first."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from bukve.catalog.models import Item, Record
from bukve.libraries.models import Branch, Library
from bukve.refusals import Refused


def item_lock(pk: int) -> Item:
    """The item, locked for the rest of the transaction (the first lock of the documented
    order: item, then member, then their loans and charges)."""
    return Item.objects.select_for_update().select_related("record", "branch").get(pk=pk)


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
        record = Record.objects.select_for_update().select_related("library").get(pk=record.pk)
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
    is left out of exports. A copy on loan or on the hold shelf can't be withdrawn
    (`item_on_loan`, `item_held`). Locks: the item."""
    with transaction.atomic():
        item = item_lock(item.pk)
        if item.status == Item.LOAN:
            raise Refused("item_on_loan")
        if item.status == Item.HELD:
            raise Refused("item_held")
        if item.status == Item.WITHDRAWN:
            raise Refused("item_withdrawn")
        item.status, item.withdrawn_on, item.updated_by = Item.WITHDRAWN, today, by
        item.save(update_fields=["status", "withdrawn_on", "updated_by", "updated_at"])
        return item
