"""When a debt is "older than one month" (RULES.md 1, "Debts and blocks", Decision)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from bukve.rules.money import (
    AmountError,
    old_debt_cutoff,
    older_than_months,
    parse_amount,
    vat_rate,
    young_until,
)

D = date


def blocks(charge: date, today: date, months: int = 1) -> bool:
    return charge <= old_debt_cutoff(today, months)


def test_it_blocks_a_charge_dated_15_january_from_15_february() -> None:
    assert old_debt_cutoff(D(2026, 2, 15)) == D(2026, 1, 15)
    assert not blocks(D(2026, 1, 15), D(2026, 2, 14))
    assert blocks(D(2026, 1, 15), D(2026, 2, 15))


def test_it_blocks_a_charge_dated_31_january_from_28_february() -> None:
    assert not blocks(D(2026, 1, 31), D(2026, 2, 27))
    assert blocks(D(2026, 1, 31), D(2026, 2, 28))
    assert old_debt_cutoff(D(2026, 2, 28)) == D(2026, 1, 31)


def test_it_blocks_a_charge_dated_31_january_from_29_february_in_a_leap_year() -> None:
    assert not blocks(D(2028, 1, 31), D(2028, 2, 28))
    assert blocks(D(2028, 1, 31), D(2028, 2, 29))


@pytest.mark.parametrize("day", [29, 30])
def test_it_blocks_the_last_days_of_january_together_at_the_end_of_february(day: int) -> None:
    assert not blocks(D(2026, 1, day), D(2026, 2, 27))
    assert blocks(D(2026, 1, day), D(2026, 2, 28))


def test_it_blocks_a_charge_dated_31_march_from_30_april() -> None:
    assert not blocks(D(2026, 3, 31), D(2026, 4, 29))
    assert blocks(D(2026, 3, 31), D(2026, 4, 30))


def test_it_blocks_a_december_charge_across_new_year() -> None:
    assert old_debt_cutoff(D(2026, 1, 31)) == D(2025, 12, 31)
    assert old_debt_cutoff(D(2026, 1, 1)) == D(2025, 12, 1)


def test_it_never_blocks_a_charge_of_today_or_of_the_last_weeks() -> None:
    today = D(2026, 3, 10)
    assert not blocks(today, today)
    assert not blocks(today - timedelta(days=27), today)


def latest_old_charge(today: date, months: int) -> date:
    """The latest d with d + months <= today, found by walking back from today."""
    day = today
    while day + relativedelta(months=months) > today:
        day -= timedelta(days=1)
    return day


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)))
def test_it_cuts_off_at_the_latest_day_that_is_a_month_old(today: date) -> None:
    assert old_debt_cutoff(today) == latest_old_charge(today, 1)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)), st.integers(1, 12))
def test_it_cuts_off_at_the_latest_day_that_is_n_months_old(today: date, months: int) -> None:
    assert old_debt_cutoff(today, months) == latest_old_charge(today, months)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 30)))
def test_it_never_unblocks_a_charge_as_days_go_by(today: date) -> None:
    assert old_debt_cutoff(today + timedelta(days=1)) >= old_debt_cutoff(today)


# --- "not older than one month": the same rule for a certificate (Tolmin art. 17) -----------


@pytest.mark.parametrize(
    ("issued", "last_accepted"),
    [(D(2027, 1, 15), D(2027, 2, 14)), (D(2027, 1, 31), D(2027, 2, 27)),
     (D(2028, 1, 31), D(2028, 2, 28)), (D(2027, 3, 31), D(2027, 4, 29)),
     (D(2026, 12, 20), D(2027, 1, 19)), (D(2027, 2, 28), D(2027, 3, 27))],
)  # fmt: skip
def test_it_accepts_a_certificate_until_the_day_before_a_debt_of_its_date_blocks(
    issued: date, last_accepted: date
) -> None:
    assert young_until(issued) == last_accepted
    assert not older_than_months(issued, last_accepted)
    assert older_than_months(issued, last_accepted + timedelta(days=1))
    assert blocks(issued, last_accepted + timedelta(days=1))
    assert not blocks(issued, last_accepted)


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 10, 31)),
    st.integers(0, 80),
    st.integers(1, 12),
)
def test_it_counts_a_certificate_old_exactly_when_a_debt_of_its_date_blocks(
    issued: date, later: int, months: int
) -> None:
    today = issued + timedelta(days=later)
    assert older_than_months(issued, today, months) == blocks(issued, today, months)
    assert older_than_months(issued, today, months) == (today > young_until(issued, months))


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1,50", "1.50"), ("1.50", "1.50"), ("12", "12.00"), (",5", "0.50"), (" 3 € ", "3.00"),
     ("0", "0.00"), ("99999,99", "99999.99"), ("7 EUR", "7.00")],
)  # fmt: skip
def test_it_reads_amounts_as_people_type_them(text, amount):
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "code"),
    [("1E2", "amount_invalid"), ("1e-2", "amount_invalid"), ("١٢", "amount_invalid"),
     ("１２", "amount_invalid"), ("²", "amount_invalid"), ("NaN", "amount_invalid"),
     ("Infinity", "amount_invalid"), ("0x10", "amount_invalid"), ("1_000", "amount_invalid"),
     ("1.234,50", "amount_invalid"), ("1 000", "amount_invalid"), ("1,", "amount_invalid"),
     ("", "amount_invalid"), (",", "amount_invalid"), ("+5", "amount_invalid"),
     ("-5", "amount_negative"), ("1,505", "amount_precision"), ("100000", "amount_too_large"),
     ("9" * 40, "amount_too_large")],
)  # fmt: skip
def test_it_refuses_what_is_not_an_amount(text, code):
    with pytest.raises(AmountError) as error:
        parse_amount(text)

    assert error.value.code == code


def test_a_sign_is_read_only_where_it_belongs():
    assert parse_amount("-5,00", signed=True) == Decimal("-5.00")
    assert parse_amount("+5", signed=True) == Decimal("5.00")
    with pytest.raises(AmountError):
        parse_amount("-100000", signed=True)


@pytest.mark.parametrize(
    ("day", "general", "reduced"),
    [(date(2002, 7, 1), "20", "8.5"), (date(2013, 6, 30), "20", "8.5"),
     (date(2013, 7, 1), "22", "9.5"), (date(2026, 12, 6), "22", "9.5")],
)  # fmt: skip
def test_it_takes_the_vat_rate_of_the_law_in_force_on_the_day(day, general, reduced):
    assert vat_rate("general", day) == Decimal(general)
    assert vat_rate("reduced", day) == Decimal(reduced)
    assert vat_rate("exempt", day) is None
