"""Due dates and the decisions to lend and to renew, with reason codes in RULES.md's order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bukve.rules.calendar import BranchCalendar
from bukve.rules.policy import Policy, Profile


@dataclass(frozen=True)
class MemberFacts:
    category: str
    in_collection: bool = False
    restricted: bool = False
    expires: date | None = None
    has_old_debt: bool = False  # a charge unpaid `debt_age_months` after its date
    loans_out: int = 0
    ended_on: date | None = None  # the membership ended (request, decision, death)
    banned_until: date | None = None  # excluded by the director until this day


@dataclass(frozen=True)
class ItemFacts:
    material: str
    not_for_loan: bool = False
    available: bool = True  # on the shelf, or held for this very member


@dataclass(frozen=True)
class LoanFacts:
    material: str
    due: date
    renewals: int = 0
    notice_level: int = 0
    reserved_by_other: bool = False


def due_date(start: date, days: int, calendar: BranchCalendar) -> date:
    """start + days, moved to the branch's next open day (RULES.md 1, Loans, Decision)."""
    return calendar.next_open_day(start + timedelta(days=days))


def renewed_due(due: date, today: date, days: int, calendar: BranchCalendar) -> date:
    """max(current due, renewal day) + renewal period, moved to the next open day."""
    return due_date(max(due, today), days, calendar)


def is_for_home_loan(profile: Profile, item: ItemFacts) -> bool:
    return not item.not_for_loan and item.material not in profile.not_for_loan


def checkout_refusal(
    policy: Policy, profile: Profile, member: MemberFacts, item: ItemFacts, today: date
) -> str | None:
    """The first reason to refuse a checkout, or None (order: RULES.md, Refusal reasons).

    `profile` is the loan rules of the branch lending the copy: a mobile-only member borrows
    only on the mobile library until the annual fee is paid (Tolmin art. 17, 22)."""
    if member.in_collection:
        return "in_collection"
    if member.restricted:
        return "membership_restricted"
    if member.expires is not None and today > member.expires:
        return "membership_expired"
    if not borrows_at(policy, member.category, profile):
        return "fee_required"
    if policy.debt_blocks and member.has_old_debt:
        return "debt_overdue"
    if not is_for_home_loan(profile, item):
        return "not_for_loan"
    if not item.available:
        return "item_not_available"
    if policy.max_loans is not None and member.loans_out >= policy.max_loans:
        return "limit_reached"
    return membership_end_refusal(member, today)


def borrows_at(policy: Policy, category: str, profile: Profile) -> bool:
    """Whether members of `category` borrow at branches with these loan rules: everywhere,
    but where the policy names one profile for the category (`borrow_only_on`)."""
    only = policy.borrow_only_on.get(category)
    return only is None or only == profile.name


def membership_end_refusal(member: MemberFacts, today: date) -> str | None:
    """Excluded by the director (Tolmin art. 20, 56) until a day, or a membership that ended.
    These codes came after RULES.md's list, so they come last in its order."""
    if member.banned_until is not None and today <= member.banned_until:
        return "membership_banned"
    if member.ended_on is not None and member.ended_on <= today:
        return "membership_ended"
    return None


def renewal_refusal(
    policy: Policy,
    profile: Profile,
    member: MemberFacts,
    loan: LoanFacts,
    channel: str,
    today: date,
) -> str | None:
    """The first reason to refuse a renewal, or None (order: RULES.md, Refusal reasons).

    Tolmin art. 29: no renewal of e-books, of non-book material on the mobile library, after
    the 1st notice, while another member waits, with a debt older than a month; an overdue
    loan only at the desk or by phone.
    """
    if member.in_collection:
        return "in_collection"
    if member.restricted:
        return "membership_restricted"
    if policy.debt_blocks and member.has_old_debt:
        return "debt_overdue"
    if loan.material in profile.not_renewable or profile.renewal_days.get(loan.material) is None:
        return "not_renewable"
    if loan.notice_level > 0:
        return "after_notice"
    if loan.reserved_by_other:
        return "reserved_by_other"
    if profile.max_renewals is not None and loan.renewals >= profile.max_renewals:
        return "renewal_limit"
    if today > loan.due and channel not in policy.overdue_renewal_channels:
        return "overdue_needs_staff"
    return membership_end_refusal(member, today)
