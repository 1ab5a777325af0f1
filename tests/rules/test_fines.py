"""Overdue fines: which days of the stretch (due, end] are charged, at what rate, and why.

RULES.md 1 "Overdue fines"; Maribor (2), Velenje (3), Tolmin (4), Ravne (5).
"""

from __future__ import annotations

import inspect
import math
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bukve.rules.calendar import MON_FRI, BranchCalendar, Closure, holiday_name
from bukve.rules.fines import DAY_CODES, Fine, fine, rate_on
from bukve.rules.policy import FineRules
from tests.rules.presets import (
    BRANCHES,
    branch_calendars,
    calendar,
    dated_rates,
    days_in_range,
    preset,
    rates,
)

D = date


def fine_at(library: str, branch: str, material: str, due: date, end: date,
            *closures: tuple[date, date]) -> Fine:  # fmt: skip
    """The fine of one loaned unit at a preset branch, with the preset's rate."""
    return fine(
        due,
        end,
        preset(library).profile_of(branch).fines,
        calendar(library, branch, *closures),
        rates(library, branch, material),
    )


def why(result: Fine) -> dict[date, str]:
    return {day.date: day.why for day in result.days}


def charged(result: Fine) -> list[date]:
    return [day.date for day in result.days if day.charged]


# --- Maribor: tolerance, Saturdays, Sundays, holidays, closures, summer -------------------------


def test_it_never_charges_maribors_three_tolerance_days_even_when_returned_late() -> None:
    # Due Friday 6 March 2026; returned a month late.
    result = fine_at("maribor", "main", "book", D(2026, 3, 6), D(2026, 4, 3))
    days = why(result)
    assert [days[D(2026, 3, n)] for n in (7, 8, 9)] == ["tolerance"] * 3
    assert charged(result)[0] == D(2026, 3, 10)  # the 4th day after the due date


def test_it_charges_maribor_saturdays_but_not_sundays() -> None:
    # Due Fri 6 March; tolerance 7-9; charged 10-14 (Tue-Sat) and Mon 16; Sunday 15 free.
    result = fine_at("maribor", "main", "book", D(2026, 3, 6), D(2026, 3, 16))
    assert charged(result) == [D(2026, 3, n) for n in (10, 11, 12, 13, 14, 16)]
    assert why(result)[D(2026, 3, 15)] == "Sunday"
    assert result.units == 6
    assert result.amount == Decimal("0.60")


def test_it_charges_maribor_non_book_material_forty_cents_a_day() -> None:
    result = fine_at("maribor", "main", "dvd", D(2026, 3, 6), D(2026, 3, 16))
    assert (result.units, result.amount) == (6, Decimal("2.40"))


def test_it_does_not_charge_easter_in_maribor_and_names_the_holidays() -> None:
    # Due Wed 1 April 2026: tolerance 2-4, Easter 5-6, charged 7-11, Sunday 12, charged 13.
    result = fine_at("maribor", "main", "book", D(2026, 4, 1), D(2026, 4, 13))
    days = why(result)
    assert days[D(2026, 4, 5)] == "holiday: velikonočna nedelja"
    assert days[D(2026, 4, 6)] == "holiday: velikonočni ponedeljek"
    assert charged(result) == [D(2026, 4, n) for n in (7, 8, 9, 10, 11, 13)]


def test_it_charges_working_day_holidays_like_23_november_in_maribor() -> None:
    # 23 Nov 2026 (Rudolf Maister Day) is a Monday and a working day.
    result = fine_at("maribor", "main", "book", D(2026, 11, 18), D(2026, 11, 23))
    assert D(2026, 11, 23) in charged(result)


def test_it_does_not_charge_summer_saturdays_in_maribor() -> None:
    # Due Wed 1 July 2026: tolerance 2-4; Sat 11 and 18 closed under the summer schedule.
    result = fine_at("maribor", "main", "book", D(2026, 7, 1), D(2026, 7, 20))
    days = why(result)
    assert days[D(2026, 7, 4)] == "tolerance"
    assert days[D(2026, 7, 11)] == "summer schedule"
    assert days[D(2026, 7, 18)] == "summer schedule"
    assert result.units == 11  # 6-10, 13-17, 20


