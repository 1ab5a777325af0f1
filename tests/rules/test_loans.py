"""Due dates, renewals, and the reasons to refuse a checkout or a renewal.

RULES.md 1 "Loans", "Refusal reasons"; Maribor (2), Velenje (3), Tolmin (4).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bukve.rules.calendar import BranchCalendar
from bukve.rules.loans import (
    ItemFacts,
    LoanFacts,
    MemberFacts,
    checkout_refusal,
    due_date,
    renewal_refusal,
    renewed_due,
)
from bukve.rules.policy import CHANNELS, MATERIALS, Policy, Profile
from tests.rules.presets import BRANCHES, branch_calendars, calendar, days_in_range, preset

D = date
TODAY = D(2026, 5, 12)
ANA = MemberFacts(category="adult")


def due_at(library: str, branch: str, material: str, checkout: date) -> date:
    days = preset(library).profile_of(branch).loan_days.get(material)
    return due_date(checkout, days, calendar(library, branch))


def checkout(library: str, branch: str, member: MemberFacts = ANA,
             item: ItemFacts | None = None, today: date = TODAY,
             policy: Policy | None = None) -> str | None:  # fmt: skip
    policy = policy or preset(library)
    return checkout_refusal(policy, policy.profile_of(branch), member,
                            item or ItemFacts("book"), today)  # fmt: skip


def renew(library: str, branch: str, loan: LoanFacts, member: MemberFacts = ANA,
          channel: str = "desk", today: date = TODAY) -> str | None:  # fmt: skip
    policy = preset(library)
    return renewal_refusal(policy, policy.profile_of(branch), member, loan, channel, today)


SOON = D(2026, 5, 20)


def loan(
    material: str = "book",
    due: date = SOON,
    *,
    renewals: int = 0,
    notice_level: int = 0,
    reserved_by_other: bool = False,
) -> LoanFacts:
    return LoanFacts(material, due, renewals, notice_level, reserved_by_other)


# --- due dates ----------------------------------------------------------------------------------


def test_it_lends_maribor_books_for_21_days() -> None:
    assert due_at("maribor", "main", "book", D(2026, 3, 2)) == D(2026, 3, 23)


@pytest.mark.parametrize("material", ["magazine", "video", "dvd"])
def test_it_lends_maribor_magazines_video_and_dvds_for_7_days(material: str) -> None:
    assert due_at("maribor", "main", material, D(2026, 3, 2)) == D(2026, 3, 9)


def test_it_moves_a_due_date_on_easter_monday_to_the_tuesday() -> None:
    assert due_at("maribor", "main", "book", D(2026, 3, 16)) == D(2026, 4, 7)
    assert due_at("tolmin", "tolmin", "book", D(2026, 3, 9)) == D(2026, 4, 7)


def test_it_moves_a_maribor_due_date_off_a_summer_saturday() -> None:
    # 13 June + 21 days = Saturday 4 July, closed under the summer schedule; Sunday follows.
    assert due_at("maribor", "main", "book", D(2026, 6, 13)) == D(2026, 7, 6)


def test_it_keeps_a_velenje_due_date_on_a_saturday() -> None:
    assert due_at("velenje", "main", "book", D(2026, 6, 13)) == D(2026, 7, 4)


def test_it_moves_a_due_date_past_a_closure() -> None:
    cal = calendar("velenje", "main", (D(2026, 3, 23), D(2026, 3, 25)))
    assert due_date(D(2026, 3, 2), 21, cal) == D(2026, 3, 26)


def test_it_moves_a_mobile_library_due_date_past_christmas_to_the_monday() -> None:
    # Tolmin's mobile library: 35 days; Fri 25 Dec and Sat 26 Dec are holidays, 27 a Sunday.
    assert due_at("tolmin", "mobile", "book", D(2026, 11, 20)) == D(2026, 12, 28)


@pytest.mark.parametrize(
    ("material", "days"),
    [("book", 28), ("map", 28), ("cdrom", 28), ("reading_device", 28),
     ("magazine", 7), ("audio", 7), ("video", 7), ("dvd", 7), ("music_cd", 7)],
)  # fmt: skip
def test_it_lends_tolmin_material_for_its_loan_period(material: str, days: int) -> None:
    assert preset("tolmin").profile_of("tolmin").loan_days.get(material) == days


@pytest.mark.parametrize("material", ["book", "magazine", "dvd", "audio"])
def test_it_lends_everything_on_tolmins_mobile_library_for_35_days(material: str) -> None:
    assert preset("tolmin").profile_of("mobile").loan_days.get(material) == 35


@given(branch_calendars(), days_in_range, st.integers(1, 40))
def test_it_puts_every_due_date_on_the_first_open_day_from_the_end_of_the_period(
    branch: tuple[str, str, BranchCalendar], start: date, days: int
) -> None:
    _, _, cal = branch
    due = due_date(start, days, cal)
    naive = start + timedelta(days=days)
    assert due >= naive
    assert cal.is_open(due)
    assert not any(cal.is_open(naive + timedelta(days=n)) for n in range((due - naive).days))


# --- renewals -----------------------------------------------------------------------------------


def test_it_adds_the_renewal_period_to_the_current_due_date_on_a_timely_renewal() -> None:
    cal = calendar("maribor", "main")
    assert renewed_due(D(2026, 3, 20), D(2026, 3, 10), 21, cal) == D(2026, 4, 10)


def test_it_counts_a_late_renewal_from_the_renewal_day() -> None:
    cal = calendar("maribor", "main")
    assert renewed_due(D(2026, 3, 20), D(2026, 3, 25), 21, cal) == D(2026, 4, 15)


def test_it_moves_a_renewed_due_date_to_the_next_open_day() -> None:
    # Tolmin renews books for 14 days: 23 March + 14 = Easter Monday.
    days = preset("tolmin").profile_of("tolmin").renewal_days.get("book")
    assert days == 14
    assert renewed_due(D(2026, 3, 23), D(2026, 3, 20), days, calendar("tolmin", "tolmin")) == (
        D(2026, 4, 7)
    )


@given(branch_calendars(), days_in_range, st.integers(-30, 30), st.integers(1, 40))
def test_it_renews_from_the_later_of_due_date_and_today(
    branch: tuple[str, str, BranchCalendar], due: date, offset: int, days: int
) -> None:
    _, _, cal = branch
    today = due + timedelta(days=offset)
    new_due = renewed_due(due, today, days, cal)
    assert new_due == due_date(max(due, today), days, cal)
    assert new_due > due and new_due > today


# --- checkout refusals --------------------------------------------------------------------------


def test_it_lends_to_a_member_in_good_standing() -> None:
    assert checkout("maribor", "main") is None


@pytest.mark.parametrize("branch", ["tolmin", "kobarid", "bovec", "mobile"])
def test_it_does_not_lend_newspapers_in_tolmin(branch: str) -> None:
    assert checkout("tolmin", branch, item=ItemFacts("newspaper")) == "not_for_loan"


def test_it_does_not_lend_an_item_labelled_not_for_home_loan() -> None:
    assert checkout("velenje", "main", item=ItemFacts("book", not_for_loan=True)) == "not_for_loan"


def test_it_lets_a_membership_run_until_the_end_of_its_last_paid_day() -> None:
    member = MemberFacts("adult", expires=TODAY)
    assert checkout("velenje", "main", member) is None
    assert checkout("velenje", "main", member, today=TODAY + timedelta(days=1)) == (
        "membership_expired"
    )


def test_it_blocks_an_old_debt_only_in_tolmin() -> None:
    member = MemberFacts("adult", has_old_debt=True)
    assert checkout("tolmin", "tolmin", member) == "debt_overdue"
    for library in ("maribor", "velenje", "ravne"):
        assert checkout(library, "main", member) is None


def test_it_refuses_a_member_in_collection_before_anything_else() -> None:
    member = MemberFacts("adult", in_collection=True, restricted=True, has_old_debt=True,
                         expires=D(2020, 1, 1))  # fmt: skip
    assert checkout("tolmin", "tolmin", member, ItemFacts("newspaper", available=False)) == (
        "in_collection"
    )


@pytest.mark.parametrize("branch", ["tolmin", "kobarid", "bovec"])
def test_it_lends_to_a_mobile_only_member_only_on_the_mobile_library(branch: str) -> None:
    # Tolmin art. 17 (2), 22: until the annual fee is paid
    mobile_only = MemberFacts("mobile_only")
    assert checkout("tolmin", branch, mobile_only) == "fee_required"
    assert checkout("tolmin", "mobile", mobile_only) is None


def test_it_lends_to_mobile_only_members_everywhere_where_the_rules_do_not_restrict_them() -> None:
    for library, branch in (("maribor", "main"), ("velenje", "main"), ("ravne", "main")):
        assert checkout(library, branch, MemberFacts("mobile_only")) is None


def test_it_gives_fee_required_after_an_expired_membership_and_before_an_old_debt() -> None:
    expired = MemberFacts("mobile_only", expires=TODAY - timedelta(days=1), has_old_debt=True)
    assert checkout("tolmin", "tolmin", expired) == "membership_expired"
    in_debt = MemberFacts("mobile_only", has_old_debt=True)
    assert checkout("tolmin", "tolmin", in_debt, ItemFacts("newspaper")) == "fee_required"
    assert checkout("tolmin", "mobile", in_debt) == "debt_overdue"


def test_it_refuses_an_online_registered_member_without_a_signed_statement() -> None:
    assert checkout("ravne", "main", MemberFacts("adult", restricted=True)) == (
        "membership_restricted"
    )


def test_it_refuses_an_item_held_for_someone_else() -> None:
    assert checkout("maribor", "main", item=ItemFacts("book", available=False)) == (
        "item_not_available"
    )


def test_it_stops_at_the_loan_limit_where_a_library_has_one() -> None:
    policy = dataclasses.replace(preset("maribor"), max_loans=3)
    assert checkout("maribor", "main", MemberFacts("adult", loans_out=2), policy=policy) is None
    assert checkout("maribor", "main", MemberFacts("adult", loans_out=3), policy=policy) == (
        "limit_reached"
    )


def test_it_has_no_loan_limit_in_the_presets() -> None:
    assert checkout("maribor", "main", MemberFacts("adult", loans_out=500)) is None


# --- renewal refusals ---------------------------------------------------------------------------


def test_it_renews_a_loan_that_is_not_overdue_on_any_channel() -> None:
    for channel in CHANNELS:
        assert renew("maribor", "main", loan(due=TODAY), channel=channel) is None


@pytest.mark.parametrize("library", ["maribor", "velenje", "tolmin", "ravne"])
@pytest.mark.parametrize(("channel", "allowed"),
                         [("desk", True), ("phone", True), ("email", True), ("online", False),
                          ("selfcheck", False)])  # fmt: skip
def test_it_renews_an_overdue_loan_only_at_the_desk_by_phone_or_by_e_mail(
    library: str, channel: str, allowed: bool
) -> None:
    branch = preset(library).branches[0].id
    overdue = loan(due=TODAY - timedelta(days=1))
    assert renew(library, branch, overdue, channel=channel) == (
        None if allowed else "overdue_needs_staff"
    )


def test_it_allows_maribor_two_renewals() -> None:
    assert renew("maribor", "main", loan(renewals=1)) is None
    assert renew("maribor", "main", loan(renewals=2)) == "renewal_limit"
    assert renew("maribor", "bibliobus", loan(renewals=2)) == "renewal_limit"


def test_it_allows_velenje_two_renewals() -> None:
    assert renew("velenje", "main", loan(renewals=2)) == "renewal_limit"


@pytest.mark.parametrize("branch", ["tolmin", "mobile"])
def test_it_sets_no_renewal_limit_in_tolmin(branch: str) -> None:
    assert renew("tolmin", branch, loan(renewals=50)) is None


def test_it_does_not_renew_e_books_in_tolmin() -> None:
    assert renew("tolmin", "tolmin", loan("ebook")) == "not_renewable"
    assert renew("tolmin", "mobile", loan("ebook")) == "not_renewable"


@pytest.mark.parametrize("material", ["audio", "video", "dvd", "music_cd"])
def test_it_does_not_renew_non_book_material_on_tolmins_mobile_library(material: str) -> None:
    assert renew("tolmin", "mobile", loan(material)) == "not_renewable"
    assert renew("tolmin", "tolmin", loan(material)) is None


@pytest.mark.parametrize("material", ["book", "map", "magazine", "cdrom"])
def test_it_renews_book_material_on_tolmins_mobile_library_for_35_days(material: str) -> None:
    assert renew("tolmin", "mobile", loan(material)) is None
    assert preset("tolmin").profile_of("mobile").renewal_days.get(material) == 35


def test_it_refuses_a_renewal_once_a_notice_was_issued() -> None:
    for library in ("maribor", "velenje", "tolmin", "ravne"):
        branch = preset(library).branches[0].id
        assert renew(library, branch, loan(notice_level=1)) == "after_notice"


def test_it_refuses_a_renewal_when_another_member_waits_for_the_item() -> None:
    assert renew("velenje", "main", loan(reserved_by_other=True)) == "reserved_by_other"


def test_it_refuses_a_renewal_for_an_old_debt_only_in_tolmin() -> None:
    member = MemberFacts("adult", has_old_debt=True)
    assert renew("tolmin", "tolmin", loan(), member) == "debt_overdue"
    assert renew("maribor", "main", loan(), member) is None


def test_it_does_not_refuse_a_renewal_for_an_expired_membership() -> None:
    # `membership_expired` is not among RULES.md's renewal reasons.
    assert renew("maribor", "main", loan(), MemberFacts("adult", expires=D(2020, 1, 1))) is None


# --- the first reason in RULES.md's order -------------------------------------------------------

CHECKOUT_ORDER: list[tuple[str, Callable[[Policy, Profile, MemberFacts, ItemFacts, date], bool]]]
CHECKOUT_ORDER = [
    ("in_collection", lambda p, pr, m, i, t: m.in_collection),
    ("membership_restricted", lambda p, pr, m, i, t: m.restricted),
    ("membership_expired", lambda p, pr, m, i, t: m.expires is not None and t > m.expires),
    ("fee_required", lambda p, pr, m, i, t: m.category in p.borrow_only_on
     and p.borrow_only_on[m.category] != pr.name),
    ("debt_overdue", lambda p, pr, m, i, t: p.debt_blocks and m.has_old_debt),
    ("not_for_loan", lambda p, pr, m, i, t: i.not_for_loan or i.material in pr.not_for_loan),
    ("item_not_available", lambda p, pr, m, i, t: not i.available),
    ("limit_reached", lambda p, pr, m, i, t: p.max_loans is not None
     and m.loans_out >= p.max_loans),
]  # fmt: skip

RENEWAL_ORDER: list[tuple[str, Callable[[Policy, Profile, MemberFacts, LoanFacts, str, date],
                                        bool]]]  # fmt: skip
RENEWAL_ORDER = [
    ("in_collection", lambda p, pr, m, ln, c, t: m.in_collection),
    ("membership_restricted", lambda p, pr, m, ln, c, t: m.restricted),
    ("debt_overdue", lambda p, pr, m, ln, c, t: p.debt_blocks and m.has_old_debt),
    ("not_renewable", lambda p, pr, m, ln, c, t: ln.material in pr.not_renewable
     or pr.renewal_days.get(ln.material) is None),
    ("after_notice", lambda p, pr, m, ln, c, t: ln.notice_level > 0),
    ("reserved_by_other", lambda p, pr, m, ln, c, t: ln.reserved_by_other),
    ("renewal_limit", lambda p, pr, m, ln, c, t: pr.max_renewals is not None
     and ln.renewals >= pr.max_renewals),
    ("overdue_needs_staff", lambda p, pr, m, ln, c, t: t > ln.due
     and c not in ("desk", "phone", "email")),
]  # fmt: skip


def test_it_uses_rules_md_order_of_checkout_reasons() -> None:
    assert [code for code, _ in CHECKOUT_ORDER] == [
        "in_collection", "membership_restricted", "membership_expired", "fee_required",
        "debt_overdue", "not_for_loan", "item_not_available", "limit_reached",
    ]  # fmt: skip


def test_it_uses_rules_md_order_of_renewal_reasons() -> None:
    assert [code for code, _ in RENEWAL_ORDER] == [
        "in_collection", "membership_restricted", "debt_overdue", "not_renewable",
        "after_notice", "reserved_by_other", "renewal_limit", "overdue_needs_staff",
    ]  # fmt: skip


@st.composite
def policies(draw: st.DrawFn) -> tuple[Policy, str]:
    library, branch = draw(st.sampled_from(BRANCHES))
    policy = preset(library)
    max_loans = draw(st.none() | st.integers(1, 6))
    return dataclasses.replace(policy, max_loans=max_loans), branch


members = st.builds(
    MemberFacts,
    category=st.sampled_from(["adult", "mobile_only"]),
    in_collection=st.booleans(),
    restricted=st.booleans(),
    expires=st.none() | st.dates(min_value=TODAY - timedelta(days=3),
                                 max_value=TODAY + timedelta(days=3)),
    has_old_debt=st.booleans(),
    loans_out=st.integers(0, 8),
)  # fmt: skip
items = st.builds(ItemFacts, material=st.sampled_from(MATERIALS), not_for_loan=st.booleans(),
                  available=st.booleans())  # fmt: skip
loans = st.builds(
    LoanFacts,
    material=st.sampled_from(MATERIALS),
    due=st.dates(min_value=TODAY - timedelta(days=3), max_value=TODAY + timedelta(days=3)),
    renewals=st.integers(0, 4),
    notice_level=st.integers(0, 2),
    reserved_by_other=st.booleans(),
)


@given(policies(), members, items)
def test_it_gives_the_first_applicable_checkout_reason_in_rules_md_order(
    policy_branch: tuple[Policy, str], member: MemberFacts, item: ItemFacts
) -> None:
    policy, branch = policy_branch
    profile = policy.profile_of(branch)
    applicable = [code for code, applies in CHECKOUT_ORDER
                  if applies(policy, profile, member, item, TODAY)]  # fmt: skip
    expected = applicable[0] if applicable else None
    assert checkout_refusal(policy, profile, member, item, TODAY) == expected


@given(policies(), members, loans, st.sampled_from(CHANNELS))
def test_it_gives_the_first_applicable_renewal_reason_in_rules_md_order(
    policy_branch: tuple[Policy, str], member: MemberFacts, loan_facts: LoanFacts, channel: str
) -> None:
    policy, branch = policy_branch
    profile = policy.profile_of(branch)
    applicable = [code for code, applies in RENEWAL_ORDER
                  if applies(policy, profile, member, loan_facts, channel, TODAY)]  # fmt: skip
    expected = applicable[0] if applicable else None
    assert renewal_refusal(policy, profile, member, loan_facts, channel, TODAY) == expected
