"""The day-by-day explanation of a fine tells the real reason for each day, in one language.

RULES.md 1 "Overdue fines": Tolmin charges working days only (a Saturday is not charged
though the branch is open), Maribor has three tolerance days and a summer schedule.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from bukve.circulation.fines import fine_explain

from .fine_stories import MARIBOR_DAYS, TOLMIN_DAYS, maribor_fine, tolmin_fine

STORIES = {"tolmin": (tolmin_fine, TOLMIN_DAYS), "maribor": (maribor_fine, MARIBOR_DAYS)}


@pytest.mark.parametrize("story", STORIES)
@pytest.mark.parametrize("language", ["sl", "en"])
def test_it_gives_each_day_its_code_and_its_reason_in_the_readers_language(
    story, language, load_library, make_member, make_item
):
    # given
    make_fine, expected = STORIES[story]
    fine = make_fine(load_library, make_member, make_item)

    # when
    with translation.override(language):
        days = fine_explain(fine)

    # then
    column = 2 if language == "sl" else 3
    assert [(d.date, d.code, d.why) for d in days] == [
        (row[0], row[1], row[column]) for row in expected
    ]
    assert sum((d.rate for d in days if d.charged), Decimal("0.00")) == fine.amount


def test_it_explains_tolmins_fine_as_five_working_days(load_library, make_member, make_item):
    fine = tolmin_fine(load_library, make_member, make_item)
    assert (fine.units, fine.amount) == (5, Decimal("1.00"))
