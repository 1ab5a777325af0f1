"""Parcel lockers (Tolmin art. 22.b): a member who reserved a title may collect it from the
locker in front of the library, at any hour. When the copy is on the hold shelf of the
locker's branch, the staff put it in the locker (`locker_deposit`): the loan starts that day,
and the member is sent the code that opens its compartment. The member collects it within
the library's `locker_days` of that message (the locker reports it: `locker_collected`);
what is not collected by then is taken back out in that day's daily run: the loan ends
without a fine, the price list's fee is charged and the copy serves the next member.

The locker itself is a machine of a provider's, reached through an adapter named by
`Locker.adapter`. `SimulatedLocker` stands for it in the demo and the tests: it hands out a
code and keeps nothing; a real provider's adapter opens and closes compartments through its
API. *Assumed*: the seeds name no provider; the code is six digits.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Protocol

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from bukve.accounts.settlement import charge_record
from bukve.catalog.services import item_lock
from bukve.circulation.models import Locker, LockerDeposit, Reservation
from bukve.circulation.services import hold_pickup, loan_checkin
from bukve.libraries.models import Branch
from bukve.libraries.services import policy_for
from bukve.members.services import member_lock
from bukve.notices.models import Message
from bukve.notices.services import member_messages, message_addressee
from bukve.refusals import Refused
from bukve.rules.policy import Policy


class LockerAdapter(Protocol):
    """What Bukve asks of a parcel locker."""

    def deposit(self, locker: Locker, barcode: str) -> str:
        """Open a compartment for the copy; returns the code the member opens it with."""

    def take_back(self, locker: Locker, code: str) -> None:
        """The copy was not collected: the staff take it back out of its compartment."""


class SimulatedLocker:
    """A locker that only hands out codes: the demo's and the tests'."""

    def deposit(self, locker: Locker, barcode: str) -> str:
        return f"{secrets.randbelow(10**6):06d}"

    def take_back(self, locker: Locker, code: str) -> None:
        return None


ADAPTERS: dict[str, LockerAdapter] = {"simulated": SimulatedLocker()}


def adapter_of(locker: Locker) -> LockerAdapter:
    return ADAPTERS[locker.adapter]


def locker_add(*, branch: Branch, code: str, name: str, adapter: str = "simulated") -> Locker:
    """A parcel locker that `branch` fills, reached through the adapter `adapter`."""
    if adapter not in ADAPTERS:
        raise ValueError(f"no locker adapter {adapter!r}; known: {', '.join(ADAPTERS)}")
    return Locker.objects.create(library_id=branch.library_id, branch=branch, code=code,
                                 name=name, adapter=adapter)  # fmt: skip


def locker_deposit(*, reservation: Reservation, today: date | None = None) -> LockerDeposit:
    """Put the copy held for a locker reservation in its locker: the member's loan starts
    today (art. 22.b: "Izposojevalni rok začne teči z dnem vložitve gradiva v paketnik"),
    and they are sent the code and the last day to collect it. Refused
    (`not_in_locker_branch`) unless the copy waits on the hold shelf of the locker's branch.
    Locks: item, member (the checkout's)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if reservation.item_id is not None:
            item_lock(reservation.item_id)
        reservation = Reservation.objects.select_for_update(of=("self",)).select_related(
            "locker__branch", "member", "library", "item__record"
        ).get(pk=reservation.pk)  # fmt: skip
        locker, item = reservation.locker, reservation.item
        policy = policy_for(reservation.library, today)
        if (locker is None or item is None or reservation.status != Reservation.HELD
                or policy.locker_days is None):  # fmt: skip
            raise Refused("not_in_locker")
        loan = hold_pickup(member=reservation.member, item=item, today=today)
        code = adapter_of(locker).deposit(locker, item.barcode)
        deposit = LockerDeposit.objects.create(
            library_id=reservation.library_id, locker=locker, reservation=reservation, loan=loan,
            code=code, deposited_date=today, collect_by=today + timedelta(days=policy.locker_days),
        )  # fmt: skip
        member = reservation.member
        context = {"title": item.record.title, "locker": locker, "code": code,
                   "until": deposit.collect_by, "due": loan.due_date}  # fmt: skip
        Message.objects.bulk_create(member_messages(
            library=reservation.library, member=member, kind="locker_ready", context=context,
            addressee=message_addressee(member, today),
        ))  # fmt: skip
        return deposit


def locker_collected(*, deposit: LockerDeposit, today: date | None = None) -> LockerDeposit:
    """The locker reports that the member opened the compartment and took the copy."""
    today = today or timezone.localdate()
    with transaction.atomic():
        deposit = LockerDeposit.objects.select_for_update().get(pk=deposit.pk)
        if deposit.collected_date is None and deposit.taken_back_date is None:
            deposit.collected_date = today
            deposit.save(update_fields=["collected_date"])
        return deposit


def lockers_not_collected(library_id: int, day: date, policy: Policy) -> int:
    """Take back what was not collected by its last day (the run of that day, as with the
    hold shelf): the loan ends without a fine, the fee of the price list is charged (art.
    22.b: "Neprevzeto gradivo se obračuna skladno z veljavnim cenikom"), and the copy goes to
    the next member waiting, or home. Caller holds the locks of the copies and members."""
    count = 0
    for deposit in lockers_waiting(library_id, day):
        item = deposit.loan.item
        adapter_of(deposit.locker).take_back(deposit.locker, deposit.code)
        deposit.taken_back_date = day
        deposit.save(update_fields=["taken_back_date"])
        loan_checkin(item=item, branch=deposit.locker.branch, today=day)
        if policy.locker_not_collected_fee > 0:
            member = member_lock(deposit.loan.member_id)
            charge_record(member=member, day=day, kind="hold_not_collected",
                          amount=policy.locker_not_collected_fee, item=item)  # fmt: skip
        count += 1
    return count


def lockers_waiting(library_id: int, day: date) -> QuerySet[LockerDeposit]:
    """The library's copies in lockers whose last day to collect them is `day` or before."""
    waiting = LockerDeposit.objects.filter(library=library_id, collect_by__lte=day,
                                           collected_date__isnull=True,
                                           taken_back_date__isnull=True)  # fmt: skip
    return waiting.select_related("locker__branch", "loan__item").order_by("collect_by", "id")
