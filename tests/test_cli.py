"""The `bukve` command line: library load/show and the daily run, as a librarian uses them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUKVE = [sys.executable, "-m", "bukve.cli"]


def bukve(*args: str, database: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BUKVE_DEBUG"}
    if database is not None:
        env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run(
        [*BUKVE, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_it_shows_a_library_with_its_assumed_values_marked():
    result = bukve("library", "show", "velenje")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # seed 003 gives the notice fees, not their timing
    assert "ladders.standard.steps.0.fee = 3.00" in lines
    assert "ladders.standard.steps.0.days = 8   [assumed: to be confirmed]" in lines
    assert "profiles.standard.fines.rates.default = 0.30" in lines


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('id = "maribor"', "id = 1", "id: expected text"),
        (
            "debt_blocks = false",
            'debt_blocks = false\nspeed = "fast"',
            "circulation.speed: unknown key",
        ),
        (
            'default = "0.10"',
            "default = 0.1",
            "profiles.standard.fines.rates.default: write amounts",
        ),
        ("tolerance_days = 3", "tolerance_days = -3", "profiles.standard.fines.tolerance_days"),
        (
            'ladders = { default = "standard" }',
            'ladders = { default = "x" }',
            "profiles.standard.ladders",
        ),
        ("weekdays = [1, 2, 3, 4, 5, 6]", "weekdays = [0]", "branches[0].weekdays"),
        ("[[branches]]", "= = =", "not valid TOML"),
    ],
)
def test_it_rejects_a_malformed_policy_naming_the_key(tmp_path, old, new, message):
    # given the Maribor preset with one mistake
    text = (ROOT / "bukve/presets/maribor.toml").read_text(encoding="utf-8")
    assert old in text
    policy = tmp_path / "maribor.toml"
    policy.write_text(text.replace(old, new, 1), encoding="utf-8")

    # when
    shown = bukve("library", "show", str(policy))
    loaded = bukve("library", "load", str(policy), database=tmp_path / "db.sqlite3")

    # then both refuse with one line naming the key
    for result in (shown, loaded):
        assert result.returncode == 2
        assert message in result.stderr
        assert len(result.stderr.splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_it_loads_every_preset_and_runs_the_daily_run_twice(tmp_path):
    database = tmp_path / "db.sqlite3"
    for preset in ("maribor", "velenje", "tolmin", "ravne"):
        result = bukve("library", "load", preset, database=database)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"loaded {preset}")

    first = bukve("daily", "--date", "2026-11-20", database=database)
    second = bukve("daily", "--date", "2026-11-20", database=database)

    assert first.returncode == 0, first.stderr
    assert "tolmin 2026-11-20: 0 notices" in first.stdout
    assert second.returncode == 0 and second.stdout == ""


def test_it_refuses_an_unknown_library_for_the_daily_run(tmp_path):
    result = bukve("daily", "--library", "ljubljana", database=tmp_path / "db.sqlite3")

    assert result.returncode == 2
    assert result.stderr.strip() == "bukve daily: unknown library 'ljubljana'"


def test_a_plain_migrate_also_makes_the_cache_table(tmp_path):
    # given: a new database
    import sqlite3

    database = tmp_path / "bukve.sqlite3"

    # when: only Django's migrate is run, as a deployment script would
    result = bukve("manage", "migrate", "--verbosity", "0", database=database)

    # then: the cache (login throttling) has its table
    assert result.returncode == 0, result.stderr
    tables = sqlite3.connect(database).execute("SELECT name FROM sqlite_master").fetchall()
    assert ("bukve_cache",) in tables


# --- bad arguments: a clear message and exit 2, never an internal error --------------------


def in_process(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """The real `bukve` command, run in this process on the test database (either one):
    run(*args) gives (exit code, stdout, stderr). What it sets in the environment is undone."""
    from bukve import cli as command

    environ = dict(os.environ)

    def run(*args: str) -> tuple[int, str, str]:
        code = command.main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "internal error" not in err, err
        return code, out, err

    yield run
    os.environ.clear()
    os.environ.update(environ)


@pytest.fixture
def cli(db, capsys):
    yield from in_process(capsys)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("daily", "--library", ""), "argument --library: must not be empty"),
        (("daily", "--date", "0001-01-01"), "argument --date: 0001-01-01 is not between"),
        (("daily", "--date", "2026-W48-1"), "argument --date: not a date (YYYY-MM-DD)"),
        (("members", "purge", "--date", "0001-01-01"), "0001-01-01 is not between 1900-01-01"),
        (("members", "purge", "--library", " "), "argument --library: must not be empty"),
        (("outbox", "send", "--limit", "-1"), "argument --limit: not a whole number from 1"),
        (("outbox", "send", "--limit", "0"), "argument --limit: not a whole number from 1"),
        (("outbox", "send", "--limit", "99999999999999999999"), "argument --limit"),
        (("ledger", "check", "--library", ""), "argument --library: must not be empty"),
        (("ledger", "takings", "--library", "velenje", "--date", "9999-12-31"), "--date"),
        (("collection", "export", "--library", ""), "argument --library: must not be empty"),
        (("token", "create", "--user", "", "--name", "x"), "argument --user: must not be empty"),
        (("token", "create", "--user", "mojca", "--name", "a\tb"), "argument --name: not a name"),
        (("token", "revoke", "\udcff"), "argument prefix: not a name"),
        (("serve", "--port", "99999"), "argument --port: not a whole number from 1 to 65535"),
        (("demo", "--port", "-1"), "argument --port"),
    ],
)
def test_it_refuses_a_bad_argument_with_exit_2(cli, args, says):
    code, out, err = cli(*args)

    assert code == 2
    assert says in err, err
    assert out == ""


def test_it_refuses_a_daily_run_of_a_day_to_come_or_before_the_rules(cli, load_library):
    # given: Maribor, whose rules start on 2026-01-01
    from django.utils import timezone

    from bukve.circulation.models import DailyRun

    load_library("maribor")
    tomorrow = timezone.localdate() + timedelta(days=1)

    # when / then: a day to come, and a day before the rules, are refused; nothing is run
    assert cli("daily", "--date", str(tomorrow)) == (
        2, "", f"bukve daily: --date {tomorrow} is in the future (today is "
               f"{timezone.localdate()})\n",
    )  # fmt: skip
    assert cli("daily", "--date", "1950-01-01") == (
        2, "", "bukve daily: --date 1950-01-01 is before the rules of maribor start "
               "(2026-01-01)\n",
    )  # fmt: skip
    assert not DailyRun.objects.exists()
    assert cli("daily", "--date", "2026-01-01")[0] == 0


def test_it_refuses_a_purge_as_on_a_day_to_come(cli, load_library):
    from django.utils import timezone

    load_library("tolmin")
    day = timezone.localdate() + timedelta(days=400)

    code, out, err = cli("members", "purge", "--date", str(day))

    assert code == 2 and out == ""
    assert err.startswith(f"bukve members purge: --date {day} is in the future")


def test_it_says_when_a_preset_cannot_be_read(cli, tmp_path):
    code, out, err = cli("library", "show", str(tmp_path))

    assert code == 2
    assert err.startswith(f"bukve library show: {tmp_path}: cannot read")
