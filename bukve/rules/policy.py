"""The Policy value: everything a library decides, read from a preset file.

A policy is plain data (`bukve/presets/*.toml`). `policy_from_dict` (rules/policy_file.py)
checks it strictly and names the offending key in its error, so a malformed file never loads
half-way. Values the library has not confirmed are listed under `assumed` (dotted key paths)
and shown as "to be confirmed".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bukve.rules.calendar import BranchCalendar
from bukve.rules.money import vat_rate

MATERIALS = (
    "book", "map", "cdrom", "reading_device", "toy", "magazine", "newspaper", "ebook",
    "audio", "video", "dvd", "music_cd",
)  # fmt: skip
BOOK_MATERIAL = frozenset(MATERIALS[:8])
NON_BOOK_MATERIAL = frozenset(MATERIALS[8:])
CATEGORIES = (
    "adult", "child", "youth", "pupil", "student", "pensioner", "unemployed", "disabled",
    "librarian", "staff", "retired_staff", "mobile_only", "legal_entity", "school",
)  # fmt: skip
# Members that are organisations: they borrow through a named employee and have no age.
LEGAL_ENTITIES = frozenset({"legal_entity", "school"})  # Velenje: schools, kindergartens free
# How a member asks for a renewal. "email": staff record a renewal asked for by e-mail; it
# follows the phone's rules (Tolmin art. 28), so a library lists it where it lists "phone".
CHANNELS = ("desk", "phone", "email", "online", "selfcheck")
# How a window of days is counted: the days the branch is open, or working days (Monday to
# Friday that are not holidays and not closures of the branch; Tolmin art. 31, 33).
DAY_KINDS = ("open_days", "working_days")
CENT = Decimal("0.01")


# Bounds of what a library's rules can sensibly say. Beyond them a value is a typing mistake
# ("1e9" for a fee, 9999 for a loan period) that would overflow the ledger or the calendar.
MAX_POLICY_AMOUNT = Decimal("10000.00")  # any one fee, fine rate or price
MAX_COUNT = 10_000  # loans, renewals, notices, ages, ...
MAX_DAYS = 3650  # any period in days: ten years
MAX_MONTHS = 120
MAX_AGE = 150
MAX_MULTIPLIER = Decimal(100)
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a policy's valid_from


class PolicyError(ValueError):
    """A policy file that cannot be used; the message starts with the offending key."""


def money(value: Any, key: str = "amount") -> Decimal:
    """A Decimal with two places, at most MAX_POLICY_AMOUNT; floats are refused because they
    are not exact, and so is an exponent ("1e9")."""
    if isinstance(value, bool | float):
        raise PolicyError(f'{key}: write amounts as strings, e.g. "0.10"')
    text = str(value)
    if not re.fullmatch(r"[0-9]{1,12}(\.[0-9]+)?", text, re.ASCII):
        raise PolicyError(f"{key}: not an amount: {value!r}")
    amount = Decimal(text)
    if amount != amount.quantize(CENT):
        raise PolicyError(f"{key}: not an amount in cents: {value!r}")
    if amount > MAX_POLICY_AMOUNT:
        raise PolicyError(f"{key}: more than {MAX_POLICY_AMOUNT}: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ByMaterial:
    """A value per material with a default for the rest."""

    values: Mapping[str, Any]
    default: Any = None

    def get(self, material: str) -> Any:
        return self.values.get(material, self.default)


@dataclass(frozen=True)
class NoticeStep:
    level: int  # 1, 2, ...; the hand-over to collection has level 0
    days: int
    fee: Decimal
    registered_mail: bool = False
    collection: bool = False


@dataclass(frozen=True)
class Ladder:
    """Notice levels. anchor "previous": each step counts from the one before it (the 1st from
    the due date); anchor "due": every step counts from the due date (Tolmin's mobile library).
    """

    anchor: str
    steps: tuple[NoticeStep, ...]


@dataclass(frozen=True)
class FineRules:
    method: str  # "daily" (per chargeable day) or "period" (per started period)
    chargeable: str = "open_days"  # one of DAY_KINDS
    tolerance_days: int = 0
    period_days: int = 0
    stop_at_level: int | None = None
    rates: ByMaterial = field(default_factory=lambda: ByMaterial({}, Decimal("0.00")))


@dataclass(frozen=True)
class Profile:
    """Loan rules of a kind of branch: the standard branches or the mobile library."""

    loan_days: ByMaterial
    renewal_days: ByMaterial  # None for a material means it cannot be renewed
    max_renewals: int | None
    not_for_loan: frozenset[str]
    not_renewable: frozenset[str]
    fines: FineRules
    ladders: ByMaterial  # material -> ladder name
    name: str = "standard"  # the profile's key in the policy


@dataclass(frozen=True)
class Branch:
    id: str
    name: str
    address: str
    profile: str
    calendar: BranchCalendar

    @property
    def mobile(self) -> bool:
        return self.profile == "mobile"


@dataclass(frozen=True)
class Membership:
    """The membership year and its fee per category (Velenje's price list; Tolmin art. 13-17)."""

    fees: Mapping[str, Decimal]  # per category; `default` for the categories not listed
    default_fee: Decimal = Decimal("0.00")
    free_under_age: int | None = None  # Tolmin, Velenje: members under 18 pay no fee
    evidence: frozenset[str] = frozenset()  # free categories that need evidence on the day
    certificate_months: int = 1  # how old an unemployment certificate may be (Tolmin art. 17)
    period_months: int = 12  # the paid period
    renew_before_days: int = 30  # how long before the paid period ends it may be renewed

    def fee(self, category: str, age: int | None) -> Decimal:
        """The fee of a category for a member of `age` (None: unknown, a legal entity)."""
        if self.free_under_age is not None and age is not None and age < self.free_under_age:
            return Decimal("0.00")
        return self.fees.get(category, self.default_fee)


CARD_REASONS = ("first", "lost", "damaged", "changed_data", "exchange")
# A reason the price list does not name costs what the next one here costs (Velenje names only
# the lost card, Tolmin the first card and the new card for changed data); then 0.00.
_CARD_FALLBACK = {"changed_data": "exchange", "exchange": "first", "damaged": "lost",
                  "lost": "first"}  # fmt: skip


@dataclass(frozen=True)
class Cards:
    """Card prices per reason as (child, adult) (Maribor's price list, point 2) and the
    prefix of the library's card numbers.

    `by_category` overrides a reason's price for one member category: Tolmin's annual fee
    includes the card (art. 13), but adults enrolling on the mobile library, who pay no fee,
    pay for the card (art. 17, `mobile_only`). An override applies to the reason it names
    only; any other reason costs what it costs everyone."""

    prices: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    child_under_age: int = 15  # Maribor: the child column is for members under 15
    prefix: str = ""  # empty: the library's code
    by_category: Mapping[str, Mapping[str, tuple[Decimal, Decimal]]] = field(default_factory=dict)

    def price(self, reason: str, age: int | None, category: str | None = None) -> Decimal:
        columns = self.by_category.get(category or "", {}).get(reason)
        if columns is None:
            key: str | None = reason
            while key is not None and key not in self.prices:
                key = _CARD_FALLBACK.get(key)
            if key is None:
                return Decimal("0.00")
            columns = self.prices[key]
        child, adult = columns
        return child if age is not None and age < self.child_under_age else adult


PRICE_UNITS = ("item", "page", "unit", "hour", "started_hour", "day", "record")


@dataclass(frozen=True)
class PriceItem:
    """An item of the library's price list (cenik) that the desk can sell. `unit` says what a
    quantity counts: an item, a page, ..., or a `started_hour` (room rental, Velenje)."""

    code: str
    name: str
    group: str
    amount: Decimal
    unit: str = "item"


@dataclass(frozen=True)
class Vat:
    """The library's VAT status for receipts. `payer` None: not stated, receipts say nothing.
    `classes` maps a price-list group or item code to the VAT class its prices include
    (Maribor: general for expert advice, binding and the University of the Third Age,
    reduced for the sale of discarded books); the rate is the law's on the day of the sale
    (bukve.rules.money.vat_rate: 22 % and 9.5 % since 1 July 2013)."""

    payer: bool | None = None
    classes: Mapping[str, str] = field(default_factory=dict)
    note: str = ""

    def class_of(self, price: PriceItem) -> str | None:
        if not self.payer:
            return None
        return self.classes.get(price.code, self.classes.get(price.group))

    def rate_of(self, price: PriceItem, day: date) -> Decimal | None:
        vat_class = self.class_of(price)
        return None if vat_class is None else vat_rate(vat_class, day)


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    valid_from: date
    branches: tuple[Branch, ...]
    profiles: Mapping[str, Profile]
    ladders: Mapping[str, Ladder]
    overdue_renewal_channels: frozenset[str]
    debt_blocks: bool
    debt_age_months: int
    return_noticed_items_before_paying: bool
    fine_exempt_categories: frozenset[str]
    guardian_age: int
    max_loans: int | None
    offline_max_loans: int | None
    hold_pickup_open_days: int  # the pick-up window, counted in `hold_pickup_days_kind` days
    hold_not_collected_fee: Decimal
    locker_days: int | None
    locker_not_collected_fee: Decimal
    lost_processing_fee: Decimal
    lost_price_multiplier: ByMaterial
    lost_without_processing: frozenset[str]
    membership: Membership
    cards: Cards
    assumed: tuple[str, ...]
    data: Mapping[str, Any]
    prices: Mapping[str, PriceItem] = field(default_factory=dict)
    vat: Vat = field(default_factory=Vat)
    # Charged when a library hands members over to collection itself, yearly (Tolmin
    # art. 41-42); a ladder's collection step has its own fee.
    collection_fee: Decimal = Decimal("0.00")
    # One of DAY_KINDS: Tolmin counts its pick-up window in working days (art. 31), the
    # others in open days of the pick-up branch (assumed).
    hold_pickup_days_kind: str = "open_days"
    # Categories that borrow only at the branches of one profile: Tolmin's mobile-only
    # members borrow only on the mobile library until they pay the annual fee (art. 17, 22).
    borrow_only_on: Mapping[str, str] = field(default_factory=dict)

    def branch(self, branch_id: str) -> Branch:
        for branch in self.branches:
            if branch.id == branch_id:
                return branch
        raise KeyError(branch_id)

    def profile_of(self, branch_id: str) -> Profile:
        return self.profiles[self.branch(branch_id).profile]

    def ladder_for(self, branch_id: str, material: str) -> Ladder:
        return self.ladder_of(self.branch(branch_id).profile, material)

    def ladder_of(self, profile: str, material: str) -> Ladder:
        """The notice ladder of a material under a loan-rule profile (a branch's, as kept in
        the database, where an administrator may change it)."""
        return self.ladders[self.profiles[profile].ladders.get(material)]

    def is_assumed(self, key: str) -> bool:
        """Whether the value at dotted `key` is assumed (see `assumed_covers`)."""
        return any(assumed_covers(assumed, key) for assumed in self.assumed)


def assumed_covers(assumed: str, key: str) -> bool:
    """Whether the assumed path `assumed` covers dotted `key`: the key itself or a value inside
    it; `*` matches any one part (e.g. `ladders.standard.steps.*.fee`)."""
    parts = key.split(".")
    pattern = assumed.split(".")
    return len(parts) >= len(pattern) and all(
        p in ("*", k) for p, k in zip(pattern, parts, strict=False)
    )


def entry_name(entry: Mapping[str, Any], position: int) -> str:
    """How a key path names an entry of a list of tables: by its `id`, `group` or position."""
    return str(entry.get("id", entry.get("group", position)))


def flat_values(data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Every value of policy data as (dotted key, value), in file order, named the way
    `assumed` names them. Tables are walked into, and so are lists of tables (see
    `entry_name`); other lists are one value. `assumed` itself is left out."""
    values: list[tuple[str, Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else key, sub)
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            for n, sub in enumerate(value):
                walk(f"{prefix}.{entry_name(sub, n)}", sub)
        else:
            values.append((prefix, value))

    walk("", {k: v for k, v in data.items() if k != "assumed"})
    return values
