"""Overdue fines: the stretch, its chargeable days, the amount and a day-by-day explanation.

A fine is a pure function of the loan's due date, the end of its overdue stretch, the branch
calendar and the policy (RULES.md 1, "Overdue fines"). Nothing is accrued day by day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal, get_args

from bukve.rules.calendar import BranchCalendar, Closed, days_between
from bukve.rules.policy import FineRules

Rates = Sequence[tuple[date, Decimal]]  # (valid from, rate), in date order

# Why a day of the stretch is charged or not: a stable code for machines (the API, `bukve
# simulate --explain`); the shell puts it into the reader's words.
DayCode = Literal[
    "charged",  # a chargeable day
    "tolerance",  # a tolerance (grace) day right after the due date; `number`: which one
    "sunday",  # a Sunday
    "holiday",  # a work-free holiday; `detail`: its Slovenian name
    "closure",  # an extraordinary closure of the branch; `detail`: its reason (maybe empty)
    "seasonal_schedule",  # closed on this weekday under a seasonal schedule; `detail`: its name
    "closed_weekday",  # the branch's weekly schedule has no opening on this weekday
    "not_working_day",  # open or not, not Monday to Friday where only working days are charged
    "period_starts",  # mobile library: a period starts, one unit; `number`: which; `detail`: days
    "same_period",  # mobile library: inside a period already charged; `number`: which period
]
DAY_CODES: tuple[DayCode, ...] = get_args(DayCode)


@dataclass(frozen=True)
class Day:
    date: date
    charged: bool
    why: str  # a short English tag ("tolerance", "Sunday", "holiday: božič"); words: `code`
    rate: Decimal = Decimal("0.00")
    code: DayCode = "charged"
    detail: str = ""  # the fact behind the code (see DayCode)
    number: int = 0  # the n-th tolerance day, or the period a mobile-library day belongs to


@dataclass(frozen=True)
class Fine:
    units: int  # chargeable days, or started periods on the mobile library
    amount: Decimal
    days: tuple[Day, ...]


def rate_on(rates: Rates, day: date) -> Decimal:
    """The rate of the price list valid on `day` (the oldest list before the first one)."""
    current = rates[0][1]
    for valid_from, rate in rates:
        if valid_from <= day:
            current = rate
    return current


def fine(due: date, end: date, rules: FineRules, calendar: BranchCalendar, rates: Rates) -> Fine:
    """The fine for the overdue stretch (due, end] of one loaned unit."""
    if end <= due:
        return Fine(0, Decimal("0.00"), ())
    if rules.method == "period":
        return _period_fine(due, end, rules, rates)
    # Tolmin art. 33: working days are Monday to Friday, not holidays, not closures.
    days_calendar = calendar.counting(rules.chargeable)
    tolerance_end = due + timedelta(days=rules.tolerance_days)
    days = []
    for day in days_between(due, end):
        if day <= tolerance_end:
            days.append(Day(day, False, "tolerance", code="tolerance", number=(day - due).days))
            continue
        closed = days_calendar.closed_on(day)
        if closed is None:
            days.append(Day(day, True, "charged", rate_on(rates, day)))
        else:
            code = _code(day, closed, working_days=rules.chargeable == "working_days")
            days.append(Day(day, False, closed.tag(day), code=code, detail=closed.detail))
    charged = [d for d in days if d.charged]
    return Fine(len(charged), sum((d.rate for d in charged), Decimal("0.00")), tuple(days))


def _code(day: date, closed: Closed, working_days: bool) -> DayCode:
    """The code of a day that is not charged because of the calendar."""
    if closed.code == "holiday":
        return "holiday"
    if closed.code == "closure":
        return "closure"
    if closed.code == "season":
        return "seasonal_schedule"
    if day.weekday() == 6:
        return "sunday"
    # Tolmin art. 33: a Saturday is not charged because it is no working day, even where the
    # branch is open on Saturdays.
    return "not_working_day" if working_days else "closed_weekday"


def _period_fine(due: date, end: date, rules: FineRules, rates: Rates) -> Fine:
    """One fine unit for each started period after the due date (mobile library, Tolmin art. 33)."""
    days = []
    for day in days_between(due, end):
        offset = (day - due).days - 1
        period = offset // rules.period_days + 1
        if offset % rules.period_days == 0:
            days.append(Day(day, True, f"period {period} starts", rate_on(rates, day),
                            code="period_starts", number=period,
                            detail=str(rules.period_days)))  # fmt: skip
        else:
            days.append(Day(day, False, "same period", code="same_period", number=period))
    charged = [d for d in days if d.charged]
    return Fine(len(charged), sum((d.rate for d in charged), Decimal("0.00")), tuple(days))
