"""Reading and checking a scenario file (SCENARIOS.md). Pure: no Django."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from bukve.days import parse_day
from bukve.rules.money import MAX_AMOUNT, AmountError, parse_amount
from bukve.rules.policy import CATEGORIES, CHANNELS, MATERIALS

PRESET_BRANCHES = {
    "maribor": ("main", "bibliobus"),
    "velenje": ("main",),
    "tolmin": ("tolmin", "kobarid", "bovec", "mobile"),
    "ravne": ("main",),
}
EVENTS = {
    "checkout": ("member", "item"),
    "renew": ("member", "item"),
    "return": ("item",),
    "lost": ("item",),
    "pay": ("member",),
    "reserve": ("member", "item"),
    "pickup": ("member", "item"),
}
EVENT_KEYS = {"date", "do", "member", "item", "due", "branch", "channel", "price", "amount"}

# Bounds that keep a scenario to what can happen in a library (and in the database's columns).
MAX_YEARS = 10  # from the first event to run_until: the daily run plays every day between
MAX_BYTES = 10 * 1024 * 1024  # a scenario file
MAX_PARTS = 100  # parts of one set (komplet)
# The longest text of each kind: the database columns the simulator writes it to.
MAX_MEMBER_ID, MAX_ITEM_ID, MAX_RECORD, MAX_NAME, MAX_TITLE, MAX_REASON = 30, 50, 100, 100, 500, 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
AMOUNT_PROBLEMS = {
    "amount_invalid": "not an amount (write it like 5.00 or 5,00)",
    "amount_precision": "more than two decimals",
    "amount_negative": "must not be negative",
    "amount_too_large": f"too large (at most {MAX_AMOUNT})",
}


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: dates stay text, so a wrong one (2026-02-30) is reported
    with the key it stands under."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class ScenarioError(ValueError):
    """A malformed scenario; the message names the problem in one line."""


@dataclass
class Scenario:
    library: str
    branch: str
    members: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]
    closures: list[dict[str, Any]]
    events: list[dict[str, Any]]
    run_until: date
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


def _date(value: Any, where: str) -> date:
    try:
        return parse_day(value)
    except ValueError as error:
        raise ScenarioError(f"{where}: {error}") from None


def _amount(value: Any, where: str) -> Decimal:
    """An amount as bukve.rules.money.parse_amount reads it ("5.00", "5,00"); a plain YAML
    number (5, 5.5) is read as its text, so 1e30, .nan and .inf are refused too."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ScenarioError(f"{where}: {AMOUNT_PROBLEMS['amount_invalid']}: {value!r}")
    try:
        return parse_amount(str(value))
    except AmountError as error:
        raise ScenarioError(f"{where}: {AMOUNT_PROBLEMS[error.code]}: {value!r}") from None


def _choice(value: Any, choices: Collection[str], where: str, what: str) -> str:
    """One of `choices`; anything else (also a list or a mapping) is unknown."""
    if not isinstance(value, str) or value not in choices:
        raise ScenarioError(f"{where}: unknown {what} {value!r}")
    return value


def _text(value: Any, where: str, longest: int) -> str:
    """A name or an id: text (or a plain number) on one line, at most `longest` characters."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ScenarioError(f"{where}: expected text, got {value!r}")
    text = str(value)
    if _CONTROL.search(text):
        raise ScenarioError(f"{where}: control characters in {text[:50]!r}")
    if len(text) > longest:
        raise ScenarioError(f"{where}: longer than {longest} characters: {text[:50]!r}...")
    return text


def _table(value: Any, where: str, longest: int = 100) -> dict[str, Any]:
    """A mapping; its keys (ids, or the keys of a row) as text of at most `longest`."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    return {_text(k, f"{where}: key", longest): v for k, v in value.items()}


