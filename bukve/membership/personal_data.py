"""Personal data (Tolmin art. 55): what is kept, what the member may download, and the purge
one year after the membership ended.

The purge keeps the statistics of the loans without the person: a purged member's loans,
charges and payments move to an anonymous member of the library per category and age group
(the loans by the age at checkout), so the ledger still adds up and every loan keeps its
dates, item, branch, category and age group; the member row, their notices, reservations,
cards, documents and authorisations are deleted.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from bukve.accounts.models import Charge, Payment
from bukve.circulation.models import Loan
from bukve.libraries.models import Library
from bukve.members.models import Member, Registration
from bukve.notices.models import Notice
from bukve.rules.notices import age_on


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def member_data_export(member: Member) -> dict[str, Any]:
    """Everything Bukve keeps about the member, as JSON-able data, for them to download."""
    person = {
        "card_number": member.card_number,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "born": _day(member.born),
        "birth_place": member.birth_place,
        "address": member.address,
        "email": member.email,
        "phone": member.phone,
        "category": member.category,
        "contact_person": member.contact_person,
        "language": member.language,
        "notify_by": member.notify_by,
        "education": member.education if member.education_consent else "",
        "education_consent": member.education_consent,
        "guardian": member.guardian.card_number if member.guardian else None,
        "membership_paid_until": _day(member.expires),
        "signed_on": _day(member.signed_on),
        "membership_ended_on": _day(member.ended_on),
        "restricted": member.restricted,
    }
    loans = member.loans.select_related("item__record", "branch").order_by("checkout_date", "id")
    charges = member.charges.order_by("date", "id")
    payments = member.payments.order_by("date", "id")
    return {
        "library": member.library.name,
        "member": person,
        "loans": [
            {
                "title": str(loan.item.record),
                "barcode": loan.item.barcode,
                "branch": loan.branch.name,
                "checkout_date": _day(loan.checkout_date),
                "due_date": _day(loan.due_date),
                "returned": _day(loan.closed_date),
                "status": loan.status,
                "renewals": loan.renewals,
            }  # fmt: skip
            for loan in loans
        ],
        "reservations": [
            {"title": str(r.record), "placed": _day(r.placed_date), "status": r.status}
            for r in member.reservations.select_related("record").order_by("placed_date", "id")
        ],
        "charges": [
            {
                "date": _day(c.date),
                "kind": c.kind,
                "amount": str(c.amount),
                "open": str(c.open_amount),
                "note": c.note,
            }  # fmt: skip
            for c in charges
        ],
        "payments": [
            {"date": _day(p.date), "amount": str(p.amount), "method": p.method} for p in payments
        ],
        "cards": [
            {"date": _day(c.date), "reason": c.reason, "price": str(c.price)}
            for c in member.cards.order_by("date", "id")
        ],
        "evidence": [
            {"kind": e.kind, "issued": _day(e.issued), "expires": _day(e.expires)}
            for e in member.evidence.order_by("issued", "id")
        ],
        "authorisations": [
            {"name": a.name, "valid_until": _day(a.valid_until)}
            for a in member.authorisations.order_by("valid_until", "id")
        ],
    }


# --- the purge -------------------------------------------------------------------------------

AGE_GROUPS = ((15, "0-14"), (18, "15-17"), (65, "18-64"))  # (under this age, group)


def age_group(born: date | None, day: date) -> str:
    """The statistical age group on `day`: 0-14, 15-17, 18-64, 65+ (or unknown)."""
    if born is None:
        return "unknown"
    age = age_on(born, day)
    return next((group for limit, group in AGE_GROUPS if age < limit), "65+")


def anonymous_member(library: Library, category: str, group: str, today: date) -> Member:
    """The library's anonymous member of a category and age group (created on first use);
    it has ended, so nothing can be lent to it."""
    member, _created = Member.objects.get_or_create(
        library=library,
        card_number=f"anonymous-{category}-{group}",
        defaults={"category": category, "age_group": group, "ended_on": today},
    )
    return member


def purge_due(library: Library, today: date) -> Q:
    """Members whose membership ended (by request, decision or death, or when the paid
    period ran out) a year ago or more, with no loans out and no debts."""
    return Q(library=library, age_group="", end__lte=today - relativedelta(years=1)) & ~Q(
        Exists(Loan.objects.filter(member=OuterRef("pk"), status=Loan.OUT))
        | Exists(Charge.objects.filter(member=OuterRef("pk"), open_amount__gt=0))
    )


def _due(library: Library, today: date) -> Any:
    return Member.objects.annotate(end=Coalesce("ended_on", "expires")).filter(
        purge_due(library, today)
    )


def members_purge(*, library: Library, today: date) -> int:
    """Delete the members whose data may be kept no longer: one year after their membership
    ended, or once their debts are settled if that is later (Tolmin art. 55). Returns how
    many were deleted. Each member is one transaction: lock, check again, move the loans and
    the ledger to the anonymous members, delete. Safe to run twice or in parallel."""
    purged = 0
    for pk in list(_due(library, today).values_list("pk", flat=True)):
        with transaction.atomic():
            member = Member.objects.select_for_update().filter(pk=pk).first()
            if member is None or not _due(library, today).filter(pk=pk).exists():
                continue  # purged or changed meanwhile
            _anonymise(member, today)
            purged += 1
    return purged


def _anonymise(member: Member, today: date) -> None:
    """Move what must stay to the anonymous members and delete the person. Caller holds the
    member lock."""
    library, category = member.library, member.category
    by_group: dict[str, list[int]] = defaultdict(list)
    for pk, checkout in member.loans.values_list("pk", "checkout_date"):
        by_group[age_group(member.born, checkout)].append(pk)
    for group, pks in by_group.items():
        Loan.objects.filter(pk__in=pks).update(
            member=anonymous_member(library, category, group, today)
        )
    end = member.ended_on or member.expires or today
    ledger = anonymous_member(library, category, age_group(member.born, end), today)
    Charge.objects.filter(member=member).update(member=ledger)
    Payment.objects.filter(member=member).update(member=ledger)
    # Notices are letters to the person: gone, with the charges keeping their level.
    notices = Notice.objects.filter(member=member)
    Charge.objects.filter(notice__in=notices).update(notice=None)
    notices.delete()
    Notice.objects.filter(addressee=member).update(addressee=F("member"))
    Registration.objects.filter(member=member).delete()
    member.delete()
