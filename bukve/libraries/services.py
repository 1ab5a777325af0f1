"""Libraries, branches, calendars and dated policy versions."""

from __future__ import annotations

import copy
import logging
import re
import tomllib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bukve.libraries.models import Branch, Closure, Library, PolicyVersion, Season
from bukve.rules.calendar import BranchCalendar
from bukve.rules.calendar import Closure as ClosureValue
from bukve.rules.calendar import Season as SeasonValue
from bukve.rules.fines import Rates
from bukve.rules.money import AmountError, parse_amount
from bukve.rules.policy import (
    MAX_POLICY_AMOUNT,
    Policy,
    PolicyError,
    assumed_covers,
    entry_name,
    flat_values,
)
from bukve.rules.policy_file import policy_from_dict

log = logging.getLogger(__name__)

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


@transaction.atomic
def closure_remove(*, closure: Closure) -> None:
    """Delete a closure: its days are open days again (due dates already set stay as they are)."""
    Closure.objects.filter(pk=closure.pk).delete()


def _check_weekdays(weekdays: str) -> None:
    if not weekdays or weekdays != "".join(sorted(set(weekdays) & set("1234567"))):
        raise ValueError(f"not ISO weekdays in order, e.g. 123456: {weekdays!r}")


@transaction.atomic
def branch_update(
    *, branch: Branch, name: str, address: str, weekdays: str, profile: str
) -> Branch:
    """Change a branch's name, address, opening weekdays ("123456" is Monday to Saturday) and
    loan rules profile. The new schedule counts from now on: loans already out keep their due
    dates. `profile` must be a profile of the library's current policy. Locks: branch."""
    _check_weekdays(weekdays)
    if profile not in policy_for(branch.library, timezone.localdate()).profiles:
        raise ValueError(f"no such profile: {profile!r}")
    branch = Branch.objects.select_for_update().get(pk=branch.pk)
    branch.name, branch.address, branch.weekdays, branch.profile = name, address, weekdays, profile
    branch.save(update_fields=["name", "address", "weekdays", "profile"])
    return branch


@transaction.atomic
def season_add(
    *, branch: Branch, name: str, start: tuple[int, int], end: tuple[int, int], weekdays: str
) -> Season:
    """Add a seasonal schedule from (month, day) to (month, day), both inclusive; it may run
    across New Year. On the days it covers, the branch opens on `weekdays` instead."""
    _check_weekdays(weekdays)
    for month, day in (start, end):
        date(2024, month, day)  # a leap year, so 29 February is a day; raises ValueError
    return Season.objects.create(
        branch=branch,
        name=name,
        start_month=start[0],
        start_day=start[1],
        end_month=end[0],
        end_day=end[1],
        weekdays=weekdays,
    )


@transaction.atomic
def season_remove(*, season: Season) -> None:
    """Delete a seasonal schedule: the branch's weekly schedule applies all year."""
    Season.objects.filter(pk=season.pk).delete()


# --- changing one value of the policy ---------------------------------------------------------

TRUE, FALSE = ("true", "yes", "da"), ("false", "no", "ne")
MAX_NUMBER = 10_000  # the rules set no upper bound; beyond this, day counts overflow dates
CHANGE_AHEAD = relativedelta(years=2)  # how far ahead a change of the policy may be planned


def policy_value_refusal(path: str, value: Any) -> str | None:
    """Why `policy_value_set` will not change the value at `path` (None when it will)."""
    if path.split(".")[0] == "branches":
        return _("A branch is changed on its own page, under Library setup.")
    if path in ("id", "valid_from"):
        return _("This value cannot be changed here.")
    if isinstance(value, list | dict):
        return _("Lists and tables cannot be changed here, only single values.")
    return None


def _locate(data: dict[str, Any], path: str) -> tuple[Any, str | int]:
    """The table or list holding the value at dotted `path` (named as in `flat_values`), and
    the value's key or index in it."""
    parent: Any = None
    key: str | int = ""
    node: Any = data
    for part in path.split("."):
        names = []
        if isinstance(node, list) and node and all(isinstance(e, dict) for e in node):
            names = [entry_name(entry, n) for n, entry in enumerate(node)]
        if isinstance(node, dict) and part in node:
            parent, key = node, part
        elif part in names:
            parent, key = node, names.index(part)
        else:
            raise PolicyError(_("%(path)s: the policy has no such value.") % {"path": path})
        node = parent[key]
    return parent, key


