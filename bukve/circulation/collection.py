"""Hand-over to collection (izterjava) and the list the collection agency gets.

Maribor hands a member over in the daily run, 10 days after the 3rd notice: the last step of
its notice ladder (RULES.md 2). Tolmin's ladder ends with the 4th notice ("before lawsuit");
once a year the library calls the members whose items are still out after it, charges the call
per its price list and hands them over (Tolmin art. 41-42): `collection_hand_over` is that
step, run from the desk. A member still in collection with items out a year after the last
call is called and charged again: collection costs add up (art. 42). Either way the member is
"in collection" until the handed-over items are back or paid for and every debt is settled
(`collection_refresh`).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bukve.accounts.models import Charge
from bukve.accounts.settlement import charge_record
from bukve.circulation.fines import is_exempt
from bukve.circulation.models import Loan
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.notices.models import Notice
from bukve.notices.services import notice_messages
from bukve.refusals import Refused
from bukve.rules import notices
from bukve.rules.policy import Policy

log = logging.getLogger(__name__)
ZERO = Decimal("0.00")


def ladder_hands_over(policy: Policy) -> bool:
    """Whether the library's notice ladders end with a hand-over to collection (Maribor), so
    the daily run hands members over and nobody does it by hand."""
    return any(step.collection for ladder in policy.ladders.values() for step in ladder.steps)


def _due(
    library: Library, policy: Policy, day: date, member_ids: list[int] | None = None
) -> dict[int, list[Loan]]:
    """Loans still out at the last notice level of their ladder, by member: of members not in
    collection, the loans not handed over yet; of members in collection whose last call is
    a year old on `day` (the yearly call, Tolmin art. 41), every such loan."""
    called = Notice.objects.filter(
        library=library, collection=True, date__gt=day - relativedelta(years=1)
    ).values("member_id")
    loans = Loan.objects.filter(library=library, status=Loan.OUT, notice_level__gt=0).filter(
        Q(handed_over_date__isnull=True, member__in_collection_since__isnull=True)
        | (Q(member__in_collection_since__isnull=False) & ~Q(member__in=called))
    )
    if member_ids is not None:
        loans = loans.filter(member_id__in=member_ids)
    due: dict[int, list[Loan]] = {}
    for loan in loans.select_related("item__record", "branch").order_by(
        "member_id", "due_date", "id"
    ):
        ladder = policy.ladder_of(loan.branch.profile, loan.item.material)
        if loan.notice_level >= max(step.level for step in ladder.steps):
            due.setdefault(loan.member_id, []).append(loan)
    return due


def collection_candidates(*, library: Library, day: date) -> list[tuple[Member, list[Loan]]]:
    """Whom `collection_hand_over` would hand over on `day`, with the items, to show the
    director before they confirm."""
    due = _due(library, policy_for(library, day), day)
    members = Member.objects.filter(pk__in=list(due)).order_by("last_name", "first_name", "pk")
    return [(member, due[member.pk]) for member in members]


def collection_hand_over(*, library: Library, day: date, by: User) -> list[Member]:
    """The yearly call (Tolmin art. 41-42): hand over to collection every member with an item
    still out after the last notice of its ladder (the 4th notice, "before lawsuit"), for a
    library whose ladders have no collection step. Each member is in collection from `day`,
    the items are handed over on `day`, the policy's collection fee (Tolmin: assumed 10.00
    per call) is charged once per member (none for staff exempt from loan-period charges,
    like the daily run) and a "collection" message is queued, as the daily run does for a
    ladder's collection step. A member still in collection, with items still out, whose last
    call is a year old is called and charged again: the costs add up (art. 42). Returns the
    members called; running it again within the year calls nobody already called.
    Locks: the members (by id), then their loans."""
    policy = policy_for(library, day)
    if ladder_hands_over(policy):
        raise Refused("collection_by_daily_run")
    with transaction.atomic():
        members = list(
            Member.objects.select_for_update()
            .filter(pk__in=list(_due(library, policy, day)))
            .order_by("pk")
        )
        list(Loan.objects.select_for_update().filter(member__in=members, status=Loan.OUT)
             .order_by("pk").values_list("pk", flat=True))  # fmt: skip
        due = _due(library, policy, day, [m.pk for m in members])  # again, under the locks
        handed: list[Member] = []
        issued: list[Notice] = []
        for member in members:
            loans = due.get(member.pk)
            if not loans:
                continue
            if member.in_collection_since is None:
                member.in_collection_since = day
                member.save(update_fields=["in_collection_since"])
            Loan.objects.filter(
                pk__in=[loan.pk for loan in loans], handed_over_date__isnull=True
            ).update(handed_over_date=day)
            to = notices.addressee(member.pk, member.born, member.guardian_id, day,
                                   policy.guardian_age)  # fmt: skip
            notice = Notice.objects.create(library=library, member=member, addressee_id=to,
                                           level=0, collection=True, date=day)  # fmt: skip
            notice.loans.set(loans)
            if policy.collection_fee > 0 and not is_exempt(member, policy):
                charge_record(member=member, day=day, kind="collection",
                              amount=policy.collection_fee, notice=notice,
                              created_by=by)  # fmt: skip
            handed.append(member)
            issued.append(notice)
        notice_messages(library, {m.pk: m for m in handed}, issued,
                         [due[m.pk] for m in handed])  # fmt: skip
    log.info("%s: %d members handed over to collection on %s by %s", library.code,
             len(handed), day, by)  # fmt: skip
    return handed


# --- the list for the collection agency ------------------------------------------------------


@dataclass(frozen=True)
class InCollection:
    member: Member
    debt: Decimal  # all the member's open charges
    loans: list[Loan]  # the handed-over items still out


def members_in_collection(library: Library) -> list[InCollection]:
    """The library's members in collection, the longest-standing first."""
    debt = (
        Charge.objects.filter(member=OuterRef("pk"))
        .values("member")
        .annotate(s=Sum("open_amount"))
        .values("s")
    )
    handed_over = Loan.objects.filter(status=Loan.OUT, handed_over_date__isnull=False)
    members = (
        Member.objects.filter(library=library, in_collection_since__isnull=False)
        .annotate(debt=Coalesce(Subquery(debt), Value(ZERO),
                                output_field=DecimalField(max_digits=12, decimal_places=2)))
        .prefetch_related(Prefetch("loans", to_attr="handed_over",
                                   queryset=handed_over.select_related("item__record")
                                   .order_by("due_date", "id")))
        .order_by("in_collection_since", "last_name", "first_name", "pk")
    )  # fmt: skip
    return [
        InCollection(m, Decimal(m.debt).quantize(Decimal("0.01")), m.handed_over) for m in members
    ]


