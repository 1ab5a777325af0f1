"""Reads of the catalogue that pages, the API and the command line share. Reads only; writes
are the services'."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Case, F, Prefetch, QuerySet, Value, When

from bukve.catalog.models import Item, Record
from bukve.catalog.search import Facet, narrowed, page_of, record_search
from bukve.catalog.words import MAX_QUERY_WORDS
from bukve.folding import NEAR_FROM, fold, near
from bukve.libraries.models import Branch, Library

PER_PAGE = 20
FILTERS = ("material", "language", "year", "available_at")


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


# --- the catalogue of the portal and the public pages ---------------------------------------


@dataclass(frozen=True)
class BranchCopies:
    """A title's copies at one branch (withdrawn ones left out), and how many of them are
    on the shelf for home loan."""

    branch: Branch
    copies: list[Item]
    available: int


@dataclass(frozen=True)
class Hit:
    record: Record
    branches: list[BranchCopies]

    @property
    def copies(self) -> int:
        return sum(len(b.copies) for b in self.branches)

    @property
    def available(self) -> int:
        return sum(b.available for b in self.branches)


@dataclass(frozen=True)
class CataloguePage:
    """A page of a catalogue search; iterating it gives the page's records."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[Facet]]
    page: int = 1
    pages: int = 1
    near: bool = False  # nothing matched every word: these are one typing slip away
    filters: dict[str, str] = field(default_factory=dict)
    more: bool = False  # more records match than `total` counts (bukve.catalog.search)

    def __iter__(self) -> Iterator[Record]:
        return iter(h.record for h in self.hits)


def copy_available(copy: Item) -> bool:
    return copy.status == Item.SHELF and not copy.not_for_loan


def _copies() -> Prefetch[str]:
    """A record's copies to show, withdrawn ones left out, with their branches."""
    shown = Item.objects.exclude(status=Item.WITHDRAWN).select_related("branch")
    return Prefetch("items", queryset=shown.order_by("branch__name", "call_number", "barcode"))


def _hit(record: Record) -> Hit:
    """The record with its copies by branch, from its prefetched copies (no query)."""
    branches: dict[int, BranchCopies] = {}
    for copy in record.items.all():
        row = branches.setdefault(copy.branch_id, BranchCopies(copy.branch, [], 0))
        row.copies.append(copy)
    return Hit(
        record,
        [
            BranchCopies(b.branch, b.copies, sum(copy_available(c) for c in b.copies))
            for b in branches.values()
        ],
    )


def records_near(library_id: int, text: str) -> QuerySet[Record]:
    """The records whose title and author hold every word of `text`, each one typing slip
    away (bukve.folding.near; a short word exactly, as a part of a word): "presern" finds
    Prešeren. For when the search by whole words finds nothing."""
    records = Record.objects.filter(library=library_id)
    words = fold(text).split()[:MAX_QUERY_WORDS]
    if not words:
        return records.none()
    for word in words:
        pattern = near(word) if len(word) >= NEAR_FROM else re.escape(word)
        records = records.filter(text_folded__regex=pattern)
    return records.order_by("title", "author", "id")


def catalogue_find(
    library_id: int,
    text: str,
    *,
    filters: dict[str, str] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> CataloguePage:
    """A page of the library's catalogue search (bukve.catalog.search: every word in any of
    its forms, an exact title first), narrowed by `filters` (material, language, year,
    available_at: a branch code), with the facets of what was found. When no record matches
    every word, the titles and authors one typing slip away. A few queries, whatever the
    page holds: the count, the facets, the page with its copies and their branches."""
    filters = {k: v for k, v in (filters or {}).items() if k in FILTERS and v}
    start = (max(page, 1) - 1) * per_page
    found = record_search(library_id, text, limit=per_page, offset=start, filters=filters,
                          copies=_copies())  # fmt: skip
    slips = found.total == 0 and record_search(library_id, text, limit=1).total == 0
    if slips:
        near = narrowed(records_near(library_id, text), filters)
        found = page_of(near, limit=per_page, offset=start, copies=_copies())
    pages = max(1, -(-found.total // per_page))
    if found.total and not found.records and page > pages:  # past the end: the last page
        return catalogue_find(library_id, text, filters=filters, page=pages, per_page=per_page)
    return CataloguePage(
        hits=[_hit(r) for r in found.records],
        total=found.total,
        facets=found.facets if found.total else {},
        page=min(max(page, 1), pages),
        pages=pages,
        near=slips and found.total > 0,
        filters=filters,
        more=found.more,
    )


def record_shown(library_id: int, record_id: int) -> Hit | None:
    """A record of the library with its copies by branch; None for another library's."""
    record = (
        Record.objects.filter(library=library_id, pk=record_id).prefetch_related(_copies()).first()
    )
    return _hit(record) if record is not None else None
