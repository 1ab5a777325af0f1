"""Reading a policy file: `policy_from_dict` checks a parsed preset strictly and builds the
Policy value (rules/policy.py), or raises PolicyError naming the offending key, so a
malformed file never loads half-way."""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from bukve.rules.calendar import BranchCalendar, Season
from bukve.rules.money import VAT_CLASSES
from bukve.rules.policy import (
    CARD_REASONS,
    CATEGORIES,
    CHANNELS,
    DAY_KINDS,
    FIRST_YEAR,
    LAST_YEAR,
    MATERIALS,
    MAX_AGE,
    MAX_COUNT,
    MAX_DAYS,
    MAX_MONTHS,
    MAX_MULTIPLIER,
    PRICE_UNITS,
    Branch,
    ByMaterial,
    Cards,
    FineRules,
    Ladder,
    Membership,
    NoticeStep,
    Policy,
    PolicyError,
    PriceItem,
    Profile,
    Vat,
    money,
)


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
