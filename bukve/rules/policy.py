"""The Policy value: everything a library decides, read from a preset file.

A policy is plain data (`bukve/presets/*.toml`). `policy_from_dict` checks it strictly and
names the offending key in its error, so a malformed file never loads half-way. Values the
library has not confirmed are listed under `assumed` (dotted key paths) and shown as
"to be confirmed".
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bukve.rules.calendar import BranchCalendar, Season
from bukve.rules.money import VAT_CLASSES, vat_rate

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


# --- reading a policy file -------------------------------------------------------------------


class _Reader:
    """Typed access to a nested dict that reports the full key path on any problem."""

    def __init__(self, data: Mapping[builtins.str, Any], path: builtins.str = "") -> None:
        if not isinstance(data, Mapping):
            raise PolicyError(f"{path or 'policy'}: expected a table")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def key(self, name: builtins.str) -> builtins.str:
        return f"{self.path}.{name}" if self.path else name

    def raw(self, name: builtins.str, default: Any = ..., required: builtins.bool = True) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is ...:
                raise PolicyError(f"{self.key(name)}: missing")
            return default
        return self.data[name]

    def str(self, name: builtins.str, default: Any = ...) -> builtins.str:
        value = self.raw(name, default)
        if not isinstance(value, str):
            raise PolicyError(f"{self.key(name)}: expected text")
        return value

    def int(
        self, name: builtins.str, default: Any = ..., minimum: builtins.int = 0,
        maximum: builtins.int = MAX_COUNT,
    ) -> Any:  # fmt: skip
        value = self.raw(name, default)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (minimum <= value <= maximum)
        ):
            raise PolicyError(
                f"{self.key(name)}: expected a whole number from {minimum} to {maximum}"
            )
        return value

    def bool(self, name: builtins.str, default: Any = ...) -> builtins.bool:
        value = self.raw(name, default)
        if not isinstance(value, bool):
            raise PolicyError(f"{self.key(name)}: expected true or false")
        return value

    def money(self, name: builtins.str, default: Any = ...) -> Decimal:
        return money(self.raw(name, default), self.key(name))

    def table(self, name: builtins.str, default: Any = ...) -> _Reader:
        return _Reader(self.raw(name, default), self.key(name))

    def list(self, name: builtins.str, default: Any = ...) -> builtins.list[Any]:
        value = self.raw(name, default)
        if not isinstance(value, list):
            raise PolicyError(f"{self.key(name)}: expected a list")
        return value

    def choices(
        self, name: builtins.str, allowed: tuple[builtins.str, ...], default: Any = ...
    ) -> frozenset[builtins.str]:
        values = self.list(name, default)
        for value in values:
            if value not in allowed:
                raise PolicyError(f"{self.key(name)}: unknown value {value!r}")
        return frozenset(values)

    def one_of(
        self, name: builtins.str, allowed: tuple[builtins.str, ...], default: Any = ...
    ) -> builtins.str:
        value = self.str(name, default)
        if value not in allowed:
            raise PolicyError(f"{self.key(name)}: expected one of {', '.join(allowed)}")
        return value

    def by_material(self, name: builtins.str, convert: Any, default: Any = ...) -> ByMaterial:
        table = self.table(name, default)
        values = {}
        for material, value in table.data.items():
            if material != "default" and material not in MATERIALS:
                raise PolicyError(f"{table.key(material)}: unknown material")
            values[material] = convert(value, table.key(material))
        fallback = values.pop("default", None)
        return ByMaterial(values, fallback)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise PolicyError(f"{self.key(unknown[0])}: unknown key")


def _days(value: Any, key: str) -> int | None:
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise PolicyError(f"{key}: expected a number of days from 1 to {MAX_DAYS}")
    return value


def _weekdays(reader: _Reader, name: str, default: Any = ...) -> frozenset[int]:
    values = reader.list(name, default)
    if not values or any(
        not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 7 for v in values
    ):
        raise PolicyError(f"{reader.key(name)}: expected ISO weekdays 1 (Monday) to 7 (Sunday)")
    return frozenset(v - 1 for v in values)


def _month_day(reader: _Reader, name: str) -> tuple[int, int]:
    text = reader.str(name)
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2024, month, day)
    except ValueError:
        raise PolicyError(f"{reader.key(name)}: expected MM-DD") from None
    return (month, day)


def _branch(reader: _Reader, profiles: Mapping[str, Any]) -> Branch:
    seasons = []
    for i, raw in enumerate(reader.list("seasons", [])):
        s = _Reader(raw, reader.key(f"seasons[{i}]"))
        seasons.append(
            Season(
                name=s.str("name"),
                start=_month_day(s, "from"),
                end=_month_day(s, "to"),
                weekdays=_weekdays(s, "weekdays"),
            )
        )
        s.done()
    profile = reader.str("profile", "standard")
    if profile not in profiles:
        raise PolicyError(f"{reader.key('profile')}: no such profile {profile!r}")
    branch = Branch(
        id=reader.str("id"),
        name=reader.str("name"),
        address=reader.str("address", ""),
        profile=profile,
        calendar=BranchCalendar(weekdays=_weekdays(reader, "weekdays"), seasons=tuple(seasons)),
    )
    reader.done()
    return branch


def _ladder(reader: _Reader) -> Ladder:
    anchor = reader.one_of("anchor", ("previous", "due"), "previous")
    steps = []
    for i, raw in enumerate(reader.list("steps")):
        s = _Reader(raw, reader.key(f"steps[{i}]"))
        collection = s.bool("collection", False)
        step = NoticeStep(
            level=0 if collection else s.int("level", minimum=1),
            days=s.int("days", minimum=1, maximum=MAX_DAYS),
            fee=s.money("fee"),
            registered_mail=s.bool("registered_mail", False),
            collection=collection,
        )
        s.done()
        steps.append(step)
    reader.done()
    return Ladder(anchor=anchor, steps=tuple(steps))


def _profile(reader: _Reader, ladders: Mapping[str, Ladder], profile_name: str) -> Profile:
    f = reader.table("fines")
    method = f.one_of("method", ("daily", "period"))
    fines = FineRules(
        method=method,
        chargeable=f.one_of("chargeable", DAY_KINDS, "open_days"),
        tolerance_days=f.int("tolerance_days", 0, maximum=MAX_DAYS),
        period_days=f.int("period_days", minimum=1, maximum=MAX_DAYS) if method == "period" else 0,
        # 0: the fine never stops at a notice, it runs until return (Velenje, assumed).
        stop_at_level=f.int("stop_at_level", None, minimum=0) or None,
        rates=f.by_material("rates", money),
    )
    f.done()
    if fines.rates.default is None:
        raise PolicyError(f"{f.key('rates')}.default: missing")
    ladder_names = reader.by_material("ladders", lambda v, k: v)
    for name in [ladder_names.default, *ladder_names.values.values()]:
        if name not in ladders:
            raise PolicyError(f"{reader.key('ladders')}: no such ladder {name!r}")
    loan_days = reader.by_material("loan_days", _days)
    if loan_days.default is None:
        raise PolicyError(f"{reader.key('loan_days')}.default: missing")
    profile = Profile(
        loan_days=loan_days,
        renewal_days=reader.by_material("renewal_days", _days),
        max_renewals=None
        if reader.raw("max_renewals", None) == "unlimited"
        else reader.int("max_renewals", None),
        not_for_loan=reader.choices("not_for_loan", MATERIALS, []),
        not_renewable=reader.choices("not_renewable", MATERIALS, []),
        fines=fines,
        ladders=ladder_names,
        name=profile_name,
    )
    reader.done()
    return profile


def policy_from_dict(data: Mapping[str, Any]) -> Policy:
    """Check a parsed preset and build the Policy; raise PolicyError naming the bad key."""
    top = _Reader(data)
    ladders_reader = top.table("ladders")
    ladders = {name: _ladder(ladders_reader.table(name)) for name in ladders_reader.data}
    profiles_reader = top.table("profiles")
    profiles = {
        name: _profile(profiles_reader.table(name), ladders, name) for name in profiles_reader.data
    }
    if "standard" not in profiles:
        raise PolicyError("profiles.standard: missing")
    branches = tuple(
        _branch(_Reader(raw, f"branches[{i}]"), profiles)
        for i, raw in enumerate(top.list("branches"))
    )
    if not branches:
        raise PolicyError("branches: at least one branch is needed")
    valid_from = top.raw("valid_from")
    if not isinstance(valid_from, date):
        raise PolicyError("valid_from: expected a date (YYYY-MM-DD)")
    if not FIRST_YEAR <= valid_from.year <= LAST_YEAR:
        raise PolicyError(f"valid_from: expected a year from {FIRST_YEAR} to {LAST_YEAR}")
    c = top.table("circulation")
    h = top.table("holds")
    lost = top.table("lost")
    collection = top.table("collection", {})
    policy = Policy(
        id=top.str("id"),
        name=top.str("name"),
        valid_from=valid_from,
        branches=branches,
        profiles=profiles,
        ladders=ladders,
        overdue_renewal_channels=c.choices("overdue_renewal_channels", CHANNELS),
        debt_blocks=c.bool("debt_blocks"),
        debt_age_months=c.int("debt_age_months", 1, minimum=1, maximum=MAX_MONTHS),
        return_noticed_items_before_paying=c.bool("return_noticed_items_before_paying", False),
        fine_exempt_categories=c.choices("fine_exempt_categories", CATEGORIES, []),
        guardian_age=c.int("guardian_age", 15, minimum=1, maximum=MAX_AGE),
        max_loans=c.int("max_loans", None, minimum=1),
        offline_max_loans=c.int("offline_max_loans", None, minimum=1),
        hold_pickup_open_days=h.int("pickup_open_days", minimum=1, maximum=MAX_DAYS),
        hold_not_collected_fee=h.money("not_collected_fee", "0.00"),
        locker_days=h.int("locker_days", None, minimum=1, maximum=MAX_DAYS),
        locker_not_collected_fee=h.money("locker_not_collected_fee", "0.00"),
        lost_processing_fee=lost.money("processing_fee"),
        lost_price_multiplier=lost.by_material("price_multiplier", _multiplier, {}),
        lost_without_processing=lost.choices("without_processing", MATERIALS, []),
        membership=_membership(top.table("membership", {})),
        cards=_cards(top.table("cards", {})),
        assumed=tuple(top.list("assumed", [])),
        data=data,
        prices=_prices(top.list("prices", []), top.key("prices")),
        vat=_vat(top.table("vat", {})),
        collection_fee=collection.money("fee", "0.00"),
        hold_pickup_days_kind=h.one_of("pickup_days_kind", DAY_KINDS, "open_days"),
        borrow_only_on=_borrow_only_on(c.table("borrow_only_on", {}), profiles),
    )
    # Sections read by other parts of Bukve (payment, messages) are kept as plain data.
    for name in ("payment", "holds_extra", "messages"):
        top.raw(name, None)
    for reader in (c, h, lost, collection, top):
        reader.done()
    named = {p.group for p in policy.prices.values()} | set(policy.prices)
    for group in policy.vat.classes:
        if group not in named:
            raise PolicyError(f"vat: {group!r} is neither a group nor an item of the price list")
    for key in policy.assumed:
        if not _has_key(data, key):
            raise PolicyError(f"assumed: {key!r} names no key of this policy")
    return policy


def _borrow_only_on(reader: _Reader, profiles: Mapping[str, Profile]) -> dict[str, str]:
    """category -> the profile of the only branches where members of it borrow."""
    only = {}
    for category in reader.data:
        if category not in CATEGORIES:
            raise PolicyError(f"{reader.key(category)}: unknown category")
        only[category] = reader.one_of(category, tuple(profiles))
    reader.done()
    return only


def _membership(reader: _Reader) -> Membership:
    fees = reader.table("fees", {})
    by_category = {}
    for category in fees.data:
        if category != "default" and category not in CATEGORIES:
            raise PolicyError(f"{fees.key(category)}: unknown category")
        by_category[category] = fees.money(category)
    membership = Membership(
        fees=by_category,
        default_fee=by_category.pop("default", Decimal("0.00")),
        free_under_age=reader.int("free_under_age", None, minimum=1, maximum=MAX_AGE),
        evidence=reader.choices("evidence", CATEGORIES, []),
        certificate_months=reader.int("certificate_months", 1, minimum=1, maximum=MAX_MONTHS),
        period_months=reader.int("period_months", 12, minimum=1, maximum=MAX_MONTHS),
        renew_before_days=reader.int("renew_before_days", 30, maximum=MAX_DAYS),
    )
    # Read by online registration (bukve/membership/registration.py) from the plain data.
    for name in ("online_registration", "online_registration_requires_payment",
                 "free_categories_register_in_person", "free_legal_entities"):  # fmt: skip
        reader.raw(name, None)
    reader.done()
    return membership


def _card_prices(reader: _Reader, categories: bool) -> dict[str, Any]:
    """A reason's (child, adult) prices per reason; with `categories`, a table named by a
    member category holds that category's own prices (`Cards.by_category`)."""
    prices: dict[str, Any] = {}
    for name in reader.data:
        if name in ("child_under_age", "prefix") and categories:
            continue
        if categories and name in CATEGORIES:
            prices[name] = _card_prices(reader.table(name), categories=False)
            continue
        if name not in CARD_REASONS:
            raise PolicyError(f"{reader.key(name)}: unknown reason for a card")
        columns = reader.table(name)
        prices[name] = (columns.money("child"), columns.money("adult"))
        columns.done()
    if not categories:
        reader.done()
    return prices


