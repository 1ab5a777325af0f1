"""The catalogue's search index: on PostgreSQL a GIN index over
`to_tsvector('simple', search_text)`; on SQLite an FTS5 table kept in step with
`catalog_record` by triggers. `ensure_index` makes them after every `migrate` (SQLite drops a
table's triggers when a migration rebuilds the table). No models here: apps.py imports it.

On both, the index catalog_record_order is the order of a search's page after the exact
titles (library, newest first, title, id: bukve.catalog.search.ORDER): PostgreSQL walks it
to find the first page of a broad query without sorting all its matches.
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
_POSTGRES_INDEX = (
    "CREATE INDEX IF NOT EXISTS catalog_record_search ON catalog_record "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)
_ORDER_INDEX = (  # SQLite's DESC puts NULLs last already, and it knows no NULLS LAST here
    "CREATE INDEX IF NOT EXISTS catalog_record_order ON catalog_record "
    "(library_id, year DESC{nulls}, title, id)"
)


def ensure_index(using: str = "default") -> None:
    """Make the search index where it is missing; on SQLite, fill it when it is new."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor in ("postgresql", "sqlite"):
            nulls = " NULLS LAST" if connection.vendor == "postgresql" else ""
            cursor.execute(_ORDER_INDEX.format(nulls=nulls))
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_INDEX)
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'catalog_record_fts_%'"
            )
            complete = cursor.fetchone()[0] == 3
            for statement in _SQLITE_INDEX:
                cursor.execute(statement)
            if not complete:
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
