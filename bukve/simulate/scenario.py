"""Reading and checking a scenario file (SCENARIOS.md). Pure: no Django."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

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
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ScenarioError(f"{where}: not a date (YYYY-MM-DD): {value!r}")


def _amount(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ScenarioError(f"{where}: not an amount: {value!r}") from None
    exponent = amount.as_tuple().exponent
    if isinstance(value, bool) or not amount.is_finite() or amount < 0 or exponent < -2:  # type: ignore[operator]
        raise ScenarioError(f"{where}: not an amount in cents: {value!r}")
    return amount.quantize(Decimal("0.01"))


def _table(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: expected a mapping")
    return {str(k): v for k, v in value.items()}


def _check_keys(row: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(row) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key {unknown[0]!r}")


def load(path: str) -> Scenario:
    try:
        text = Path(path).read_text(encoding="utf-8")
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
    _check_keys(data, {"library", "branch", "members", "items", "closures", "events", "run_until"},
                "scenario")  # fmt: skip
    library = data.get("library")
    if library not in PRESET_BRANCHES:
        raise ScenarioError(f"library: unknown library {library!r} "
                            f"(one of {', '.join(PRESET_BRANCHES)})")  # fmt: skip
    branches = PRESET_BRANCHES[library]
    branch = data.get("branch", branches[0])
    if branch not in branches:
        raise ScenarioError(f"branch: unknown branch {branch!r} of {library}")

    members = _table(data.get("members"), "members")
    for mid, raw in members.items():
        m = _table(raw, f"members.{mid}")
        _check_keys(m, {"category", "born", "guardian", "expires", "restricted", "name"},
                    f"members.{mid}")  # fmt: skip
        if m.get("category", "adult") not in CATEGORIES:
            raise ScenarioError(f"members.{mid}.category: unknown category {m['category']!r}")
        m["category"] = m.get("category", "adult")
        m["born"] = _date(m["born"], f"members.{mid}.born") if "born" in m else None
        if "expires" in m:
            m["expires"] = _date(m["expires"], f"members.{mid}.expires")
        if not isinstance(m.get("restricted", False), bool):
            raise ScenarioError(f"members.{mid}.restricted: expected true or false")
        members[mid] = m
    for mid, m in members.items():
        if "guardian" in m and str(m["guardian"]) not in members:
            raise ScenarioError(f"members.{mid}.guardian: unknown member {m['guardian']!r}")

    items = _table(data.get("items"), "items")
    for iid, raw in items.items():
        i = _table(raw, f"items.{iid}")
        _check_keys(i, {"material", "title", "parts", "not_for_loan", "record", "price", "branch"},
                    f"items.{iid}")  # fmt: skip
        if i.get("material") not in MATERIALS:
            raise ScenarioError(f"items.{iid}.material: unknown material {i.get('material')!r}")
        parts = i.get("parts", 1)
        if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
            raise ScenarioError(f"items.{iid}.parts: expected a whole number >= 1")
        if not isinstance(i.get("not_for_loan", False), bool):
            raise ScenarioError(f"items.{iid}.not_for_loan: expected true or false")
        if "price" in i:
            i["price"] = _amount(i["price"], f"items.{iid}.price")
        if i.get("branch", branch) not in branches:
            raise ScenarioError(f"items.{iid}.branch: unknown branch {i['branch']!r}")
        items[iid] = i

    closures = data.get("closures") or []
    if not isinstance(closures, list):
        raise ScenarioError("closures: expected a list")
    for n, raw in enumerate(closures):
        c = _table(raw, f"closures[{n}]")
        _check_keys(c, {"branch", "from", "to", "reason"}, f"closures[{n}]")
        if c.get("branch", branch) not in branches:
            raise ScenarioError(f"closures[{n}].branch: unknown branch {c.get('branch')!r}")
        c["branch"] = c.get("branch", branch)
        c["from"] = _date(c.get("from"), f"closures[{n}].from")
        c["to"] = _date(c.get("to", c["from"]), f"closures[{n}].to")
        if c["to"] < c["from"]:
            raise ScenarioError(f"closures[{n}]: ends before it starts")
        closures[n] = c

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
        if e.get("do") not in EVENTS:
            raise ScenarioError(f"{where}.do: unknown event {e.get('do')!r} "
                                f"(one of {', '.join(EVENTS)})")  # fmt: skip
        for key in EVENTS[e["do"]]:
            if key not in e:
                raise ScenarioError(f"{where}: {e['do']} needs {key!r}")
        if "member" in e and str(e["member"]) not in members:
            raise ScenarioError(f"{where}.member: unknown member {e['member']!r}")
        if "item" in e and str(e["item"]) not in items:
            raise ScenarioError(f"{where}.item: unknown item {e['item']!r}")
        if "due" in e:
            e["due"] = _date(e["due"], f"{where}.due")
            if e["due"] < e["date"]:
                raise ScenarioError(f"{where}.due: before the checkout date")
        if e.get("branch", branch) not in branches:
            raise ScenarioError(f"{where}.branch: unknown branch {e['branch']!r}")
        if e.get("channel", "desk") not in CHANNELS:
            raise ScenarioError(f"{where}.channel: unknown channel {e['channel']!r}")
        if "price" in e:
            e["price"] = _amount(e["price"], f"{where}.price")
        if "amount" in e:
            e["amount"] = _amount(e["amount"], f"{where}.amount")
            if e["amount"] <= 0:
                raise ScenarioError(f"{where}.amount: must be more than 0.00")
        if e["do"] == "lost" and "price" not in e and "price" not in items[str(e["item"])]:
            raise ScenarioError(f"{where}: lost needs a price")
        events[n] = e

    if "run_until" in data:
        run_until = _date(data["run_until"], "run_until")
    elif previous is not None:
        run_until = previous
    else:
        raise ScenarioError("run_until: missing (and there are no events)")
    if previous and run_until < previous:
        raise ScenarioError(f"run_until: {run_until} is before the last event ({previous})")
    return Scenario(library, branch, members, items, closures, events, run_until, data)
