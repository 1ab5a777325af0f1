"""The catalogue search of "Moja knjižnica" finds a title whatever the case and diacritics,
the same on SQLite and PostgreSQL (SQLite's LIKE folds ASCII letters only)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from bukve.catalog.models import Record
from bukve.circulation.selectors import catalogue_search


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def ana(tolmin, make_member):
    return make_member(tolmin, "T0001")


@pytest.fixture
def cankar(tolmin, make_item):
    make_item(tolmin, "b2", record="r2", title="Čarovnik iz Oza")
    item = make_item(tolmin, "b1", record="r1", title="Hlapec Jernej in njegova pravica")
    record = Record.objects.get(pk=item.record_id)
    record.author = "Ivan Cankar"
    record.save(update_fields=["author"])
    return record


@pytest.mark.parametrize("text", ["ČAROVNIK", "čarovnik", "carovnik", "Carovnik oza", "OZA"])
def test_it_finds_a_title_whatever_the_case_and_diacritics(ana, cankar, text):
    assert [r.key for r in catalogue_search(ana, text)] == ["r2"]


@pytest.mark.parametrize("text", ["cankar hlapec", "CANKAR", "ivan jernej"])
def test_it_finds_by_title_and_author_together(ana, cankar, text):
    assert [r.key for r in catalogue_search(ana, text)] == ["r1"]


@pytest.mark.parametrize("text", ["Presern", "preseren", "PREŠEREN", "Prešern", "Poezjie"])
def test_a_typing_slip_still_finds_the_title(ana, tolmin, make_item, text):
    # "Presern" leaves out a letter of Prešeren; "Poezjie" swaps two
    item = make_item(tolmin, "b3", record="r3", title="Poezije")
    record = Record.objects.get(pk=item.record_id)
    record.author = "France Prešeren"
    record.save(update_fields=["author"])

    assert [r.key for r in catalogue_search(ana, text)] == ["r3"]


def test_a_typing_slip_is_tolerated_only_when_nothing_matches_exactly(ana, tolmin, make_item):
    make_item(tolmin, "b4", record="r4", title="Preseren")
    make_item(tolmin, "b5", record="r5", title="Presern")

    assert [r.key for r in catalogue_search(ana, "Presern")] == ["r5"]
    assert [r.key for r in catalogue_search(ana, "oza")] == []  # short words: no slips


def test_the_migration_folds_the_titles_there_are(ana, cankar):
    # given: titles written before the folded copy existed
    Record.objects.update(text_folded="")
    migration = importlib.import_module("bukve.catalog.migrations.0003_record_text_folded")

    # when
    migration.fill(apps, None)

    # then
    assert Record.objects.get(key="r2").text_folded == "carovnik iz oza "
    assert [r.key for r in catalogue_search(ana, "ČAROVNIK")] == ["r2"]
