"""Benchmark of the daily run on a large library (not a test; see bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bukve_bench \\
        .venv/bin/python bench/daily_run.py [--loans 1000000] [--rebuild] [--repeat 3]

It builds one library (the Maribor preset) with N active loans, 10% of them overdue, in the
state the daily run would have left it in after running every day up to yesterday, then
times one daily run of "today" and rolls it back, so the benchmark can be repeated on the
same data. The data is built once per N: a later call with the same --loans reuses it.

The run is timed plainly (--repeat times, the first one reported) and then once more under
tracemalloc for the peak of Python allocations: tracemalloc slows Python down, so that run's
wall time is not the one reported as the run's speed. Every run is rolled back.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bukve_bench"
OVERDUE_SHARE = 0.10
OVERDUE_DAYS = 60  # overdue loans fell due over the past ~60 days
FUTURE_DAYS = 21  # the other loans fall due in the next 0-21 days
CREDIT_SHARE = 0.01  # members without debts who left a credit at the desk
SEED = 20261121

# Members: (category, share, age range in years). Children under 15 may have a guardian.
CATEGORIES = [
    ("adult", 0.62, (27, 64)),
    ("pensioner", 0.12, (65, 90)),
    ("child", 0.14, (5, 14)),
    ("pupil", 0.06, (15, 18)),
    ("student", 0.06, (19, 26)),
]
# Materials of the copies: (material, share).
MATERIALS = [
    ("book", 0.78),
    ("magazine", 0.05),
    ("dvd", 0.05),
    ("audio", 0.03),
    ("music_cd", 0.03),
    ("video", 0.02),
    ("map", 0.01),
    ("toy", 0.01),
    ("cdrom", 0.01),
    ("reading_device", 0.01),
]
BRANCHES = [("main", 0.95), ("bibliobus", 0.05)]
BULK_TABLES = ["members_member", "catalog_record", "catalog_item", "circulation_loan",
               "notices_notice", "notices_notice_loans", "accounts_charge", "accounts_payment",
               "circulation_reservation", "circulation_dailyrun"]  # fmt: skip


# --- setting up ------------------------------------------------------------------------------


def _database_create(url: str) -> None:
    """Create the benchmark database when it does not exist (connecting to `postgres`)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"created database {name}")


def _django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bukve.settings"
    os.environ["BUKVE_DEBUG"] = "true"
    import django
    from django.conf import settings

    django.setup()
    # Debug mode is only there for the development secret key. Turn off its query log: it
    # keeps the text of up to 9000 queries, which would be measured as the run's memory.
    settings.DEBUG = False


def _pick(rng: random.Random, choices: Sequence[tuple[str, float]], n: int) -> list[int]:
    """n indexes into `choices`, drawn by their shares."""
    return rng.choices(range(len(choices)), weights=[share for _, share in choices], k=n)


def _open_days(calendar: Any, first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if calendar.is_open(day):
            days.append(day)
        day += timedelta(days=1)
    return days


# --- building the library --------------------------------------------------------------------


class Copier:
    """Bulk loading with COPY: the tables' secondary indexes and constraints are dropped
    first and created again at the end, which is several times faster than keeping them
    up to date row by row."""

    def __init__(self, cursor: Any, tables: list[str]) -> None:
        self.cursor = cursor
        self.tables = tables
        self.restore: list[str] = []

    def drop_indexes(self) -> None:
        cur = self.cursor
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype IN ('u', 'f') AND conrelid::regclass::text = ANY(%s)",
            [self.tables],
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE contype IN ('p', 'u'))",
            [self.tables],
        )
        indexes = cur.fetchall()
        for table, name, _ in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        # Unique constraints before the foreign keys that may need them.
        self.restore = [definition for _, definition in indexes] + [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in sorted(constraints, key=lambda c: "FOREIGN" in c[2])
        ]

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if count:
            self.cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        return count

    def restore_indexes(self) -> None:
        for statement in self.restore:
            self.cursor.execute(statement)


