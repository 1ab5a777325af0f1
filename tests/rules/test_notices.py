"""Overdue notice ladders, their fees, and who a notice is addressed to.

RULES.md 1 "Overdue notices"; Maribor (2), Velenje (3), Tolmin (4).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from bukve.rules.notices import addressee, age_on, group_by_member, next_step
from bukve.rules.policy import MATERIALS, Ladder
from tests.rules.presets import BRANCHES, days_in_range, preset

D = date


def climb(
    ladder: Ladder, due: date, delays: tuple[int, ...] = ()
) -> list[tuple[int, date, str, bool, bool]]:
    """Issue every step of the ladder as soon as it falls due (or `delays[i]` days later)."""
    issued: list[tuple[int, date, str, bool, bool]] = []
    last: date | None = None
    while (step := next_step(ladder, due, len(issued), last)) is not None:
        delay = delays[len(issued)] if len(issued) < len(delays) else 0
        last = step.date + timedelta(days=delay)
        s = step.step
        issued.append((s.level, last, str(s.fee), s.registered_mail, s.collection))
    return issued


def offsets(ladder: Ladder, due: date) -> list[tuple[int, int, str]]:
    return [(level, (day - due).days, fee) for level, day, fee, _, _ in climb(ladder, due)]


# --- the ladders of the presets -----------------------------------------------------------------


@pytest.mark.parametrize("library", ["maribor", "ravne"])
def test_it_climbs_maribors_ladder_to_the_collection_agency(library: str) -> None:
    due = D(2026, 11, 9)
    assert climb(preset(library).ladder_for("main", "book"), due) == [
        (1, D(2026, 11, 19), "2.00", False, False),
        (2, D(2026, 11, 29), "5.00", False, False),
        (3, D(2026, 12, 9), "15.00", False, False),
        (0, D(2026, 12, 19), "25.00", False, True),
    ]


def test_it_sends_maribors_bibliobus_loans_through_the_same_ladder() -> None:
    policy = preset("maribor")
    assert policy.ladder_for("bibliobus", "dvd") == policy.ladder_for("main", "book")


def test_it_stops_maribors_fines_on_the_day_of_the_3rd_notice() -> None:
    assert preset("maribor").profile_of("main").fines.stop_at_level == 3


def test_it_climbs_velenjes_ladder_8_then_10_then_10_days() -> None:
    assert offsets(preset("velenje").ladder_for("main", "book"), D(2026, 3, 2)) == [
        (1, 8, "3.00"), (2, 18, "5.00"), (3, 28, "7.00"),
    ]  # fmt: skip


def test_it_hands_nobody_over_to_collection_in_velenje() -> None:
    ladder = preset("velenje").ladder_for("main", "book")
    assert not any(step.collection for step in ladder.steps)
    assert preset("velenje").profile_of("main").fines.stop_at_level is None


@pytest.mark.parametrize("branch", ["tolmin", "kobarid", "bovec"])
@pytest.mark.parametrize("material", ["book", "magazine", "dvd"])
def test_it_climbs_tolmins_ladder_5_10_10_30_with_registered_mail_at_3_and_4(
    branch: str, material: str
) -> None:
    due = D(2026, 4, 7)
    assert climb(preset("tolmin").ladder_for(branch, material), due) == [
        (1, D(2026, 4, 12), "1.50", False, False),
        (2, D(2026, 4, 22), "3.00", False, False),
        (3, D(2026, 5, 2), "6.00", True, False),
        (4, D(2026, 6, 1), "10.00", True, False),
    ]


def test_it_counts_each_next_notice_from_the_day_the_previous_one_was_issued() -> None:
    # The 1st Maribor notice went out two days late: the 2nd counts from that day.
    ladder = preset("maribor").ladder_for("main", "book")
    issued = climb(ladder, D(2026, 11, 9), delays=(2,))
    assert [day for _, day, *_ in issued] == [
        D(2026, 11, 21), D(2026, 12, 1), D(2026, 12, 11), D(2026, 12, 21),
    ]  # fmt: skip


@pytest.mark.parametrize("material", ["book", "map", "cdrom", "reading_device", "toy"])
def test_it_counts_tolmins_mobile_book_notices_from_the_due_date_36_71_106_141(
    material: str,
) -> None:
    assert offsets(preset("tolmin").ladder_for("mobile", material), D(2026, 5, 5)) == [
        (1, 36, "1.50"), (2, 71, "3.00"), (3, 106, "6.00"), (4, 141, "10.00"),
    ]  # fmt: skip


@pytest.mark.parametrize("material", ["magazine", "audio", "video", "dvd", "music_cd"])
def test_it_counts_tolmins_mobile_short_loan_notices_from_the_due_date_1_36_71_106(
    material: str,
) -> None:
    assert offsets(preset("tolmin").ladder_for("mobile", material), D(2026, 5, 5)) == [
        (1, 1, "1.50"), (2, 36, "3.00"), (3, 71, "6.00"), (4, 106, "10.00"),
    ]  # fmt: skip


def test_it_sends_tolmins_mobile_3rd_and_4th_notice_by_registered_mail() -> None:
    for material in ("book", "dvd"):
        issued = climb(preset("tolmin").ladder_for("mobile", material), D(2026, 5, 5))
        assert [registered for *_, registered, _ in issued] == [False, False, True, True]


@given(st.sampled_from(["book", "magazine", "dvd"]), days_in_range,
       st.tuples(*[st.integers(0, 20)] * 4))  # fmt: skip
def test_it_keeps_mobile_library_notices_anchored_to_the_due_date_however_late_issued(
    material: str, due: date, delays: tuple[int, ...]
) -> None:
    ladder = preset("tolmin").ladder_for("mobile", material)
    on_time = [day for _, day, *_ in climb(ladder, due)]
    late = climb(ladder, due, delays)
    assert [day - timedelta(days=delay) for (_, day, *_), delay in zip(late, delays, strict=True)
            ] == on_time  # fmt: skip


@pytest.mark.parametrize(("library", "branch"), BRANCHES)
def test_it_gives_every_material_a_ladder_that_ends(library: str, branch: str) -> None:
    policy = preset(library)
    for material in MATERIALS:
        ladder = policy.ladder_for(branch, material)
        issued = climb(ladder, D(2026, 3, 2))
        assert len(issued) == len(ladder.steps) >= 3
        assert [day for _, day, *_ in issued] == sorted({day for _, day, *_ in issued})
        assert all(Decimal(fee) > 0 for _, _, fee, _, _ in issued)


@pytest.mark.parametrize(
    ("library", "total"), [("maribor", "47.00"), ("velenje", "15.00"), ("tolmin", "20.50")]
)
def test_it_adds_up_the_notice_fees_over_the_levels(library: str, total: str) -> None:
    ladder = preset(library).ladder_for(preset(library).branches[0].id, "book")
    assert sum((step.fee for step in ladder.steps), Decimal("0")) == Decimal(total)


def test_it_has_nothing_left_after_the_last_step() -> None:
    ladder = preset("velenje").ladder_for("main", "book")
    assert next_step(ladder, D(2026, 3, 2), 3, D(2026, 3, 30)) is None


# --- the addressee ------------------------------------------------------------------------------


def test_it_addresses_a_childs_notice_to_the_guardian() -> None:
    assert addressee("tim", D(2016, 6, 1), "ana", D(2026, 11, 19)) == "ana"


def test_it_addresses_the_member_from_the_15th_birthday_on() -> None:
    born = D(2011, 11, 19)
    assert addressee("tim", born, "ana", D(2026, 11, 18)) == "ana"
    assert addressee("tim", born, "ana", D(2026, 11, 19)) == "tim"


def test_it_computes_the_age_on_the_notice_day_not_on_the_checkout_day() -> None:
    # Checked out at 14, the 2nd notice comes after the 15th birthday.
    born = D(2011, 12, 1)
    assert addressee("tim", born, "ana", D(2026, 11, 29)) == "ana"
    assert addressee("tim", born, "ana", D(2026, 12, 9)) == "tim"


def test_it_addresses_an_adult_even_when_a_guardian_is_recorded() -> None:
    assert addressee("ana", D(1985, 3, 2), "mama", D(2026, 11, 19)) == "ana"


def test_it_addresses_a_child_without_a_guardian_directly() -> None:
    assert addressee("tim", D(2016, 6, 1), None, D(2026, 11, 19)) == "tim"
    assert addressee("tim", None, "ana", D(2026, 11, 19)) == "tim"


def test_it_lets_a_child_born_on_29_february_turn_15_on_1_march_in_a_common_year() -> None:
    # Documented behaviour; RULES.md does not settle it (see the report).
    born = D(2012, 2, 29)
    assert age_on(born, D(2027, 2, 28)) == 14
    assert addressee("tim", born, "ana", D(2027, 2, 28)) == "ana"
    assert addressee("tim", born, "ana", D(2027, 3, 1)) == "tim"


def test_it_uses_the_policys_guardian_age_of_15() -> None:
    assert {preset(lib).guardian_age for lib in ("maribor", "velenje", "tolmin", "ravne")} == {15}


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2025, 12, 31)), days_in_range)
def test_it_writes_to_the_guardian_exactly_before_the_15th_birthday(born: date, day: date) -> None:
    assume((born.month, born.day) != (2, 29))
    fifteenth = born + relativedelta(years=15)
    assert (addressee("tim", born, "ana", day) == "ana") == (day < fifteenth)
    if day >= born:
        assert age_on(born, day) == relativedelta(day, born).years


# --- one notice per member per level per day ----------------------------------------------------


def test_it_groups_loans_reaching_the_same_level_on_the_same_day_into_one_notice() -> None:
    rows = [
        (("ana", 1, D(2026, 11, 19)), "d1"),
        (("ana", 1, D(2026, 11, 19)), "b2"),
        (("ana", 2, D(2026, 11, 19)), "b3"),
        (("tim", 1, D(2026, 11, 19)), "b4"),
    ]
    assert group_by_member(rows) == {
        ("ana", 1, D(2026, 11, 19)): ["d1", "b2"],
        ("ana", 2, D(2026, 11, 19)): ["b3"],
        ("tim", 1, D(2026, 11, 19)): ["b4"],
    }
