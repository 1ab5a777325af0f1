"""The catalogue's search index: on PostgreSQL a stored tsvector of search_text
(`catalog_record.search_vector`, a generated column) with a GIN index; on SQLite an FTS5
table kept in step with `catalog_record` by triggers. `ensure_index` makes them after every
`migrate` (SQLite drops a table's triggers when a migration rebuilds the table). No models
here: apps.py imports it. The column is none of Django's: the database computes it from
search_text on every write, and the ORM never names it but in the search's lookup.

On both, the index catalog_record_page is the order of a search's page after the exact
titles (library, newest first, title, id: bukve.catalog.search.ORDER). On PostgreSQL it
also holds the words (search_vector), material and language, so that a broad query's first
matches in that order are read from the index alone, without the table (bench/README.md: a
million records are 500 MB of table, four times PostgreSQL's default shared buffers).
search_vector is stripped of word positions, which nothing uses, to keep it small.
Two more indexes serve the search: catalog_record_exact (the exact titles in the page's
order) and catalog_item_on_shelf (the copies on the shelf for home loan, per record).
"""

from django.db import connections

FTS = "catalog_record_fts"
_SQLITE_INDEX = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
    "search_text, content='catalog_record', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS catalog_record_fts_insert AFTER INSERT ON catalog_record "
    f"BEGIN INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS catalog_record_fts_delete AFTER DELETE ON catalog_record "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS catalog_record_fts_update AFTER UPDATE OF search_text "
    f"ON catalog_record BEGIN INSERT INTO {FTS}({FTS}, rowid, search_text) "
    f"VALUES ('delete', old.id, old.search_text); INSERT INTO {FTS}(rowid, search_text) "
    "VALUES (new.id, new.search_text); END",
]
_POSTGRES_INDEX = [
    "DROP INDEX IF EXISTS catalog_record_search",  # the first version: over an expression
    "DROP INDEX IF EXISTS catalog_record_order",
    "ALTER TABLE catalog_record ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, search_text))) STORED",
    "CREATE INDEX IF NOT EXISTS catalog_record_words ON catalog_record USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS catalog_record_page ON catalog_record "
    "(library_id, year DESC NULLS LAST, title, id) INCLUDE (search_vector, material, language)",
]
_SQLITE_ORDER = (  # SQLite's DESC puts NULLs last already
    "CREATE INDEX IF NOT EXISTS catalog_record_page ON catalog_record "
    "(library_id, year DESC, title, id)"
)
_BOTH = [
    # the exact titles in the page's order, without sorting the thousand "Pesmi"
    "CREATE INDEX IF NOT EXISTS catalog_record_exact ON catalog_record "
    "(library_id, title_key, year DESC{nulls}, title, id)",
    # the copies on the shelf for home loan (the facet available_at), from the index alone
    "CREATE INDEX IF NOT EXISTS catalog_item_on_shelf ON catalog_item (record_id, branch_id) "
    "WHERE status = 'shelf' AND NOT not_for_loan",
]


def ensure_index(using: str = "default") -> None:
    """Make the search index where it is missing; on SQLite, fill it when it is new."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor in ("postgresql", "sqlite"):
            nulls = " NULLS LAST" if connection.vendor == "postgresql" else ""
            for statement in _BOTH:
                cursor.execute(statement.format(nulls=nulls))
        if connection.vendor == "postgresql":
            for statement in _POSTGRES_INDEX:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            cursor.execute(_SQLITE_ORDER)
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'catalog_record_fts_%'"
            )
            complete = cursor.fetchone()[0] == 3
            for statement in _SQLITE_INDEX:
                cursor.execute(statement)
            if not complete:
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
