"""The demo's history: each library's last months played day by day through the services,
as a library would have written them, with the daily run after each day. Refusals are part
of the story and are counted."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from bukve.accounts.models import Charge
from bukve.accounts.services import SaleLine, open_debt, payment_take, sale_record
from bukve.catalog.models import Item, Record
from bukve.circulation import holds
from bukve.circulation import services as circulation
from bukve.circulation.daily import daily_run, daily_run_day
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.selectors import pull_list, transits_open
from bukve.libraries.models import Branch, Library
from bukve.libraries.services import (
    calendar_for,
    policy_for,
)
from bukve.members.models import Member
from bukve.refusals import Refused
from bukve.rules.calendar import BranchCalendar

T = TypeVar("T")
VISIT_CHANCE = 0.03  # that a member comes to borrow on an open day of their branch


@dataclass
class Plan:
    """What the member will do with a loan: return it on a day, renew it, or lose it."""

    loan: Loan
    return_on: date | None
    renew_on: date | None = None
    renew_channel: str = "desk"
    renew_again: bool = False
    lost_on: date | None = None


class History:
    """Plays one library's history day by day through the services."""

    def __init__(
        self,
        rng: random.Random,
        library: Library,
        home: dict[int, Branch],
        children_records: set[int],
        start: date,
        today: date,
    ) -> None:
        self.rng = rng
        self.library = library
        self.start = start
        self.today = today
        self.branches = list(library.branches.order_by("id"))
        self.calendars: dict[int, BranchCalendar] = {b.pk: calendar_for(b) for b in self.branches}
        # What the desk sells from the price list (damage to items is charged, not sold).
        self.for_sale = [p for p in policy_for(library, today).prices.values() if p.group != "lost"]
        self.members = {m.pk: m for m in Member.objects.filter(library=library)}
        self.home = home
        self.children_records = children_records
        self.plans: list[Plan] = []
        self.pickups: dict[int, date | None] = {}  # reservation pk -> the day it is collected
        self.lost_planned = False
        self.refusals: Counter[str] = Counter()

    def is_open(self, branch_id: int, day: date) -> bool:
        return self.calendars[branch_id].is_open(day)

    def play(self) -> None:
        day = self.start
        while day <= self.today:
            self.play_day(day)
            if day < self.today:
                daily_run_day(library=self.library, day=day)
            day += timedelta(days=1)
        daily_run(library=self.library, until=self.today)

    def play_day(self, day: date) -> None:
        self.between_branches(day)
        self.plan_pickups(day)
        self.returns_and_renewals(day)
        self.collect_holds(day)
        for branch in self.branches:
            if self.is_open(branch.pk, day):
                self.visits(branch, day)
        if self.rng.random() < 0.4:
            self.reserve(day)
        if self.rng.random() < 0.3:
            self.pay_someone(day)
        if self.for_sale and self.rng.random() < 0.3:
            self.sell(day)

    # events

    def between_branches(self, day: date) -> None:
        """The van: copies sent on an earlier day are scanned in where they arrive (home, or
        the hold shelf of a pick-up branch), and copies on a branch's pull list are taken
        from its shelf and sent, on the open days of the branches."""
        for transit in transits_open().filter(library=self.library, sent_date__lt=day):
            if self.is_open(transit.to_branch_id, day):
                self.attempt(circulation.loan_checkin, item=transit.item,
                             branch=transit.to_branch, today=day)  # fmt: skip
        for branch in self.branches:
            if self.is_open(branch.pk, day):
                for reservation in pull_list(branch):
                    assert reservation.item is not None
                    self.attempt(circulation.loan_checkin, item=reservation.item, branch=branch,
                                 today=day)  # fmt: skip

    def plan_pickups(self, day: date) -> None:
        """Held copies (held at once, at a return or passed on by the daily run): most members
        collect within a few days, some never come."""
        for reservation in Reservation.objects.filter(library=self.library,
                                                      status=Reservation.HELD):  # fmt: skip
            if reservation.pk not in self.pickups:
                late = self.rng.random() < 0.15
                self.pickups[reservation.pk] = (
                    None if late else day + timedelta(days=self.rng.choice([0, 1, 1, 2, 3, 4]))
                )

    def collect_holds(self, day: date) -> None:
        due = [pk for pk, on in self.pickups.items() if on is not None and on <= day]
        for reservation in Reservation.objects.filter(pk__in=due).select_related("item"):
            if reservation.status != Reservation.HELD:
                self.pickups.pop(reservation.pk)
                continue
            if not self.is_open(reservation.pickup_branch_id, day):
                continue
            self.pickups.pop(reservation.pk)
            member = self.members[reservation.member_id]
            assert reservation.item is not None
            self.attempt(self.lend, member, reservation.item, day, pickup=True)

    def returns_and_renewals(self, day: date) -> None:
        for plan in list(self.plans):
            loan = plan.loan
            if plan.lost_on is not None and day >= plan.lost_on:
                self.plans.remove(plan)
                if self.attempt(circulation.loan_declare_lost, item=loan.item, today=day):
                    self.maybe_pay(loan.member_id, day, chance=0.6)
            elif plan.renew_on is not None and day >= plan.renew_on:
                self.renew(plan, day)
            elif (plan.return_on is not None and day >= plan.return_on
                  and self.is_open(loan.branch_id, day)):  # fmt: skip
                self.plans.remove(plan)
                # returned where it was borrowed: a copy from another branch goes home
                back = self.attempt(circulation.loan_checkin, item=loan.item, branch=loan.branch,
                                    today=day)  # fmt: skip
                if back:
                    self.maybe_pay(loan.member_id, day, chance=0.5)

    def renew(self, plan: Plan, day: date) -> None:
        loan = plan.loan
        member = self.members[loan.member_id]
        renewed = self.attempt(circulation.loan_renew, member=member, item=loan.item,
                               channel=plan.renew_channel, today=day)  # fmt: skip
        if renewed is None:  # refused: the member brings it back, on time or a little late
            plan.renew_on = None
            plan.return_on = max(day, loan.due_date) + timedelta(days=self.rng.randint(0, 6))
            return
        plan.loan = renewed
        if plan.renew_again:
            plan.renew_again = self.rng.random() < 0.3
            plan.renew_on = renewed.due_date - timedelta(days=self.rng.randint(0, 3))
            plan.renew_channel = self.channel()
        else:
            plan.renew_on = None
            plan.return_on = self.return_day(day, renewed.due_date)

    def visits(self, branch: Branch, day: date) -> None:
        """Each member comes to their branch on an open day now and then."""
        visitors = [
            pk
            for pk, home in self.home.items()
            if home.pk == branch.pk and self.rng.random() < VISIT_CHANCE
        ]
        if not visitors:
            return
        shelf = list(Item.objects.filter(branch=branch, status=Item.SHELF).order_by("pk"))
        for pk in visitors:
            member = self.members[pk]
            for _ in range(self.rng.choices([1, 2, 3], [55, 35, 10])[0]):
                item = self.choose(member, shelf)
                if item is None:
                    break
                shelf.remove(item)
                if self.attempt(self.lend, member, item, day, branch=branch) is None:
                    break  # refused: the member leaves the rest on the shelf
            if self.rng.random() < 0.2:
                self.maybe_pay(pk, day, chance=1.0)

    def choose(self, member: Member, shelf: list[Item]) -> Item | None:
        if not shelf:
            return None
        if self.rng.random() < 0.03:  # now and then someone tries a reference book
            return self.rng.choice(shelf)
        loanable = [i for i in shelf if not i.not_for_loan and i.material != "newspaper"]
        if member.category == "child":
            preferred = [i for i in loanable if i.record_id in self.children_records]
            loanable = preferred if preferred and self.rng.random() < 0.85 else loanable
        return self.rng.choice(loanable) if loanable else None

    def lend(
        self,
        member: Member,
        item: Item,
        day: date,
        branch: Branch | None = None,
        pickup: bool = False,
    ) -> Loan:
        if pickup:
            loan = circulation.hold_pickup(member=member, item=item, today=day)
        else:
            loan = circulation.loan_checkout(member=member, item=item, branch=branch, today=day)
        self.plans.append(self.plan(loan, day))
        return loan

    def plan(self, loan: Loan, day: date) -> Plan:
        rng = self.rng
        if (not self.lost_planned and day >= self.start + timedelta(days=20)
                and loan.item.material == "book" and loan.item.price):  # fmt: skip
            self.lost_planned = True
            return Plan(loan, None, lost_on=loan.due_date + timedelta(days=rng.randint(12, 25)))
        r = rng.random()
        if r < 0.62:
            return Plan(loan, self.return_day(day, loan.due_date))
        if r < 0.80:  # renewed before the due date
            return Plan(
                loan,
                None,
                renew_on=loan.due_date - timedelta(days=rng.randint(0, 3)),
                renew_channel=self.channel(),
                renew_again=rng.random() < 0.25,
            )
        if r < 0.83:  # renewed a few days late: fine on the renewal day, or refused online
            return Plan(
                loan,
                None,
                renew_on=loan.due_date + timedelta(days=rng.randint(1, 4)),
                renew_channel=rng.choice(["desk", "phone", "online"]),
            )
        if r < 0.95:  # back late
            return Plan(loan, loan.due_date + timedelta(days=rng.randint(1, 20)))
        if r < 0.99:  # back very late, after several notices
            return Plan(loan, loan.due_date + timedelta(days=rng.randint(21, 45)))
        return Plan(loan, None)  # never comes back

    def return_day(self, checkout: date, due: date) -> date:
        span = max(1, (due - checkout).days)
        return checkout + timedelta(days=self.rng.randint(min(3, span), span))

    def channel(self) -> str:
        return self.rng.choices(["desk", "phone", "online", "selfcheck"], [30, 20, 40, 10])[0]

    def reserve(self, day: date) -> None:
        """A member reserves a title for pick-up at their branch: mostly one with every copy
        out (the queue), sometimes one on the shelf of another branch only (pulled there and
        sent)."""
        member = self.members[self.rng.choice(list(self.members))]
        if member.restricted:
            return
        home = self.home[member.pk]
        titles = Record.objects.filter(library=self.library)
        if self.rng.random() < 0.3:
            titles = titles.filter(items__status=Item.SHELF).exclude(items__branch=home)
        else:
            titles = titles.filter(items__status=Item.LOAN).exclude(items__status=Item.SHELF)
        found = list(titles.distinct().values_list("pk", flat=True)[:500])
        if not found:
            return
        item = Item.objects.filter(record_id=self.rng.choice(found)).first()
        assert item is not None
        self.attempt(holds.reservation_place, member=member, item=item,
                     pickup_branch=home, today=day)  # fmt: skip

    def pay_someone(self, day: date) -> None:
        debtors = list(
            Charge.objects.filter(library=self.library, open_amount__gt=0)
            .values_list("member_id", flat=True)
            .distinct()
        )
        if debtors:
            self.maybe_pay(self.rng.choice(debtors), day, chance=1.0)

    def sell(self, day: date) -> None:
        """A sale at the desk: copies by the page, a room by the minute, to a walk-in customer
        paying at once or to a member, who may have it put on their account."""
        price = self.rng.choice(self.for_sale)
        quantity = {"page": self.rng.randint(1, 30), "started_hour": self.rng.randint(30, 200)}
        member = self.rng.choice(list(self.members.values())) if self.rng.random() < 0.4 else None
        on_account = member is not None and self.rng.random() < 0.5
        method = None if on_account else self.rng.choice(["cash", "cash", "card"])
        self.attempt(sale_record, library=self.library, day=day, by=None, member=member,
                     lines=[SaleLine(price.code, quantity.get(price.unit, 1))],
                     method=method)  # fmt: skip

    def maybe_pay(self, member_pk: int, day: date, chance: float) -> None:
        member = self.members[member_pk]
        if self.rng.random() >= chance or open_debt(member) <= 0:
            return
        method = self.rng.choices(["cash", "card", "transfer"], [50, 35, 15])[0]
        self.attempt(payment_take, member=member, day=day, method=method)

    def attempt(self, service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call a service; a refusal is normal and only counted."""
        try:
            return service(*args, **kwargs)
        except Refused as refusal:
            self.refusals[refusal.code] += 1
            return None