def _check_keys(row: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key {unknown[0]!r}")


def load(path: str) -> Scenario:
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise ScenarioError(f"{path}: larger than {MAX_BYTES // 1024 // 1024} MB")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"{path}: cannot read: {error}") from None
    try:
        data = json.loads(text) if path.endswith(".json") else yaml.load(text, Loader=_Loader)  # noqa: S506
    except Exception as error:  # yaml raises many kinds, some while building dates
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ScenarioError(f"{path}: not valid YAML/JSON: {message}") from None
    return parse(data)


def parse(data: Any) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError("scenario: expected a mapping at the top")
    data = _table(data, "scenario")
    _check_keys(data, {"library", "branch", "members", "items", "closures", "events", "run_until"},
                "scenario")  # fmt: skip
    library = data.get("library")
    if not isinstance(library, str) or library not in PRESET_BRANCHES:
        raise ScenarioError(f"library: unknown library {library!r} "
                            f"(one of {', '.join(PRESET_BRANCHES)})")  # fmt: skip
    branches = PRESET_BRANCHES[library]
    branch = data.get("branch", branches[0])
    if not isinstance(branch, str) or branch not in branches:
        raise ScenarioError(f"branch: unknown branch {branch!r} of {library}")

    members = _members(data)
    items = _items(data, branches)
    closures = _closures(data, branch, branches)
    events = _events(data, members, items, branches)
    run_until = _run_until(data, events)
    return Scenario(library, branch, members, items, closures, events, run_until, data)


def _members(data: dict[str, Any]) -> dict[str, Any]:
    members = _table(data.get("members"), "members", MAX_MEMBER_ID)
    for mid, raw in members.items():
        where = f"members.{mid}"
        m = _table(raw, where)
        _check_keys(m, {"category", "born", "guardian", "expires", "restricted", "name"}, where)
        m["category"] = _choice(m.get("category", "adult"), CATEGORIES, f"{where}.category",
                                "category")  # fmt: skip
        m["born"] = _date(m["born"], f"{where}.born") if "born" in m else None
        if "expires" in m:
            m["expires"] = _date(m["expires"], f"{where}.expires")
        if not isinstance(m.get("restricted", False), bool):
            raise ScenarioError(f"{where}.restricted: expected true or false")
        if "name" in m:
            m["name"] = _text(m["name"], f"{where}.name", MAX_NAME)
        if "guardian" in m:
            m["guardian"] = _text(m["guardian"], f"{where}.guardian", MAX_MEMBER_ID)
            if m["guardian"] == mid:
                raise ScenarioError(f"{where}.guardian: a member is not their own guardian")
        members[mid] = m
    for mid, m in members.items():
        if "guardian" in m and m["guardian"] not in members:
            raise ScenarioError(f"members.{mid}.guardian: unknown member {m['guardian']!r}")
    return members


def _items(data: dict[str, Any], branches: tuple[str, ...]) -> dict[str, Any]:
    items = _table(data.get("items"), "items", MAX_ITEM_ID)
    for iid, raw in items.items():
        where = f"items.{iid}"
        i = _table(raw, where)
        _check_keys(i, {"material", "title", "parts", "not_for_loan", "record", "price", "branch"},
                    where)  # fmt: skip
        _choice(i.get("material"), MATERIALS, f"{where}.material", "material")
        parts = i.get("parts", 1)
        if isinstance(parts, bool) or not isinstance(parts, int) or not 1 <= parts <= MAX_PARTS:
            raise ScenarioError(f"{where}.parts: expected a whole number from 1 to {MAX_PARTS}")
        if not isinstance(i.get("not_for_loan", False), bool):
            raise ScenarioError(f"{where}.not_for_loan: expected true or false")
        if "price" in i:
            i["price"] = _amount(i["price"], f"{where}.price")
        if "title" in i:
            i["title"] = _text(i["title"], f"{where}.title", MAX_TITLE)
        if "record" in i:
            i["record"] = _text(i["record"], f"{where}.record", MAX_RECORD)
        if "branch" in i:
            _choice(i["branch"], branches, f"{where}.branch", "branch")
        items[iid] = i
    return items


