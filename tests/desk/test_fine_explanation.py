"""The desk's page of a fine names the item and explains each day in the page's language."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils.html import escape

from bukve.libraries.models import Staff
from tests.circulation.fine_stories import (
    ENGLISH_WORDS,
    MARIBOR_DAYS,
    SLOVENIAN_WORDS,
    TOLMIN_DAYS,
    maribor_fine,
    tolmin_fine,
)

STORIES = {"tolmin": (tolmin_fine, TOLMIN_DAYS), "maribor": (maribor_fine, MARIBOR_DAYS)}


def explanation(html: str) -> str:
    """The fine's table, as text."""
    table = re.search(r'<table class="list fine-explain">.*?</table>', html, re.S)
    assert table, "no explanation on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table.group(0)))


@pytest.mark.parametrize("story", STORIES)
@pytest.mark.parametrize("language", ["sl", "en"])
def test_it_explains_every_day_of_a_fine_in_the_desks_language(
    story, language, staff_client, load_library, make_member, make_item
):
    # given
    make_fine, expected = STORIES[story]
    fine = make_fine(load_library, make_member, make_item)
    desk = staff_client(fine.library, Staff.CIRCULATION)
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    # when
    response = desk.get(f"/desk/charges/{fine.pk}/")

    # then
    assert response.status_code == 200
    html = response.content.decode()
    table = explanation(html)
    for _day, _code, sl, en in expected:
        assert escape(sl if language == "sl" else en) in html
    foreign = ENGLISH_WORDS if language == "sl" else SLOVENIAN_WORDS
    data = "popis gradiva"  # the closure's reason, as the library entered it
    assert not [w for w in foreign if w.lower() in table.replace(data, "").lower()], table


def test_it_no_longer_says_tolmin_is_closed_on_saturdays(
    staff_client, load_library, make_member, make_item
):
    fine = tolmin_fine(load_library, make_member, make_item)
    desk = staff_client(fine.library, Staff.CIRCULATION)
    for language in ("sl", "en"):
        desk.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = desk.get(f"/desk/charges/{fine.pk}/").content.decode()
        assert "zaprto (sobota)" not in html
        assert "closed on Saturday" not in html


@pytest.mark.parametrize(("language", "label"), [("sl", "Gradivo"), ("en", "Item")])
def test_it_names_the_item_and_the_branch_of_the_fine(
    language, label, staff_client, load_library, make_member, make_item
):
    fine = tolmin_fine(load_library, make_member, make_item)
    desk = staff_client(fine.library, Staff.CIRCULATION)
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    html = desk.get(f"/desk/charges/{fine.pk}/").content.decode()

    assert f"<dt>{label}</dt><dd>Na klancu (TO10001)</dd>" in html
    assert "Knjižnica Tolmin" in html
