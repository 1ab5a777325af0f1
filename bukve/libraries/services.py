"""Libraries, branches, calendars and dated policy versions."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from bukve.libraries.models import Branch, Closure, Library, PolicyVersion, Season
from bukve.rules.calendar import BranchCalendar
from bukve.rules.calendar import Closure as ClosureValue
from bukve.rules.calendar import Season as SeasonValue
from bukve.rules.fines import Rates
from bukve.rules.policy import Policy, PolicyError, policy_from_dict

PRESETS = Path(__file__).resolve().parent.parent / "presets"
PRESET_IDS = ("maribor", "velenje", "tolmin", "ravne")


def preset_read(name_or_path: str) -> Policy:
    """Read and check a preset by id (`maribor`) or a path to a TOML file."""
    path = PRESETS / f"{name_or_path}.toml" if name_or_path in PRESET_IDS else Path(name_or_path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError(
            f"no preset {name_or_path!r} (presets: {', '.join(PRESET_IDS)})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PolicyError(f"{path.name}: not valid TOML: {error}") from None
    return policy_from_dict(data)


def _weekdays(days: frozenset[int]) -> str:
    return "".join(str(d + 1) for d in sorted(days))


@transaction.atomic
def library_load(*, policy: Policy) -> Library:
    """Create or update a library, its branches and the policy version of `policy`."""
    library, _ = Library.objects.update_or_create(code=policy.id, defaults={"name": policy.name})
    for b in policy.branches:
        branch, _ = Branch.objects.update_or_create(
            library=library,
            code=b.id,
            defaults={
                "name": b.name,
                "address": b.address,
                "profile": b.profile,
                "weekdays": _weekdays(b.calendar.weekdays),
            },
        )
        branch.seasons.all().delete()
        Season.objects.bulk_create(
            Season(
                branch=branch,
                name=s.name,
                start_month=s.start[0],
                start_day=s.start[1],
                end_month=s.end[0],
                end_day=s.end[1],
                weekdays=_weekdays(s.weekdays),
            )
            for s in b.calendar.seasons
        )
    PolicyVersion.objects.update_or_create(
        library=library, valid_from=policy.valid_from, defaults={"data": _jsonable(policy.data)}
    )
    _POLICIES.clear()
    return library


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


_POLICIES: dict[tuple[int, Any], Policy] = {}


def _policy_of(version: PolicyVersion) -> Policy:
    key = (version.pk, version.loaded_at)
    if key not in _POLICIES:
        data = dict(version.data)
        data["valid_from"] = date.fromisoformat(data["valid_from"])
        _POLICIES[key] = policy_from_dict(data)
    return _POLICIES[key]


def policy_versions(library: Library) -> list[Policy]:
    return [
        _policy_of(v) for v in PolicyVersion.objects.filter(library=library).order_by("valid_from")
    ]


def policy_for(library: Library, day: date) -> Policy:
    """The policy valid on `day` (the oldest one for days before it)."""
    versions = policy_versions(library)
    if not versions:
        raise PolicyError(f"library {library.code!r} has no policy loaded")
    current = versions[0]
    for policy in versions:
        if policy.valid_from <= day:
            current = policy
    return current


def fine_rates(library: Library, profile: str, material: str) -> Rates:
    """The dated fine rates of a material: (valid from, rate) of every policy version."""
    return [
        (p.valid_from, Decimal(p.profiles[profile].fines.rates.get(material)))
        for p in policy_versions(library)
    ]


def _days(text: str) -> frozenset[int]:
    return frozenset(int(c) - 1 for c in text)


def calendar_for(branch: Branch) -> BranchCalendar:
    """The branch's calendar with its schedule, seasons and closures from the database."""
    return BranchCalendar(
        weekdays=_days(branch.weekdays),
        seasons=tuple(
            SeasonValue(
                s.name, (s.start_month, s.start_day), (s.end_month, s.end_day), _days(s.weekdays)
            )
            for s in branch.seasons.all()
        ),
        closures=tuple(
            ClosureValue(c.start, c.end, c.reason) for c in branch.closures.order_by("start")
        ),
    )


def closure_add(*, branch: Branch, start: date, end: date, reason: str = "") -> Closure:
    if end < start:
        raise ValueError("a closure ends before it starts")
    return Closure.objects.create(branch=branch, start=start, end=end, reason=reason)
