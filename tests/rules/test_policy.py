"""The presets hold RULES.md's numbers, flag its assumed values, and bad files are refused.

RULES.md sections 2 to 5; "An assumed value ... the software must show assumed values to the
library's administrator as 'to be confirmed', never hide them."
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bukve.rules.calendar import MON_FRI, MON_SAT
from bukve.rules.policy import (
    BOOK_MATERIAL,
    MATERIALS,
    NON_BOOK_MATERIAL,
    Policy,
    PolicyError,
    money,
)
from bukve.rules.policy_file import policy_from_dict
from tests.rules.presets import LIBRARIES, preset, preset_data

D = date


def d(text: str) -> Decimal:
    return Decimal(text)


# --- the presets load ---------------------------------------------------------------------------


@pytest.mark.parametrize("library", LIBRARIES)
def test_it_loads_every_preset(library: str) -> None:
    policy = preset(library)
    assert isinstance(policy, Policy)
    assert policy.id == library
    assert "standard" in policy.profiles


def test_it_names_the_branches_of_each_library() -> None:
    assert [b.id for b in preset("maribor").branches] == ["main", "bibliobus"]
    assert [b.id for b in preset("velenje").branches] == ["main"]
    assert [b.id for b in preset("tolmin").branches] == ["tolmin", "kobarid", "bovec", "mobile"]
    assert [b.id for b in preset("ravne").branches] == ["main"]


def test_it_runs_the_mobile_libraries_under_the_mobile_profile() -> None:
    assert preset("maribor").branch("bibliobus").mobile
    assert preset("tolmin").branch("mobile").mobile
    assert not preset("tolmin").branch("kobarid").mobile


def test_it_splits_materials_into_book_and_non_book_as_scenarios_md_says() -> None:
    assert set(MATERIALS) == BOOK_MATERIAL | NON_BOOK_MATERIAL
    assert {"audio", "video", "dvd", "music_cd"} == NON_BOOK_MATERIAL


def test_it_gives_the_branches_their_documented_weekdays_and_summer() -> None:
    maribor = preset("maribor")
    assert maribor.branch("main").calendar.weekdays == MON_SAT
    (summer,) = maribor.branch("main").calendar.seasons
    assert (summer.name, summer.start, summer.end, summer.weekdays) == (
        "summer schedule", (7, 1), (8, 31), MON_FRI,
    )  # fmt: skip
    assert maribor.branch("bibliobus").calendar.weekdays == MON_FRI
    tolmin = preset("tolmin")
    assert tolmin.branch("tolmin").calendar.weekdays == MON_SAT
    for branch in ("kobarid", "bovec", "mobile"):
        assert tolmin.branch(branch).calendar.weekdays == MON_FRI
    assert preset("velenje").branch("main").calendar.weekdays == MON_SAT
    assert preset("ravne").branch("main").calendar.seasons == ()


# --- RULES.md's numbers -------------------------------------------------------------------------

# (library, what, expected): `what` reads one value from the policy.
NUMBERS: list[tuple[str, str, Callable[[Policy], Any], Any]] = [
    # Maribor
    ("maribor", "book rate", lambda p: p.profiles["standard"].fines.rates.get("book"), d("0.10")),
    ("maribor", "toy rate", lambda p: p.profiles["standard"].fines.rates.get("toy"), d("0.10")),
    ("maribor", "serial rate", lambda p: p.profiles["standard"].fines.rates.get("magazine"),
     d("0.10")),
    ("maribor", "cdrom rate", lambda p: p.profiles["standard"].fines.rates.get("cdrom"),
     d("0.10")),
    ("maribor", "dvd rate", lambda p: p.profiles["standard"].fines.rates.get("dvd"), d("0.40")),
    ("maribor", "music cd rate", lambda p: p.profiles["standard"].fines.rates.get("music_cd"),
     d("0.40")),
    ("maribor", "tolerance", lambda p: p.profiles["standard"].fines.tolerance_days, 3),
    ("maribor", "fine stop", lambda p: p.profiles["standard"].fines.stop_at_level, 3),
    ("maribor", "chargeable", lambda p: p.profiles["standard"].fines.chargeable, "open_days"),
    ("maribor", "notice days", lambda p: [s.days for s in p.ladders["standard"].steps],
     [10, 10, 10, 10]),
    ("maribor", "notice fees", lambda p: [s.fee for s in p.ladders["standard"].steps],
     [d("2.00"), d("5.00"), d("15.00"), d("25.00")]),
    ("maribor", "collection last", lambda p: [s.collection for s in p.ladders["standard"].steps],
     [False, False, False, True]),
    ("maribor", "book loan", lambda p: p.profiles["standard"].loan_days.get("book"), 21),
    ("maribor", "music cd loan", lambda p: p.profiles["standard"].loan_days.get("music_cd"), 21),
    ("maribor", "magazine loan", lambda p: p.profiles["standard"].loan_days.get("magazine"), 7),
    ("maribor", "video loan", lambda p: p.profiles["standard"].loan_days.get("video"), 7),
    ("maribor", "dvd renewal", lambda p: p.profiles["standard"].renewal_days.get("dvd"), 7),
    ("maribor", "book renewal", lambda p: p.profiles["standard"].renewal_days.get("book"), 21),
    ("maribor", "max renewals", lambda p: p.profiles["standard"].max_renewals, 2),
    ("maribor", "bibliobus loan", lambda p: p.profiles["mobile"].loan_days.get("dvd"), 28),
    ("maribor", "bibliobus renewal", lambda p: p.profiles["mobile"].renewal_days.get("book"),
     28),
    ("maribor", "bibliobus renewals", lambda p: p.profiles["mobile"].max_renewals, 2),
    ("maribor", "bibliobus period", lambda p: p.profiles["mobile"].fines.period_days, 28),
    ("maribor", "bibliobus rate", lambda p: p.profiles["mobile"].fines.rates.get("book"),
     d("1.00")),
    ("maribor", "processing", lambda p: p.lost_processing_fee, d("5.00")),
    ("maribor", "magazine lost x2", lambda p: p.lost_price_multiplier.get("magazine"), 2),
    ("maribor", "newspaper lost x2", lambda p: p.lost_price_multiplier.get("newspaper"), 2),
    ("maribor", "hold pick-up", lambda p: p.hold_pickup_open_days, 5),
    ("maribor", "hold not collected", lambda p: p.hold_not_collected_fee, d("0.00")),
    ("maribor", "debt blocks", lambda p: p.debt_blocks, False),
    ("maribor", "return noticed first", lambda p: p.return_noticed_items_before_paying, True),
    # RULES.md 1: a renewal asked for by e-mail follows the phone's rules
    ("maribor", "overdue renewal", lambda p: p.overdue_renewal_channels,
     {"desk", "phone", "email"}),
    ("maribor", "hold window in open days", lambda p: p.hold_pickup_days_kind, "open_days"),
    ("maribor", "everyone borrows everywhere", lambda p: p.borrow_only_on, {}),
    ("maribor", "iban", lambda p: p.data["payment"]["iban"], "SI56 0127 0603 0372 772"),
    ("maribor", "bic", lambda p: p.data["payment"]["bic"], "BSLJSI2X"),
    ("maribor", "lost card", lambda p: p.data["cards"]["lost"], {"child": "2.10",
                                                                 "adult": "4.20"}),
    # Velenje
    ("velenje", "valid from", lambda p: p.valid_from, D(2025, 5, 6)),
    ("velenje", "rate", lambda p: {p.profiles["standard"].fines.rates.get(m) for m in MATERIALS},
     {d("0.30")}),
    ("velenje", "tolerance", lambda p: p.profiles["standard"].fines.tolerance_days, 0),
    ("velenje", "no fine stop", lambda p: p.profiles["standard"].fines.stop_at_level, None),
    ("velenje", "notice days", lambda p: [s.days for s in p.ladders["standard"].steps],
     [8, 10, 10]),
    ("velenje", "notice fees", lambda p: [s.fee for s in p.ladders["standard"].steps],
     [d("3.00"), d("5.00"), d("7.00")]),
    ("velenje", "loan", lambda p: p.profiles["standard"].loan_days.get("dvd"), 21),
    ("velenje", "renewal", lambda p: p.profiles["standard"].renewal_days.get("book"), 21),
    ("velenje", "max renewals", lambda p: p.profiles["standard"].max_renewals, 2),
    ("velenje", "processing", lambda p: p.lost_processing_fee, d("0.80")),
    ("velenje", "hold pick-up", lambda p: p.hold_pickup_open_days, 5),
    ("velenje", "hold window in open days", lambda p: p.hold_pickup_days_kind, "open_days"),
    ("velenje", "overdue renewal", lambda p: p.overdue_renewal_channels,
     {"desk", "phone", "email"}),
    ("velenje", "hold not collected", lambda p: p.hold_not_collected_fee, d("1.00")),
    ("velenje", "debt blocks", lambda p: p.debt_blocks, False),
    ("velenje", "adult membership", lambda p: p.data["membership"]["fees"]["adult"], "15.00"),
    ("velenje", "pensioner", lambda p: p.data["membership"]["fees"]["pensioner"], "8.00"),
    ("velenje", "student", lambda p: p.data["membership"]["fees"]["student"], "8.00"),
    ("velenje", "legal entity", lambda p: p.data["membership"]["fees"]["legal_entity"], "30.00"),
    ("velenje", "child", lambda p: p.data["membership"]["fees"]["child"], "0.00"),
    ("velenje", "lost card", lambda p: p.data["cards"]["lost"]["adult"], "2.00"),
    ("velenje", "no VAT", lambda p: p.data["vat"]["payer"], False),
    # Tolmin
    ("tolmin", "valid from", lambda p: p.valid_from, D(2026, 4, 1)),
    ("tolmin", "rate", lambda p: {p.profiles["standard"].fines.rates.get(m) for m in MATERIALS},
     {d("0.20")}),
    ("tolmin", "working days", lambda p: p.profiles["standard"].fines.chargeable,
     "working_days"),
    ("tolmin", "tolerance", lambda p: p.profiles["standard"].fines.tolerance_days, 0),
    ("tolmin", "no fine stop", lambda p: p.profiles["standard"].fines.stop_at_level, None),
    ("tolmin", "mobile method", lambda p: p.profiles["mobile"].fines.method, "period"),
    ("tolmin", "mobile period", lambda p: p.profiles["mobile"].fines.period_days, 35),
    ("tolmin", "mobile rate", lambda p: p.profiles["mobile"].fines.rates.get("dvd"), d("1.00")),
    ("tolmin", "book loan", lambda p: p.profiles["standard"].loan_days.get("book"), 28),
    ("tolmin", "reader loan", lambda p: p.profiles["standard"].loan_days.get("reading_device"),
     28),
    ("tolmin", "audio loan", lambda p: p.profiles["standard"].loan_days.get("audio"), 7),
    ("tolmin", "map renewal", lambda p: p.profiles["standard"].renewal_days.get("map"), 14),
    ("tolmin", "video renewal", lambda p: p.profiles["standard"].renewal_days.get("video"), 7),
    ("tolmin", "mobile loan", lambda p: p.profiles["mobile"].loan_days.get("music_cd"), 35),
    ("tolmin", "mobile renewal", lambda p: p.profiles["mobile"].renewal_days.get("book"), 35),
    ("tolmin", "unlimited renewals", lambda p: p.profiles["standard"].max_renewals, None),
    ("tolmin", "notice days", lambda p: [s.days for s in p.ladders["standard"].steps],
     [5, 10, 10, 30]),
    ("tolmin", "notice fees", lambda p: [s.fee for s in p.ladders["standard"].steps],
     [d("1.50"), d("3.00"), d("6.00"), d("10.00")]),
    ("tolmin", "registered mail",
     lambda p: [s.registered_mail for s in p.ladders["standard"].steps],
     [False, False, True, True]),
    ("tolmin", "processing", lambda p: p.lost_processing_fee, d("3.00")),
    ("tolmin", "hold pick-up", lambda p: p.hold_pickup_open_days, 5),
    # Art. 31: "5 delovnih dni", working days as for fines (art. 33)
    ("tolmin", "hold window in working days", lambda p: p.hold_pickup_days_kind,
     "working_days"),
    # Art. 28: desk, phone, and e-mail recorded by staff, which follows the phone's rules
    ("tolmin", "overdue renewal", lambda p: p.overdue_renewal_channels,
     {"desk", "phone", "email"}),
    # Art. 17 (2), 22: mobile-only members borrow only on the mobile library
    ("tolmin", "mobile only", lambda p: p.borrow_only_on, {"mobile_only": "mobile"}),
    ("tolmin", "locker days", lambda p: p.locker_days, 3),
    ("tolmin", "locker fee", lambda p: p.locker_not_collected_fee, d("1.00")),
    ("tolmin", "debt blocks", lambda p: p.debt_blocks, True),
    ("tolmin", "debt age", lambda p: p.debt_age_months, 1),
    ("tolmin", "exempt", lambda p: p.fine_exempt_categories, {"staff", "retired_staff"}),
    ("tolmin", "offline", lambda p: p.offline_max_loans, 5),
    ("tolmin", "guardian", lambda p: p.guardian_age, 15),
    ("tolmin", "adult membership", lambda p: p.data["membership"]["fees"]["adult"]
     if "adult" in p.data["membership"]["fees"] else p.data["membership"]["fees"]["default"],
     "18.00"),
    # Art. 13: the annual fee includes the card; art. 17: adults enrolling on the mobile
    # library pay for it (assumed 2.00); art. 19: a lost card is charged (assumed 2.00);
    # art. 12: a new card for changed data is free.
    ("tolmin", "first card", lambda p: p.cards.price("first", 40, "adult"), d("0.00")),
    ("tolmin", "first card, mobile library", lambda p: p.cards.price("first", 40, "mobile_only"),
     d("2.00")),
    ("tolmin", "first card, mobile library, 17", lambda p: p.cards.price("first", 17,
                                                                         "mobile_only"),
     d("0.00")),
    ("tolmin", "lost card", lambda p: p.cards.price("lost", 40, "adult"), d("2.00")),
    ("tolmin", "lost card, child", lambda p: p.cards.price("lost", 10, "child"), d("2.00")),
    ("tolmin", "destroyed card", lambda p: p.cards.price("damaged", 40, "mobile_only"),
     d("2.00")),
    ("tolmin", "card for changed data", lambda p: p.cards.price("changed_data", 40,
                                                               "mobile_only"), d("0.00")),
    ("tolmin", "yearly collection call", lambda p: p.collection_fee, d("10.00")),
    ("tolmin", "hold not collected", lambda p: p.hold_not_collected_fee, d("0.00")),
    # Ravne: Maribor's rules without the bibliobus
    ("ravne", "processing", lambda p: p.lost_processing_fee, d("5.00")),
    ("ravne", "hold pick-up", lambda p: p.hold_pickup_open_days, 5),
    ("ravne", "hold window in open days", lambda p: p.hold_pickup_days_kind, "open_days"),
    ("ravne", "profiles", lambda p: set(p.profiles), {"standard"}),
    # Seed 000: members pay a fee (assumed: adults 15.00 a year, under 18 free)
    ("ravne", "adult membership", lambda p: p.membership.fee("adult", 30), d("15.00")),
    ("ravne", "pensioner membership", lambda p: p.membership.fee("pensioner", 70), d("15.00")),
    ("ravne", "membership at 17", lambda p: p.membership.fee("adult", 17), d("0.00")),
    ("ravne", "child membership", lambda p: p.membership.fee("child", 9), d("0.00")),
    # Velenje: the fine runs until return (assumed), Maribor's stops at the 3rd notice
    ("velenje", "no fine stop", lambda p: p.profiles["standard"].fines.stop_at_level, None),
]  # fmt: skip


@pytest.mark.parametrize(("library", "what", "read", "expected"), NUMBERS,
                         ids=[f"{lib}-{what}" for lib, what, _, _ in NUMBERS])  # fmt: skip
def test_it_holds_the_number_rules_md_gives(
    library: str, what: str, read: Callable[[Policy], Any], expected: Any
) -> None:
    assert read(preset(library)) == expected


def test_it_gives_ravne_maribors_standard_rules_and_ladder() -> None:
    maribor, ravne = preset("maribor"), preset("ravne")
    assert ravne.profiles["standard"] == maribor.profiles["standard"]
    assert ravne.ladders == maribor.ladders


@pytest.mark.parametrize("library", LIBRARIES)
def test_it_keeps_every_amount_exact_to_the_cent(library: str) -> None:
    policy = preset(library)
    for profile in policy.profiles.values():
        for rate in [profile.fines.rates.default, *profile.fines.rates.values.values()]:
            assert isinstance(rate, Decimal) and rate == rate.quantize(Decimal("0.01"))
    for ladder in policy.ladders.values():
        assert all(isinstance(step.fee, Decimal) for step in ladder.steps)


# --- assumed values are flagged, seed values are not --------------------------------------------

ASSUMED = {
    "maribor": [
        "valid_from", "branches.main.weekdays", "branches.main.seasons",
        "branches.bibliobus.weekdays", "profiles.standard.loan_days",
        "profiles.standard.loan_days.book", "profiles.standard.renewal_days.dvd",
        "profiles.standard.max_renewals", "profiles.mobile.fines.rates.default",
        "profiles.mobile.fines.period_days", "profiles.mobile.loan_days.default",
        "profiles.mobile.max_renewals", "holds.pickup_open_days", "holds.not_collected_fee",
        "holds.pickup_days_kind",
        "profiles.mobile.fines.tolerance_days", "profiles.mobile.ladders.default",
        "profiles.mobile.renewal_days.default", "profiles.standard.renewal_days.default",
        "profiles.standard.loan_days.magazine", "circulation.overdue_renewal_channels",
        "circulation.guardian_age", "membership.renew_before_days", "messages.reminder_days",
        "messages.membership_expiring_days", "vat.general", "vat.reduced",
        "payment.purpose_code",
    ],
    "velenje": [
        "branches.main.weekdays", "profiles.standard.loan_days.default",
        "profiles.standard.renewal_days.default", "profiles.standard.max_renewals",
        "profiles.standard.fines.chargeable", "profiles.standard.fines.tolerance_days",
        "ladders.standard.steps.0.days", "ladders.standard.steps.1.days",
        "ladders.standard.steps.2.days", "holds.pickup_open_days", "holds.pickup_days_kind",
        "profiles.standard.fines.stop_at_level", "circulation.overdue_renewal_channels",
        "circulation.guardian_age", "membership.fees.staff", "membership.fees.retired_staff",
        "membership.fees.mobile_only", "membership.certificate_months",
        "membership.renew_before_days", "messages.reminder_days",
        "messages.membership_expiring_days",
    ],
    "tolmin": [
        "branches.tolmin.weekdays", "branches.mobile.weekdays",
        "profiles.standard.max_renewals", "profiles.standard.fines.rates.default",
        "profiles.mobile.fines.rates.default", "ladders.standard.steps.0.fee",
        "ladders.standard.steps.3.fee", "ladders.mobile_books.steps.0.fee",
        "ladders.mobile_short.steps.3.fee", "lost.processing_fee", "membership.fees.default",
        "holds.locker_not_collected_fee", "branches.kobarid.weekdays",
        "branches.bovec.weekdays", "profiles.standard.loan_days.toy",
        "profiles.standard.renewal_days.toy", "profiles.mobile.max_renewals",
        "ladders.standard.steps.1.fee", "ladders.standard.steps.2.fee",
        "ladders.mobile_books.steps.3.fee", "ladders.mobile_short.steps.0.fee",
        "membership.fees.adult", "membership.renew_before_days", "messages.reminder_days",
        "messages.membership_expiring_days",
        # RULES.md 4: the card of an adult enrolling on the mobile library, a lost card,
        # the yearly collection call, a hold not collected, no tolerance
        "cards.mobile_only.first.adult", "cards.lost.adult", "cards.lost.child",
        "collection.fee", "holds.not_collected_fee", "profiles.standard.fines.tolerance_days",
    ],
    "ravne": [
        "valid_from", "branches.main.weekdays", "profiles.standard.fines.rates.default",
        "profiles.standard.loan_days.book", "ladders.standard.steps.0.fee",
        "ladders.standard.steps.3.days", "circulation.debt_blocks", "holds.pickup_open_days",
        "lost.processing_fee", "circulation.guardian_age",
        "circulation.overdue_renewal_channels", "circulation.return_noticed_items_before_paying",
        "holds.not_collected_fee", "profiles.standard.max_renewals",
        "profiles.standard.fines.stop_at_level", "profiles.standard.fines.tolerance_days",
        "messages.reminder_days", "messages.membership_expiring_days",
        # RULES.md 5: the membership fee the seed says members pay (adults 15.00, under 18 free)
        "membership.fees.adult", "membership.fees.default", "membership.fees.child",
        "membership.free_under_age", "membership.renew_before_days",
    ],
}  # fmt: skip

SEED = {
    "maribor": [
        "profiles.standard.fines.rates.default", "profiles.standard.fines.rates.dvd",
        "profiles.standard.fines.tolerance_days", "profiles.standard.fines.stop_at_level",
        "ladders.standard.steps.0.days", "ladders.standard.steps.0.fee",
        "ladders.standard.steps.3.fee", "lost.processing_fee", "payment.iban",
        "cards.lost.adult", "circulation.return_noticed_items_before_paying",
        "profiles.standard.fines.chargeable", "ladders.standard.steps.1.fee",
        "ladders.standard.steps.2.fee", "ladders.standard.steps.3.days",
        "ladders.standard.steps.3.collection", "lost.price_multiplier.magazine",
        "lost.without_processing", "payment.bic", "payment.reference", "membership.fees.default",
        "cards.first.adult", "cards.first.child", "cards.exchange.adult", "cards.damaged.child",
        "cards.lost.child", "circulation.debt_blocks",
    ],
    "velenje": [
        "valid_from", "profiles.standard.fines.rates.default", "ladders.standard.steps.0.fee",
        "ladders.standard.steps.1.fee", "ladders.standard.steps.2.fee",
        "holds.not_collected_fee", "lost.processing_fee", "membership.fees.adult",
        "membership.fees.pensioner", "cards.lost.adult", "profiles.standard.fines.method",
        "holds.not_collected_fee", "membership.fees.child", "membership.fees.unemployed",
        "membership.fees.legal_entity", "membership.fees.school", "membership.free_under_age",
        "membership.evidence", "membership.free_legal_entities", "vat.payer", "vat.note",
        "circulation.debt_blocks",
    ],
    "tolmin": [
        "valid_from", "profiles.standard.loan_days.default", "profiles.standard.loan_days.audio",
        "profiles.standard.renewal_days.default", "profiles.standard.not_for_loan",
        "profiles.standard.fines.chargeable", "profiles.standard.renewal_days.video",
        "profiles.mobile.loan_days.default", "profiles.mobile.fines.period_days",
        "profiles.mobile.not_renewable", "ladders.standard.steps.0.days",
        "ladders.standard.steps.3.days", "ladders.standard.steps.2.registered_mail",
        "ladders.mobile_books.steps.0.days", "ladders.mobile_short.steps.3.days",
        "holds.pickup_open_days", "holds.locker_days", "circulation.debt_blocks",
        "circulation.offline_max_loans", "circulation.fine_exempt_categories",
        "circulation.overdue_renewal_channels", "circulation.debt_age_months",
        "circulation.guardian_age", "profiles.mobile.renewal_days.default",
        "profiles.mobile.ladders.magazine", "profiles.mobile.fines.method",
        "ladders.mobile_books.steps.3.days", "ladders.standard.steps.3.registered_mail",
        "membership.free_under_age", "membership.evidence", "membership.certificate_months",
        "membership.online_registration_requires_payment",
        "membership.free_categories_register_in_person", "membership.fees.mobile_only",
        "membership.fees.librarian", "membership.fees.disabled",
        # RULES.md 4: the fee includes the card (art. 13), a new card for changed data is
        # free (art. 12), adults are 18 and over (art. 17)
        "cards.first.adult", "cards.first.child", "cards.changed_data.adult",
        "cards.child_under_age", "cards.mobile_only.first.child",
        # Art. 31: the hold window in working days; art. 17, 22: mobile-only members
        "holds.pickup_days_kind", "circulation.borrow_only_on.mobile_only",
    ],
    "ravne": [
        # Seed 000: online registration, paid online or at the library
        "membership.online_registration",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    ("library", "key"), [(lib, key) for lib, keys in ASSUMED.items() for key in keys]
)
def test_it_flags_a_value_rules_md_marks_assumed(library: str, key: str) -> None:
    assert preset(library).is_assumed(key)


@pytest.mark.parametrize(
    ("library", "key"), [(lib, key) for lib, keys in SEED.items() for key in keys]
)
def test_it_does_not_flag_a_value_that_comes_from_a_seed(library: str, key: str) -> None:
    assert not preset(library).is_assumed(key)


def test_it_flags_tolmins_unlimited_renewals_on_the_mobile_library_as_assumed() -> None:
    policy = preset("tolmin")
    assert policy.profiles["mobile"].max_renewals is None
    assert policy.is_assumed("profiles.mobile.max_renewals")


@pytest.mark.parametrize("key", [
    "membership.fees.child", "membership.fees.youth", "membership.fees.pupil",
    "membership.fees.unemployed", "membership.fees.staff", "cards.changed_data.adult",
])  # fmt: skip
def test_it_does_not_flag_tolmins_free_memberships_and_free_card_change(key: str) -> None:
    assert not preset("tolmin").is_assumed(key)


def test_it_matches_a_wildcard_in_an_assumed_path_to_any_one_part() -> None:
    policy = preset("velenje")
    assert policy.is_assumed("ladders.standard.steps.7.days")
    assert not policy.is_assumed("ladders.standard.steps")
    assert not policy.is_assumed("ladders.standard.anchor")


# --- malformed policies -------------------------------------------------------------------------


def broken(change: Callable[[dict[str, Any]], object], library: str = "maribor") -> str:
    """The PolicyError message for the preset with `change` applied."""
    data = preset_data(library)
    change(data)
    with pytest.raises(PolicyError) as error:
        policy_from_dict(data)
    return str(error.value)


def std(data: dict[str, Any]) -> dict[str, Any]:
    profile: dict[str, Any] = data["profiles"]["standard"]
    return profile


MALFORMED: list[tuple[str, Callable[[dict[str, Any]], object], str]] = [
    # missing keys
    ("missing pick-up window", lambda p: p["holds"].pop("pickup_open_days"),
     "holds.pickup_open_days: missing"),
    ("missing section", lambda p: p.pop("lost"), "lost: missing"),
    ("missing id", lambda p: p.pop("id"), "id: missing"),
    ("missing step fee", lambda p: p["ladders"]["standard"]["steps"][1].pop("fee"),
     "ladders.standard.steps[1].fee: missing"),
    ("missing fine method", lambda p: std(p)["fines"].pop("method"),
     "profiles.standard.fines.method: missing"),
    ("missing default rate", lambda p: std(p)["fines"]["rates"].pop("default"),
     "profiles.standard.fines.rates.default: missing"),
    ("missing default loan", lambda p: std(p)["loan_days"].pop("default"),
     "profiles.standard.loan_days.default: missing"),
    ("missing branch name", lambda p: p["branches"][1].pop("name"), "branches[1].name: missing"),
    ("no standard profile", lambda p: p["profiles"].pop("standard") and
     p["branches"].pop(0), "profiles.standard: missing"),
    # unknown keys
    ("unknown top key", lambda p: p.update(colour="red"), "colour: unknown key"),
    ("unknown circulation key", lambda p: p["circulation"].update(max_fine="9.00"),
     "circulation.max_fine: unknown key"),
    ("unknown fines key", lambda p: std(p)["fines"].update(grace=3),
     "profiles.standard.fines.grace: unknown key"),
    ("unknown step key", lambda p: p["ladders"]["standard"]["steps"][0].update(when=1),
     "ladders.standard.steps[0].when: unknown key"),
    ("unknown branch key", lambda p: p["branches"][0].update(hours="8-20"),
     "branches[0].hours: unknown key"),
    ("unknown season key", lambda p: p["branches"][0]["seasons"][0].update(x=1),
     "branches[0].seasons[0].x: unknown key"),
    # amounts
    ("float rate", lambda p: std(p)["fines"]["rates"].update(default=0.1),
     "profiles.standard.fines.rates.default:"),
    ("float fee", lambda p: p["ladders"]["standard"]["steps"][0].update(fee=2.0),
     "ladders.standard.steps[0].fee:"),
    ("float processing fee", lambda p: p["lost"].update(processing_fee=5.0),
     "lost.processing_fee:"),
    ("fraction of a cent", lambda p: p["holds"].update(not_collected_fee="0.005"),
     "holds.not_collected_fee:"),
    ("negative amount", lambda p: p["lost"].update(processing_fee="-5.00"),
     "lost.processing_fee:"),
    ("boolean amount", lambda p: p["lost"].update(processing_fee=True), "lost.processing_fee:"),
    ("text amount", lambda p: p["lost"].update(processing_fee="five"), "lost.processing_fee:"),
    ("exponent", lambda p: p["lost"].update(processing_fee="1e9"), "lost.processing_fee:"),
    ("huge amount", lambda p: p["lost"].update(processing_fee="10000.01"),
     "lost.processing_fee:"),
    ("other digits", lambda p: p["lost"].update(processing_fee="١٢"), "lost.processing_fee:"),
    ("huge rate", lambda p: std(p)["fines"]["rates"].update(default="1000000000.00"),
     "profiles.standard.fines.rates.default:"),
    ("huge multiplier", lambda p: p["lost"]["price_multiplier"].update(default="1e30"),
     "lost.price_multiplier.default:"),
    # materials
    ("unknown material in loan days", lambda p: std(p)["loan_days"].update(comic=7),
     "profiles.standard.loan_days.comic: unknown material"),
    ("unknown material in rates", lambda p: std(p)["fines"]["rates"].update(vinyl="0.40"),
     "profiles.standard.fines.rates.vinyl: unknown material"),
    ("unknown material not for loan", lambda p: std(p).update(not_for_loan=["comic"]),
     "profiles.standard.not_for_loan:"),
    ("unknown material in ladders", lambda p: std(p)["ladders"].update(comic="standard"),
     "profiles.standard.ladders.comic: unknown material"),
    # days
    ("negative loan days", lambda p: std(p)["loan_days"].update(default=-21),
     "profiles.standard.loan_days.default:"),
    ("zero renewal days", lambda p: std(p)["renewal_days"].update(dvd=0),
     "profiles.standard.renewal_days.dvd:"),
    ("negative tolerance", lambda p: std(p)["fines"].update(tolerance_days=-1),
     "profiles.standard.fines.tolerance_days:"),
    ("zero notice days", lambda p: p["ladders"]["standard"]["steps"][2].update(days=0),
     "ladders.standard.steps[2].days:"),
    ("zero pick-up days", lambda p: p["holds"].update(pickup_open_days=0),
     "holds.pickup_open_days:"),
    ("negative max renewals", lambda p: std(p).update(max_renewals=-1),
     "profiles.standard.max_renewals:"),
    ("fractional period", lambda p: p["profiles"]["mobile"]["fines"].update(period_days=2.5),
     "profiles.mobile.fines.period_days:"),
    ("ten thousand loan days", lambda p: std(p)["loan_days"].update(default=10_000),
     "profiles.standard.loan_days.default:"),
    ("endless notice", lambda p: p["ladders"]["standard"]["steps"][2].update(days=99_999),
     "ladders.standard.steps[2].days:"),
    ("endless pick-up", lambda p: p["holds"].update(pickup_open_days=10**9),
     "holds.pickup_open_days:"),
    ("huge count", lambda p: std(p).update(max_renewals=10**12),
     "profiles.standard.max_renewals:"),
    # ladders and profiles
    ("unknown ladder", lambda p: std(p)["ladders"].update(default="gentle"),
     "profiles.standard.ladders:"),
    ("unknown anchor", lambda p: p["ladders"]["standard"].update(anchor="checkout"),
     "ladders.standard.anchor:"),
    ("unknown fine method", lambda p: std(p)["fines"].update(method="hourly"),
     "profiles.standard.fines.method:"),
    ("unknown chargeable", lambda p: std(p)["fines"].update(chargeable="weekends"),
     "profiles.standard.fines.chargeable:"),
    ("unknown profile", lambda p: p["branches"][1].update(profile="tram"),
     "branches[1].profile:"),
    ("unknown kind of pick-up days", lambda p: p["holds"].update(pickup_days_kind="weekends"),
     "holds.pickup_days_kind:"),
    ("borrow only on an unknown profile",
     lambda p: p["circulation"].update(borrow_only_on={"mobile_only": "tram"}),
     "circulation.borrow_only_on.mobile_only:"),
    ("borrow only for an unknown category",
     lambda p: p["circulation"].update(borrow_only_on={"pirate": "mobile"}),
     "circulation.borrow_only_on.pirate: unknown category"),
    # weekdays and seasons
    ("weekday 0", lambda p: p["branches"][0].update(weekdays=[0, 1, 2]),
     "branches[0].weekdays:"),
    ("weekday 8", lambda p: p["branches"][1].update(weekdays=[1, 8]), "branches[1].weekdays:"),
    ("no weekdays", lambda p: p["branches"][1].update(weekdays=[]), "branches[1].weekdays:"),
    ("weekday as a name", lambda p: p["branches"][0].update(weekdays=["Monday"]),
     "branches[0].weekdays:"),
    ("season weekday", lambda p: p["branches"][0]["seasons"][0].update(weekdays=[9]),
     "branches[0].seasons[0].weekdays:"),
    ("season date", lambda p: p["branches"][0]["seasons"][0].update({"from": "07-32"}),
     "branches[0].seasons[0].from:"),
    # other values
    ("unknown channel", lambda p: p["circulation"].update(overdue_renewal_channels=["fax"]),
     "circulation.overdue_renewal_channels:"),
    ("unknown category", lambda p: p["circulation"].update(fine_exempt_categories=["mayor"]),
     "circulation.fine_exempt_categories:"),
    ("text boolean", lambda p: p["circulation"].update(debt_blocks="yes"),
     "circulation.debt_blocks:"),
    ("text valid_from", lambda p: p.update(valid_from="2026-01-01"), "valid_from:"),
    ("unknown VAT class", lambda p: p["vat"].update(luxury=["binding"]), "vat.luxury:"),
    ("valid_from far ahead", lambda p: p.update(valid_from=date(9999, 12, 31)), "valid_from:"),
    ("valid_from long ago", lambda p: p.update(valid_from=date(1, 1, 1)), "valid_from:"),
    ("assumed names no key", lambda p: p["assumed"].append("holds.colour"), "assumed:"),
    ("assumed names no branch", lambda p: p["assumed"].append("branches.tram.weekdays"),
     "assumed:"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "change", "start"), MALFORMED,
                         ids=[case for case, _, _ in MALFORMED])  # fmt: skip
def test_it_refuses_a_malformed_policy_naming_the_offending_key_first(
    case: str, change: Callable[[dict[str, Any]], object], start: str
) -> None:
    assert broken(change).startswith(start)


def test_it_refuses_a_policy_that_is_not_a_table() -> None:
    with pytest.raises(PolicyError, match=r"^policy: expected a table"):
        policy_from_dict([])  # type: ignore[arg-type]


def test_it_reports_policy_errors_as_value_errors() -> None:
    assert issubclass(PolicyError, ValueError)


def test_it_refuses_float_amounts_but_accepts_strings_and_whole_numbers() -> None:
    assert money("0.10") == Decimal("0.10")
    assert money(5) == Decimal("5.00")
    with pytest.raises(PolicyError, match=r"^fee: write amounts as strings"):
        money(0.1, "fee")


def test_it_leaves_the_parsed_file_untouched() -> None:
    data = preset_data("tolmin")
    policy_from_dict(data)
    assert data == preset_data("tolmin")


def test_a_price_list_written_with_the_rates_of_its_day_names_the_classes() -> None:
    data = preset_data("maribor")
    data["vat"] = {"20": ["binding"], "8.5": ["discarded_book"]}
    data["assumed"] = [key for key in data["assumed"] if not key.startswith("vat.")]

    vat = policy_from_dict(data).vat

    assert dict(vat.classes) == {"binding": "general", "discarded_book": "reduced"}
