"""Benchmark of the catalogue search on a large catalogue (not a test; see bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bukve_bench_catalog \\
        .venv/bin/python bench/catalog_search.py [--records 1000000] [--rebuild] [--rounds 3]

It builds one library (the Maribor preset, plus three branches) with N made-up records
(bench/catalog_data.py) and their 1-3 copies each, written with COPY; each record's
search_text, text_folded and title_key are computed by the model's own `Record.index()`
(the real `index_text`, with simplemma), in two processes. Then the search index
(`bukve.catalog.index.ensure_index`) and VACUUM ANALYZE. The data is built once per N and
reused.

It then runs a fixed mix of queries (common and rare words, inflected forms, two and three
words, ISBNs, exact titles, authors' surnames typed without diacritics) through
`record_search(library, q, limit=20)`, the API's code path (the page with its copies, the
total and the facets), each result turned into the API's JSON shape (`record_out`), and
prints p50, p95 and max per kind of query and overall. The first round warms the caches
and is not counted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from multiprocessing import Pool
from types import SimpleNamespace
from typing import Any

from catalog_data import (
    BRANCHES,
    FUNCTION_WORDS,
    SEED,
    WORDS,
    description,
    descriptions,
    hyphenated,
)
from daily_run import Copier, _database_create, _django_setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bukve_bench_catalog"
CHUNK = 10_000
STATUSES = [("shelf", 70), ("loan", 25), ("held", 1), ("lost", 1), ("withdrawn", 3)]
RECORD_COLUMNS = ["id", "library_id", "key", "title", "subtitle", "responsibility", "author",
                  "added_authors", "publisher", "place", "year", "edition", "isbn", "other_isbns",
                  "issn", "language", "subjects", "classification", "series", "notes",
                  "material", "marc", "marc_format", "text_folded", "search_text", "title_key",
                  "created_at", "updated_at"]  # fmt: skip
ITEM_COLUMNS = ["id", "library_id", "record_id", "barcode", "material", "branch_id", "parts",
                "not_for_loan", "price", "status", "call_number", "location", "acquired", "rfid",
                "note", "created_at", "updated_at"]  # fmt: skip
NOW = "2026-11-22 10:00+01"


def _rows(job: tuple[int, int, int, int, int, dict[str, int]]) -> tuple[list[Any], list[Any]]:
    """The rows of records first..first+count-1 (their ids after `base`) and of their
    copies (in a worker)."""
    from bukve.catalog.models import Record  # in the worker, after Django's setup

    first, count, seed, library, base, branch_ids = job
    rng = random.Random(seed + first)
    statuses, weights = [s for s, _ in STATUSES], [w for _, w in STATUSES]
    records, items = [], []
    for n, d in enumerate(descriptions(first, count, seed), start=first):
        # The model's own index(), on a plain object: a model instance costs more to make
        # than all the rest (index() reads these attributes only).
        r = SimpleNamespace(title=d.title, subtitle=d.subtitle, series=d.series,
                            author=d.authors[0] if d.authors else "",
                            added_authors=list(d.authors[1:]), authors=list(d.authors),
                            subjects=list(d.subjects), isbn=d.isbns[0] if d.isbns else "",
                            isbns=list(d.isbns[:1]))  # fmt: skip
        Record.index(r)  # type: ignore[arg-type]
        records.append((base + n, library, d.control_number, d.title, d.subtitle, d.responsibility,
                        r.author, json.dumps(r.added_authors), d.publisher, d.place, d.year,
                        d.edition, r.isbn, "[]", "", d.language, json.dumps(r.subjects),
                        d.classification, d.series, "", d.material, b"", "marc21",
                        r.text_folded, r.search_text, r.title_key, NOW, NOW))  # fmt: skip
        for c in d.copies:
            items.append((library, base + n, c.barcode, d.material, branch_ids[c.branch], 1,
                          c.not_for_loan, c.price, rng.choices(statuses, weights)[0],
                          c.call_number, c.location, c.acquired, "", "", NOW, NOW))  # fmt: skip
    return records, items


def build(n: int, seed: int) -> None:
    """The library and its catalogue, in one transaction, then the index and statistics."""
    from django.core.management import call_command
    from django.db import connection, connections, transaction

    from bukve.catalog.index import ensure_index
    from bukve.libraries.models import Branch
    from bukve.libraries.services import library_load, preset_read

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with transaction.atomic():
        library = library_load(policy=preset_read("maribor"))
        for code in BRANCHES:
            Branch.objects.get_or_create(library=library, code=code, defaults={"name": code})
        branch_ids = {b.code: b.pk for b in Branch.objects.filter(library=library)}
    with connection.cursor() as cur:  # ids after those of other libraries (the import's)
        cur.execute("SELECT coalesce(max(id), 0) FROM catalog_record WHERE library_id <> %s",
                    [library.pk])  # fmt: skip
        base = cur.fetchone()[0]
        cur.execute("SELECT coalesce(max(id), 0) FROM catalog_item WHERE library_id <> %s",
                    [library.pk])  # fmt: skip
        item_base = cur.fetchone()[0]
    jobs = [(first, min(CHUNK, n - first + 1), seed, library.pk, base, branch_ids)
            for first in range(1, n + 1, CHUNK)]  # fmt: skip
    connections.close_all()  # the workers are forked: no connection shared with them
    counts = {"records": 0, "items": 0}
    with Pool(2) as pool, transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cur.execute("DELETE FROM catalog_item WHERE library_id = %s", [library.pk])
        cur.execute("DELETE FROM catalog_record WHERE library_id = %s", [library.pk])
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: ALTER TABLE next
        copier = Copier(cur, ["catalog_record", "catalog_item"])
        copier.drop_indexes()
        item_id = item_base

        def item_rows(items: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
            nonlocal item_id
            for row in items:
                item_id += 1
                yield (item_id, *row)

        for records, items in pool.imap(_rows, jobs):
            counts["records"] += copier.copy("catalog_record", RECORD_COLUMNS, records)
            counts["items"] += copier.copy("catalog_item", ITEM_COLUMNS, item_rows(items))
            print(f"\r{counts['records']:,} records", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        copied = time.perf_counter()
        copier.restore_indexes()
        ensure_index()
    indexed = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE catalog_record")
        cur.execute("VACUUM ANALYZE catalog_item")
    done = time.perf_counter()
    print(f"built {counts['records']:,} records and {counts['items']:,} copies in "
          f"{done - started:.0f} s: generated and copied in {copied - started:.0f} s, indexes "
          f"{indexed - copied:.0f} s, vacuum {done - indexed:.0f} s")  # fmt: skip


# --- the queries -------------------------------------------------------------------------------


def queries(n: int, seed: int) -> list[tuple[str, str]]:
    """(kind, text) of the fixed mix: the same for the same N and seed."""
    from bukve.folding import fold

    known = set(WORDS) | set(FUNCTION_WORDS)
    picks = [description(k, seed) for k in range(7, n + 1, max(1, n // 400))][:400]
    content = [[w for w in d.title.lower().split() if w not in FUNCTION_WORDS] for d in picks]
    rare = [w for words in content for w in words if w not in known]
    two = [" ".join(ws[:2]) for ws in content if len(ws) >= 2 and ws[0] != ws[1]]
    three = [" ".join(ws[:3]) for ws in content if len(set(ws[:3])) == 3]
    three += [f"{ws[0]} {fold(d.authors[0].split(',')[0])}"
              for d, ws in zip(picks, content, strict=True) if d.authors and ws]  # fmt: skip
    mix = {
        "common word": ["zgodbe", "življenje", "svet", "slovenija", "ljubezen", "noč", "knjiga",
                        "otroci", "mesto", "zgodovina"],
        "rare word": rare[:10],
        "inflected": ["knjigami", "otroku", "pravljicami", "gorami", "ptici", "zvezdami",
                      "prijateljem", "gradovih", "slovenskimi", "reko"],
        "two words": ["slovenske pravljice", "zgodovina slovenije", "ljubezen vojna",
                      "otroci knjige", "gore reke", *two[:5]],
        "three words": three[:5] + three[-5:],
        "ISBN": [hyphenated(d.isbns[0]) for d in picks if d.isbns][:10],
        "exact title": [d.title for d in picks if len(d.title.split()) >= 2][:10],
        "author": ["zupancic", "kovacic", "potocnik", "zagar", "znidarsic", "hocevar",
                   "preseren", "cankar", "jancar", "lainscek"],
    }  # fmt: skip
    return [(kind, text) for kind, texts in mix.items() for text in texts]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def measure(n: int, seed: int, rounds: int, show: bool) -> None:
    from django.db import connection

    from bukve.api.views import record_out
    from bukve.catalog.search import record_search
    from bukve.libraries.models import Library

    library = Library.objects.get(code="maribor").pk
    mix = queries(n, seed)
    times: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for round_ in range(rounds + 1):
        for kind, text in mix:
            before = len(connection.queries)
            started = time.perf_counter()
            found = record_search(library, text, limit=20)
            [record_out(r) for r in found.records]
            seconds = time.perf_counter() - started
            if round_ == 0:
                totals[text] = found.total
                if show:
                    used = len(connection.queries) - before
                    print(f"{kind:<12} {text!r:<44} {found.total:>8,} found "
                          f"{seconds * 1000:7.1f} ms {used} queries")  # fmt: skip
            else:
                times.setdefault(kind, []).append(seconds * 1000)
    everything = [t for ts in times.values() for t in ts]
    print(f"{'kind':<12} {'queries':>7} {'found (median)':>15} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8}")  # fmt: skip
    for kind, ts in [*times.items(), ("overall", everything)]:
        found = [totals[t] for k, t in mix if k == kind or kind == "overall"]
        p50, p95 = _percentile(ts, 50), _percentile(ts, 95)
        print(f"{kind:<12} {len(ts):>7} {statistics.median(found):>15,.0f} "
              f"{p50:>8.1f} {p95:>8.1f} {max(ts):>8.1f}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="build the data even if present")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of the mix")
    parser.add_argument("--show", action="store_true", help="print each query of the 1st round")
    parser.add_argument("--sample", type=int, help="count and facet at most this many matches "
                        "(default: bukve.catalog.search.SAMPLE)")  # fmt: skip
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point to PostgreSQL")
    _database_create(url)
    _django_setup()
    from django.conf import settings
    from django.core.management import call_command

    from bukve.catalog.models import Record

    call_command("migrate", verbosity=0)
    present = Record.objects.filter(library__code="maribor").count()
    if args.rebuild or present != args.records:
        build(args.records, args.seed)
    else:
        print(f"reusing the {present:,} records in the database (--rebuild to build again)")
    from django.db import connection

    with connection.cursor() as cur:  # as autovacuum leaves them, after the import benchmark
        cur.execute("VACUUM ANALYZE catalog_record")
        cur.execute("VACUUM ANALYZE catalog_item")
    settings.DEBUG = args.show  # the query log, to count each search's queries
    if args.sample:
        from bukve.catalog import search

        search.SAMPLE = args.sample
    measure(args.records, args.seed, args.rounds, args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
