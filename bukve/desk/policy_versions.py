"""The versions of a library's policy, newest first: when each applies, who saved it, what
it changed against the one before and which assumed values it confirmed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from bukve.desk.policy_labels import label
from bukve.desk.policy_values import value_text
from bukve.libraries.models import PolicyVersion
from bukve.rules.policy import assumed_covers, flat_values


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class VersionRow:
    version: PolicyVersion
    in_force: bool
    by: str
    changes: list[Change]
    confirmed: list[str]
    preset: bool
    more: int = 0


MAX_CHANGES = 12


def _data(version: PolicyVersion) -> dict[str, Any]:
    return dict(version.data)


def _assumed(data: Mapping[str, Any], key: str) -> bool:
    return any(assumed_covers(a, key) for a in data.get("assumed", []))


def who(version: PolicyVersion) -> str:
    user = version.saved_by
    if user is None:
        return ""
    return user.get_full_name() or user.username


def history(versions: QuerySet[PolicyVersion], in_force: date | None) -> list[VersionRow]:
    """Every version, newest first, with what it changed against the one before it."""
    ordered = list(versions.select_related("saved_by").order_by("valid_from"))
    rows = []
    previous: dict[str, Any] | None = None
    for version in ordered:
        data = _data(version)
        changes: list[Change] = []
        confirmed: list[str] = []
        if previous is not None:
            old, new = dict(flat_values(previous)), dict(flat_values(data))
            for key in dict.fromkeys([*old, *new]):
                if key == "valid_from" or old.get(key) == new.get(key):
                    continue
                name = label(key, data if key in new else previous) or key
                before = value_text(key, old[key], previous) if key in old else "—"
                after = value_text(key, new[key], data) if key in new else "—"
                changes.append(Change(name, before, after))
            for key in new:
                if key in old and _assumed(previous, key) and not _assumed(data, key):
                    confirmed.append(label(key, data) or key)
        rows.append(
            VersionRow(
                version=version,
                in_force=version.valid_from == in_force,
                by=who(version),
                changes=changes[:MAX_CHANGES],
                more=max(0, len(changes) - MAX_CHANGES),
                confirmed=[c for c in confirmed if c not in {ch.label for ch in changes}],
                preset=previous is None or not version.change,
            )
        )
        previous = data
    return rows[::-1]