def test_it_does_not_charge_closure_days_and_the_christmas_holidays_in_maribor() -> None:
    # Due Mon 21 Dec 2026, closed 28-31 Dec; only Mon 4 and Tue 5 Jan 2027 are charged.
    result = fine_at("maribor", "main", "book", D(2026, 12, 21), D(2027, 1, 5),
                     (D(2026, 12, 28), D(2026, 12, 31)))  # fmt: skip
    days = why(result)
    assert days[D(2026, 12, 25)] == "holiday: božič"
    assert days[D(2026, 12, 26)] == "holiday: dan samostojnosti in enotnosti"
    assert days[D(2026, 12, 27)] == "Sunday"
    assert [days[D(2026, 12, n)] for n in (28, 29, 30, 31)] == ["closure"] * 4
    assert days[D(2027, 1, 1)] == "holiday: novo leto"
    assert charged(result) == [D(2027, 1, 4), D(2027, 1, 5)]


def test_it_charges_nothing_when_returned_within_the_tolerance() -> None:
    result = fine_at("maribor", "main", "book", D(2026, 3, 6), D(2026, 3, 9))
    assert (result.units, result.amount) == (0, Decimal("0.00"))
    assert len(result.days) == 3


def test_it_charges_nothing_for_a_loan_returned_on_or_before_its_due_date() -> None:
    for end in (D(2026, 3, 6), D(2026, 3, 1)):
        result = fine_at("velenje", "main", "book", D(2026, 3, 6), end)
        assert result == Fine(0, Decimal("0.00"), ())


def test_it_gives_ravne_maribors_fines_without_a_summer_schedule() -> None:
    result = fine_at("ravne", "main", "book", D(2026, 7, 1), D(2026, 7, 20))
    assert result.units == 13  # Saturdays 11 and 18 are charged in Ravne
    assert why(result)[D(2026, 7, 4)] == "tolerance"


# --- Velenje: every day but Sundays, holidays and closures, no tolerance ------------------------


def test_it_charges_velenje_from_the_first_day_after_the_due_date() -> None:
    # Due Wed 1 April 2026: charged 2-4, 7-11, 13 (Easter 5-6 and Sunday 12 free).
    result = fine_at("velenje", "main", "book", D(2026, 4, 1), D(2026, 4, 13))
    assert charged(result) == [D(2026, 4, n) for n in (2, 3, 4, 7, 8, 9, 10, 11, 13)]
    assert result.amount == Decimal("2.70")
    assert "tolerance" not in why(result).values()


def test_it_charges_velenje_the_same_rate_for_non_book_material() -> None:
    book = fine_at("velenje", "main", "book", D(2026, 4, 1), D(2026, 4, 13))
    dvd = fine_at("velenje", "main", "dvd", D(2026, 4, 1), D(2026, 4, 13))
    assert book == dvd


def test_it_does_not_charge_velenje_closure_days() -> None:
    result = fine_at("velenje", "main", "book", D(2026, 3, 9), D(2026, 3, 14),
                     (D(2026, 3, 11), D(2026, 3, 12)))  # fmt: skip
    assert charged(result) == [D(2026, 3, 10), D(2026, 3, 13), D(2026, 3, 14)]
    assert why(result)[D(2026, 3, 11)] == "closure"


# --- Tolmin: Monday to Friday, no holidays, no closures, no tolerance ---------------------------


def test_it_charges_tolmin_only_working_days() -> None:
    # Due Wed 1 April 2026: charged 2-3, 7-10, 13; Saturday, Sunday and Easter free.
    result = fine_at("tolmin", "tolmin", "book", D(2026, 4, 1), D(2026, 4, 13))
    assert charged(result) == [D(2026, 4, n) for n in (2, 3, 7, 8, 9, 10, 13)]
    assert result.amount == Decimal("1.40")
    days = why(result)
    assert days[D(2026, 4, 4)] == "Saturday"
    assert days[D(2026, 4, 11)] == "Saturday"
    assert days[D(2026, 4, 12)] == "Sunday"
    assert days[D(2026, 4, 6)] == "holiday: velikonočni ponedeljek"


def test_it_does_not_charge_saturdays_in_tolmin_even_though_the_branch_is_open() -> None:
    assert calendar("tolmin", "tolmin").is_open(D(2026, 4, 4))
    result = fine_at("tolmin", "tolmin", "book", D(2026, 4, 3), D(2026, 4, 4))
    assert result.units == 0


def test_it_does_not_charge_tolmin_closure_days() -> None:
    result = fine_at("tolmin", "kobarid", "book", D(2026, 3, 9), D(2026, 3, 13),
                     (D(2026, 3, 11), D(2026, 3, 11)))  # fmt: skip
    assert charged(result) == [D(2026, 3, 10), D(2026, 3, 12), D(2026, 3, 13)]
    assert why(result)[D(2026, 3, 11)] == "closure"


