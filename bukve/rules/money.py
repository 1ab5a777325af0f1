"""Pure helpers for money: when a charge counts as old, rentals per started hour, VAT."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

CENT = Decimal("0.01")


def old_debt_cutoff(today: date, months: int = 1) -> date:
    """The latest charge date that is `months` old on `today`.

    RULES.md Decision: a charge dated 15 Jan blocks from 15 Feb, i.e. once
    date + months <= today. At a month's end every later day of the earlier month counts too
    (31 Jan + 1 month is 28 Feb).
    """
    cutoff = today - relativedelta(months=months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        last = calendar.monthrange(cutoff.year, cutoff.month)[1]
        cutoff = cutoff.replace(day=last)
    return cutoff


def started_hours(minutes: int) -> int:
    """Hours to charge for a rental "per started hour" (Velenje: 40.00 per started hour):
    61 minutes are two hours."""
    if minutes <= 0:
        raise ValueError("a rental lasts at least a minute")
    return -(-minutes // 60)


def sale_units(unit: str, quantity: int) -> int:
    """The units a price-list line charges: the quantity, or for a rental per started hour
    (the quantity is then in minutes) the hours begun."""
    return started_hours(quantity) if unit == "started_hour" else quantity


def vat_included(amount: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a price that includes it: 15.00 at 20 % holds 2.50."""
    return (amount * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
