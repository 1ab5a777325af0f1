"""Finding a member by name whatever the case and diacritics, the same on SQLite and
PostgreSQL (SQLite's LIKE folds ASCII letters only: "špela" found nobody there)."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from bukve.api.services import api_token_create
from bukve.folding import fold
from bukve.libraries.models import Staff
from bukve.members.models import Member
from bukve.members.services import member_search
from bukve.membership.services import member_create


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def spela(tolmin, make_member):
    """Špela Košir, and two members whom no search for her may find."""
    make_member(tolmin, "T0002", first_name="Spomenka", last_name="Kos")
    make_member(tolmin, "T0003", first_name="Đurđa", last_name="Žižek", born=date(1990, 5, 6))
    return make_member(tolmin, "T0001", first_name="Špela", last_name="Košir")


@pytest.mark.parametrize(
    "text",
    ["špela", "ŠPELA", "spela", "Spela", "SPELA", "kosir", "KOŠIR", "Košir", "košir špela",
     "  Špela   Košir ", "pel", "ŠIR"],
)  # fmt: skip
def test_it_finds_a_name_whatever_the_case_and_diacritics(tolmin, spela, text):
    assert list(member_search(tolmin, text)) == [spela]


def test_it_folds_letters_that_have_no_separate_mark(tolmin, spela):
    durda = Member.objects.get(card_number="T0003")

    for text in ("đurđa", "ĐURĐA", "durda", "zizek", "Žižek"):
        assert list(member_search(tolmin, text)) == [durda], text


def test_it_keeps_finding_by_card_number_date_of_birth_and_every_word(tolmin, spela):
    kos = Member.objects.get(card_number="T0002")

    assert list(member_search(tolmin, "t0001")) == [spela]
    assert list(member_search(tolmin, "6. 5. 1990")) == [Member.objects.get(card_number="T0003")]
    assert list(member_search(tolmin, "kos")) == [kos, spela]  # Kos, Košir
    assert list(member_search(tolmin, "kos spomenka")) == [kos]
    assert list(member_search(tolmin, "špela kos")) == [spela]
    assert list(member_search(tolmin, "špela zizek")) == []
    assert list(member_search(tolmin, "elak")) == []  # a word is within one name
    assert list(member_search(tolmin, "\u030c")) == []  # a caron alone is no word


def test_it_finds_on_the_desk_and_through_the_api(tolmin, spela, client):
    mojca = Staff.objects.create(user=User.objects.create_user("mojca"), library=tolmin)
    client.force_login(mojca.user)
    desk = client
    key = api_token_create(staff=mojca, name="self-check")[1]
    api = Client(headers={"Authorization": f"Bearer {key}"})

    # a single member found opens the member's page at once
    found = desk.get(reverse("desk:home"), {"q": "KOŠIR"})
    assert found.status_code == 302
    assert found["Location"] == reverse("desk:member", args=[spela.pk])
    answer = api.get("/api/members", {"q": "spela"})
    assert answer.status_code == 200
    assert [m["card_number"] for m in answer.json()] == ["T0001"]


def test_it_folds_the_name_wherever_it_is_written(tolmin, make_member):
    # given: a member made by the service, and one changed as the admin changes one
    ana = member_create(library=tolmin, first_name="Ana", last_name="Čuk",
                        born=date(1980, 1, 1), category="adult")  # fmt: skip
    bor = make_member(tolmin, "T0009", first_name="Bor", last_name="Novak")

    # when
    bor.last_name = "Šušteršič"
    bor.save(update_fields=["last_name"])

    # then
    assert Member.objects.get(pk=ana.pk).name_folded == "ana cuk"
    assert Member.objects.get(pk=bor.pk).name_folded == "bor sustersic"
    assert list(member_search(tolmin, "susters")) == [bor]


def test_the_migration_folds_the_names_of_members_there_are(tolmin, spela):
    # given: names written before the folded copy existed
    Member.objects.update(name_folded="")
    migration = importlib.import_module("bukve.members.migrations.0010_member_name_folded")

    # when
    migration.fill(apps, None)

    # then
    assert Member.objects.get(pk=spela.pk).name_folded == "spela kosir"
    assert list(member_search(tolmin, "ŠPELA")) == [spela]


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Špela KOŠIR", "spela kosir"), ("Đurđa", "durda"), ("Straße", "strasse"),
     ("Łukasz Øberg", "lukasz oberg"), ("Ćiril Čop", "ciril cop"), ("ﬁlip", "filip")],
)  # fmt: skip
def test_fold(text, folded):
    assert fold(text) == folded