def test_it_charges_tolmin_on_8_june_a_holiday_that_is_a_working_day() -> None:
    result = fine_at("tolmin", "tolmin", "book", D(2026, 6, 5), D(2026, 6, 8))
    assert charged(result) == [D(2026, 6, 8)]
    assert result.amount == Decimal("0.20")


# --- the mobile libraries: per started period ---------------------------------------------------


@pytest.mark.parametrize(
    ("days_late", "periods"),
    [(1, 1), (2, 1), (35, 1), (36, 2), (70, 2), (71, 3), (106, 4)],
)
def test_it_charges_tolmins_mobile_library_per_started_35_day_period(
    days_late: int, periods: int
) -> None:
    due = D(2026, 5, 5)
    result = fine_at("tolmin", "mobile", "book", due, due + timedelta(days=days_late))
    assert result.units == periods
    assert result.amount == Decimal("1.00") * periods


@pytest.mark.parametrize(("days_late", "periods"), [(1, 1), (28, 1), (29, 2), (57, 3)])
def test_it_charges_maribors_bibliobus_per_started_28_day_period(
    days_late: int, periods: int
) -> None:
    due = D(2026, 5, 5)
    result = fine_at("maribor", "bibliobus", "dvd", due, due + timedelta(days=days_late))
    assert (result.units, result.amount) == (periods, Decimal("1.00") * periods)


def test_it_starts_a_mobile_period_on_sundays_and_holidays_too() -> None:
    # Due Sat 4 April 2026: the first period starts on Easter Sunday.
    result = fine_at("tolmin", "mobile", "book", D(2026, 4, 4), D(2026, 4, 5))
    assert result.units == 1
    assert result.days[0].why == "period 1 starts"


def test_it_charges_the_mobile_library_without_tolerance_in_maribor() -> None:
    rules = preset("maribor").profile_of("bibliobus").fines
    assert (rules.method, rules.tolerance_days, rules.stop_at_level) == ("period", 0, None)


# --- a set is one unit --------------------------------------------------------------------------


def test_it_charges_a_set_as_one_unit_because_a_fine_is_per_loaned_unit() -> None:
    # A komplet of 3 parts is one loan of one item: the fine takes no count of parts, so it is
    # the same as the fine of a single book.
    assert not {"parts", "quantity", "units"} & set(inspect.signature(fine).parameters)
    result = fine_at("tolmin", "tolmin", "book", D(2026, 3, 9), D(2026, 3, 13))
    assert result.amount == Decimal("0.20") * 4


# --- explanations -------------------------------------------------------------------------------


def test_it_explains_a_charged_day_as_charged_with_its_rate() -> None:
    result = fine_at("maribor", "main", "dvd", D(2026, 3, 6), D(2026, 3, 10))
    last = result.days[-1]
    assert (last.date, last.charged, last.why, last.rate) == (
        D(2026, 3, 10), True, "charged", Decimal("0.40"),
    )  # fmt: skip


def test_it_gives_no_rate_to_a_day_that_is_not_charged() -> None:
    result = fine_at("maribor", "main", "dvd", D(2026, 3, 6), D(2026, 3, 16))
    assert all(d.rate == 0 for d in result.days if not d.charged)


# --- dated price lists --------------------------------------------------------------------------


def test_it_uses_the_price_list_valid_on_each_charged_day() -> None:
    rules = preset("velenje").profile_of("main").fines
    price_lists = [(D(2025, 5, 6), Decimal("0.30")), (D(2026, 3, 12), Decimal("0.50"))]
    result = fine(D(2026, 3, 9), D(2026, 3, 14), rules, calendar("velenje", "main"), price_lists)
    assert [d.rate for d in result.days] == [Decimal("0.30")] * 2 + [Decimal("0.50")] * 3
    assert result.amount == Decimal("2.10")


def test_it_uses_the_oldest_price_list_before_the_first_one_starts() -> None:
    assert rate_on([(D(2026, 1, 1), Decimal("0.10"))], D(2025, 6, 1)) == Decimal("0.10")


@given(dated_rates(), days_in_range)
def test_it_picks_the_latest_price_list_that_has_started(
    price_lists: list[tuple[date, Decimal]], day: date
) -> None:
    started = [rate for start, rate in price_lists if start <= day]
    expected = started[-1] if started else price_lists[0][1]
    assert rate_on(price_lists, day) == expected


