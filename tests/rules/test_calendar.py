"""Branch calendars: Slovenian work-free holidays, weekly and seasonal schedules, closures.

RULES.md 1, "Dates and days", and "Branch calendars of the presets".
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bukve.rules.calendar import BranchCalendar, Closure, days_between, holiday_name
from tests.rules.presets import branch_calendars, calendar, days_in_range, preset

# --- holidays ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "novo leto"),
        (date(2026, 1, 2), "novo leto"),
        (date(2026, 4, 5), "velikonočna nedelja"),
        (date(2026, 4, 6), "velikonočni ponedeljek"),
        (date(2026, 4, 27), "dan upora proti okupatorju"),
        (date(2026, 5, 1), "praznik dela"),
        (date(2026, 5, 2), "praznik dela"),
        (date(2026, 5, 24), "binkoštna nedelja"),
        (date(2026, 6, 25), "dan državnosti"),
        (date(2026, 8, 15), "Marijino vnebovzetje"),
        (date(2026, 10, 31), "dan reformacije"),
        (date(2026, 11, 1), "dan spomina na mrtve"),
        (date(2026, 12, 25), "božič"),
        (date(2026, 12, 26), "dan samostojnosti in enotnosti"),
        (date(2027, 3, 29), "velikonočni ponedeljek"),
    ],
)
def test_it_names_each_work_free_holiday_in_slovenian(day: date, name: str) -> None:
    assert holiday_name(day) == name


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028])
def test_it_names_presernov_dan_on_8_february(year: int) -> None:
    name = holiday_name(date(year, 2, 8))
    assert name is not None and name.startswith("Prešernov dan")


@pytest.mark.parametrize("year", [2026, 2027])
@pytest.mark.parametrize(
    ("month", "day"),
    [(6, 8), (8, 17), (9, 15), (9, 23), (10, 25), (11, 23)],
    ids=["primoz-trubar", "prekmurje", "primorska", "sport", "sovereignty", "rudolf-maister"],
)
def test_it_does_not_count_holidays_that_are_working_days(year: int, month: int, day: int) -> None:
    assert holiday_name(date(year, month, day)) is None


def test_it_knows_exactly_the_fifteen_work_free_days_of_2026() -> None:
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    holidays = [d for d in days if holiday_name(d)]
    assert holidays == [
        date(2026, 1, 1), date(2026, 1, 2), date(2026, 2, 8), date(2026, 4, 5),
        date(2026, 4, 6), date(2026, 4, 27), date(2026, 5, 1), date(2026, 5, 2),
        date(2026, 5, 24), date(2026, 6, 25), date(2026, 8, 15), date(2026, 10, 31),
        date(2026, 11, 1), date(2026, 12, 25), date(2026, 12, 26),
    ]  # fmt: skip


def test_it_closes_every_preset_branch_on_a_holiday_even_on_its_weekday() -> None:
    easter_monday = date(2026, 4, 6)
    for policy in map(preset, ("maribor", "velenje", "tolmin", "ravne")):
        for branch in policy.branches:
            assert branch.calendar.closed_reason(easter_monday) == (
                "holiday: velikonočni ponedeljek"
            )


# --- weekly and summer schedules ----------------------------------------------------------------


def test_it_opens_maribor_main_on_saturdays_outside_the_summer() -> None:
    main = calendar("maribor", "main")
    assert main.is_open(date(2026, 6, 27))
    assert main.is_open(date(2026, 9, 5))


@pytest.mark.parametrize(
    "saturday", [date(2026, 7, 4), date(2026, 7, 11), date(2026, 8, 1), date(2026, 8, 29)]
)
def test_it_closes_maribor_main_on_summer_saturdays_under_the_summer_schedule(
    saturday: date,
) -> None:
    assert calendar("maribor", "main").closed_reason(saturday) == "summer schedule"


def test_it_keeps_maribor_main_open_on_summer_weekdays_from_1_july_to_31_august() -> None:
    main = calendar("maribor", "main")
    assert main.is_open(date(2026, 7, 1))
    assert main.is_open(date(2026, 8, 31))


def test_it_names_sunday_not_the_summer_schedule_on_a_summer_sunday() -> None:
    assert calendar("maribor", "main").closed_reason(date(2026, 7, 5)) == "Sunday"


def test_it_names_the_holiday_first_on_a_summer_saturday_holiday() -> None:
    # 15 Aug 2026 is a Saturday in Maribor's summer.
    assert calendar("maribor", "main").closed_reason(date(2026, 8, 15)) == (
        "holiday: Marijino vnebovzetje"
    )


@pytest.mark.parametrize(
    ("library", "branch", "open_saturday"),
    [
        ("maribor", "bibliobus", False),
        ("velenje", "main", True),
        ("tolmin", "tolmin", True),
        ("tolmin", "kobarid", False),
        ("tolmin", "bovec", False),
        ("tolmin", "mobile", False),
        ("ravne", "main", True),
    ],
)
def test_it_opens_each_preset_branch_on_its_documented_weekdays(
    library: str, branch: str, open_saturday: bool
) -> None:
    cal = calendar(library, branch)
    week = [date(2026, 3, 9) + timedelta(days=n) for n in range(7)]  # Monday to Sunday
    assert [cal.is_open(d) for d in week] == [True] * 5 + [open_saturday, False]
    assert cal.closed_reason(week[6]) == "Sunday"
    if not open_saturday:
        assert cal.closed_reason(week[5]) == "Saturday"


def test_it_keeps_ravne_open_on_summer_saturdays_because_it_has_no_summer_schedule() -> None:
    assert calendar("ravne", "main").is_open(date(2026, 7, 4))


# --- closures -----------------------------------------------------------------------------------


def test_it_closes_a_branch_for_every_day_of_a_closure_inclusive() -> None:
    main = calendar("maribor", "main", (date(2026, 3, 10), date(2026, 3, 12)))
    assert main.is_open(date(2026, 3, 9))
    for day in (date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12)):
        assert main.closed_reason(day) == "closure"
    assert main.is_open(date(2026, 3, 13))


def test_it_names_the_holiday_rather_than_the_closure_when_both_apply() -> None:
    main = calendar("maribor", "main", (date(2026, 12, 24), date(2026, 12, 31)))
    assert main.closed_reason(date(2026, 12, 25)) == "holiday: božič"
    assert main.closed_reason(date(2026, 12, 24)) == "closure"


def test_it_closes_only_the_branch_that_has_the_closure() -> None:
    closure = (date(2026, 3, 10), date(2026, 3, 10))
    assert not calendar("tolmin", "kobarid", closure).is_open(date(2026, 3, 10))
    assert calendar("tolmin", "tolmin").is_open(date(2026, 3, 10))


# --- next_open_day and nth_open_day_after -------------------------------------------------------


def test_it_returns_an_open_day_itself_as_the_next_open_day() -> None:
    assert calendar("velenje", "main").next_open_day(date(2026, 3, 14)) == date(2026, 3, 14)


def test_it_skips_easter_to_the_tuesday() -> None:
    assert calendar("velenje", "main").next_open_day(date(2026, 4, 5)) == date(2026, 4, 7)


def test_it_skips_a_summer_saturday_and_sunday_in_maribor() -> None:
    assert calendar("maribor", "main").next_open_day(date(2026, 7, 4)) == date(2026, 7, 6)


def test_it_skips_christmas_a_closure_and_new_year() -> None:
    main = calendar("maribor", "main", (date(2026, 12, 28), date(2026, 12, 31)))
    assert main.next_open_day(date(2026, 12, 25)) == date(2027, 1, 4)


def test_it_finds_the_fifth_open_day_after_a_notification_across_easter() -> None:
    # Notified on Friday 3 April 2026 in Tolmin (Monday to Saturday): Sat 4, Tue 7, Wed 8,
    # Thu 9, Fri 10 (Easter Sunday and Monday are holidays).
    tolmin = calendar("tolmin", "tolmin")
    assert tolmin.nth_open_day_after(date(2026, 4, 3), 5) == date(2026, 4, 10)
    assert tolmin.nth_open_day_after(date(2026, 4, 3), 1) == date(2026, 4, 4)


def test_it_counts_working_days_without_the_saturday_a_branch_is_open() -> None:
    # Tolmin art. 31: notified on Friday 3 April 2026, five working days are Tue 7, Wed 8,
    # Thu 9, Fri 10 and Mon 13 (Sat 4 is open but no working day; Easter Monday a holiday).
    tolmin = calendar("tolmin", "tolmin")
    assert tolmin.counting("working_days").nth_open_day_after(date(2026, 4, 3), 5) == date(
        2026, 4, 13
    )
    assert tolmin.counting("open_days") is tolmin


def test_it_skips_a_closure_of_the_branch_among_its_working_days() -> None:
    # Closed on Tuesday 7 and Wednesday 8 April: Thu 9, Fri 10, Mon 13, Tue 14, Wed 15.
    tolmin = calendar("tolmin", "tolmin", (date(2026, 4, 7), date(2026, 4, 8)))
    assert tolmin.working_days().nth_open_day_after(date(2026, 4, 3), 5) == date(2026, 4, 15)


def test_it_counts_working_days_under_a_summer_schedule_as_on_any_weekday() -> None:
    # Working days ignore seasons: Maribor's summer schedule closes Saturdays only.
    main = calendar("maribor", "main")
    assert main.working_days().nth_open_day_after(date(2026, 7, 3), 1) == date(2026, 7, 6)


@given(branch_calendars(), days_in_range)
def test_it_has_only_weekdays_that_are_not_holidays_or_closures_as_working_days(
    branch: tuple[str, str, BranchCalendar], day: date
) -> None:
    _, _, cal = branch
    working = cal.working_days().is_open(day)
    assert working == (
        day.weekday() < 5 and holiday_name(day) is None and cal.closure_on(day) is None
    )


def test_it_counts_open_days_strictly_after_the_day_even_when_that_day_is_open() -> None:
    mobile = calendar("tolmin", "mobile")
    assert mobile.nth_open_day_after(date(2026, 3, 9), 1) == date(2026, 3, 10)


@given(branch_calendars(), days_in_range)
def test_it_never_skips_an_open_day_when_looking_for_the_next_one(
    branch: tuple[str, str, BranchCalendar], day: date
) -> None:
    _, _, cal = branch
    found = cal.next_open_day(day)
    assert found >= day
    assert cal.is_open(found)
    skipped = [day + timedelta(days=n) for n in range((found - day).days)]
    assert not any(cal.is_open(d) for d in skipped)


@given(branch_calendars(), days_in_range, st.integers(1, 12))
def test_it_counts_exactly_n_open_days_up_to_the_nth_open_day(
    branch: tuple[str, str, BranchCalendar], day: date, n: int
) -> None:
    _, _, cal = branch
    found = cal.nth_open_day_after(day, n)
    assert found > day
    assert cal.is_open(found)
    assert sum(cal.is_open(d) for d in days_between(day, found)) == n


@given(branch_calendars(), days_in_range, st.integers(1, 12))
def test_it_reaches_the_nth_open_day_by_stepping_from_open_day_to_open_day(
    branch: tuple[str, str, BranchCalendar], day: date, n: int
) -> None:
    _, _, cal = branch
    step = day
    for _ in range(n):
        step = cal.next_open_day(step + timedelta(days=1))
    assert cal.nth_open_day_after(day, n) == step


@given(branch_calendars(), days_in_range)
def test_it_is_open_exactly_when_it_gives_no_reason_to_be_closed(
    branch: tuple[str, str, BranchCalendar], day: date
) -> None:
    library, branch_id, cal = branch
    reason = cal.closed_reason(day)
    assert cal.is_open(day) == (reason is None)
    if holiday_name(day):
        assert reason == f"holiday: {holiday_name(day)}"
    elif cal.closure_on(day):
        assert reason == "closure"
    elif day.weekday() == 6:
        assert reason == "Sunday"


# --- days_between -------------------------------------------------------------------------------


@given(days_in_range, st.integers(-5, 60))
def test_it_lists_the_days_after_the_start_up_to_and_including_the_end(
    start: date, length: int
) -> None:
    end = start + timedelta(days=length)
    days = list(days_between(start, end))
    assert days == [start + timedelta(days=n) for n in range(1, max(length, 0) + 1)]


def test_it_builds_a_closure_that_covers_its_end_day() -> None:
    closure = Closure(date(2026, 3, 1), date(2026, 3, 2), "inventory")
    assert closure.covers(date(2026, 3, 2)) and not closure.covers(date(2026, 3, 3))
    assert BranchCalendar(closures=(closure,)).closed_reason(date(2026, 3, 2)) == "closure"