def _cards(reader: _Reader) -> Cards:
    prices = _card_prices(reader, categories=True)
    cards = Cards(
        prices={k: v for k, v in prices.items() if k in CARD_REASONS},
        child_under_age=reader.int("child_under_age", 15, minimum=1, maximum=MAX_AGE),
        prefix=reader.str("prefix", ""),
        by_category={k: v for k, v in prices.items() if k in CATEGORIES},
    )
    reader.done()
    return cards


def _prices(groups: list[Any], path: str) -> dict[str, PriceItem]:
    prices: dict[str, PriceItem] = {}
    for n, entry in enumerate(groups):
        group = _Reader(entry, f"{path}.{n}")
        name = group.str("group")
        for m, line in enumerate(group.list("items")):
            item = _Reader(line, f"{path}.{name}.items.{m}")
            price = PriceItem(
                code=item.str("code"),
                name=item.str("name"),
                group=name,
                amount=item.money("amount"),
                unit=item.one_of("unit", PRICE_UNITS, "item"),
            )
            if price.code in prices:
                raise PolicyError(f"{item.key('code')}: {price.code!r} is listed twice")
            prices[price.code] = price
            item.done()
        group.done()
    return prices


# A price list written with the rates of its day ("20" = [...]) names the class by its rate.
_LEGACY_VAT = {"19": "general", "20": "general", "22": "general",
               "8": "reduced", "8.5": "reduced", "9.5": "reduced"}  # fmt: skip


