"""Joining, the membership year, its fee, cards, signing, authorised persons and the end of
membership (RULES.md 3 and 4; Tolmin art. 12-20, 23, 55-56).

Every service is one transaction and locks the member (`member_lock`) before it writes;
charges are recorded through `charge_record` while that lock is held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone

from bukve.accounts.models import Charge
from bukve.accounts.settlement import charge_record
from bukve.circulation.holds import reservation_cancel
from bukve.circulation.models import Loan, Reservation
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import (
    CARD_REASONS,
    EVIDENCE_KINDS,
    Authorisation,
    CardIssue,
    CategoryEvidence,
    Member,
)
from bukve.members.services import member_lock
from bukve.refusals import Refused
from bukve.rules.money import old_debt_cutoff, young_until
from bukve.rules.policy import CATEGORIES, Policy

END_REASONS = ("request", "rules", "death")


@dataclass(frozen=True)
class Evidence:
    """A document for a free category as shown at the desk; an unemployment certificate's
    `expires` may be left out (it is accepted until it is older than `certificate_months`,
    Tolmin art. 17)."""

    kind: str
    issued: date
    expires: date | None = None


# --- fees and the paid period ----------------------------------------------------------------


def membership_fee(member: Member, policy: Policy, day: date) -> Decimal:
    """The member's fee on `day`: by category, and free under the library's age limit
    (Tolmin art. 13-14, 17, Velenje: under 18 free, so a pupil pays only from 18 on)."""
    return policy.membership.fee(member.category, member.age_on(day))


def needs_evidence(member: Member, policy: Policy, day: date) -> bool:
    """Whether the member's free category must be proved on `day` (Tolmin art. 17): the
    category is one that needs a document, and the member is not free by age anyway."""
    membership = policy.membership
    if member.category not in membership.evidence:
        return False
    age = member.age_on(day)
    return not (
        membership.free_under_age is not None
        and age is not None
        and age < membership.free_under_age
    )


def evidence_valid(member: Member, day: date, certificate_months: int = 1) -> bool:
    """Whether a document proving the member's category is valid on `day`. An unemployment
    certificate must not be older than `certificate_months` (Tolmin art. 17), in the sense
    a debt is old (RULES.md 1): one dated 15 Jan is accepted up to 14 Feb, whatever expiry
    was recorded with it."""
    kinds = [kind for kind, (category, _label) in EVIDENCE_KINDS.items()
             if category == member.category]  # fmt: skip
    too_old = Q(kind="unemployment_certificate",
                issued__lte=old_debt_cutoff(day, certificate_months))  # fmt: skip
    return (
        CategoryEvidence.objects.filter(
            member=member, kind__in=kinds, issued__lte=day, expires__gte=day
        )
        .exclude(too_old)
        .exists()
    )


def charge_period(member: Member, policy: Policy, today: date, by: User | None) -> Member:
    """Charge the fee and extend the paid period: a year from today, or from the end of the
    paid period when renewing before it ends. Caller holds the member lock."""
    if needs_evidence(member, policy, today) and not evidence_valid(
        member, today, policy.membership.certificate_months
    ):
        raise Refused("evidence_required")
    running = member.expires is not None and member.expires >= today and not member.ended_on
    start = member.expires + timedelta(days=1) if running and member.expires else today
    end = start + relativedelta(months=policy.membership.period_months) - timedelta(days=1)
    fee = policy.membership.fee(member.category, member.age_on(today))
    if fee > 0:
        charge_record(member=member, day=today, kind="membership", amount=fee,
                      note=f"{start.isoformat()} – {end.isoformat()}")  # fmt: skip
    member.expires = end
    member.ended_on = None
    member.end_reason = ""
    member.save(update_fields=["expires", "ended_on", "end_reason"])
    return member


def _refuse_ended(member: Member, today: date) -> None:
    if member.banned_until is not None and today <= member.banned_until:
        raise Refused("membership_banned")
    if member.end_reason == "death":
        raise Refused("membership_ended")


def membership_start(*, member: Member, today: date, by: User | None = None) -> Member:
    """Start a paid period from today: a new member, or one who joins again after their
    membership ended (not while excluded by the director). The fee of the member's category
    is charged (kind "membership"); a free category needs valid evidence on the day."""

    with transaction.atomic():
        member = member_lock(member.pk)
        _refuse_ended(member, today)
        return charge_period(member, policy_for(member.library, today), today, by)


def membership_renew(*, member: Member, today: date, by: User | None = None) -> Member:
    """Renew the membership: the fee is charged and the paid period extended by a year, from
    its end when renewed before it ends, else from today. Renewing is possible from
    `renew_before_days` before the period ends (assumed: 30). Membership ends when the paid
    period ends (Tolmin art. 20); paid fees are not refunded."""

    with transaction.atomic():
        member = member_lock(member.pk)
        _refuse_ended(member, today)
        policy = policy_for(member.library, today)
        if (
            member.expires is not None
            and not member.ended_on
            and (member.expires - today).days > policy.membership.renew_before_days
        ):
            raise Refused("renewal_too_early")
        return charge_period(member, policy, today, by)


def category_by_age(age: int | None) -> str:
    """The category a person's age gives: a child under 15, a young person from 15 to 17,
    else an adult (the member categories of RULES.md)."""
    if age is not None and age < 15:
        return "child"
    if age is not None and age < 18:
        return "youth"
    return "adult"


def membership_fee_pay(*, member: Member, today: date, by: User | None = None) -> Member:
    """A member who borrows only on the mobile library (`mobile_only`, no fee) pays the
    annual fee, which opens every branch (Tolmin art. 17 (2), 22): the category becomes the
    one the member's age gives (adult, or a child or young person, who pay nothing), its fee
    is charged and the paid year starts today. Another category just starts a paid period.
    Locks: member."""

    with transaction.atomic():
        member = member_lock(member.pk)
        _refuse_ended(member, today)
        policy = policy_for(member.library, today)
        if member.category in policy.borrow_only_on:
            member.category = category_by_age(member.age_on(today))
            member.expires = None  # the free mobile-library year gives way to the paid one
            member.save(update_fields=["category", "expires"])
        return charge_period(member, policy, today, by)


def evidence_record(
    *, member: Member, evidence: Evidence, today: date, by: User | None = None
) -> CategoryEvidence:
    """Record a document for a free category (Tolmin art. 17). An unemployment certificate
    is valid until it is older than `certificate_months` ("not older than one month": one
    dated 15 Jan up to 14 Feb, `bukve.rules.money.young_until`, the same rule as an old debt);
    the other documents until the date on them.
    Raises ValueError for an unknown kind, a missing expiry or dates the wrong way round."""
    if evidence.kind not in EVIDENCE_KINDS:
        raise ValueError(f"unknown evidence {evidence.kind!r}")

    with transaction.atomic():
        member = member_lock(member.pk)
        expires = evidence.expires
        if evidence.kind == "unemployment_certificate":
            months = policy_for(member.library, today).membership.certificate_months
            latest = young_until(evidence.issued, months)
            expires = min(expires, latest) if expires else latest
        if expires is None:
            raise ValueError("the document's expiry date is needed")
        if evidence.issued > today or expires < evidence.issued:
            raise ValueError("the dates of the document are not possible")
        return CategoryEvidence.objects.create(
            member=member, kind=evidence.kind, issued=evidence.issued, expires=expires,
            recorded_by=by,
        )  # fmt: skip


# --- cards -----------------------------------------------------------------------------------


def card_issue(*, member: Member, reason: str, today: date, by: User | None) -> CardIssue:
    """Hand out a card and charge its price (kind "card"): Maribor's price list has a column
    for members under 15 and one for adults. In Tolmin the annual fee includes the card
    (art. 13), adults enrolling on the mobile library pay for it (art. 17, `mobile_only`), a
    lost or destroyed card is charged (art. 19) and a new card for changed personal data is
    free (art. 12). The card number stays the member's number."""
    if reason not in dict(CARD_REASONS):
        raise ValueError(f"unknown reason for a card: {reason!r}")

    with transaction.atomic():
        member = member_lock(member.pk)
        price = policy_for(member.library, today).cards.price(
            reason, member.age_on(today), member.category
        )
        card = CardIssue.objects.create(
            member=member, date=today, reason=reason, price=price, issued_by=by
        )
        if price > 0:
            charge_record(member=member, day=today, kind="card", amount=price, note=reason)
        return card


