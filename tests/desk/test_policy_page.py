"""The library's rules at the desk (/desk/setup/policy/) read as rules: grouped, labelled in
the page's language, without keys or raw values, assumed values marked, every change dated
and attributed, and a value changed from a link next to it."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone, translation

from bukve.desk import policy_page
from bukve.libraries.models import Staff
from bukve.libraries.services import PRESET_IDS, policy_for, policy_value_set, preset_read
from bukve.rules.policy import flat_values

POLICY = reverse("desk:setup_policy")
CHANGE = reverse("desk:setup_policy_change")
# Values of the presets that are codes: none may show on the page as it stands, and the
# English words among them not on a Slovenian page.
CODES = ["working_days", "open_days", "card_number", "mobile_books", "mobile_short",
         "retired_staff", "music_cd", "reading_device", "started_hour", "mobile_only"]  # fmt: skip
ENGLISH_VALUES = ["previous", "due", "daily", "period", "unlimited", "true", "false", "standard"]


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def admin(client, tolmin):
    """Tolmin's administrator, Mojca Kos, at the desk in the language she asks for."""
    user = User.objects.create_user("mojca", password="x", first_name="Mojca", last_name="Kos")
    Staff.objects.create(user=user, library=tolmin, role=Staff.ADMINISTRATOR)
    client.force_login(user)

    def desk(language):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return desk