def _closures(data: dict[str, Any], branch: str, branches: tuple[str, ...]) -> list[Any]:
    closures = data.get("closures") or []
    if not isinstance(closures, list):
        raise ScenarioError("closures: expected a list")
    for n, raw in enumerate(closures):
        where = f"closures[{n}]"
        c = _table(raw, where)
        _check_keys(c, {"branch", "from", "to", "reason"}, where)
        c["branch"] = _choice(c.get("branch", branch), branches, f"{where}.branch", "branch")
        c["from"] = _date(c.get("from"), f"{where}.from")
        c["to"] = _date(c.get("to", c["from"]), f"{where}.to")
        if c["to"] < c["from"]:
            raise ScenarioError(f"{where}: ends before it starts")
        if "reason" in c:
            c["reason"] = _text(c["reason"], f"{where}.reason", MAX_REASON)
        closures[n] = c
    return closures


def _events(
    data: dict[str, Any], members: dict[str, Any], items: dict[str, Any], branches: tuple[str, ...]
) -> list[Any]:
    events = data.get("events") or []
    if not isinstance(events, list):
        raise ScenarioError("events: expected a list")
    previous = None
    for n, raw in enumerate(events):
        where = f"events[{n}]"
        e = _table(raw, where)
        _check_keys(e, EVENT_KEYS, where)
        e["date"] = _date(e.get("date"), f"{where}.date")
        if previous and e["date"] < previous:
            raise ScenarioError(f"{where}: out of order ({e['date']} comes after {previous})")
        previous = e["date"]
        do = e.get("do")
        if not isinstance(do, str) or do not in EVENTS:
            raise ScenarioError(f"{where}.do: unknown event {do!r} "
                                f"(one of {', '.join(EVENTS)})")  # fmt: skip
        for key in EVENTS[do]:
            if key not in e:
                raise ScenarioError(f"{where}: {do} needs {key!r}")
        if "member" in e:
            e["member"] = _text(e["member"], f"{where}.member", MAX_MEMBER_ID)
            if e["member"] not in members:
                raise ScenarioError(f"{where}.member: unknown member {e['member']!r}")
        if "item" in e:
            e["item"] = _text(e["item"], f"{where}.item", MAX_ITEM_ID)
            if e["item"] not in items:
                raise ScenarioError(f"{where}.item: unknown item {e['item']!r}")
        if "due" in e:
            e["due"] = _date(e["due"], f"{where}.due")
            if e["due"] < e["date"]:
                raise ScenarioError(f"{where}.due: before the checkout date")
        if "branch" in e:
            _choice(e["branch"], branches, f"{where}.branch", "branch")
        if "channel" in e:
            _choice(e["channel"], CHANNELS, f"{where}.channel", "channel")
        if "price" in e:
            e["price"] = _amount(e["price"], f"{where}.price")
        if "amount" in e:
            e["amount"] = _amount(e["amount"], f"{where}.amount")
            if e["amount"] <= 0:
                raise ScenarioError(f"{where}.amount: must be more than 0.00")
        if do == "lost" and "price" not in e and "price" not in items[e["item"]]:
            raise ScenarioError(f"{where}: lost needs a price")
        events[n] = e
    return events


def _run_until(data: dict[str, Any], events: list[Any]) -> date:
    first = events[0]["date"] if events else None
    previous = events[-1]["date"] if events else None
    if "run_until" in data:
        run_until = _date(data["run_until"], "run_until")
    elif previous is not None:
        run_until = previous
    else:
        raise ScenarioError("run_until: missing (and there are no events)")
    if previous and run_until < previous:
        raise ScenarioError(f"run_until: {run_until} is before the last event ({previous})")
    if first and run_until > first + relativedelta(years=MAX_YEARS):
        raise ScenarioError(f"run_until: {run_until} is more than {MAX_YEARS} years after the "
                            f"first event ({first}): a simulation is at most {MAX_YEARS} "
                            "years long")  # fmt: skip
    return run_until
