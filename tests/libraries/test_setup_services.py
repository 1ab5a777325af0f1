"""Services of the library setup: branches, seasons, closures and one value of the policy."""

from datetime import date
from decimal import Decimal

import pytest

from bukve.libraries.models import PolicyVersion
from bukve.libraries.services import (
    branch_update,
    calendar_for,
    closure_add,
    closure_remove,
    policy_for,
    policy_value_set,
    season_add,
    season_remove,
)
from bukve.rules.policy import PolicyError

TODAY = date(2026, 11, 21)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def set_value(library, path, value, valid_from=TODAY):
    return policy_value_set(
        library=library, path=path, value=value, valid_from=valid_from, by=None, today=TODAY
    )


def test_it_updates_a_branch(tolmin):
    # given
    bovec = tolmin.branches.get(code="bovec")

    # when
    branch_update(branch=bovec, name="Bovec", address="Trg 1", weekdays="135", profile="mobile")

    # then
    bovec.refresh_from_db()
    assert (bovec.name, bovec.address, bovec.weekdays, bovec.profile) == (
        "Bovec", "Trg 1", "135", "mobile"
    )  # fmt: skip
    assert calendar_for(bovec).weekdays == frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("weekdays", "profile"), [("", "standard"), ("18", "standard"), ("321", "standard"),
                              ("123", "express")]
)  # fmt: skip
def test_it_refuses_a_branch_without_a_schedule_or_profile(tolmin, weekdays, profile):
    bovec = tolmin.branches.get(code="bovec")
    with pytest.raises(ValueError):
        branch_update(branch=bovec, name="B", address="", weekdays=weekdays, profile=profile)


def test_it_adds_a_season_across_new_year_and_removes_it(tolmin):
    # given
    bovec = tolmin.branches.get(code="bovec")

    # when: a winter schedule, open on Saturdays only
    season = season_add(branch=bovec, name="winter", start=(12, 15), end=(1, 15), weekdays="6")

    # then
    calendar = calendar_for(bovec)
    assert calendar.season_on(date(2027, 1, 1)).name == "winter"
    assert calendar.season_on(date(2027, 2, 1)) is None

    # when
    season_remove(season=season)

    # then
    assert calendar_for(bovec).seasons == ()


def test_it_refuses_a_season_on_a_day_that_does_not_exist(tolmin):
    bovec = tolmin.branches.get(code="bovec")
    with pytest.raises(ValueError):
        season_add(branch=bovec, name="x", start=(2, 30), end=(3, 1), weekdays="1")
    assert not bovec.seasons.exists()


def test_it_removes_a_closure(tolmin):
    # given
    bovec = tolmin.branches.get(code="bovec")
    closure = closure_add(branch=bovec, start=date(2027, 1, 4), end=date(2027, 1, 8))

    # when
    closure_remove(closure=closure)

    # then
    assert calendar_for(bovec).closures == ()


@pytest.mark.parametrize(
    ("path", "text", "value"),
    [
        ("lost.processing_fee", "3,5", "3.50"),
        ("lost.processing_fee", " 4 ", "4.00"),
        ("circulation.debt_blocks", "False", False),
        ("circulation.debt_age_months", "2", 2),
        ("profiles.standard.max_renewals", "3", 3),
        ("profiles.standard.fines.chargeable", "open_days", "open_days"),
        ("ladders.standard.steps.1.fee", "2.5", "2.50"),
    ],
)
def test_it_reads_a_value_as_the_type_of_the_old_one(tolmin, path, text, value):
    # when
    version = set_value(tolmin, path, text)

    # then
    node = version.data
    for part in path.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    assert node == value


def test_it_confirms_one_value_of_an_assumed_wildcard(tolmin):
    # given: every fee of Tolmin's notice ladder is assumed (ladders.standard.steps.*.fee)

    # when: the library confirms the fee of the first notice
    set_value(tolmin, "ladders.standard.steps.0.fee", "1.50")

    # then: only that one is confirmed
    policy = policy_for(tolmin, TODAY)
    assert not policy.is_assumed("ladders.standard.steps.0.fee")
    assert all(policy.is_assumed(f"ladders.standard.steps.{n}.fee") for n in (1, 2, 3))
    assert policy.is_assumed("ladders.mobile_books.steps.0.fee")
    assert policy.ladders["standard"].steps[0].fee == Decimal("1.50")


def test_it_replaces_the_version_that_starts_on_the_same_day(tolmin):
    # given
    set_value(tolmin, "holds.pickup_open_days", "6")

    # when
    set_value(tolmin, "holds.pickup_open_days", "7")

    # then: one version from today, which policy_for reads afresh
    assert PolicyVersion.objects.filter(library=tolmin).count() == 2
    assert policy_for(tolmin, TODAY).hold_pickup_open_days == 7
    assert policy_for(tolmin, date(2026, 11, 20)).hold_pickup_open_days == 5


def test_it_builds_on_the_version_in_force_on_the_day(tolmin):
    # given: a change from January
    set_value(tolmin, "holds.pickup_open_days", "6", valid_from=date(2027, 1, 1))

    # when: another from March
    set_value(tolmin, "lost.processing_fee", "4.00", valid_from=date(2027, 3, 1))

    # then: March keeps January's change
    march = policy_for(tolmin, date(2027, 3, 1))
    assert (march.hold_pickup_open_days, str(march.lost_processing_fee)) == (6, "4.00")


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("circulation.fine_exempt_categories", "staff"),
        ("id", "bovec"),
        ("valid_from", "2027-01-01"),
        ("branches.bovec.address", "Trg 1"),
        ("holds.nothing", "1"),
        ("", "1"),
        ("holds.pickup_open_days", "5.5"),
        ("holds.pickup_open_days", "99999"),
        ("lost.processing_fee", "NaN"),
        ("lost.processing_fee", "1e40"),
        ("profiles.standard.fines.tolerance_days", "-1"),
    ],
)
def test_it_refuses_a_value_and_saves_nothing(tolmin, path, text):
    # given
    saved = list(PolicyVersion.objects.values_list("valid_from", "data"))

    # when
    with pytest.raises(PolicyError):
        set_value(tolmin, path, text)

    # then
    assert list(PolicyVersion.objects.values_list("valid_from", "data")) == saved
