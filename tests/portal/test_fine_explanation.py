"""Moja knjižnica's page of a fine: each day's reason in the member's language only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.html import escape

from bukve.members.services import member_password_set
from tests.circulation.fine_stories import (
    ENGLISH_WORDS,
    MARIBOR_DAYS,
    SLOVENIAN_WORDS,
    TOLMIN_DAYS,
    maribor_fine,
    tolmin_fine,
)
from tests.desk.test_fine_explanation import explanation

from .conftest import PASSWORD
from .helpers import page

STORIES = {"tolmin": (tolmin_fine, TOLMIN_DAYS), "maribor": (maribor_fine, MARIBOR_DAYS)}


@pytest.mark.parametrize("story", STORIES)
@pytest.mark.parametrize("language", ["sl", "en"])
def test_it_explains_every_day_of_a_fine_in_the_members_language(
    story, language, client, load_library, make_member, make_item, log_in
):
    # given
    make_fine, expected = STORIES[story]
    fine = make_fine(load_library, make_member, make_item)
    log_in(member_password_set(member=fine.member, password=PASSWORD))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # when
    html = page(client.get(f"/moja/account/fines/{fine.pk}/"))

    # then
    table = explanation(html)
    for _day, _code, sl, en in expected:
        assert escape(sl if language == "sl" else en) in html
    foreign = ENGLISH_WORDS if language == "sl" else SLOVENIAN_WORDS
    assert not [w for w in foreign
                if w.lower() in table.replace("popis gradiva", "").lower()], table  # fmt: skip
    assert f"{fine.item.record.title} ({fine.item.barcode})" in html
