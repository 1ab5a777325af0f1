"""The catalogue search: every word of the query (any of its forms, bukve.catalog.words)
among a record's index words, through PostgreSQL's full-text index or SQLite's FTS5
(bukve.catalog.index), which find the same records because both only compare whole words.

A broad query ("zgodbe", say) matches a tenth of a large catalogue: more records than a
search can count, sort or read within its time (50 ms at a million records on PostgreSQL:
bench/README.md). So a search reads the matches in the page's order (ORDER: newest first,
then by title) and stops after SAMPLE of them:

- the page is the records whose title is exactly the query first (a query of its own,
  through the index on title_key: an exact title has every word of the query), then the
  first of those SAMPLE that are not;
- **the total and the facets count at most SAMPLE (300) matches, the first in the page's
  order.** Up to SAMPLE matches both are exact; beyond, the total is SAMPLE and `Found.more`
  says that more records match ("300 or more"), and the facets describe the newest
  SAMPLE matches, not all of them.

On PostgreSQL the first matches in that order come from the index catalog_record_page
(bukve.catalog.index) without reading the table when the words are common, and through the
full-text index, then sorted, when they are rare; the planner chooses. It can choose
wrong: two common words that are seldom together ("svet vojna") look broad and make it walk
far down the index (over 100 ms at a million records, against 15 ms through the full-text
index). A page is at most SAMPLE records.
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
        rhs, rhs_params = self.process_rhs(compiler, connection)
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        sql = f"{table}.search_vector @@ to_tsquery('simple'::regconfig, {rhs})"  # index.py
        return sql, rhs_params

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, tuple[Any, ...]]:
        rhs, rhs_params = self.process_rhs(compiler, connection)
        table = compiler.quote_name_unless_alias(self.lhs.alias)
        sql = f"{table}.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH {rhs})"
        return sql, rhs_params


# --- searching --------------------------------------------------------------------------------

SAMPLE = 300  # the total and the facets count at most this many matches
FACET_VALUES = 20  # the most frequent values of a facet
# The order after the exact titles (the index catalog_record_page); the records without a
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
    """The library's records that every word of `text` matches, newest first (ORDER; the
    exact titles are not put first: record_search does that); none for a query without
    words. All of them: for a page, record_search."""
    terms = query_terms(text)
    records = Record.objects.filter(library=library_id)
    if not terms:
        return records.none()
    return records.filter(search_text__words=terms).order_by(*ORDER)


def facets(rows: list[tuple[int, str, str, str, int | None]]) -> dict[str, list[Facet]]:
    """How many of the records `rows` (id, title, material, language, year) there are of
    each material, language and year, and how many have a copy on the shelf for home loan
    at each branch."""
    result: dict[str, list[Facet]] = {}
    for column, field in enumerate(("material", "language", "year"), start=2):
        counts = Counter(row[column] for row in rows if row[column] not in ("", None))
        ranked = sorted(counts.items(), key=lambda c: (-c[1], c[0]))[:FACET_VALUES]
        result[field] = [Facet(str(value), n) for value, n in ranked]
    if not rows:
        return {**result, "available_at": []}
    ids = [row[0] for row in rows]
    shelf = Item.objects.filter(record__in=ids, status=Item.SHELF, not_for_loan=False)
    branches = (
        shelf.values_list("branch__code")
        .annotate(n=Count("record", distinct=True))
        .order_by("-n", "branch__code")
    )
    result["available_at"] = [Facet(code, n) for code, n in branches]
    return result


FIELDS = ("id", "title", "material", "language", "year")  # what facets() counts


def narrowed(records: QuerySet[Record], filters: dict[str, str]) -> QuerySet[Record]:
    """`records` of the facets' values `filters` (material, language, year, available_at:
    a branch code with a copy on the shelf for home loan); other names are left out."""
    for field, value in filters.items():
        if field == "available_at" and value:
            shelf = Item.objects.filter(branch__code=value, status=Item.SHELF,
                                        not_for_loan=False)  # fmt: skip
            records = records.filter(pk__in=shelf.values("record"))
        elif field in ("material", "language", "year") and value:
            records = records.filter(**{field: value})
    return records


def record_search(
    library_id: int,
    text: str,
    *,
    limit: int = 20,
    offset: int = 0,
    filters: dict[str, str] | None = None,
    copies: str | Prefetch[str] = "items__branch",
) -> Found:
    """A page of the search: `limit` records from `offset` (with their copies, `copies`
    says how), the number found (at most SAMPLE, see the module's notes) and the facets,
    narrowed by `filters` (see `narrowed`)."""
    scope = narrowed(Record.objects.filter(library=library_id), filters or {})
    terms = query_terms(text)
    if not terms:
        return Found([], 0, facets([]))
    key = title_key(text)
    exact = list(scope.filter(title_key=key).order_by(*ORDER).values_list("id", flat=True)[:SAMPLE])
    matching = scope.filter(search_text__words=terms).order_by(*ORDER)
    return page_of(matching, limit=limit, offset=offset, copies=copies, first=exact)


def page_of(
    records: QuerySet[Record],
    *,
    limit: int,
    offset: int = 0,
    copies: str | Prefetch[str] = "items__branch",
    first: list[int] | None = None,
) -> Found:
    """The page of `records` (ordered) from `offset`, the records of `first` before the
    others, counting and facetting at most SAMPLE of them."""
    rows = list(records.values_list(*FIELDS)[: SAMPLE + 1])
    more, rows = len(rows) > SAMPLE, rows[:SAMPLE]
    first = first or []
    seen = set(first)
    ordered = first + [row[0] for row in rows if row[0] not in seen]
    wanted = ordered[offset : offset + limit]
    found = Record.objects.filter(pk__in=wanted).prefetch_related(copies).in_bulk()
    return Found([found[pk] for pk in wanted if pk in found], max(len(rows), len(first)),
                 facets(rows), more)  # fmt: skip
