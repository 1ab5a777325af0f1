"""The catalogue search: every word of the query (any of its forms, bukve.catalog.words)
among a record's index words, through PostgreSQL's full-text index or SQLite's FTS5
(bukve.catalog.index), which find the same records because both only compare whole words.

A broad query ("zgodbe", say) matches a tenth of a large catalogue: more records than a
search can count, sort or read within its time (50 ms at a million records: see
bench/README.md). So:

- the page is an exact title first (a query of its own, through the index on title_key),
  then the newest: the rest in the order of the index catalog_record_order (library, year
  descending, title, id), which PostgreSQL walks from the top until it has a page when the
  words are common, and reads through the full-text index and sorts when they are rare;
- **the total and the facets count at most SAMPLE (1,000) of the matches**, the first ones
  the database finds (not the best ranked). Up to SAMPLE matches both are exact; beyond,
  the total is SAMPLE and `Found.more` says more records match ("1,000 or more"), and the
  facets are those of the SAMPLE records counted, a rough guide rather than a count. Which
  SAMPLE records those are may differ between PostgreSQL and SQLite (each reads its own
  index in its own order); the page never does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Lookup, Prefetch, QuerySet, TextField
from django.db.models.sql.compiler import SQLCompiler

from bukve.catalog.index import FTS
from bukve.catalog.models import Item, Record
from bukve.catalog.words import query_terms, title_key

if TYPE_CHECKING:  # generic in the stubs only; Django's Lookup takes no type argument
    BoolLookup = Lookup[bool]
else:
    BoolLookup = Lookup


@TextField.register_lookup
class Words(BoolLookup):
    """`search_text__words=terms`: every term (a tuple of forms, any of which may match)
    is among the index words. Only for Record.search_text, which the index covers."""

    lookup_name = "words"

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def process_rhs(self, compiler: SQLCompiler, connection: Any) -> tuple[str, tuple[Any, ...]]:
        terms: list[tuple[str, ...]] = self.rhs
        if connection.vendor == "postgresql":
            query = " & ".join("(" + " | ".join(f"'{f}'" for f in t) + ")" for t in terms)
        else:
            query = " AND ".join("(" + " OR ".join(f'"{f}"' for f in t) + ")" for t in terms)
        return "%s", (query,)

    def as_postgresql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, {rhs})"
        return sql, (*lhs_params, *rhs_params)

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, tuple[Any, ...]]:
        rhs, rhs_params = self.process_rhs(compiler, connection)
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        sql = f"{table}.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH {rhs})"
        return sql, rhs_params


# --- searching --------------------------------------------------------------------------------

SAMPLE = 1_000  # the total and the facets count at most this many matches
FACET_VALUES = 20  # the most frequent values of a facet
# The order after the exact titles (the index catalog_record_order); the records without a
# year last on both databases.
ORDER = (F("year").desc(nulls_last=True), "title", "id")


@dataclass(frozen=True)
class Facet:
    value: str
    count: int


@dataclass(frozen=True)
class Found:
    records: list[Record]
    total: int  # at most SAMPLE
    facets: dict[str, list[Facet]]
    more: bool = False  # more than `total` records match: `total` is SAMPLE, a lower bound


def records_matching(library_id: int, text: str) -> QuerySet[Record]:
    """The library's records that every word of `text` matches, in no order; none for a
    query without words."""
    terms = query_terms(text)
    records = Record.objects.filter(library=library_id)
    if not terms:
        return records.none()
    return records.filter(search_text__words=terms)


def page(records: QuerySet[Record], text: str, limit: int) -> list[Record]:
    """The first `limit` of `records` with their copies and branches: those whose title is
    exactly `text` first, then the newest (ORDER)."""
    key = title_key(text)
    copies = Prefetch("items", queryset=Item.objects.select_related("branch"))
    exact = list(records.filter(title_key=key).order_by(*ORDER).prefetch_related(copies)[:limit])
    if len(exact) == limit:
        return exact
    rest = records.exclude(title_key=key).order_by(*ORDER).prefetch_related(copies)
    return exact + list(rest[: limit - len(exact)])


def facets(records: QuerySet[Record]) -> tuple[int, bool, dict[str, list[Facet]]]:
    """How many of `records` there are (at most SAMPLE, and whether there are more) and,
    among those SAMPLE, how many of each material, language and year, and how many have a
    copy on the shelf for home loan at each branch."""
    rows = list(records.order_by().values_list("id", "material", "language", "year")[: SAMPLE + 1])
    more, rows = len(rows) > SAMPLE, rows[:SAMPLE]
    result: dict[str, list[Facet]] = {}
    for column, field in enumerate(("material", "language", "year"), start=1):
        counts = Counter(row[column] for row in rows if row[column] not in ("", None))
        ranked = sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:FACET_VALUES]
        result[field] = [Facet(str(value), n) for value, n in ranked]
    shelf = Item.objects.filter(
        record__in=[row[0] for row in rows], status=Item.SHELF, not_for_loan=False
    )
    branches = (
        shelf.values_list("branch__code")
        .annotate(n=Count("record", distinct=True))
        .order_by("-n", "branch__code")
    )
    result["available_at"] = [Facet(code, n) for code, n in branches]
    return len(rows), more, result


def record_search(
    library_id: int, text: str, *, limit: int = 20, filters: dict[str, str] | None = None
) -> Found:
    """A page of the search: the first `limit` records (with their copies and branches),
    the number found (at most SAMPLE, see the module's notes) and the facets, narrowed by
    `filters` (material, language, year, available_at: a branch code)."""
    records = records_matching(library_id, text)
    for field, value in (filters or {}).items():
        if field == "available_at":
            shelf = Item.objects.filter(branch__code=value, status=Item.SHELF,
                                        not_for_loan=False)  # fmt: skip
            records = records.filter(pk__in=shelf.values("record"))
        elif field in ("material", "language", "year") and value:
            records = records.filter(**{field: value})
    total, more, counted = facets(records)
    return Found(page(records, text, limit), total, counted, more)