def _amount(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}".replace(".", ",")


def collection_csv(library: Library) -> str:
    """The members in collection for the agency, as CSV that Excel set up for Slovenia opens
    as it is: `;` between fields, a UTF-8 byte order mark, amounts with a decimal comma,
    dates as YYYY-MM-DD.

    One row per handed-over item still out, the member's columns repeated on each, so the
    agency can sort and filter; a member whose items are all back but who still owes gets one
    row with the item columns empty. The open debt is the member's whole open debt (repeated
    on each of the member's rows: do not add it up per row). Headers are in the active
    language.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([
        _("Card number"), _("Name"), _("Address"), _("Date of birth"), _("Handed over on"),
        _("Open debt (EUR)"), _("Barcode"), _("Title"), _("Due date"),
        _("Replacement price (EUR)"),
    ])  # fmt: skip
    for row in members_in_collection(library):
        m = row.member
        person = [m.card_number, m.name, m.address, m.born.isoformat() if m.born else "",
                  m.in_collection_since.isoformat() if m.in_collection_since else "",
                  _amount(row.debt)]  # fmt: skip
        if not row.loans:
            writer.writerow([*person, "", "", "", ""])
        for loan in row.loans:
            writer.writerow([*person, loan.item.barcode, loan.item.record.title,
                             loan.due_date.isoformat(), _amount(loan.item.price)])  # fmt: skip
    return out.getvalue()