def _parse_like(old: Any, text: str, path: str) -> Any:
    """`text` read as a value of the same type as `old`: true or false, a whole number, a
    date, an amount (written as text, "0.10") or text. A number of renewals may also be
    "unlimited" instead of a number, and the other way round (policy.py, `_profile`)."""
    text = text.strip()
    if isinstance(old, bool):
        if text.lower() not in TRUE + FALSE:
            raise PolicyError(_("%(path)s: expected true or false.") % {"path": path})
        return text.lower() in TRUE
    if isinstance(old, int) or old == "unlimited":
        if text == "unlimited" and path.endswith(".max_renewals"):
            return text
        if not re.fullmatch(r"-?[0-9]{1,9}", text) or abs(int(text)) > MAX_NUMBER:
            raise PolicyError(
                _("%(path)s: expected a whole number up to %(max)d.")
                % {"path": path, "max": MAX_NUMBER}
            )
        return int(text)
    if isinstance(old, date) or _is_date(old):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise PolicyError(
                _("%(path)s: expected a date (YYYY-MM-DD).") % {"path": path}
            ) from None
        return day if isinstance(old, date) else day.isoformat()
    if _is_amount(old):
        amount = _amount_like(old, text)
        if amount is None:
            raise PolicyError(
                _("%(path)s: expected an amount (0,00 – %(max)s), e.g. 0,20.")
                % {"path": path, "max": f"{MAX_POLICY_AMOUNT:.2f}".replace(".", ",")}
            )
        return amount
    return text


def _amount_like(old: str, text: str) -> str | None:
    """`text` read as an amount (bukve.rules.money.parse_amount: "0,2" or "0.20", at most
    MAX_POLICY_AMOUNT), written with as many decimal places as `old` where that loses
    nothing ("18" stays "18", "0,2" for "0.10" is "0.20"); None when it is no amount."""
    try:
        amount = parse_amount(text, maximum=MAX_POLICY_AMOUNT)
    except AmountError:
        return None
    places = len(old.partition(".")[2])
    shorter = amount.quantize(Decimal(1).scaleb(-places))
    return f"{shorter if shorter == amount else amount:f}"


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_amount(value: Any) -> bool:
    try:
        return isinstance(value, str) and Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _confirmed(assumed: list[str], key: str, keys: list[str]) -> list[str]:
    """`assumed` without `key`. An entry covering more than `key` (a table, a path with `*`)
    is replaced by the other keys it covers, so that only `key` counts as confirmed."""
    result: list[str] = []
    for entry in assumed:
        if not assumed_covers(entry, key):
            result.append(entry)
        elif entry != key:
            rest = [k for k in keys if assumed_covers(entry, k) and k != key]
            result += [k for k in rest if k not in result]
    return result


@transaction.atomic
def policy_value_set(
    *,
    library: Library,
    path: str,
    value: str,
    valid_from: date,
    by: User | None,
    today: date | None = None,
) -> PolicyVersion:
    """Change one value of the library's policy from `valid_from` (today or later) on.

    The version in force on that day is copied, the value at dotted `path` is set from the
    text `value`, read as the type of the old value, and the whole policy is checked again.
    The key is no longer assumed: the library has confirmed it, so saving a value unchanged
    confirms it. The copy is saved as the version valid from that day (replacing the data of
    a version that starts on the same day); versions starting later are not changed.
    Raises PolicyError, saving nothing, for an unknown key, a list or table, or a value the
    rules do not accept. Locks: library (one change to its policy at a time).
    """
    today = today or timezone.localdate()
    if valid_from < today:
        raise PolicyError(_("A change cannot apply from a day in the past."))
    if valid_from > today + CHANGE_AHEAD:
        raise PolicyError(_("A change can apply from a day at most two years ahead."))
    Library.objects.select_for_update().get(pk=library.pk)
    data = copy.deepcopy(dict(policy_for(library, valid_from).data))
    parent, key = _locate(data, path)
    refusal = policy_value_refusal(path, parent[key])
    if refusal:
        raise PolicyError(refusal)
    parent[key] = _parse_like(parent[key], value, path)
    data["valid_from"] = valid_from
    if "assumed" in data:
        data["assumed"] = _confirmed(
            list(data["assumed"]), path, [k for k, _v in flat_values(data)]
        )
    policy_from_dict(data)  # raises PolicyError naming the key
    version, _created = PolicyVersion.objects.update_or_create(
        library=library,
        valid_from=valid_from,
        # A new loaded_at gives the changed version a new key in the _POLICIES cache.
        defaults={"data": _jsonable(data), "loaded_at": timezone.now(), "saved_by": by,
                  "change": f"{path} = {value}"},
    )  # fmt: skip
    log.info("policy of %s from %s: %s = %r (by %s)", library.code, valid_from, path, value, by)
    return version