# --- signing, guardians, authorised persons ----------------------------------------------------


def guardian_refusal(member: Member, guardian: Member | None, policy: Policy, today: date
                     ) -> str | None:  # fmt: skip
    """A child under 15 needs a guardian, an adult member of the same library, who signs
    for them (Tolmin art. 14)."""
    age = member.age_on(today)
    if age is None or age >= policy.guardian_age:
        return None
    guardian_age = guardian.age_on(today) if guardian is not None else None
    if (
        guardian is None
        or guardian.library_id != member.library_id
        or guardian_age is None
        or guardian_age < 18
    ):
        return "guardian_required"
    return None


def member_sign(
    *, member: Member, by: User | None, today: date, guardian: Member | None = None
) -> Member:
    """The member (for a child under 15, the guardian) signed the membership statement in
    person and staff checked the identity document: the restrictions of an online
    registration end (seed 000, step 6). A membership not started yet (a free category
    whose evidence was missing online) starts now."""

    with transaction.atomic():
        member = member_lock(member.pk)
        policy = policy_for(member.library, today)
        guardian = guardian or member.guardian
        refusal = guardian_refusal(member, guardian, policy, today)
        if refusal:
            raise Refused(refusal)
        if member.expires is None and member.category in policy.membership.evidence:
            charge_period(member, policy, today, by)
        member.guardian = guardian
        member.restricted = False
        member.signed_on = today
        member.save(update_fields=["guardian", "restricted", "signed_on"])
        return member


