"""Policy values as the library's rules write them, in the page's language ("28 dni",
"0,20 € na dan"), as the change form shows them to be typed again, and the choices of a
value that takes one of a short fixed list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bukve.desk.policy_labels import (
    CHANNELS,
    ENUMS,
    LEGAL_ENTITIES,
    PER_UNIT,
    UNIT_NAMES,
    category_name,
    entry,
    group_name,
    kind,
    ladder_name,
    material_name,
)
from bukve.formatting import money
from bukve.libraries.models import profile_label, season_label

L = gettext_lazy

# --- values -------------------------------------------------------------------------------


def day_text(day: date) -> str:
    return formats.date_format(day, "j. n. Y")


def days_text(n: int) -> str:
    return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}


def _months(n: int) -> str:
    return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}


def _years(n: int) -> str:
    return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}


def _list(names: Iterable[str]) -> str:
    return ", ".join(names) or _("none")


def weekdays_text(days: Iterable[Any]) -> str:
    return ", ".join(str(WEEKDAYS[int(d) - 1]) for d in days if str(d).isdigit())


def _month_day(text: str) -> str:
    try:
        month, day = (int(p) for p in text.split("-"))
        return formats.date_format(date(2024, month, day), "MONTH_DAY_FORMAT")
    except ValueError:
        return text


def _method_of(key: str, data: Mapping[str, Any]) -> tuple[str, int]:
    profile = data.get("profiles", {}).get(key.split(".")[1], {})
    fines = profile.get("fines", {})
    return fines.get("method", "daily"), fines.get("period_days", 0)


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def unlimited() -> str:
    return _("unlimited")


def value_text(key: str, value: Any, data: Mapping[str, Any]) -> str:
    """A value as the rules write it, in the page's language: "28 dni", "0,20 € na dan"."""
    how = kind(key)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    text = (
        _count_text(how, value, data)
        or _money_text(how, key, value, data)
        or _name_text(how, key, value)
        or _list_text(how, value)
    )
    if text is not None:
        return text
    if how == "month_day" and isinstance(value, str):
        return _month_day(value)
    if how == "date":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return day_text(day)
    if isinstance(value, list):
        return _list(str(v) for v in value)
    return str(value)


def _count_text(how: str, value: Any, data: Mapping[str, Any]) -> str | None:
    """A number of days, months, years or times, or a notice; None for another kind."""
    if how == "renewals":
        if value == "unlimited":
            return unlimited()
        return ngettext("%(n)d time", "%(n)d times", value) % {"n": value}
    if how == "level" and value == 0:
        return _("never: the fine runs until the item is returned")
    if not isinstance(value, int):
        return None
    if how in ("days", "step_days"):
        return days_text(value)
    if how == "open_days":
        if data.get("holds", {}).get("pickup_days_kind") == "working_days":
            return ngettext("%(n)d working day", "%(n)d working days", value) % {"n": value}
        return ngettext("%(n)d open day", "%(n)d open days", value) % {"n": value}
    if how == "days_before":
        return ngettext("%(n)d day before", "%(n)d days before", value) % {"n": value}
    if how == "months":
        return _months(value)
    if how == "months_old":
        return ngettext("%(n)d month old", "%(n)d months old", value) % {"n": value}
    if how == "age":
        return _years(value)
    if how == "level":
        return _("notice %(level)s") % {"level": value}
    return None


def _money_text(how: str, key: str, value: Any, data: Mapping[str, Any]) -> str | None:
    """An amount: a fee, a price per unit, a fine per day or period; None for another kind."""
    if how not in ("money", "price", "rate"):
        return None
    amount = money(Decimal(str(value)))
    if how == "rate":
        method, period = _method_of(key, data)
        if method == "period":
            return ngettext(
                "%(amount)s per started period of %(n)d day",
                "%(amount)s per started period of %(n)d days",
                period,
            ) % {"amount": amount, "n": period}
        return _("%(amount)s per day") % {"amount": amount}
    if how == "price":
        unit = entry(
            entry(data.get("prices", []), key.split(".")[1]).get("items", []),
            key.split(".")[3],
        ).get("unit", "item")
        if unit in PER_UNIT:
            return str(PER_UNIT[unit]) % {"amount": amount}
    return amount


def _name_text(how: str, key: str, value: Any) -> str | None:
    """A value that names something: a choice, rules, a ladder, a unit, a group, a season,
    or a multiple of the price; None for another kind."""
    if how == "multiplier":
        number = formats.number_format(Decimal(str(value)), use_l10n=True)
        return _("%(times)s × the purchase price") % {"times": number}
    if how == "enum":
        return str(ENUMS.get(key.split(".")[-1], {}).get(value, value))
    if how == "profile":
        return profile_label(value)
    if how == "ladder":
        return capfirst(ladder_name(value))
    if how == "unit":
        return str(UNIT_NAMES.get(value, value))
    if how == "group":
        return group_name(value)
    if how == "season":
        return season_label(str(value))
    return None


def _list_text(how: str, value: Any) -> str | None:
    """A list of materials, categories, channels, entities, groups or weekdays; None for
    another kind or a value that is not a list."""
    if not isinstance(value, list):
        return None
    names: dict[str, Callable[[Any], str]] = {
        "materials": material_name,
        "categories": category_name,
        "channels": lambda c: str(CHANNELS.get(c, c)),
        "entities": lambda e: str(LEGAL_ENTITIES.get(e, e)),
        "groups": group_name,
    }
    if how in names:
        return _list(names[how](v) for v in value)
    if how == "weekdays":
        return weekdays_text(value)
    return None


def form_text(key: str, value: Any) -> str:
    """A value as the change form shows it to be typed again: "0,20", "28", "unlimited"."""
    how = kind(key)
    if isinstance(value, bool):
        return "true" if value else "false"
    if how in ("money", "price", "rate") and isinstance(value, str):
        return formats.number_format(Decimal(value), 2, use_l10n=True)
    if how == "renewals" and value == "unlimited":
        return unlimited()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def choices_of(key: str, value: Any, data: Mapping[str, Any]) -> list[tuple[str, str]] | None:
    """The values a key can take, labelled, when they are a short fixed list."""
    how = kind(key)
    if isinstance(value, bool):
        return [("true", _("yes")), ("false", _("no"))]
    if how == "enum":
        options = ENUMS.get(key.split(".")[-1])
        return [(k, capfirst(str(v))) for k, v in options.items()] if options else None
    if how == "ladder":
        return [(name, capfirst(ladder_name(name))) for name in data.get("ladders", {})]
    return None


# How a value of each kind is typed in the change form.
HELP = {
    "money": L("An amount in euros, e.g. 0,20."),
    "price": L("An amount in euros, e.g. 0,20."),
    "rate": L("An amount in euros, e.g. 0,20."),
    "days": L("A number of days."),
    "step_days": L("A number of days."),
    "open_days": L("A number of days."),
    "days_before": L("A number of days."),
    "months": L("A number of months."),
    "months_old": L("A number of months."),
    "age": L("An age in years."),
    "count": L("A whole number."),
    "level": L("The number of a notice, e.g. 3."),
    "renewals": L("A number, or “unlimited”."),
}
