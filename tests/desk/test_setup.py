"""Library setup at the desk: branches, seasons, closures and policy values, as an
administrator (and a branch head, for closures) uses them."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bukve.libraries.models import Closure, PolicyVersion, Staff
from bukve.libraries.services import closure_add, policy_for, policy_value_set
from bukve.rules.policy import PolicyError


@pytest.fixture
def login(staff_client):
    """staff_client, with the pages in English to read the tests by."""

    def login(library, role, branch=None):
        desk = staff_client(library, role, branch=branch)
        desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return desk

    return login


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def url(name, *args):
    return reverse(f"desk:{name}", args=args)


def row_of(html: str, key: str) -> str:
    """The table cell or fact of the policy page that shows `key` (found by its change link);
    a list, which has no such link, by its label's fact."""
    link = re.escape(f'?path={key}"')
    match = re.search(rf"<(td|dd)>(?:(?!</?(?:td|dd)>).)*{link}.*?</\1>", html, re.S)
    assert match, key
    return match.group(0)


# --- who may use the pages ---------------------------------------------------------------------


def test_it_refuses_setup_pages_to_circulation_staff(login, tolmin):
    # given
    client = login(tolmin, Staff.CIRCULATION, branch=tolmin.branches.first())
    branch = tolmin.branches.first()

    # when
    pages = [url("setup"), url("setup_branch", branch.pk), url("setup_closures", branch.pk),
             url("setup_policy"), url("setup_policy_change")]  # fmt: skip

    # then
    assert [client.get(page).status_code for page in pages] == [403] * len(pages)


def test_it_does_not_find_a_branch_of_another_library(login, load_library, tolmin):
    # given: an administrator of Maribor; a Tolmin branch with a closure
    maribor = load_library("maribor")
    client = login(maribor, Staff.ADMINISTRATOR)
    kobarid = tolmin.branches.get(code="kobarid")
    closure = closure_add(branch=kobarid, start=date(2027, 1, 4), end=date(2027, 1, 4))

    # when
    responses = [
        client.get(url("setup_branch", kobarid.pk)),
        client.get(url("setup_closures", kobarid.pk)),
        client.post(url("setup_closure_remove", closure.pk)),
    ]

    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_it_lets_a_branch_head_change_closures_of_their_own_branch_only(login, tolmin):
    # given
    kobarid, bovec = tolmin.branches.get(code="kobarid"), tolmin.branches.get(code="bovec")
    client = login(tolmin, Staff.BRANCH_HEAD, branch=kobarid)

    # when
    own = client.get(url("setup_closures", kobarid.pk))
    other = client.get(url("setup_closures", bovec.pk))
    mine = client.get(url("setup_my_closures"))

    # then
    assert own.status_code == 200
    assert other.status_code == 404
    assert mine.url == url("setup_closures", kobarid.pk)
    assert client.get(url("setup")).status_code == 403


# --- branches and seasons ------------------------------------------------------------------------


