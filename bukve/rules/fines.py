"""Overdue fines: the stretch, its chargeable days, the amount and a day-by-day explanation.

A fine is a pure function of the loan's due date, the end of its overdue stretch, the branch
calendar and the policy (RULES.md 1, "Overdue fines"). Nothing is accrued day by day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bukve.rules.calendar import MON_FRI, BranchCalendar, days_between
from bukve.rules.policy import FineRules

Rates = Sequence[tuple[date, Decimal]]  # (valid from, rate), in date order


@dataclass(frozen=True)
class Day:
    date: date
    charged: bool
    why: str
    rate: Decimal = Decimal("0.00")


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


def _working_days(calendar: BranchCalendar) -> BranchCalendar:
    # Tolmin art. 33: Monday to Friday that are not holidays and not closures of the branch.
    return BranchCalendar(weekdays=MON_FRI, closures=calendar.closures)


def fine(due: date, end: date, rules: FineRules, calendar: BranchCalendar, rates: Rates) -> Fine:
    """The fine for the overdue stretch (due, end] of one loaned unit."""
    if end <= due:
        return Fine(0, Decimal("0.00"), ())
    if rules.method == "period":
        return _period_fine(due, end, rules, rates)
    days_calendar = _working_days(calendar) if rules.chargeable == "working_days" else calendar
    tolerance_end = due + timedelta(days=rules.tolerance_days)
    days = []
    for day in days_between(due, end):
        if day <= tolerance_end:
            days.append(Day(day, False, "tolerance"))
            continue
        closed = days_calendar.closed_reason(day)
        if closed is None:
            days.append(Day(day, True, "charged", rate_on(rates, day)))
        else:
            days.append(Day(day, False, closed))
    charged = [d for d in days if d.charged]
    return Fine(len(charged), sum((d.rate for d in charged), Decimal("0.00")), tuple(days))


def _period_fine(due: date, end: date, rules: FineRules, rates: Rates) -> Fine:
    """One fine unit for each started period after the due date (mobile library, Tolmin art. 33)."""
    days = []
    for day in days_between(due, end):
        offset = (day - due).days - 1
        if offset % rules.period_days == 0:
            period = offset // rules.period_days + 1
            days.append(Day(day, True, f"period {period} starts", rate_on(rates, day)))
        else:
            days.append(Day(day, False, "same period"))
    charged = [d for d in days if d.charged]
    return Fine(len(charged), sum((d.rate for d in charged), Decimal("0.00")), tuple(days))
