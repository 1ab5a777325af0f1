"""A busy day at the desks: 24 desks lend and return at the same moment, over HTTP, on the
app served as `bukve serve` serves it (Django's threaded server, a database connection per
request, the production settings).

On SQLite every write waits its turn (WAL, a busy timeout and BEGIN IMMEDIATE in
bukve/settings.py); without them a desk got "database is locked", a server error, on 40 % of
its requests with 8 desks. The server runs in its own process on a file: a copy of the test
database, copied back afterwards so that the test reads what the desks did. On PostgreSQL the
server uses the test database itself.
"""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from bukve.api.services import api_token_create
from bukve.catalog.models import Item
from bukve.circulation.models import DailyRun, Loan
from bukve.circulation.services import loan_checkout
from bukve.libraries.models import Staff
from bukve.members.models import Member
from bukve.notices.models import Delivery, Notice

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
DESKS = 24
ROUNDS = 6
BOOKS = 30  # fewer books than two per desk: desks often want the same copy


def bukve(database_url: str, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """The `bukve` command and its environment: production mode, on this database, with
    letters written under tmp_path and e-mail given up on quickly."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BUKVE_", "DJANGO_"))}
    env.update(DATABASE_URL=database_url, BUKVE_SECRET_KEY="a-key-for-the-concurrency-test",
               BUKVE_LETTERS_DIR=str(tmp_path / "letters"), BUKVE_EMAIL_TIMEOUT="2")  # fmt: skip
    return [sys.executable, "-m", "bukve.cli"], env


@contextmanager
def served(database_url: str, tmp_path: Path):
    """`bukve serve` on a free port; yields its URL and the file of what it says on stderr
    (the tracebacks of server errors)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command, env = bukve(database_url, tmp_path)
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, f"bukve serve stopped: {log.read_text()}"
            assert time.monotonic() < deadline, "bukve serve did not start in 30 s"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield url, log
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def database_for_a_server(tmp_path: Path):
    """A URL of the test database that another process can open. SQLite's test database
    lives in memory: the server gets a copy in a file, and the copy comes back at the end."""
    if connection.vendor != "sqlite":
        s = connection.settings_dict
        password = f":{quote(s['PASSWORD'], safe='')}" if s["PASSWORD"] else ""
        yield (
            f"postgres://{quote(s['USER'], safe='')}{password}@{s['HOST'] or 'localhost'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
        return
    path = tmp_path / "bukve.sqlite3"
    # What the test wrote is committed (a transactional test): else the copy would wait forever.
    assert not connection.in_atomic_block
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as file:
        connection.connection.backup(file)
    yield f"sqlite:///{path}"
    with closing(sqlite3.connect(path)) as file:
        file.backup(connection.connection)


class Desk(threading.Thread):
    """A desk with its own API token: lend two books to its member, take them back; again."""

    def __init__(self, url: str, key: str, card: str, barcodes: list[str], seed: int):
        super().__init__(daemon=True)
        self.url, self.key, self.card, self.barcodes = url, key, card, barcodes
        self.random = random.Random(seed)
        self.answers: Counter[tuple[str, int]] = Counter()
        self.errors: list[str] = []
        self.lent: Counter[str] = Counter()

    def post(self, path: str, data: dict[str, str]) -> int:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(data).encode(),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
            method="POST",
        )
        # A connection refused or reset (the server's queue of waiting connections full) is
        # an error too: the desk would have to scan again.
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
            if status >= 500:
                self.errors.append(f"{path} {data}: {status} {error.read()[:300]!r}")
        self.answers[path, status] += 1
        return status

    def run(self) -> None:
        try:
            for _ in range(ROUNDS):
                wanted = self.random.sample(self.barcodes, 2)
                got = [
                    barcode
                    for barcode in wanted
                    if self.post("/api/checkout", {"card_number": self.card, "barcode": barcode})
                    == 200
                ]
                self.lent.update(got)
                for barcode in got:
                    assert self.post("/api/checkin", {"barcode": barcode}) == 200, barcode
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(repr(error))


def test_it_serves_24_desks_lending_and_returning_at_once(
    tmp_path, load_library, make_member, make_item
):
    # given: Tolmin with 24 desks, each with its own librarian, token and member, and 30 books
    tolmin = load_library("tolmin")
    keys = []
    for n in range(DESKS):
        staff = Staff.objects.create(user=User.objects.create_user(f"desk{n}"), library=tolmin)
        keys.append(api_token_create(staff=staff, name=f"desk {n}")[1])
        make_member(tolmin, f"T{n:04d}", email=f"t{n}@example.org")
    barcodes = [make_item(tolmin, f"B{n:03d}").barcode for n in range(BOOKS)]
    # given: four members have kept a book for two months: today's daily run sends notices
    for n in range(4):
        member = Member.objects.get(card_number=f"T{n:04d}")
        old = make_item(tolmin, f"OLD{n}")
        loan_checkout(member=member, item=old, today=timezone.localdate() - timedelta(days=60))

    # when: all desks at once, and meanwhile the daily run and the outbox worker
    with (
        database_for_a_server(tmp_path) as database_url,
        served(database_url, tmp_path) as (url, log),
    ):
        desks = [Desk(url, keys[n], f"T{n:04d}", barcodes, seed=n) for n in range(DESKS)]
        started = time.monotonic()
        for desk in desks:
            desk.start()
        command, env = bukve(database_url, tmp_path)
        daily = subprocess.run([*command, "daily"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=60)  # fmt: skip
        outbox = subprocess.run([*command, "outbox", "send"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)  # fmt: skip
        overlapped = sum(desk.is_alive() for desk in desks)
        for desk in desks:
            desk.join(timeout=120)
        seconds = time.monotonic() - started

    # then: no server error, only loans and refusals of a copy on loan elsewhere
    assert not any(desk.is_alive() for desk in desks), "a desk never finished"
    answers = sum((desk.answers for desk in desks), Counter())
    errors = [error for desk in desks for error in desk.errors]
    print(f"{DESKS} desks, {answers.total()} requests in {seconds:.1f} s, {overlapped} desks "
          f"still busy after the daily run and the outbox worker: {dict(answers)}")  # fmt: skip
    assert not errors, (
        f"{len(errors)} server errors in {answers.total()} requests; the first: {errors[0]}\n"
        f"bukve serve said: {log.read_text()[-3000:]}"
    )
    assert set(answers) <= {("/api/checkout", 200), ("/api/checkout", 409), ("/api/checkin", 200)}
    lent = sum((desk.lent for desk in desks), Counter())
    assert lent.total() >= DESKS * ROUNDS  # most desks got a book in most rounds

    # then: the database tells the same story: every loan answered, each returned
    loans = Loan.objects.filter(item__barcode__in=barcodes)
    assert Counter(loans.values_list("item__barcode", flat=True)) == lent
    assert set(loans.values_list("status", flat=True)) == {Loan.RETURNED}
    books = Item.objects.filter(barcode__in=barcodes)
    assert set(books.values_list("status", flat=True)) == {Item.SHELF}

    # then: the daily run and the outbox worker did their work while the desks were busy
    assert (daily.returncode, outbox.returncode) == (0, 0), daily.stderr + outbox.stderr
    assert DailyRun.objects.filter(library=tolmin, date=timezone.localdate()).exists()
    noticed = set(Notice.objects.values_list("member__card_number", flat=True))
    assert noticed == {"T0000", "T0001", "T0002", "T0003"}
    assert Delivery.objects.exists()  # each attempt is logged, sent or not
