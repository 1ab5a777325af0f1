"""The worked examples of spec/SCENARIOS.md, played through the real `bukve simulate`.

Each `NAME.yaml` in ../shared/spec/scenarios (beside the repository), and in tests/scenarios
(the project's own, computed by hand from RULES.md), comes with `NAME.expected.json`: the parts
of the report that must match exactly. Every scenario is played
twice: by the real command line in a subprocess (its own throw-away SQLite database), and
in-process on the test database, so that CI plays it on PostgreSQL too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS_DIR = (ROOT / ".." / "shared" / "spec" / "scenarios").resolve()
SCENARIOS = sorted(SCENARIOS_DIR.glob("*.yaml")) if SCENARIOS_DIR.is_dir() else []
SCENARIOS += sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
CLI_TIMEOUT = 300


def _cli_path() -> Path:
    venv = ROOT / ".venv" / "bin" / "bukve"
    return venv if venv.exists() else Path(sys.executable).parent / "bukve"


BUKVE = _cli_path()


def bukve(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the real `bukve` command as a user would: no test settings, no standard input."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [str(BUKVE), *map(str, args)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
        timeout=CLI_TIMEOUT,
    )


# --- comparing a report with the expected parts ------------------------------------------


def difference(expected: Any, actual: Any, path: str = "$") -> str | None:
    """The first place where `actual` does not hold what `expected` says, or None.

    Every key of an expected mapping must be in the actual one with an equal value (the actual
    one may have more keys); lists must have the same length and match element by element.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            if key not in actual:
                return f"{path}.{key}: missing (expected {value!r})"
            found = difference(value, actual[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected a list, got {actual!r}"
        if len(expected) != len(actual):
            return (
                f"{path}: expected {len(expected)} entries, got {len(actual)}:\n"
                f"  expected {json.dumps(expected, ensure_ascii=False)}\n"
                f"  actual   {json.dumps(actual, ensure_ascii=False)}"
            )
        for n, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = difference(e, a, f"{path}[{n}]")
            if found:
                return found
        return None
    if expected != actual or isinstance(expected, bool) != isinstance(actual, bool):
        return f"{path}: expected {expected!r}, got {actual!r}"
    return None


def assert_matches(expected: Any, actual: Any) -> None:
    found = difference(expected, actual)
    assert found is None, found


def expected_for(scenario: Path) -> dict[str, Any]:
    return json.loads(scenario.with_name(scenario.stem + ".expected.json").read_text("utf-8"))


def test_it_compares_reports_key_by_key_and_names_the_first_difference():
    expected = {"a": [{"x": 1, "y": "2.00"}], "b": True}
    assert difference(expected, {"a": [{"x": 1, "y": "2.00", "extra": 0}], "b": True}) is None
    assert difference(expected, {"a": [{"x": 1, "y": "2.50"}], "b": True}) == (
        "$.a[0].y: expected '2.00', got '2.50'"
    )
    assert difference(expected, {"a": [{"y": "2.00"}], "b": True}) == (
        "$.a[0].x: missing (expected 1)"
    )
    assert difference(expected, {"a": [], "b": True}).startswith("$.a: expected 1 entries, got 0")
    assert difference(expected, {"a": [{"x": 1, "y": "2.00"}], "b": 1}) == (
        "$.b: expected True, got 1"
    )


# --- the worked examples ------------------------------------------------------------------


def test_it_finds_the_worked_examples_beside_the_repository():
    assert SCENARIOS_DIR.is_dir(), (
        f"the worked examples are missing: no folder {SCENARIOS_DIR} "
        "(the shared/ folder must sit beside the repository)"
    )
    assert SCENARIOS, f"no *.yaml scenario in {SCENARIOS_DIR}"
    for scenario in SCENARIOS:
        assert scenario.with_name(scenario.stem + ".expected.json").is_file(), (
            f"{scenario.name} has no {scenario.stem}.expected.json beside it"
        )


class Runs:
    """`bukve simulate` for every worked example, started together on first use (each run
    sets up its own database, so they take a few seconds each and run well side by side)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
        self.runs: dict[tuple[Path, bool], Future[subprocess.CompletedProcess[str]]] = {}

    def report(self, scenario: Path, explain: bool = False) -> dict[str, Any]:
        if not self.runs:
            for s in SCENARIOS:
                for e in (False, True):
                    args = (s, "--explain") if e else (s,)
                    self.runs[s, e] = self.pool.submit(bukve, "simulate", *args)
        done = self.runs[scenario, explain].result()
        assert done.returncode == 0, (
            f"bukve simulate {scenario.name} exited {done.returncode}:\n{done.stderr}"
        )
        assert "Traceback" not in done.stderr, done.stderr
        return json.loads(done.stdout)


@pytest.fixture(scope="module")
def simulate():
    runs = Runs()
    yield runs.report
    runs.pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_it_plays_the_worked_example_on_the_command_line(scenario, simulate):
    assert_matches(expected_for(scenario), simulate(scenario))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_it_plays_the_worked_example_on_the_test_database(scenario, db):
    from bukve.simulate.runner import run
    from bukve.simulate.scenario import parse

    report = run(parse(yaml.safe_load(scenario.read_text("utf-8"))))
    assert_matches(expected_for(scenario), json.loads(json.dumps(report)))


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.stem)
def test_it_explains_every_day_of_every_fine(scenario, simulate):
    report = simulate(scenario, explain=True)
    assert_matches(expected_for(scenario), report)
    for charge in report["charges"]:
        if charge["kind"] != "fine":
            assert "explain" not in charge, charge
            continue
        where = f"fine for {charge['item']} charged {charge['date']}"
        days = charge["explain"]
        assert days, f"{where}: empty explanation"
        dates = [date.fromisoformat(d["date"]) for d in days]
        # The stretch runs from the day after the due date in force (the last one given before
        # the day of the charge) to the day of the charge, with no day left out.
        dues = [e["due"] for e in report["events"]
                if e.get("item") == charge["item"] and e["ok"] and "due" in e
                and e["date"] < charge["date"]]  # fmt: skip
        assert dues, f"{where}: no loan of {charge['item']} before it"
        assert dates[0] == date.fromisoformat(dues[-1]) + timedelta(days=1), (
            f"{where}: the explanation starts on {dates[0]}, not the day after due {dues[-1]}"
        )
        assert dates[-1] == date.fromisoformat(charge["date"]), (
            f"{where}: the explanation ends on {dates[-1]}"
        )
        assert dates == [dates[0] + timedelta(days=n) for n in range(len(dates))], (
            f"{where}: the explanation skips or repeats a day: {[str(d) for d in dates]}"
        )
        for day in days:
            assert isinstance(day["charged"], bool), f"{where}: {day}"
            assert isinstance(day["why"], str) and day["why"], f"{where}: no reason: {day}"
        charged = sum(day["charged"] for day in days)
        assert charged == charge["days"], (
            f"{where}: {charged} days marked charged, but the fine is for {charge['days']}"
        )


def test_it_has_something_to_explain_in_the_worked_examples(simulate):
    fines = [c for s in SCENARIOS for c in simulate(s, explain=True)["charges"]
             if c["kind"] == "fine"]  # fmt: skip
    assert fines, "no worked example charges a fine, so --explain went untested"
    reasons = {day["why"] for fine in fines for day in fine["explain"] if not day["charged"]}
    assert {"tolerance", "Sunday"} <= reasons, reasons
    assert any(r.startswith("holiday: ") for r in reasons), reasons


# --- bad input ----------------------------------------------------------------------------

GOOD = """\
library: maribor
members:
  ana: {category: adult, born: 1985-03-02}
items:
  b1: {material: book}
events:
  - {date: 2026-11-02, do: checkout, member: ana, item: b1}
  - {date: 2026-12-01, do: return, item: b1}
run_until: 2026-12-31
"""


def paying(amount: str) -> str:
    """GOOD with Ana paying `amount` (as written in YAML) on 1 December."""
    event = f"  - {{date: 2026-12-01, do: pay, member: ana, amount: {amount}}}\n"
    return GOOD.replace("run_until:", event + "run_until:")


MALFORMED = [  # (what is wrong, the scenario, what the one line on stderr must name)
    pytest.param(
        GOOD.replace("library: maribor", "library: ljubljana"),
        "unknown library 'ljubljana'",
        id="unknown_library",
    ),
    pytest.param(
        GOOD.replace("member: ana, item", "member: bor, item"),
        "unknown member 'bor'",
        id="unknown_member",
    ),
    pytest.param(
        GOOD.replace("item: b1}\n  - {date: 2026-12-01", "item: b9}\n  - {date: 2026-12-01"),
        "unknown item 'b9'",
        id="unknown_item",
    ),
    pytest.param(
        GOOD.replace("2026-12-01", "2026-02-30"),
        "2026-02-30",
        id="impossible_date",
    ),
    pytest.param(
        GOOD.replace("2026-12-01", '"2026-02-30"'), "2026-02-30", id="impossible_quoted_date"
    ),
    pytest.param(
        GOOD.replace("2026-12-01", "2026-10-01"), "out of order", id="events_out_of_order"
    ),
    pytest.param(
        "library: maribor\nevents: [{date: 2026-11-02, do: checkout\n  - ]: :\n",
        "not valid YAML",
        id="not_yaml",
    ),
    pytest.param("just a sentence, not a scenario\n", "mapping", id="not_a_mapping"),
    # Values of the wrong kind, out of bounds, or numbers no one writes for money.
    pytest.param(
        GOOD.replace("library: maribor", "library: [x]"),
        "library: unknown library",
        id="library_a_list",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("library: maribor", "library: {a: 1}"),
        "library: unknown library",
        id="library_a_mapping",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("checkout, member", "[checkout], member"), "events[0].do", id="event_a_list"
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("{material: book}", "{material: book, parts: 1e30}"),
        "items.b1.parts",
        id="parts_1e30",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("{material: book}", "{material: book, parts: 1.0e+30}"),
        "items.b1.parts",
        id="parts_a_float",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("{material: book}", "{material: book, parts: 1" + "0" * 30 + "}"),
        "items.b1.parts",
        id="parts_a_huge_int",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("{material: book}", "{material: book, parts: 40000}"),
        "items.b1.parts",
        id="parts_beyond_the_column",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("{material: book}", "{material: book, price: " + "9" * 40 + "}"),
        "items.b1.price: too large",
        id="price_of_40_digits",
    ),  # fmt: skip
    pytest.param(
        paying('"1' + "0" * 39 + '"'),
        "events[2].amount: too large",
        id="amount_of_40_digits",
    ),  # fmt: skip
    pytest.param(
        paying('"1E2"'),
        "events[2].amount: not an amount",
        id="amount_with_an_exponent",
    ),  # fmt: skip
    pytest.param(
        paying('"١٢"'),
        "events[2].amount: not an amount",
        id="amount_in_arabic_indic_digits",
    ),  # fmt: skip
    pytest.param(
        paying(".nan"),
        "events[2].amount: not an amount",
        id="amount_nan",
    ),  # fmt: skip
    pytest.param(
        paying("[5]"),
        "events[2].amount: not an amount",
        id="amount_a_list",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("2026-11-02", "0001-01-01"),
        "events[0].date: 0001-01-01 is not between",
        id="date_0001_01_01",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("born: 1985-03-02", "born: 0001-01-01"),
        "members.ana.born",
        id="born_0001_01_01",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("item: b1}", "item: b1, due: 9999-12-31}", 1),
        "events[0].due: 9999-12-31 is not between",
        id="due_9999_12_31",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("run_until: 2026-12-31", "run_until: 9999-12-31"),
        "run_until",
        id="run_until_9999_12_31",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("run_until: 2026-12-31", "run_until: 2036-11-03"),
        "run_until: 2036-11-03 is more than 10 years after the first event (2026-11-02)",
        id="run_until_over_ten_years",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("born: 1985-03-02", "born: 1985-03-02, name: [1]"),
        "members.ana.name: expected text",
        id="name_a_list",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("born: 1985-03-02", 'born: 1985-03-02, name: "a\\0b"'),
        "members.ana.name: control characters",
        id="name_with_nul",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("born: 1985-03-02", "born: 1985-03-02, name: " + "x" * 101),
        "members.ana.name: longer than 100",
        id="name_too_long",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("  b1: {", "  " + "b" * 51 + ": {"),
        "items: key: longer than 50",
        id="item_id_too_long",
    ),  # fmt: skip
    pytest.param(
        GOOD.replace("born: 1985-03-02", "born: 1985-03-02, guardian: ana"),
        "members.ana.guardian: a member is not their own guardian",
        id="own_guardian",
    ),  # fmt: skip
]


def test_it_plays_the_good_scenario_that_the_bad_ones_spoil(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, "utf-8")
    done = bukve("simulate", path)
    assert done.returncode == 0, done.stderr
    assert [e["ok"] for e in json.loads(done.stdout)["events"]] == [True, True]


def assert_refused(done: subprocess.CompletedProcess[str], names: str) -> None:
    assert done.returncode != 0, f"exited 0 with:\n{done.stdout}"
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{done.stderr}"
    assert names.lower() in lines[0].lower(), f"{lines[0]!r} does not name {names!r}"
    assert done.stdout == "", f"printed a report anyway:\n{done.stdout}"


@pytest.mark.parametrize(("text", "names"), MALFORMED)
def test_it_refuses_a_malformed_scenario_in_one_line(text, names, tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(text, "utf-8")
    assert_refused(bukve("simulate", path), names)


def test_it_plays_a_scenario_of_exactly_ten_years(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(GOOD.replace("run_until: 2026-12-31", "run_until: 2036-11-02"), "utf-8")

    done = bukve("simulate", path)

    assert done.returncode == 0, done.stderr


def test_it_reads_amounts_as_people_type_them(db):
    # given: a payment typed with the decimal comma, a price with the point, one as a number
    from bukve.simulate.runner import run
    from bukve.simulate.scenario import parse

    text = paying('"1,50"').replace("{material: book}", "{material: book, price: 24.9}")
    text = text.replace("run_until:", "  - {date: 2026-12-02, do: pay, member: ana, "
                                      'amount: "2.25 €"}\nrun_until:')  # fmt: skip

    # when
    scenario = parse(yaml.load(text, Loader=yaml.SafeLoader))
    report = run(scenario)

    # then
    assert scenario.items["b1"]["price"] == Decimal("24.90")
    assert [p["amount"] for p in report["payments"]] == ["1.50", "2.25"]


def test_it_refuses_a_missing_file_in_one_line(tmp_path):
    missing = tmp_path / "no-such-scenario.yaml"
    assert_refused(bukve("simulate", missing), "no-such-scenario.yaml")


def test_it_prints_help_when_called_without_a_command():
    done = bukve()
    assert done.returncode == 0, done.stderr
    assert "usage: bukve" in done.stdout
    for command in ("simulate", "daily", "library", "demo", "serve", "manage"):
        assert command in done.stdout, f"help does not mention {command}"
    assert "Traceback" not in done.stderr