# --- properties ---------------------------------------------------------------------------------


def excluded_by_rules(rules: FineRules, cal: BranchCalendar, due: date, day: date) -> bool:
    """Whether the library's rules exclude `day` from the fine, stated from RULES.md directly."""
    if day <= due + timedelta(days=rules.tolerance_days):
        return True
    if holiday_name(day) or cal.closure_on(day):
        return True
    if rules.chargeable == "working_days":
        return day.weekday() >= 5
    return not cal.is_open(day)


stretches = st.tuples(days_in_range, st.integers(0, 150))


@settings(max_examples=200)
@given(branch_calendars(), stretches, dated_rates())
def test_it_explains_every_day_of_the_stretch_once_and_charges_exactly_its_units(
    branch: tuple[str, str, BranchCalendar],
    stretch: tuple[date, int],
    price_lists: list[tuple[date, Decimal]],
) -> None:
    library, branch_id, cal = branch
    due, length = stretch
    end = due + timedelta(days=length)
    result = fine(due, end, preset(library).profile_of(branch_id).fines, cal, price_lists)
    assert [d.date for d in result.days] == [due + timedelta(days=n + 1) for n in range(length)]
    assert result.units == sum(d.charged for d in result.days)
    assert result.amount == sum((d.rate for d in result.days if d.charged), Decimal("0.00"))
    assert all(d.rate == rate_on(price_lists, d.date) for d in result.days if d.charged)
    assert all(d.why for d in result.days)


@settings(max_examples=200)
@given(branch_calendars(), stretches)
def test_it_never_charges_a_day_that_the_rules_exclude(
    branch: tuple[str, str, BranchCalendar], stretch: tuple[date, int]
) -> None:
    library, branch_id, cal = branch
    rules = preset(library).profile_of(branch_id).fines
    due, length = stretch
    result = fine(due, due + timedelta(days=length), rules, cal, rates(library, branch_id, "book"))
    if rules.method == "daily":
        for day in result.days:
            assert day.charged == (not excluded_by_rules(rules, cal, due, day.date)), day
    else:
        assert result.units == math.ceil(length / rules.period_days)
        assert [d.date for d in result.days if d.charged] == [
            due + timedelta(days=1 + k * rules.period_days) for k in range(result.units)
        ]


@settings(max_examples=200)
@given(branch_calendars(), stretches, st.integers(0, 60),
       st.sampled_from(["book", "dvd", "magazine", "music_cd"]))  # fmt: skip
def test_it_never_lowers_the_fine_when_the_item_comes_back_later(
    branch: tuple[str, str, BranchCalendar], stretch: tuple[date, int], later: int, material: str
) -> None:
    library, branch_id, cal = branch
    rules = preset(library).profile_of(branch_id).fines
    price = rates(library, branch_id, material)
    due, length = stretch
    end = due + timedelta(days=length)
    early = fine(due, end, rules, cal, price)
    late = fine(due, end + timedelta(days=later), rules, cal, price)
    assert late.amount >= early.amount
    assert late.units >= early.units
    assert late.days[: len(early.days)] == early.days  # the earlier days are judged the same


@pytest.mark.parametrize(("library", "branch"), BRANCHES)
def test_it_charges_the_book_rate_once_per_charged_unit_at_every_branch(
    library: str, branch: str
) -> None:
    rules = preset(library).profile_of(branch).fines
    result = fine_at(library, branch, "book", D(2026, 3, 2), D(2026, 3, 30))
    assert result.amount == rules.rates.get("book") * result.units


# --- codes: why each day is (not) charged, as a fact the shell puts into words ------------------


def codes(result: Fine) -> dict[date, tuple[str, str, int]]:
    return {day.date: (day.code, day.detail, day.number) for day in result.days}