def _vat(reader: _Reader) -> Vat:
    payer = reader.raw("payer", None)
    if payer is not None and not isinstance(payer, bool):
        raise PolicyError(f"{reader.key('payer')}: expected true or false")
    classes = {}
    for key in reader.data:
        if key in ("payer", "note"):
            continue
        vat_class = _LEGACY_VAT.get(key, key)
        if vat_class not in VAT_CLASSES:
            raise PolicyError(f"{reader.key(key)}: not a VAT class ({', '.join(VAT_CLASSES)})")
        for group in reader.list(key):
            classes[group] = vat_class
    vat = Vat(payer=True if classes and payer is None else payer, classes=classes,
              note=reader.str("note", ""))  # fmt: skip
    reader.done()
    return vat


def _multiplier(value: Any, key: str) -> Decimal:
    text = str(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | str)
        or not re.fullmatch(r"[0-9]{1,4}(\.[0-9]{1,4})?", text, re.ASCII)
        or not 0 < Decimal(text) <= MAX_MULTIPLIER
    ):
        raise PolicyError(f"{key}: expected a multiplier above 0, at most {MAX_MULTIPLIER}")
    return Decimal(text)


def _has_key(data: Any, dotted: str) -> bool:
    """Whether a dotted path names a value; list entries are named by `id`, index or `*`."""
    if not dotted:
        return True
    part, _, rest = dotted.partition(".")
    if isinstance(data, list):
        if part == "*":
            return bool(data) and all(_has_key(d, rest) for d in data)
        if part.isdigit():
            return int(part) < len(data) and _has_key(data[int(part)], rest)
        match = [d for d in data if isinstance(d, Mapping) and d.get("id") == part]
        return bool(match) and _has_key(match[0], rest)
    if isinstance(data, Mapping) and part in data:
        return _has_key(data[part], rest)
    return False
