"""`bukve simulate --explain`: every day of a fine with a stable code and its reason in English
only (holiday names too), in-process on the test database and on the command line."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.circulation.fine_stories import SLOVENIAN_WORDS, TOLMIN_DAYS

from .test_worked_examples import bukve

SCENARIO = """\
library: tolmin
branch: tolmin
members:
  ana: {category: adult, born: 1985-03-02}
items:
  b1: {material: book}
  m1: {material: book}
closures:
  - {branch: tolmin, from: 2026-05-05, to: 2026-05-05, reason: popis gradiva}
events:
  - {date: 2026-04-02, do: checkout, member: ana, item: b1}
  - {date: 2026-04-02, do: checkout, member: ana, item: m1, branch: mobile}
  - {date: 2026-05-11, do: return, item: b1}
  - {date: 2026-06-20, do: return, item: m1}
run_until: 2026-06-20
"""

EXPECTED = [(day.isoformat(), code, en) for day, code, _sl, en in TOLMIN_DAYS]


def fine_days(report: dict, item: str) -> list[dict]:
    (fine,) = [c for c in report["charges"] if c["kind"] == "fine" and c["item"] == item]
    return fine["explain"]


def check(report: dict) -> None:
    days = fine_days(report, "b1")
    assert [(d["date"], d["code"], d["why"]) for d in days] == EXPECTED
    assert all(d["charged"] == (d["code"] == "charged") for d in days)
    # the mobile library: one unit for each started 35-day period (due 7 May, back 20 June)
    mobile = fine_days(report, "m1")
    starts = [(d["date"], d["why"]) for d in mobile if d["charged"]]
    assert starts == [
        ("2026-05-08", "35-day period no. 1 starts: one unit of the fine"),
        ("2026-06-12", "35-day period no. 2 starts: one unit of the fine"),
    ]
    assert {d["code"] for d in mobile if not d["charged"]} == {"same_period"}
    assert mobile[1]["why"] == "within period 1, already charged"
    reasons = " ".join(d["why"] for c in report["charges"] for d in c.get("explain", []))
    found = [w for w in SLOVENIAN_WORDS if w in reasons.replace("popis gradiva", "")]
    assert not found, found


@pytest.mark.django_db
def test_it_explains_each_day_with_a_code_and_an_english_reason_on_the_test_database():
    from bukve.simulate.runner import run
    from bukve.simulate.scenario import parse

    report = json.loads(json.dumps(run(parse(yaml.safe_load(SCENARIO)), explain=True)))

    check(report)


def test_it_explains_each_day_with_a_code_and_an_english_reason_on_the_command_line(tmp_path):
    scenario = tmp_path / "tolmin.yaml"
    scenario.write_text(SCENARIO, "utf-8")

    done = bukve("simulate", scenario, "--explain")

    assert done.returncode == 0, done.stderr
    check(json.loads(done.stdout))