def test_it_lists_the_branches_with_their_opening_days(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    closure_add(branch=tolmin.branches.get(code="bovec"), start=timezone.localdate(),
                end=timezone.localdate(), reason="Inventory")  # fmt: skip

    # when
    response = client.get(url("setup"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Knjižnica Kobarid" in page
    assert "Monday, Tuesday, Wednesday, Thursday, Friday, Saturday" in page  # Tolmin
    assert "Inventory" in page


def test_it_edits_the_opening_weekdays(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    kobarid = tolmin.branches.get(code="kobarid")

    # when: Monday, Wednesday and Saturday are ticked
    response = client.post(
        url("setup_branch", kobarid.pk),
        {"name": "Knjižnica Kobarid", "address": "Trg 1", "weekdays": ["6", "1", "3"],
         "profile": "standard"},
    )  # fmt: skip

    # then
    assert response.status_code == 302
    kobarid.refresh_from_db()
    assert (kobarid.weekdays, kobarid.address) == ("136", "Trg 1")


def test_it_refuses_a_branch_that_never_opens(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    kobarid = tolmin.branches.get(code="kobarid")

    # when: no weekday is ticked, and the profile is not one of the policy's
    response = client.post(
        url("setup_branch", kobarid.pk),
        {"name": "Kobarid", "address": "", "profile": "express"},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"weekdays", "profile"}
    kobarid.refresh_from_db()
    assert (kobarid.name, kobarid.weekdays) == ("Knjižnica Kobarid", "12345")


def test_it_adds_and_removes_a_season(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    bovec = tolmin.branches.get(code="bovec")
    season = {"season-name": "summer schedule", "season-start_day": "1",
              "season-start_month": "7", "season-end_day": "31", "season-end_month": "8",
              "season-weekdays": ["1", "3", "5"]}  # fmt: skip

    # when
    added = client.post(url("setup_season_add", bovec.pk), season)

    # then
    assert added.status_code == 302
    s = bovec.seasons.get()
    assert (s.start_month, s.start_day, s.end_month, s.end_day, s.weekdays) == (7, 1, 8, 31, "135")
    assert "summer schedule" in client.get(url("setup_branch", bovec.pk)).content.decode()

    # when
    removed = client.post(url("setup_season_remove", s.pk))

    # then
    assert removed.status_code == 302
    assert not bovec.seasons.exists()


def test_it_refuses_a_season_on_a_day_that_does_not_exist(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    bovec = tolmin.branches.get(code="bovec")

    # when: 31 June
    response = client.post(
        url("setup_season_add", bovec.pk),
        {"season-name": "summer", "season-start_day": "31", "season-start_month": "6",
         "season-end_day": "xx", "season-end_month": "13", "season-weekdays": ["1"]},
    )  # fmt: skip

    # then
    assert response.status_code == 200
    errors = response.context["season_form"].errors
    assert errors.keys() == {"start_day", "end_day", "end_month"}
    assert not bovec.seasons.exists()


# --- closures -----------------------------------------------------------------------------------


def test_it_adds_and_removes_a_closure(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    bovec = tolmin.branches.get(code="bovec")
    start = timezone.localdate() + timedelta(days=10)

    # when
    added = client.post(
        url("setup_closures", bovec.pk),
        {"start": start.isoformat(), "end": (start + timedelta(days=2)).isoformat(),
         "reason": "Inventory"},
    )  # fmt: skip

    # then
    assert added.status_code == 302
    closure = bovec.closures.get()
    assert (closure.start, closure.end, closure.reason) == (
        start,
        start + timedelta(days=2),
        "Inventory",
    )
    page = client.get(url("setup_closures", bovec.pk)).content.decode()
    assert "Inventory" in page
    assert "Loans already out keep their due dates" in page

    # when
    removed = client.post(url("setup_closure_remove", closure.pk))

    # then
    assert removed.status_code == 302
    assert not bovec.closures.exists()


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        ("2027-03-10", "2027-03-09", "A closure cannot end before it starts."),
        ("2027-01-01", "2028-01-02", "A closure can be at most a year long."),
        ("2027-01-01", "not a day", "Enter a valid date."),
    ],
)
def test_it_refuses_a_closure_that_is_not_a_stretch_of_days(login, tolmin, start, end, error):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    bovec = tolmin.branches.get(code="bovec")

    # when
    response = client.post(url("setup_closures", bovec.pk), {"start": start, "end": end})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["end"] == [error]
    assert not bovec.closures.exists()


def test_it_accepts_a_closure_of_a_whole_year(login, tolmin):
    # given: a leap year has 366 days
    client = login(tolmin, Staff.ADMINISTRATOR)
    bovec = tolmin.branches.get(code="bovec")

    # when
    response = client.post(
        url("setup_closures", bovec.pk), {"start": "2028-01-01", "end": "2028-12-31"}
    )

    # then
    assert response.status_code == 302
    assert bovec.closures.count() == 1


# --- policy values --------------------------------------------------------------------------------


def test_it_marks_assumed_values_on_the_policy_page(login, tolmin):
    # given: Tolmin's rules leave the number of renewals and the notice fees open
    client = login(tolmin, Staff.ADMINISTRATOR)

    # when
    response = client.get(url("setup_policy"))

    # then
    page = response.content.decode()
    marker = "to be confirmed"
    assert marker in row_of(page, "profiles.standard.max_renewals")
    assert marker in row_of(page, "ladders.standard.steps.2.fee")
    assert marker not in row_of(page, "ladders.standard.steps.2.days")
    assert marker not in row_of(page, "circulation.debt_blocks")
    # a single value has a link to change it; a list has none
    assert "change" in row_of(page, "circulation.debt_blocks")
    assert "?path=circulation.overdue_renewal_channels" not in page
    assert "An overdue loan can be renewed</dt>" in page


def test_it_changes_a_policy_value_from_a_date(tolmin):
    # given: Tolmin charges 0.20 a day (assumed)
    today = date(2026, 11, 21)

    # when: from 1 January 2027, 0.30 (written with a decimal comma)
    policy_value_set(library=tolmin, path="profiles.standard.fines.rates.default", value="0,3",
                     valid_from=date(2027, 1, 1), by=None, today=today)  # fmt: skip

    # then
    before, after = policy_for(tolmin, date(2026, 12, 31)), policy_for(tolmin, date(2027, 1, 1))
    assert before.profiles["standard"].fines.rates.default == Decimal("0.20")
    assert after.profiles["standard"].fines.rates.default == Decimal("0.30")
    assert before.is_assumed("profiles.standard.fines.rates.default")
    assert not after.is_assumed("profiles.standard.fines.rates.default")
    assert after.is_assumed("profiles.mobile.fines.rates.default")  # not this one


def test_it_changes_a_policy_value_from_today_at_the_desk(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    today = timezone.localdate()

    # when: the library confirms that books renew 3 times
    form = client.get(url("setup_policy_change") + "?path=profiles.standard.max_renewals")
    response = client.post(
        url("setup_policy_change"),
        {"path": "profiles.standard.max_renewals", "value": "3",
         "valid_from": today.isoformat()},
    )  # fmt: skip

    # then
    assert form.context["form"]["value"].value() == "unlimited"
    assert response.status_code == 302
    policy = policy_for(tolmin, today)
    assert policy.profiles["standard"].max_renewals == 3
    assert not policy.is_assumed("profiles.standard.max_renewals")
    page = client.get(response.url).content.decode()
    day = f"{today.day}. {today.month}. {today.year}"
    assert (
        f"From {day} on the new value applies – renewals of one loan (standard): 3 times." in page
    )
    assert "to be confirmed" not in row_of(page, "profiles.standard.max_renewals")
    version = tolmin.policies.get(valid_from=today)
    assert version.change == "profiles.standard.max_renewals = 3"
    assert version.saved_by.staff.library == tolmin


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        ("profiles.standard.loan_days.default", "0", "expected a number of days from 1 to 3650"),
        ("profiles.standard.loan_days.default", "9999", "from 1 to 3650"),
        ("lost.processing_fee", "1e9", "expected an amount (0,00 – 10000,00)"),
        ("lost.processing_fee", "10000,01", "expected an amount (0,00 – 10000,00)"),
        ("lost.processing_fee", "١٢", "expected an amount (0,00 – 10000,00)"),
        ("lost.processing_fee", "-1", "expected an amount (0,00 – 10000,00)"),
        ("profiles.standard.loan_days.default", "twenty", "expected a whole number"),
        ("profiles.standard.fines.method", "weekly", "expected one of daily, period"),
        ("lost.processing_fee", "3.005", "expected an amount (0,00 – 10000,00)"),
        ("circulation.debt_blocks", "perhaps", "expected true or false"),
        ("circulation.overdue_renewal_channels", "desk", "Lists and tables cannot be changed"),
        ("profiles.standard.fines.rates", "0.30", "Lists and tables cannot be changed"),
        ("branches.kobarid.name", "Kobarid", "A branch is changed on its own page"),
        ("profiles.express.loan_days", "3", "no such value"),
    ],
)
def test_it_refuses_a_policy_value_and_saves_nothing(login, tolmin, path, value, error):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    saved = list(PolicyVersion.objects.values_list("valid_from", "data"))

    # when
    response = client.post(
        url("setup_policy_change"),
        {"path": path, "value": value, "valid_from": timezone.localdate().isoformat()},
    )

    # then
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].non_field_errors())
    assert list(PolicyVersion.objects.values_list("valid_from", "data")) == saved


def test_it_takes_an_amount_with_a_decimal_comma(login, tolmin):
    client = login(tolmin, Staff.ADMINISTRATOR)

    client.post(
        url("setup_policy_change"),
        {"path": "lost.processing_fee", "value": "3,5", "valid_from": timezone.localdate()},
    )

    version = tolmin.policies.get(valid_from=timezone.localdate())
    assert version.data["lost"]["processing_fee"] == "3.50"


def test_it_refuses_a_policy_change_from_a_day_far_ahead(login, tolmin):
    client = login(tolmin, Staff.ADMINISTRATOR)
    saved = PolicyVersion.objects.count()

    response = client.post(
        url("setup_policy_change"),
        {"path": "lost.processing_fee", "value": "3.00", "valid_from": "9999-12-31"},
    )

    assert response.status_code == 200
    assert "at most two years ahead" in str(response.context["form"].errors)
    assert PolicyVersion.objects.count() == saved


def test_it_refuses_a_policy_change_in_the_past(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    yesterday = timezone.localdate() - timedelta(days=1)

    # when
    response = client.post(
        url("setup_policy_change"),
        {"path": "lost.processing_fee", "value": "4.00", "valid_from": yesterday.isoformat()},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["valid_from"]
    with pytest.raises(PolicyError):
        policy_value_set(library=tolmin, path="lost.processing_fee", value="4.00",
                         valid_from=yesterday, by=None)  # fmt: skip
    assert PolicyVersion.objects.count() == 1


def test_it_lists_the_policy_versions(login, tolmin):
    # given
    client = login(tolmin, Staff.ADMINISTRATOR)
    policy_value_set(library=tolmin, path="lost.processing_fee", value="4.00",
                     valid_from=timezone.localdate() + timedelta(days=30), by=None)  # fmt: skip

    # when
    response = client.get(url("setup_policy"))

    # then
    versions = response.context["versions"]
    assert [row.version.valid_from for row in versions] == [
        timezone.localdate() + timedelta(days=30),
        date(2026, 4, 1),
    ]
    assert "in force" in response.content.decode()
