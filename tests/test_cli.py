"""The `bukve` command line: library load/show and the daily run, as a librarian uses them."""

from __future__ import annotations

import os
import subprocess
import sys
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
