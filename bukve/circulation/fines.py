"""The fine of a loan's overdue stretch and its day-by-day explanation.

Fines are derived, not accrued (ARCHITECTURE.md, The daily run): the fine of a stretch is a
pure function of the loan, the branch's calendar and the policy, worked out by the rules core
when the stretch ends and when a member or the desk asks to see it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_noop

from bukve.accounts.models import Charge
from bukve.circulation.models import Loan
from bukve.libraries.models import season_label
from bukve.libraries.services import calendar_for, fine_rates, policy_for
from bukve.members.models import Member
from bukve.rules import fines
from bukve.rules.calendar import BranchCalendar, holiday_name
from bukve.rules.policy import Policy


def is_exempt(member: Member, policy: Policy) -> bool:
    """Tolmin: library staff and its retirees pay no loan-period charges."""
    return member.category in policy.fine_exempt_categories


def loan_fine(
    loan: Loan, end: date, calendar: BranchCalendar | None = None, start: date | None = None
) -> fines.Fine:
    """The fine of the loan's overdue stretch (start, end]; start is the current due date."""
    policy = policy_for(loan.library, end)
    profile = loan.branch.profile
    return fines.fine(
        start or loan.due_date,
        end,
        policy.profiles[profile].fines,
        calendar or calendar_for(loan.branch),
        fine_rates(loan.library, profile, loan.item.material),
    )


def fine_explain(charge: Charge) -> tuple[fines.Day, ...]:
    """The day-by-day explanation of a recorded fine: each day keeps the core's `code` and
    gets in `why` the reason in the active language, holiday names included (RULES.md 1)."""
    assert charge.kind == "fine" and charge.loan is not None and charge.stretch_from is not None
    english = (get_language() or "sl").startswith("en")
    on_weekdays = (gettext_noop("on Mondays"), gettext_noop("on Tuesdays"),
                   gettext_noop("on Wednesdays"), gettext_noop("on Thursdays"),
                   gettext_noop("on Fridays"), gettext_noop("on Saturdays"),
                   gettext_noop("on Sundays"))  # fmt: skip

    def why(day: fines.Day) -> str:
        weekday = {"weekday": formats.date_format(day.date, "l"),
                   "on_weekdays": gettext(on_weekdays[day.date.weekday()])}  # fmt: skip
        match day.code:
            case "charged":
                return gettext("charged")
            case "tolerance":
                return gettext("tolerance")
            case "sunday":
                return gettext("Sunday")
            case "holiday":
                name = holiday_name(day.date, "en_US" if english else "sl") or day.detail
                return gettext("holiday: %(name)s") % {"name": name}
            case "closure" if day.detail:
                return gettext("extraordinary closure: %(reason)s") % {"reason": day.detail}
            case "closure":
                return gettext("extraordinary closure")
            case "seasonal_schedule":
                season = season_label(day.detail)
                return gettext("%(season)s: closed %(on_weekdays)s") % {"season": season, **weekday}
            case "not_working_day":
                return (
                    gettext("not a working day (%(weekday)s): only working days are charged")
                    % weekday
                )
            case "closed_weekday":
                return gettext("the branch is closed %(on_weekdays)s") % weekday
            case "period_starts":
                return gettext(
                    "%(days)s-day period no. %(number)s starts: one unit of the fine"
                ) % {"days": day.detail, "number": day.number}
            case "same_period":
                return gettext("within period %(number)s, already charged") % {"number": day.number}
        return day.why

    days = loan_fine(charge.loan, charge.date, start=charge.stretch_from).days
    return tuple(replace(day, why=why(day)) for day in days)