class Visible(HTMLParser):
    """The text a reader sees, without <code> (an administrator's small detail)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def visible(response) -> str:
    parser = Visible()
    parser.feed(response.content.decode())
    return "\n".join(parser.texts)


def section(html: str, slug: str) -> str:
    match = re.search(rf'<section aria-labelledby="section-{slug}".*?</section>', html, re.S)
    assert match, slug
    return match.group(0)


def cell_of(html: str, key: str) -> str:
    """The table cell or fact that shows the value at `key` (found by its change link)."""
    link = re.escape(f'?path={key}"')
    match = re.search(rf"<(td|dd)>(?:(?!</?(?:td|dd)>).)*{link}.*?</\1>", html, re.S)
    assert match, key
    return match.group(0)


# --- every key has a label ---------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESET_IDS)
def test_every_key_of_every_preset_has_a_label(preset):
    # given: a preset, as a new key would come in
    data = preset_read(preset).data

    # when
    with translation.override("sl"):
        missing = [key for key, _value in flat_values(data) if not policy_page.label(key, data)]

    # then: add the key to PATTERNS in bukve/desk/policy_page.py (and its translation)
    assert not missing, f"keys without a label in {preset}.toml: {missing}"


@pytest.mark.parametrize("preset", PRESET_IDS)
def test_every_key_of_every_preset_has_its_place_on_the_page(load_library, preset):
    library = load_library(preset)
    policy = policy_for(library, timezone.localdate())

    with translation.override("en"):
        slugs = [s.slug for s in policy_page.sections(policy, library)]

    assert "other" not in slugs
    assert {"loans", "fines", "notices", "membership"} <= set(slugs)


# --- reading the rules ---------------------------------------------------------------------------


def test_it_groups_the_rules_as_the_library_reads_them(admin):
    page = admin("en").get(POLICY).content.decode()

    titles = re.findall(r'<h2 id="section-[\w-]+">(.*?)</h2>', page)
    assert titles == ["Loans and renewals", "Fines", "Notices", "Reservations",
                      "Lost and damaged material", "Debts and blocks", "Membership",
                      "Membership cards", "The library", "Branches", "Versions"]  # fmt: skip
    loans = section(page, "loans")
    assert "Knjižnica Tolmin, Knjižnica Kobarid, Knjižnica Bovec" in loans
    assert re.search(r"<th scope=\"row\">Toy</th>\s*<td>.*?28 days", loans, re.S)
    notices = section(page, "notices")
    # the ladder: notice, days and the day after the due date it falls on, fee, registered mail
    assert re.search(r"Notice 4</th>\s*<td>.*?30 days · day 55 after the due date.*?€10.00",
                     notices, re.S)  # fmt: skip
    assert "every notice from the due date" in notices  # the mobile library's ladder


def test_it_labels_the_rules_in_slovenian(admin):
    response = admin("sl").get(POLICY)
    text = visible(response)

    for words in ["Izposoja in podaljšanje", "Zamudnine", "Opomini", "Rezervacije",
                  "Članarina", "Rok izposoje", "Igrača", "28 dni",
                  "samo delovni dnevi", "4. opomin", "55. dan po roku vrnitve", "10,00 €",
                  "0,20 € na dan", "brez omejitve", "Potujoča knjižnica"]:  # fmt: skip
        assert words in text, words
    assert "1. 4. 2026" in text  # valid from, as Slovenian writes a date


def test_it_shows_no_raw_key_or_value(admin, tolmin):
    policy = policy_for(tolmin, timezone.localdate())
    keys = [key for key, _value in flat_values(policy.data)]

    for language in ("sl", "en"):
        text = visible(admin(language).get(POLICY))
        words = set(re.findall(r"[\w.]+", text))
        assert not [k for k in keys if "." in k and k in text], language
        raw = CODES + (ENGLISH_VALUES if language == "sl" else [])
        assert not set(raw) & words, (language, set(raw) & words)


def test_it_marks_assumed_values_to_be_confirmed(admin):
    page = admin("en").get(POLICY).content.decode()

    marker = "to be confirmed"
    assert marker in cell_of(page, "profiles.standard.max_renewals")
    assert marker in cell_of(page, "ladders.standard.steps.2.fee")
    assert marker not in cell_of(page, "ladders.standard.steps.2.days")
    assert marker not in cell_of(page, "circulation.debt_blocks")
    assert marker in section(page, "branches")  # Tolmin's opening days are assumed
    # a single value has a link to change it, read out with its label
    assert 'change<span class="visually-hidden">: Fee (notice 3, standard notices)' in (
        cell_of(page, "ladders.standard.steps.2.fee")
    )


def test_it_marks_tolmins_card_collection_and_hold_fees_to_be_confirmed(admin):
    # given: RULES.md 4 (issue 22): the amounts of the mobile library's card, a lost card,
    # the yearly collection call, a hold not collected and "no tolerance" are not in seed 004
    page = admin("en").get(POLICY).content.decode()

    marker = "to be confirmed"
    for key in ["cards.mobile_only.first.adult", "cards.lost.adult", "cards.lost.child",
                "collection.fee", "holds.not_collected_fee",
                "profiles.standard.fines.tolerance_days"]:  # fmt: skip
        assert marker in cell_of(page, key), key
    # the fee includes the card (art. 13), a new card for changed data is free (art. 12)
    for key in ["cards.first.adult", "cards.changed_data.adult", "cards.mobile_only.first.child",
                "circulation.guardian_age"]:  # fmt: skip
        assert marker not in cell_of(page, key), key
    cards = section(page, "cards")
    assert re.search(r"First card \(mobile library only\)</th>\s*<td>.*?€0.00.*?</td>\s*<td>"
                     r".*?€2.00", cards, re.S)  # fmt: skip
    assert "€10.00" in cell_of(page, "collection.fee")


def test_it_says_velenjes_fine_runs_until_return():
    data = preset_read("velenje").data

    with translation.override("sl"):
        text = policy_page.value_text("profiles.standard.fines.stop_at_level", 0, data)

    assert text == "nikoli: zamudnina teče do vrnitve gradiva"


# --- changing a value ----------------------------------------------------------------------------


def test_it_opens_the_change_form_prefilled_from_the_value(admin):
    # when: the administrator follows the link next to the fine of Tolmin's branches
    key = "profiles.standard.fines.rates.default"
    response = admin("sl").get(f"{CHANGE}?path={key}")

    # then: the form names the value and shows it as she would type it
    text = visible(response)
    assert "Zamudnina (ostalo gradivo, običajna pravila)" in text
    assert "0,20 € na dan" in text
    assert response.context["form"]["value"].value() == "0,20"
    assert response.context["form"]["path"].value() == key


def test_it_offers_yes_or_no_and_the_ways_to_count(admin):
    desk = admin("sl")

    debt = desk.get(f"{CHANGE}?path=circulation.debt_blocks").content.decode()
    chargeable = desk.get(f"{CHANGE}?path=profiles.standard.fines.chargeable").content.decode()

    assert '<option value="true" selected>da</option>' in debt
    assert '<option value="working_days" selected>Samo delovni dnevi' in chargeable


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("sl", "Shranjeno. Od {day} velja nova vrednost – zamudnina (ostalo gradivo, običajna "
               "pravila): 0,30 € na dan."),
        ("en", "Saved. From {day} on the new value applies – fine (other material, standard): "
               "€0.30 per day."),
    ],
)  # fmt: skip
def test_it_takes_a_decimal_comma_and_confirms_in_a_sentence(admin, tolmin, language, sentence):
    # given
    day = timezone.localdate() + timedelta(days=10)

    # when: 0,30 with a decimal comma
    response = admin(language).post(
        CHANGE,
        {"path": "profiles.standard.fines.rates.default", "value": "0,3",
         "valid_from": day.isoformat()},
        follow=True,
    )  # fmt: skip

    # then
    assert tolmin.policies.get(valid_from=day).data["profiles"]["standard"]["fines"]["rates"][
        "default"
    ] == "0.30"  # fmt: skip
    assert sentence.format(day=f"{day.day}. {day.month}. {day.year}") in visible(response)


def test_it_confirms_an_assumed_value_saved_unchanged(admin, tolmin):
    today = timezone.localdate()

    response = admin("sl").post(
        CHANGE, {"path": "lost.processing_fee", "value": "3,00", "valid_from": today},
        follow=True,
    )  # fmt: skip

    assert "Potrjeno. Od" in visible(response)
    assert not policy_for(tolmin, today).is_assumed("lost.processing_fee")


def test_it_takes_unlimited_renewals_in_slovenian(admin, tolmin):
    today = timezone.localdate()
    policy_value_set(library=tolmin, path="profiles.standard.max_renewals", value="3",
                     valid_from=today, by=None)  # fmt: skip

    admin("sl").post(CHANGE, {"path": "profiles.standard.max_renewals",
                              "value": "Brez omejitve", "valid_from": today})  # fmt: skip

    assert policy_for(tolmin, today).profiles["standard"].max_renewals is None


def test_it_names_the_value_in_a_refusal(admin):
    response = admin("sl").post(
        CHANGE, {"path": "lost.processing_fee", "value": "abc",
                 "valid_from": timezone.localdate()},
    )  # fmt: skip

    errors = " ".join(response.context["form"].non_field_errors())
    assert "Stroški obdelave izgubljenega gradiva:" in errors
    assert "lost.processing_fee" not in errors


# --- versions ------------------------------------------------------------------------------------


def test_it_shows_a_change_with_its_date_and_author(admin, tolmin):
    # given: Mojca Kos raises the processing fee from the 1st of next month
    desk = admin("sl")
    day = timezone.localdate() + timedelta(days=20)
    desk.post(CHANGE, {"path": "lost.processing_fee", "value": "4,50", "valid_from": day})

    # when
    response = desk.get(POLICY)

    # then
    text = visible(response)
    assert f"Velja od {day.day}. {day.month}. {day.year}" in text
    assert "Mojca Kos" in text
    assert "Stroški obdelave izgubljenega gradiva: 3,00 € → 4,50 €" in text.replace("\n", " ")
    assert "Pravila knjižnice, kot so bila naložena iz prednastavitve." in text
    rows = response.context["versions"]
    assert [r.version.valid_from for r in rows] == [day, date(2026, 4, 1)]
    assert rows[0].by == "Mojca Kos" and not rows[0].preset
    assert rows[1].preset and rows[1].in_force


def test_it_lists_the_prices_of_the_price_list(load_library, staff_client):
    # given: Maribor's price list, with prices per page and VAT
    maribor = load_library("maribor")
    desk = staff_client(maribor, Staff.ADMINISTRATOR)
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "sl"

    # when
    page = desk.get(POLICY).content.decode()

    # then
    prices = section(page, "prices")
    assert re.search(r"Fotokopija A4 enostransko</th>\s*<td>.*?0,05 € na stran", prices, re.S)
    assert "Konzultacija, ura" in prices
    assert "22 %, 9,5 %" in section(page, "vat")
    assert "2 × nabavna cena" in section(page, "lost")


def test_it_says_tolmin_counts_the_pickup_window_in_working_days(admin):
    # given: Tolmin art. 31 ("5 delovnih dni"), art. 28 (e-mail), art. 17 and 22 (mobile only)
    english = admin("en").get(POLICY).content.decode()
    slovenian = visible(admin("sl").get(POLICY))

    # then
    assert "5 working days" in cell_of(english, "holds.pickup_open_days")
    assert "working days (Monday to Friday, not holidays or closures of the pick-up branch)" in (
        cell_of(english, "holds.pickup_days_kind")
    )
    assert "at the desk, by phone, by e-mail" in section(english, "loans")
    assert "mobile library" in cell_of(english, "circulation.borrow_only_on.mobile_only")
    assert "5 delovnih dni" in slovenian
    assert "po e-pošti" in slovenian
