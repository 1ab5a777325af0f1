"""The catalogue search: every word of the query (any of its forms, bukve.catalog.words)
among a record's index words, through PostgreSQL's full-text index or SQLite's FTS5
(bukve.catalog.index), which find the same records because both only compare whole words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Lookup,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
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


@dataclass(frozen=True)
class Facet:
    value: str
    count: int


@dataclass(frozen=True)
class Found:
    records: list[Record]
    total: int
    facets: dict[str, list[Facet]]


def records_matching(library_id: int, text: str) -> QuerySet[Record]:
    """The library's records that every word of `text` matches, an exact title first, then
    the newest; none for a query without words."""
    terms = query_terms(text)
    records = Record.objects.filter(library=library_id)
    if not terms:
        return records.none()
    exact = Case(When(title_key=title_key(text), then=Value(0)), default=Value(1),
                 output_field=IntegerField())  # fmt: skip
    return (
        records.filter(search_text__words=terms)
        .annotate(exact=exact)
        .order_by("exact", "-year", "title", "id")
    )


def facets(records: QuerySet[Record]) -> dict[str, list[Facet]]:
    """How many of `records` there are of each material, language and year, and how many
    have a copy on the shelf for home loan at each branch."""
    result: dict[str, list[Facet]] = {}
    for field in ("material", "language", "year"):
        rows = (
            records.order_by().values_list(field).annotate(n=Count("id")).order_by("-n", field)[:20]
        )
        result[field] = [Facet(str(value), n) for value, n in rows if value not in ("", None)]
    shelf = Item.objects.filter(
        record__in=records.order_by().values("id"), status=Item.SHELF, not_for_loan=False
    )
    branches = (
        shelf.values_list("branch__code")
        .annotate(n=Count("record", distinct=True))
        .order_by("-n", "branch__code")
    )
    result["available_at"] = [Facet(code, n) for code, n in branches]
    return result


def record_search(
    library_id: int, text: str, *, limit: int = 20, filters: dict[str, str] | None = None
) -> Found:
    """A page of the search: the first `limit` records (with their copies and branches),
    the number found and the facets, narrowed by `filters` (material, language, year,
    available_at: a branch code)."""
    records = records_matching(library_id, text)
    for field, value in (filters or {}).items():
        if field == "available_at":
            records = records.filter(
                Q(
                    items__branch__code=value, items__status=Item.SHELF, items__not_for_loan=False
                )  # fmt: skip
            ).distinct()
        elif field in ("material", "language", "year") and value:
            records = records.filter(**{field: value})
    page = list(records.prefetch_related("items__branch")[:limit])
    return Found(page, records.count(), facets(records))
