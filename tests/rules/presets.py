"""The four library presets as policies, and hypothesis strategies shared by the rules tests.

Plain helpers (no fixtures), so that hypothesis tests can use them too. Nothing here touches
Django or a database.
"""

from __future__ import annotations

import copy
import tomllib
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from bukve.rules.calendar import BranchCalendar, Closure
from bukve.rules.fines import Rates
from bukve.rules.policy import Policy
from bukve.rules.policy_file import policy_from_dict

PRESETS = Path(__file__).resolve().parents[2] / "bukve" / "presets"
LIBRARIES = ("maribor", "velenje", "tolmin", "ravne")


def preset_data(library: str) -> dict[str, Any]:
    """A fresh copy of the parsed preset file, safe to mutate."""
    return copy.deepcopy(_raw(library))


@cache
def _raw(library: str) -> dict[str, Any]:
    with open(PRESETS / f"{library}.toml", "rb") as f:
        return tomllib.load(f)


@cache
def preset(library: str) -> Policy:
    return policy_from_dict(preset_data(library))


def calendar(library: str, branch: str, *closures: tuple[date, date]) -> BranchCalendar:
    """The preset branch's calendar, with extraordinary closures added."""
    base = preset(library).branch(branch).calendar
    return BranchCalendar(
        weekdays=base.weekdays,
        seasons=base.seasons,
        closures=tuple(Closure(start, end) for start, end in closures),
    )


def rates(library: str, branch: str, material: str) -> Rates:
    """The preset's fine rate of a material as a one-entry dated price list."""
    policy = preset(library)
    return [(policy.valid_from, policy.profile_of(branch).fines.rates.get(material))]


# Every (library, branch) of the presets.
BRANCHES = tuple(
    (library, branch.id) for library in LIBRARIES for branch in preset(library).branches
)

# --- hypothesis strategies -------------------------------------------------------------------

days_in_range = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def closures(draw: st.DrawFn) -> tuple[tuple[date, date], ...]:
    """A few extraordinary closures of up to two weeks each."""
    result = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(days_in_range)
        result.append((start, start + timedelta(days=draw(st.integers(0, 13)))))
    return tuple(result)


@st.composite
def branch_calendars(draw: st.DrawFn) -> tuple[str, str, BranchCalendar]:
    """A preset branch with its calendar and some random closures."""
    library, branch = draw(st.sampled_from(BRANCHES))
    return library, branch, calendar(library, branch, *draw(closures()))


cents = st.integers(min_value=0, max_value=500).map(lambda c: Decimal(c) / 100)


@st.composite
def dated_rates(draw: st.DrawFn) -> list[tuple[date, Decimal]]:
    """One to three price lists, in date order, with distinct start dates."""
    starts = sorted(draw(st.sets(days_in_range, min_size=1, max_size=3)))
    return [(start, draw(cents)) for start in starts]
