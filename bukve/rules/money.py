"""Pure helpers for debts: when a charge counts as old."""

from __future__ import annotations

import calendar
from datetime import date

from dateutil.relativedelta import relativedelta


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
