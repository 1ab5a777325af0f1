"""A day written by hand (a command's argument, a scenario's field): strictly YYYY-MM-DD and
a year that can be real. Plain Python, so that the command line starts without Django."""

from __future__ import annotations

import re
from datetime import date

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def parse_day(value: object) -> date:
    """`value` as a day: a date, or text as YYYY-MM-DD (not "2026-1-5", not a week date),
    from FIRST_DAY to LAST_DAY. Raises ValueError with a message saying what is wrong."""
    day = value if isinstance(value, date) else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{day} is not between {FIRST_DAY} and {LAST_DAY}")
    return day
