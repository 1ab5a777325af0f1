"""Open days of a branch: weekly schedule, seasonal schedules, holidays and closures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays as holidays_lib

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MON_FRI = frozenset(range(5))
MON_SAT = frozenset(range(6))


# The languages the holidays package names Slovenia's holidays in (as it spells them).
HOLIDAY_LANGUAGES = ("sl", "en_US")


@lru_cache(maxsize=256)
def _holidays_of_year(year: int, language: str = "sl") -> dict[date, str]:
    # Default category only: the work-free days (RULES.md 1). Names in Slovenian by default.
    return dict(holidays_lib.country_holidays("SI", years=year, language=language))


def holiday_name(day: date, language: str = "sl") -> str | None:
    """The name of the work-free holiday on `day` in `language` (one of HOLIDAY_LANGUAGES;
    Slovenian by default), or None."""
    if language not in HOLIDAY_LANGUAGES:
        raise ValueError(f"no holiday names in {language!r}")
    return _holidays_of_year(day.year, language).get(day)


@dataclass(frozen=True)
class Season:
    """A seasonal schedule (e.g. Maribor's summer) from (month, day) to (month, day), inclusive."""

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    weekdays: frozenset[int]

    def covers(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end  # a season across New Year


@dataclass(frozen=True)
class Closure:
    start: date
    end: date
    reason: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Closed:
    """Why a branch is closed on a day, as a fact for the shell to put into words.

    `code` is "holiday" (`detail`: its Slovenian name), "closure" (`detail`: the reason
    entered, maybe empty), "season" (closed on this weekday under a seasonal schedule;
    `detail`: the season's name) or "weekday" (the weekly schedule has no opening that day).
    """

    code: str
    detail: str = ""

    def tag(self, day: date) -> str:
        """A short English tag: "holiday: božič", "closure", the season's name, or the
        weekday ("Sunday")."""
        if self.code == "holiday":
            return f"holiday: {self.detail}"
        if self.code == "closure":
            return "closure"
        if self.code == "season":
            return self.detail
        return WEEKDAY_NAMES[day.weekday()]


@dataclass(frozen=True)
class BranchCalendar:
    """When a branch is open. Weekdays are 0 (Monday) to 6 (Sunday)."""

    weekdays: frozenset[int] = MON_SAT
    seasons: tuple[Season, ...] = ()
    closures: tuple[Closure, ...] = field(default=())

    def season_on(self, day: date) -> Season | None:
        return next((s for s in self.seasons if s.covers(day)), None)

    def closure_on(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.covers(day)), None)

    def closed_on(self, day: date) -> Closed | None:
        """Why the branch is closed on `day` (None when it is open).

        The order is the one a librarian would name first: a holiday, then an extraordinary
        closure, then the schedule (a seasonal one says so).
        """
        name = holiday_name(day)
        if name:
            return Closed("holiday", name)
        closure = self.closure_on(day)
        if closure is not None:
            return Closed("closure", closure.reason)
        season = self.season_on(day)
        in_schedule = day.weekday() in self.weekdays
        if season is not None and day.weekday() not in season.weekdays and in_schedule:
            return Closed("season", season.name)
        weekdays = season.weekdays if season is not None else self.weekdays
        if day.weekday() not in weekdays:
            return Closed("weekday")
        return None

    def closed_reason(self, day: date) -> str | None:
        """`closed_on` as a short English tag (`Closed.tag`), None when the branch is open."""
        closed = self.closed_on(day)
        return None if closed is None else closed.tag(day)

    def is_open(self, day: date) -> bool:
        return self.closed_on(day) is None

    def next_open_day(self, day: date) -> date:
        """`day` itself when open, else the first open day after it."""
        for _ in range(400):
            if self.is_open(day):
                return day
            day += timedelta(days=1)
        raise ValueError("branch has no open day within a year")

    def nth_open_day_after(self, day: date, n: int) -> date:
        """The n-th open day strictly after `day`."""
        count = 0
        for _ in range(400 + n * 7):
            day += timedelta(days=1)
            if self.is_open(day):
                count += 1
                if count == n:
                    return day
        raise ValueError("branch has too few open days")

    def working_days(self) -> BranchCalendar:
        """The branch's working days as a calendar: Monday to Friday that are not holidays
        and not closure days of the branch, whatever its weekly schedule and seasons, so an
        open Saturday is no working day (Tolmin art. 31, 33)."""
        return BranchCalendar(weekdays=MON_FRI, closures=self.closures)

    def counting(self, kind: str) -> BranchCalendar:
        """The calendar whose open days are the days of `kind` ("open_days" of the branch or
        "working_days"), for counting a window such as the pick-up of a hold."""
        if kind == "working_days":
            return self.working_days()
        if kind != "open_days":
            raise ValueError(f"unknown kind of days {kind!r}")
        return self


def days_between(start: date, end: date) -> Iterator[date]:
    """The days of the half-open stretch (start, end]."""
    day = start
    while day < end:
        day += timedelta(days=1)
        yield day
