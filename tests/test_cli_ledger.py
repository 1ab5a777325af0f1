"""`bukve ledger` and `bukve collection`, as a library's accountant uses them."""

from __future__ import annotations

import pytest

from tests.test_cli import bukve, in_process

SETUP = """
from datetime import date
from decimal import Decimal
from bukve.accounts.services import payment_take
from bukve.accounts.settlement import charge_record
from bukve.libraries.models import Library
from bukve.members.models import Member
library = Library.objects.get(code="velenje")
ana = Member.objects.create(library=library, card_number="VE1", first_name="Ana",
                            last_name="Novak", category="adult",
                            in_collection_since=date(2026, 11, 1))
charge_record(member=ana, day=date(2026, 11, 20), kind="service", amount=Decimal("10.00"))
payment_take(member=ana, day=date(2026, 11, 20), amount=Decimal("4.00"), method="cash")
payment_take(member=ana, day=date(2026, 11, 20), amount=Decimal("2.50"), method="card")
"""


def test_it_checks_the_ledger_and_sums_a_days_takings(tmp_path):
    # given: Velenje, where Ana owes 10.00 and paid 4.00 in cash and 2.50 by card
    database = tmp_path / "db.sqlite3"
    assert bukve("library", "load", "velenje", database=database).returncode == 0
    shell = bukve("manage", "shell", "-c", SETUP, database=database)
    assert shell.returncode == 0, shell.stderr

    # when / then: the ledger adds up
    check = bukve("ledger", "check", database=database)
    assert check.returncode == 0, check.stderr
    assert (check.stdout, check.stderr) == ("", "ledger: all entries add up\n")

    takings = bukve("ledger", "takings", "--library", "velenje", "--date", "2026-11-20",
                    database=database)  # fmt: skip
    assert takings.returncode == 0, takings.stderr
    assert takings.stdout.splitlines() == [
        "cash\t4.00", "card\t2.50", "online\t0.00", "transfer\t0.00", "total\t6.50",
    ]  # fmt: skip

    # when: someone changes a running sum by hand
    broken = "from bukve.accounts.models import Charge; Charge.objects.update(open_amount=0)"
    assert bukve("manage", "shell", "-c", broken, database=database).returncode == 0

    # then: the check names the charge and fails
    check = bukve("ledger", "check", "--library", "velenje", database=database)
    assert check.returncode == 1
    assert check.stdout.startswith("charge ") and "entries say 3.50" in check.stdout
    assert "Traceback" not in check.stderr


def test_it_exports_the_members_in_collection(tmp_path):
    # given
    database = tmp_path / "db.sqlite3"
    assert bukve("library", "load", "velenje", database=database).returncode == 0
    assert bukve("manage", "shell", "-c", SETUP, database=database).returncode == 0
    output = tmp_path / "collection.csv"

    # when
    result = bukve("collection", "export", "--library", "velenje", "--output", str(output),
                   database=database)  # fmt: skip

    # then: a CSV Excel opens as it is, with Ana's open debt
    assert result.returncode == 0, result.stderr
    data = output.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[0].count(";") == 9
    assert lines[1] == "VE1;Ana Novak;;;2026-11-01;3,50;;;;"  # no address, no date of birth


def test_it_refuses_an_unknown_library(tmp_path):
    database = tmp_path / "db.sqlite3"
    for command in (("ledger", "check", "--library", "ljubljana"),
                    ("ledger", "takings", "--library", "ljubljana", "--date", "2026-11-20"),
                    ("collection", "export", "--library", "ljubljana")):  # fmt: skip
        result = bukve(*command, database=database)
        assert result.returncode == 2
        assert result.stderr.strip().endswith("unknown library 'ljubljana'")


@pytest.fixture
def cli(db, capsys):
    yield from in_process(capsys)


@pytest.mark.parametrize("where", ["no-such-folder/collection.csv", "."], ids=["missing", "dir"])
def test_it_says_when_the_export_cannot_be_written(cli, load_library, tmp_path, where):
    # given: Velenje; a path in a folder that does not exist, or a folder itself
    load_library("velenje")
    output = tmp_path / where

    # when
    code, out, err = cli("collection", "export", "--library", "velenje", "--output", str(output))

    # then: one clear line, and no file written
    assert code == 2 and out == ""
    assert err.startswith(f"bukve collection export: {output}: cannot write: ")
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "no-such-folder").exists()