def test_it_says_a_tolmin_saturday_is_no_working_day_though_the_branch_is_open() -> None:
    # given: Tolmin is open on Saturdays, but charges working days only (art. 33)
    assert calendar("tolmin", "tolmin").is_open(D(2026, 4, 4))

    # when: due Wed 1 April 2026, back Mon 13 April, closed on Wed 8 April for an inventory
    result = fine(
        D(2026, 4, 1),
        D(2026, 4, 13),
        preset("tolmin").profile_of("tolmin").fines,
        BranchCalendar(
            weekdays=calendar("tolmin", "tolmin").weekdays,
            closures=(Closure(D(2026, 4, 8), D(2026, 4, 8), "popis gradiva"),),
        ),
        rates("tolmin", "tolmin", "book"),
    )

    # then
    days = codes(result)
    assert days[D(2026, 4, 2)] == ("charged", "", 0)
    assert days[D(2026, 4, 4)] == ("not_working_day", "", 0)
    assert days[D(2026, 4, 11)] == ("not_working_day", "", 0)
    assert days[D(2026, 4, 5)] == ("holiday", "velikonočna nedelja", 0)  # a holiday first
    assert days[D(2026, 4, 6)] == ("holiday", "velikonočni ponedeljek", 0)
    assert days[D(2026, 4, 8)] == ("closure", "popis gradiva", 0)
    assert days[D(2026, 4, 12)] == ("sunday", "", 0)
    assert result.units == 6


def test_it_gives_maribors_tolerance_days_their_number_and_the_summer_schedule_its_name() -> None:
    # Due Wed 1 July 2026: tolerance 2-4 (a Saturday among them), Sunday 5, summer Saturday 11.
    result = fine_at("maribor", "main", "book", D(2026, 7, 1), D(2026, 7, 13))
    days = codes(result)
    assert [days[D(2026, 7, n)] for n in (2, 3, 4)] == [
        ("tolerance", "", 1), ("tolerance", "", 2), ("tolerance", "", 3),
    ]  # fmt: skip
    assert days[D(2026, 7, 5)] == ("sunday", "", 0)
    assert days[D(2026, 7, 11)] == ("seasonal_schedule", "summer schedule", 0)
    assert days[D(2026, 7, 12)] == ("sunday", "", 0)  # a Sunday, summer or not


def test_it_says_a_branch_is_closed_on_a_weekday_where_every_open_day_is_charged() -> None:
    # Velenje's rules with a branch that opens Monday to Friday: its Saturday is a closed day.
    rules = preset("velenje").profile_of("main").fines
    result = fine(D(2026, 3, 5), D(2026, 3, 9), rules, BranchCalendar(weekdays=MON_FRI),
                  rates("velenje", "main", "book"))  # fmt: skip
    days = codes(result)
    assert days[D(2026, 3, 7)] == ("closed_weekday", "", 0)
    assert days[D(2026, 3, 8)] == ("sunday", "", 0)


def test_it_numbers_the_periods_of_the_mobile_library() -> None:
    # Tolmin's mobile library: one unit for each started 35-day period.
    result = fine_at("tolmin", "mobile", "book", D(2026, 5, 5), D(2026, 5, 5) + timedelta(37))
    days = result.days
    assert (days[0].code, days[0].number, days[0].detail, days[0].charged) == (
        "period_starts", 1, "35", True,
    )  # fmt: skip
    assert (days[1].code, days[1].number, days[1].charged) == ("same_period", 1, False)
    assert (days[35].code, days[35].number, days[35].charged) == ("period_starts", 2, True)
    assert (days[36].code, days[36].number) == ("same_period", 2)


@settings(max_examples=200)
@given(branch_calendars(), stretches)
def test_it_gives_every_day_a_known_code_that_agrees_with_charged(
    branch: tuple[str, str, BranchCalendar], stretch: tuple[date, int]
) -> None:
    library, branch_id, cal = branch
    due, length = stretch
    rules = preset(library).profile_of(branch_id).fines
    result = fine(due, due + timedelta(days=length), rules, cal, rates(library, branch_id, "book"))
    for day in result.days:
        assert day.code in DAY_CODES
        assert day.charged == (day.code in ("charged", "period_starts")), day
        if day.code == "holiday":
            assert day.detail == holiday_name(day.date)
        if day.code == "sunday":
            assert day.date.weekday() == 6
        if day.code == "not_working_day":
            assert rules.chargeable == "working_days" and day.date.weekday() == 5


def test_it_names_the_holidays_in_slovenian_and_in_english() -> None:
    assert holiday_name(D(2026, 12, 25)) == "božič"
    assert holiday_name(D(2026, 12, 25), "en_US") == "Christmas Day"
    assert holiday_name(D(2026, 4, 6), "en_US") == "Easter Monday"
    assert holiday_name(D(2026, 6, 8), "en_US") is None  # a holiday that is a working day
    with pytest.raises(ValueError):
        holiday_name(D(2026, 12, 25), "de")
