"""The library's rules at the desk, as the administrator reads them in the browser on a
desktop and a 390 px phone, in Slovenian and English; a value is changed from its link."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from bukve.libraries.models import Staff


@pytest.fixture
def administrator(load_library):
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="knjiznica-2026", first_name="Mojca",
                                    last_name="Kos")  # fmt: skip
    Staff.objects.create(user=user, library=tolmin, role=Staff.ADMINISTRATOR)
    return tolmin


def log_in(page):
    page.go("/desk/")
    page.get_by_label("Uporabniško ime").fill("mojca")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()


def read_the_rules(page):
    # when: she opens the rules in Slovenian
    page.go("/desk/setup/policy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pravila in cenik")
    expect(page.get_by_role("heading", name="Izposoja in podaljšanje")).to_be_visible()
    expect(page.locator("#section-notices").locator("..")).to_contain_text(
        "55. dan po roku vrnitve"
    )
    page.shot("rules-sl")

    # and changes the fine of the branches from the link next to it, with a decimal comma
    page.get_by_role("link", name="Zamudnina (ostalo gradivo, običajna pravila)").click()
    expect(page.get_by_label("Nova vrednost")).to_have_value("0,20")
    page.get_by_label("Nova vrednost").fill("0,25")
    page.get_by_role("button", name="Shrani").click()

    # then: a Slovenian sentence, the new value, and the change dated and attributed
    today = timezone.localdate()
    day = f"{today.day}. {today.month}. {today.year}"
    expect(page.get_by_role("status")).to_contain_text(
        f"Shranjeno. Od {day} velja nova vrednost – zamudnina (ostalo gradivo, običajna "
        "pravila): 0,25 € na dan."
    )
    versions = page.locator("#section-versions").locator("..")
    expect(versions).to_contain_text("Mojca Kos")
    expect(versions).to_contain_text("0,20 € na dan → 0,25 € na dan")
    page.shot("changed-sl")

    # and in English
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rules and prices")
    expect(page.locator("#section-fines").locator("..")).to_contain_text("€0.25 per day")
    page.shot("rules-en")


def test_the_rules_on_a_desktop(page, administrator):
    log_in(page)
    read_the_rules(page)


@pytest.mark.phone
def test_the_rules_on_a_phone(page, administrator):
    log_in(page)
    read_the_rules(page)
    # nothing is wider than the phone but the tables, which scroll on their own
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
