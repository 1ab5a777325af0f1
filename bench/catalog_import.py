"""Benchmark of the catalogue import (not a test; see bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bukve_bench_catalog \\
        .venv/bin/python bench/catalog_import.py [--records 100000] [--sqlite]

It writes N made-up MARC 21 records (bench/catalog_data.py: Slovenian titles, authors,
subjects, ISBNs, 1-3 copies each in Koha 952 fields) into a file once (var/bench/), then
times `catalog_import` of that file into an empty catalogue (every record and copy new) and
a second import of the same file (every record and copy matched and updated), on
PostgreSQL and, with --sqlite, on a new SQLite file too. It prints records per second, the
time and the peak memory (max RSS) of each import. Each import runs in a child process of
its own, so that its max RSS is its own.

On PostgreSQL the records go to the Velenje library (the preset, plus the branches the
file names), whose catalogue is emptied first; the other libraries of the database (the
search benchmark's Maribor, say) are left alone, so their records are in the indexes the
import writes to, as they would be in a real database.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool
from pathlib import Path

from catalog_data import BRANCHES, SEED, descriptions
from daily_run import _database_create, _django_setup

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bukve_bench_catalog"
VAR = Path(__file__).resolve().parent.parent / "var" / "bench"
CHUNK = 5_000
LIBRARY = "velenje"


def _marc_chunk(job: tuple[int, int, int]) -> bytes:
    from bukve.catalog.marc_write import marc21_record  # in the worker, after Django's setup

    first, count, seed = job
    return b"".join(marc21_record(d).as_marc() for d in descriptions(first, count, seed))


def write_file(path: Path, n: int, seed: int) -> None:
    """The N records as ISO 2709 (UTF-8), made by two processes, written in order."""
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    jobs = [(first, min(CHUNK, n - first + 1), seed) for first in range(1, n + 1, CHUNK)]
    partial = path.with_suffix(".part")
    with Pool(2) as pool, partial.open("wb") as out:
        for chunk in pool.imap(_marc_chunk, jobs):
            out.write(chunk)
    partial.rename(path)
    size = path.stat().st_size
    print(f"wrote {n:,} records ({size / 2**20:.1f} MiB) to {path} in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def _library() -> object:
    """The Velenje library with the branches the file names, its catalogue emptied (in SQL:
    Django's delete() would load every row, and the memory measured is the import's)."""
    from django.db import connection, transaction

    from bukve.libraries.models import Branch
    from bukve.libraries.services import library_load, preset_read

    with transaction.atomic(), connection.cursor() as cur:
        library = library_load(policy=preset_read(LIBRARY))
        for code in BRANCHES:
            Branch.objects.get_or_create(library=library, code=code, defaults={"name": code})
        for table in ("circulation_reservation", "circulation_loan", "catalog_item",
                      "catalog_record"):  # fmt: skip
            cur.execute(f"DELETE FROM {table} WHERE library_id = %s", [library.pk])
    return library


def run_import(path: Path, empty: bool) -> dict[str, float | int]:
    """One import of the file, timed (in this process, a child of main)."""
    from django.db import connection

    from bukve.catalog.imports import catalog_import
    from bukve.catalog.models import Item, Record
    from bukve.libraries.models import Library

    library = _library() if empty else Library.objects.get(code=LIBRARY)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE catalog_record")
            cur.execute("VACUUM ANALYZE catalog_item")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cpu, started = time.process_time(), time.perf_counter()
    with path.open("rb") as stream:
        report = catalog_import(library=library, stream=stream, fmt="marc21")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert not report.rejected, report.rejected[:3]
    return {"seconds": seconds, "cpu": cpu, "read": report.read, "created": report.created,
            "updated": report.updated, "copies_created": report.copies_created,
            "copies_updated": report.copies_updated, "rss": rss, "rss_before": rss_before,
            "records": Record.objects.filter(library=library).count(),
            "items": Item.objects.filter(library=library).count()}  # fmt: skip


def _child(path: Path, url: str, empty: bool) -> dict[str, float | int]:
    command = [sys.executable, __file__, "--child", str(path)]
    if empty:
        command.append("--empty")
    done = subprocess.run(command, check=True, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url})  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print(engine: str, which: str, r: dict[str, float | int]) -> None:
    print(f"{engine:<10} {which:<18} {r['seconds']:7.1f} s  {r['read'] / r['seconds']:7,.0f} "
          f"records/s  CPU (this process) {r['cpu']:6.1f} s  max RSS {r['rss']:5.0f} MiB "
          f"({r['rss'] - r['rss_before']:+.0f} during the import)  records {r['created']:,} "
          f"new {r['updated']:,} updated, copies {r['copies_created']:,} new "
          f"{r['copies_updated']:,} updated")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--sqlite", action="store_true", help="time SQLite too")
    parser.add_argument("--no-postgres", action="store_true", help="time SQLite only")
    parser.add_argument("--file", type=Path, help="the MARC file (default var/bench/...)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--empty", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        _django_setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(run_import(args.child, args.empty)))
        return 0

    path = args.file or VAR / f"catalog-{args.records}-{args.seed}.mrc"
    if not path.exists():
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bukve.settings")
        os.environ.setdefault("BUKVE_DEBUG", "true")
        import django

        django.setup()
        write_file(path, args.records, args.seed)
    else:
        print(f"reusing {path} ({path.stat().st_size / 2**20:.1f} MiB)")
    engines = []
    if not args.no_postgres:
        url = os.environ.get("DATABASE_URL", DEFAULT_URL)
        if not url.startswith(("postgres://", "postgresql://")):
            parser.error("DATABASE_URL must point to PostgreSQL (or give --no-postgres)")
        _database_create(url)
        engines.append(("PostgreSQL", url))
    if args.sqlite or args.no_postgres:
        sqlite = Path(tempfile.mkdtemp(prefix="bukve-bench-")) / "catalog.sqlite3"
        engines.append(("SQLite", f"sqlite:///{sqlite}"))
    for engine, url in engines:
        _print(engine, "first (all new)", _child(path, url, empty=True))
        _print(engine, "again (updates)", _child(path, url, empty=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