def build(n_loans: int, today: date, seed: int) -> None:
    """Build the library in one transaction: all of it, or nothing."""
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, transaction

    from bukve.circulation.models import DailyRun, Loan, Reservation
    from bukve.folding import fold
    from bukve.libraries.models import Branch
    from bukve.libraries.services import (
        calendar_for,
        fine_rates,
        library_load,
        policy_for,
        preset_read,
    )
    from bukve.rules import fines, notices

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    rng = random.Random(seed)
    last_run = today - timedelta(days=1)
    models = [m for m in apps.get_models(include_auto_created=True)
              if m.__module__.startswith("bukve.")]  # fmt: skip
    tables = sorted({m._meta.db_table for m in models})

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")  # faster index builds
        cur.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        copier = Copier(cur, BULK_TABLES)
        copier.drop_indexes()
        library = library_load(policy=preset_read("maribor"))
        # Check the library's rows now: a table with pending checks cannot be altered.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        policy = policy_for(library, today)
        branch_rows = {b.code: b for b in Branch.objects.filter(library=library)}
        branches = [branch_rows[code] for code, _ in BRANCHES]
        calendars = [calendar_for(b) for b in branches]
        profiles = [policy.profiles[b.profile] for b in branches]
        ladders = [[policy.ladder_for(b.code, m) for m, _ in MATERIALS] for b in branches]
        loan_days = [[p.loan_days.get(m) for m, _ in MATERIALS] for p in profiles]
        rates = [[fine_rates(library, b.profile, m) for m, _ in MATERIALS] for b in branches]
        overdue_days = [_open_days(c, today - timedelta(days=OVERDUE_DAYS), last_run)
                        for c in calendars]  # fmt: skip
        # Loans not overdue fall due in the next 0-21 days, within their loan period.
        due_days = [[_open_days(c, today, today + timedelta(days=min(FUTURE_DAYS, days - 1)))
                     for days in loan_days[b]] for b, c in enumerate(calendars)]  # fmt: skip
        lib = library.pk
        rnd = rng.random

        # Members: about four loans each.
        n_members = max(1, n_loans // 4)
        member_category = _pick(rng, [(c, s) for c, s, _ in CATEGORIES], n_members)
        member_born: list[date] = []
        for index in member_category:
            low, high = CATEGORIES[index][2]
            member_born.append(today - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300)))
        adults = [i + 1 for i, c in enumerate(member_category) if CATEGORIES[c][0] == "adult"]
        member_guardian = [
            rng.choice(adults) if CATEGORIES[c][0] == "child" and adults and rng.random() < 0.8
            else None
            for c in member_category
        ]  # fmt: skip
        guardian_age = policy.guardian_age

        # Copies: one per loan, plus the copies on the hold shelf.
        n_holds = max(10, n_loans // 2000)
        n_records = max(1, n_loans // 2)
        item_branch = bytes(_pick(rng, BRANCHES, n_loans + n_holds))
        item_material = bytes(_pick(rng, MATERIALS, n_loans + n_holds))
        item_record = array("i", (1 + int(rnd() * n_records) for _ in range(n_loans + n_holds)))
        prices = [Decimal(cents) / 100 for cents in range(800, 4500, 10)]

        # Loans: what the daily runs up to yesterday did to each loan (notices, fees, fines,
        # hand-overs) follows from its branch, material and due date, so walk the ladder once
        # for each of those.
        loan_member = array("i", (1 + int(rnd() * n_members) for _ in range(n_loans)))
        notice_groups: dict[tuple[int, int, bool, date], list[int]] = {}
        fine_charges: list[tuple[int, int, date, date, Any]] = []  # loan, member, from, to, fine
        in_collection: dict[int, date] = {}
        walks: dict[tuple[int, int, date], tuple[Any, ...]] = {}

        def walk(b: int, m: int, due: date) -> tuple[Any, ...]:
            """(steps done, last notice, next notice, handed over, fine closed, the steps
            issued as (level, collection, day, fine or None)) of a loan due on `due`."""
            if (b, m, due) not in walks:
                done, last, handed_over, fine_closed = 0, None, None, False
                issued = []
                step = notices.next_step(ladders[b][m], due, done, last)
                while step is not None and step.date <= last_run:
                    fine = None
                    if step.step.collection:
                        handed_over = step.date
                    elif profiles[b].fines.stop_at_level == step.step.level:
                        fine = fines.fine(due, step.date, profiles[b].fines, calendars[b],
                                          rates[b][m])  # fmt: skip
                        fine_closed = True
                    issued.append((step.step.level, step.step.collection, step.date, fine))
                    done, last = done + 1, step.date
                    step = notices.next_step(ladders[b][m], due, done, last)
                walks[b, m, due] = (done, last, step.date if step else None, handed_over,
                                    fine_closed, issued)  # fmt: skip
            return walks[b, m, due]

        def loan_rows() -> Iterator[tuple[Any, ...]]:
            for i in range(n_loans):
                loan_id = i + 1
                b, m, member = item_branch[i], item_material[i], loan_member[i]
                days = overdue_days[b] if rnd() < OVERDUE_SHARE else due_days[b][m]
                due = days[int(rnd() * len(days))]
                done, last, next_date, handed_over, fine_closed, issued = walk(b, m, due)
                for level, collection, day, fine in issued:
                    notice_groups.setdefault((member, level, collection, day), []).append(loan_id)
                    if collection:
                        in_collection[member] = min(in_collection.get(member, day), day)
                    if fine is not None:
                        fine_charges.append((loan_id, member, due, day, fine))
                yield (loan_id, lib, member, loan_id, branches[b].pk,
                       due - timedelta(days=loan_days[b][m]), due, False, 0, Loan.OUT, None,
                       done, last, next_date, fine_closed, handed_over)  # fmt: skip

        counts: dict[str, int] = {}
        counts["records"] = copier.copy(
            "catalog_record", ["id", "library_id", "key", "title", "author", "text_folded"],
            ((r, lib, f"R{r:08d}", f"Naslov {r}", f"Avtor {r % 9973}",
              fold(f"Naslov {r} Avtor {r % 9973}")) for r in range(1, n_records + 1)),
        )  # fmt: skip
        counts["items"] = copier.copy(
            "catalog_item",
            ["id", "library_id", "record_id", "barcode", "material", "branch_id", "parts",
             "not_for_loan", "price", "status"],
            ((i + 1, lib, item_record[i], f"{i + 1:010d}", MATERIALS[item_material[i]][0],
              branches[item_branch[i]].pk, 1, False, prices[int(rnd() * len(prices))],
              "loan" if i < n_loans else "held")
             for i in range(n_loans + n_holds)),
        )  # fmt: skip
        counts["loans"] = copier.copy(
            "circulation_loan",
            ["id", "library_id", "member_id", "item_id", "branch_id", "checkout_date",
             "due_date", "due_set_by_hand", "renewals", "status", "closed_date", "notice_level",
             "last_notice_date", "next_notice_date", "fine_closed", "handed_over_date"],
            loan_rows(),
        )  # fmt: skip

        # Notices of past days (one per member, level and day) and their fees.
        notice_rows, link_rows, charge_rows = [], [], []
        per_day: dict[date, list[int]] = {}
        exempt = policy.fine_exempt_categories
        fee_of = {(s.level, s.collection): s.fee for s in ladders[0][0].steps}
        for notice_id, ((member, level, collection, day), loan_ids) in enumerate(
            sorted(notice_groups.items(), key=lambda g: (g[0][3], g[0][0], g[0][1])), start=1
        ):
            born, guardian = member_born[member - 1], member_guardian[member - 1]
            to = notices.addressee(member, born, guardian, day, guardian_age)
            notice_rows.append((notice_id, lib, member, to, level, collection, day, False))
            link_rows.extend((notice_id, loan_id) for loan_id in loan_ids)
            counts_day = per_day.setdefault(day, [0, 0])
            counts_day[0] += 1
            fee = fee_of[(level, collection)]
            category = CATEGORIES[member_category[member - 1]][0]
            if fee > 0 and category not in exempt:
                charge_rows.append((lib, member, day, "collection" if collection else "notice",
                                    fee, None, None, notice_id,
                                    None if collection else level, None, None))  # fmt: skip
                counts_day[1] += 1
        for loan_id, member, due, day, fine in fine_charges:
            per_day.setdefault(day, [0, 0])[1] += 1
            if fine.amount > 0 and CATEGORIES[member_category[member - 1]][0] not in exempt:
                charge_rows.append((lib, member, day, "fine", fine.amount, loan_id, loan_id,
                                    None, None, fine.units, due))  # fmt: skip
        charge_rows.sort(key=lambda c: (c[2], c[1]))
        counts["notices"] = copier.copy(
            "notices_notice",
            ["id", "library_id", "member_id", "addressee_id", "level", "collection", "date",
             "registered_mail"],
            notice_rows,
        )  # fmt: skip
        copier.copy(
            "notices_notice_loans",
            ["id", "notice_id", "loan_id"],
            ((i, n, loan) for i, (n, loan) in enumerate(link_rows, start=1)),
        )
        counts["charges"] = copier.copy(
            "accounts_charge",
            ["id", "library_id", "member_id", "date", "kind", "amount", "open_amount",
             "loan_id", "item_id", "notice_id", "level", "units", "stretch_from", "note",
             "created_at", "price_code", "idempotency_key"],
            ((i, lib, m, d, kind, amount, amount, loan, item, notice, level, units, start, "",
              f"{d.isoformat()} 03:00+01", "", "")
             for i, (lib, m, d, kind, amount, loan, item, notice, level, units, start)
             in enumerate(charge_rows, start=1)),
        )  # fmt: skip
        owing = {c[1] for c in charge_rows}
        for done_with in (notice_rows, link_rows, notice_groups, fine_charges):
            done_with.clear()

        counts["members"] = copier.copy(
            "members_member",
            ["id", "library_id", "card_number", "first_name", "last_name", "name_folded", "born",
             "category", "guardian_id", "expires", "restricted", "in_collection_since",
             "language", "email", "phone", "notify_by", "password", "address", "birth_place",
             "education", "education_consent", "contact_person", "end_reason", "age_group",
             "session_version"],
            ((i + 1, lib, f"{i + 1:08d}", f"Ime{i % 997}", f"Priimek{i % 4999}",
              fold(f"Ime{i % 997} Priimek{i % 4999}"), member_born[i],
              CATEGORIES[member_category[i]][0], member_guardian[i],
              today + timedelta(days=rng.randint(1, 365)), False, in_collection.get(i + 1),
              "sl", f"clan{i + 1}@example.si", "", "email", "", "", "", "", False, "", "", "", 0)
             for i in range(n_members)),
        )  # fmt: skip
        # A credit left at the desk by members who owe nothing; it settles their next debts.
        counts["payments"] = copier.copy(
            "accounts_payment",
            ["id", "library_id", "member_id", "date", "amount", "unallocated", "method",
             "created_at", "note", "receipt_number", "idempotency_key"],
            ((i, lib, member, today - timedelta(days=30), amount, amount, "cash",
              f"{(today - timedelta(days=30)).isoformat()} 10:00+01", "", f"2026-{i:06d}", "")
             for i, (member, amount) in enumerate(
                 ((m, Decimal(rng.randint(1, 10))) for m in range(1, n_members + 1)
                  if m not in owing and rng.random() < CREDIT_SHARE), start=1)),
        )  # fmt: skip

        # Copies on the hold shelf, some with members waiting for the same title after them.
        holds, waiting = [], []
        for i in range(n_loans, n_loans + n_holds):
            b = item_branch[i]
            while True:
                held = rng.choice(_open_days(calendars[b], today - timedelta(days=12), last_run))
                expires = calendars[b].nth_open_day_after(held, policy.hold_pickup_open_days)
                if expires >= today:  # an older hold expired in an earlier run
                    break
            placed = held - timedelta(days=rng.randint(0, 40))
            holds.append((lib, rng.randint(1, n_members), item_record[i], branches[b].pk,
                          placed, Reservation.HELD, i + 1, held, expires))  # fmt: skip
            if rng.random() < 0.3:
                waiting.append((lib, rng.randint(1, n_members), item_record[i], branches[b].pk,
                                placed + timedelta(days=1), Reservation.WAITING, None, None,
                                None))  # fmt: skip
        counts["reservations"] = copier.copy(
            "circulation_reservation",
            ["id", "library_id", "member_id", "record_id", "pickup_branch_id", "placed_date",
             "status", "item_id", "held_date", "hold_expires", "closed_date"],
            ((i, *row, None) for i, row in enumerate(holds + waiting, start=1)),
        )  # fmt: skip

        # The daily runs of past days, the last one yesterday.
        first = min([*per_day, last_run])
        copier.copy(
            "circulation_dailyrun",
            ["id", "library_id", "date", "finished_at", "notices", "charges", "holds_expired"],
            ((i, lib, first + timedelta(days=i - 1), f"{first + timedelta(days=i)} 03:00+01",
              *per_day.get(first + timedelta(days=i - 1), [0, 0]), 0)
             for i in range(1, (last_run - first).days + 2)),
        )  # fmt: skip
        copied = time.perf_counter()
        copier.restore_indexes()
        assert DailyRun.objects.filter(library=library).latest("date").date == last_run
    indexed = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # statistics for the planner, hint bits, visibility map
    done = time.perf_counter()
    print(", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(f"built {n_loans:,} loans in {done - started:.1f} s: generated and copied in "
          f"{copied - started:.1f} s, indexes and constraints {indexed - copied:.1f} s, "
          f"vacuum {done - indexed:.1f} s")  # fmt: skip


# --- measuring -------------------------------------------------------------------------------


def _existing() -> tuple[int, date | None]:
    """(active loans, the day to run) of the data in the database; (0, None) if none."""
    from bukve.circulation.models import DailyRun, Loan
    from bukve.libraries.models import Library

    library = Library.objects.filter(code="maribor").first()
    last = DailyRun.objects.filter(library=library).order_by("-date").first()
    if library is None or last is None:
        return 0, None
    return Loan.objects.filter(library=library, status=Loan.OUT).count(), last.date + timedelta(1)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs
    on this machine (read from /proc), else None."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _run_rolled_back(library: Any, day: date) -> dict[str, Any]:
    """One daily run in a transaction that is rolled back: the run, its wall time, the CPU
    time of this process and of the database backend, and its queries. The deferred
    constraint checks, which PostgreSQL makes at commit, are made before the clock stops,
    so only the commit itself is left out."""
    from django.db import connection, transaction

    from bukve.circulation.daily import daily_run_day

    counter = QueryCounter()
    with transaction.atomic():
        server = _server_cpu()
        with connection.execute_wrapper(counter):
            cpu = time.process_time()
            started = time.perf_counter()
            run = daily_run_day(library=library, day=day)
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
        server_after = _server_cpu()
        transaction.set_rollback(True)
    assert run is not None, f"{day} was already run"
    return {"run": run, "seconds": seconds, "cpu": cpu, "queries": counter.count,
            "server_cpu": None if server is None or server_after is None
            else server_after - server}  # fmt: skip


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(repeat: int) -> None:
    """Time the daily run of the day after the last run, rolled back each time."""
    from bukve.circulation.models import DailyRun, Loan, Reservation
    from bukve.libraries.models import Library

    library = Library.objects.get(code="maribor")
    day = DailyRun.objects.filter(library=library).latest("date").date + timedelta(days=1)
    out = Loan.objects.filter(library=library, status=Loan.OUT)
    n_loans = out.count()
    touched = out.filter(next_notice_date__lte=day).count()
    holds = Reservation.objects.filter(library=library, status=Reservation.HELD,
                                       hold_expires__lte=day).count()  # fmt: skip
    gc.collect()
    rss_before = _rss_mib()

    timings = [_run_rolled_back(library, day) for _ in range(repeat)]
    first = timings[0]
    run, seconds = first["run"], first["seconds"]
    rss_run = _rss_mib()

    tracemalloc.start()
    traced = _run_rolled_back(library, day)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert (traced["run"].notices, traced["run"].charges) == (run.notices, run.charges)

    cpu = f"CPU: this process {first['cpu']:.2f} s"
    if first["server_cpu"] is not None:
        cpu += f", PostgreSQL backend {first['server_cpu']:.2f} s"
    print(f"day run               {day} (rolled back)")
    print(f"loans in the library  {n_loans:,}")
    print(f"loans touched         {touched:,} (a notice falls due)")
    print(f"notices               {run.notices:,}")
    print(f"charges               {run.charges:,}")
    print(f"holds expired         {run.holds_expired:,} of {holds:,} due")
    print(f"queries               {first['queries']:,}")
    print(f"seconds               {seconds:.2f} ({cpu})")
    if repeat > 1:
        print("seconds, each run     " + ", ".join(f"{t['seconds']:.2f}" for t in timings))
    print(f"loans per second      {n_loans / seconds:,.0f}")
    print(f"peak memory (Python)  {peak / 2**20:.1f} MiB tracemalloc peak "
          f"(in a traced run, {traced['seconds']:.2f} s)")  # fmt: skip
    print(f"peak memory (process) {rss_run:.1f} MiB max RSS, {rss_run - rss_before:+.1f} MiB "
          f"during the run")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loans", type=int, default=1_000_000, help="active loans")
    parser.add_argument("--rebuild", action="store_true", help="build the data even if present")
    parser.add_argument("--day", type=date.fromisoformat, default=None,
                        help="the day to run when building (default today); the data ends "
                             "with the daily run of the day before")  # fmt: skip
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the run this many times (each rolled back)")  # fmt: skip
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must point to PostgreSQL")

    if args.build_only:
        _django_setup()
        from django.utils import timezone

        build(args.loans, args.day or timezone.localdate(), args.seed)
        return 0

    _database_create(url)
    _django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    loans, day = _existing()
    if args.rebuild or loans != args.loans or (args.day and args.day != day):
        # Built in a child process, so that this one's peak memory is the daily run's.
        command = [sys.executable, __file__, "--build-only", "--loans", str(args.loans),
                   "--seed", str(args.seed)]  # fmt: skip
        if args.day:
            command += ["--day", args.day.isoformat()]
        subprocess.run(command, check=True)
    else:
        print(f"reusing the {loans:,} loans in the database (--rebuild to build again)")
    measure(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