def authorisation_add(
    *,
    member: Member,
    valid_until: date,
    today: date,
    by: User | None,
    name: str = "",
    person: Member | None = None,
) -> Authorisation:
    """Authorise a person to borrow for the member (pooblastilo, Tolmin art. 23), until a
    date that is not beyond the paid membership."""
    name = name.strip()
    if not name and person is None:
        raise ValueError("name the authorised person")

    with transaction.atomic():
        member = member_lock(member.pk)
        if person is not None and person.library_id != member.library_id:
            raise ValueError("the authorised member is of another library")
        if valid_until < today or (member.expires is not None and valid_until > member.expires):
            raise Refused("authorisation_beyond_membership")
        return Authorisation.objects.create(
            member=member, name=name or (person.name if person else ""), person=person,
            valid_until=valid_until, created_on=today, created_by=by,
        )  # fmt: skip


# --- the end of membership -------------------------------------------------------------------


def membership_end(
    *, member: Member, today: date, reason: str, by: User | None, until: date | None = None
) -> Member:
    """End the membership (Tolmin art. 20, 56): on the member's written request only with every
    item returned and every debt settled; by the director's decision for breaking the rules,
    excluded until `until`; on death. Paid fees are not refunded. The member's waiting
    reservations are cancelled afterwards (reservations lock copies before members)."""
    if reason not in END_REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    if reason == "rules" and (until is None or until <= today):
        raise ValueError("the exclusion needs an end date after today")

    with transaction.atomic():
        member = member_lock(member.pk)
        if member.ended_on is not None:
            raise Refused("membership_ended")
        if reason == "request":
            if member.loans.filter(status=Loan.OUT).exists():
                raise Refused("loans_out")
            if Charge.objects.filter(member=member, open_amount__gt=0).exists():
                raise Refused("debts_open")
        member.ended_on = today
        member.end_reason = reason
        member.banned_until = until if reason == "rules" else None
        member.save(update_fields=["ended_on", "end_reason", "banned_until"])
    waiting = member.reservations.filter(status__in=Reservation.OPEN)
    for reservation in waiting:
        reservation_cancel(reservation=reservation, today=today)
    return member


# --- joining ----------------------------------------------------------------------------------

CARD_DIGITS = 6  # TO000042: room for a million members with the prefix


def member_create(
    *,
    library: Library,
    first_name: str,
    last_name: str,
    born: date | None,
    category: str,
    address: str = "",
    email: str = "",
    phone: str = "",
    language: str = "sl",
    guardian: Member | None = None,
    restricted: bool = False,
    password: str = "",
    password_hash: str = "",
    today: date | None = None,
    contact_person: str = "",
    evidence: Evidence | None = None,
    issue_card: bool = False,
    by: User | None = None,
) -> Member:
    """Create a member with the library's next card number and start the membership: the
    fee of the category is charged and paid for a year (Tolmin art. 13).

    A child under 15 needs a guardian who signs (`guardian_required`); for a member
    registered online (`restricted`) the guardian is named when they sign in person, and so
    is the evidence of a free category, whose membership starts then. A legal entity is
    kept under `last_name` with a named employee (`contact_person`). A password is checked
    by the validators (ValidationError) and hashed; `password_hash` is taken as it is (an
    online registration's). Locks: the library (card numbers), then the new member."""
    today = today or timezone.localdate()
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    if not (first_name.strip() or last_name.strip()):
        raise ValueError("a member needs a name")
    if password:
        validate_password(password)
        password_hash = make_password(password)
    policy = policy_for(library, today)
    with transaction.atomic():
        library = Library.objects.select_for_update().get(pk=library.pk)
        member = Member(
            library=library, card_number=_next_card_number(library, policy.cards.prefix),
            first_name=first_name.strip(), last_name=last_name.strip(), born=born,
            category=category, address=address.strip(), email=email.strip(),
            phone=phone.strip(), language=language, guardian=guardian, restricted=restricted,
            password=password_hash, contact_person=contact_person.strip(),
            signed_on=None if restricted else today,
        )  # fmt: skip
        if not restricted:
            refusal = guardian_refusal(member, guardian, policy, today)
            if refusal:
                raise Refused(refusal)
        member.save(force_insert=True)
        if evidence is not None:
            evidence_record(member=member, evidence=evidence, today=today, by=by)
        if not (restricted and evidence is None and needs_evidence(member, policy, today)):
            charge_period(member, policy, today, by)
        if issue_card:
            card_issue(member=member, reason="first", today=today, by=by)
        return member


def _next_card_number(library: Library, prefix: str) -> str:
    """The prefix (the policy's, or the library's code) and the next number after the
    highest in use with it. Caller holds the library lock."""
    prefix = prefix or library.code.upper()
    numbers = Member.objects.filter(
        library=library, card_number__regex=rf"^{re.escape(prefix)}[0-9]+$"
    ).order_by(Length("card_number").desc(), "-card_number")
    last = numbers.values_list("card_number", flat=True).first()
    following = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{following:0{CARD_DIGITS}d}"
