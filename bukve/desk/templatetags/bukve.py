"""Template filters shared by the desk and the portal: money, refusals, fine explanations."""

from __future__ import annotations

from decimal import Decimal

import holidays
from django import template
from django.utils import formats
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from bukve.accounts.models import Charge
from bukve.refusals import SENTENCES
from bukve.rules.fines import Day

register = template.Library()

SEASONS = {"summer schedule": gettext_noop("summer schedule")}  # names used by the presets


@register.filter
def money(amount: Decimal | None) -> str:
    """12.5 → "12,50 €" on a Slovenian page, "€12.50" on an English one."""
    if amount is None:
        return ""
    number = formats.number_format(Decimal(amount).quantize(Decimal("0.01")), 2, use_l10n=True)
    return f"€{number}" if get_language() == "en" else f"{number} €"


@register.filter
def charge_kind(charge: Charge) -> str:
    """What a charge is for, in the page's language: "overdue notice no. 2", "overdue fine"."""
    if charge.kind == "notice" and charge.level:
        return _("overdue notice no. %(level)s") % {"level": charge.level}
    return str(Charge.KINDS.get(charge.kind, charge.kind))


@register.filter
def refusal(code: str) -> str:
    """The sentence of a refusal code, in the page's language."""
    return str(SENTENCES.get(code, code))


@register.filter
def fine_day_why(day: Day) -> str:
    """Why a day of a fine was or was not charged, in the page's language."""
    why = day.why
    if why == "charged":
        return _("charged")
    if why == "tolerance":
        return _("tolerance: not charged")
    if why == "closure":
        return _("the library was closed (extraordinary closure)")
    if why == "same period":
        return _("within the same started period")
    if why.startswith("period "):
        return _("a new period starts")
    if why.startswith("holiday: "):
        name = why.removeprefix("holiday: ")
        if get_language() == "en":
            names = holidays.country_holidays("SI", years=day.date.year, language="en_US")
            name = names.get(day.date, name)
        return _("holiday: %(name)s") % {"name": name}
    if why in SEASONS:
        return _("closed on this day under the %(season)s") % {"season": _(SEASONS[why])}
    return _("closed on %(weekday)s") % {"weekday": formats.date_format(day.date, "l")}
