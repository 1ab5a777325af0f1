"""Member services: creating members, the portal password and preferences, finding and
logging in members. The membership year, fees, cards and the end of membership are in
`bukve.members.membership`; personal data and the purge in `bukve.members.personal_data`.
"""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone

from bukve.folding import fold
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.membership import (
    Evidence,
    card_issue,
    charge_period,
    evidence_record,
    guardian_refusal,
    needs_evidence,
)
from bukve.members.models import NOTIFY_CHANNELS, Member
from bukve.refusals import Refused
from bukve.rules.policy import CATEGORIES

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


# Hashed once, checked when no member matches, so that a wrong card number takes as long
# as a wrong password and does not tell which card numbers exist.
_DUMMY_HASH = make_password(None)


def member_password_set(*, member: Member, password: str) -> Member:
    """Set the password for "Moja knjižnica" (at least 8 characters, seed 000), whether the
    member changes it or the desk gives a new one. Every portal session of the member ends
    (its session_version is raised; bukve.portal.access); a view that wants to keep the
    member's own session stores the returned member's new version in it.

    Raises django.core.exceptions.ValidationError with the validators' messages."""
    validate_password(password)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.password = make_password(password)
        member.session_version += 1
        member.save(update_fields=["password", "session_version"])
        return member


def member_preferences_set(*, member: Member, notify_by: str, language: str) -> Member:
    """How the member wants to be told (e-mail, SMS, phone call) and in which language."""
    if notify_by not in dict(NOTIFY_CHANNELS) or language not in dict(
        Member.language.field.choices
    ):
        raise ValueError(f"unknown channel or language: {notify_by!r}, {language!r}")
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.notify_by = notify_by
        member.language = language
        member.save(update_fields=["notify_by", "language"])
        return member


def member_authenticate(*, library: Library, login: str, password: str) -> Member | None:
    """The member whose card number or e-mail is `login` and whose password matches.

    An e-mail shared by several members (a parent registered their children with theirs)
    logs in none of them: the card number is needed then."""
    member = member_named(library=library, login=login)
    if member is None:
        check_password(password, _DUMMY_HASH)
        return None
    return member if check_password(password, member.password) else None


def member_named(*, library: Library, login: str) -> Member | None:
    """The one member with a portal password whose card number or e-mail is `login`; None
    when nobody is, or when several members share the e-mail."""
    login = login.strip()
    if not login:
        return None
    found = list(
        Member.objects.filter(library=library)
        .exclude(password="")
        .filter(Q(card_number__iexact=login) | Q(email__iexact=login))[:2]
    )
    return found[0] if len(found) == 1 else None


def member_search(library: Library, text: str) -> QuerySet[Member]:
    """Members of the library by card number (exact), date of birth (d. m. yyyy or
    yyyy-mm-dd) or name (every word must be in the first or last name, whatever the case
    and diacritics). The anonymous members that keep purged members' statistics are not
    people, and are never found."""
    text = text.strip()
    members = Member.objects.filter(library=library, age_group="")
    if not text:
        return members.none()
    by_card = members.filter(card_number__iexact=text)
    if by_card.exists():
        return by_card
    born = _date(text)
    if born is not None:
        return members.filter(born=born).order_by("last_name", "first_name")
    # Folded on both sides (bukve.folding): "špela", "SPELA" and "Špela" find Špela Košir
    # alike, on SQLite as on PostgreSQL. A word has no space, so it matches within one name.
    words = fold(text).split()
    if not words:  # nothing but marks
        return members.none()
    for word in words:
        members = members.filter(name_folded__contains=word)
    return members.order_by("last_name", "first_name")


def _date(text: str) -> date | None:
    compact = text.replace(" ", "")
    for parts, order in ((compact.split("."), (2, 1, 0)), (compact.split("-"), (0, 1, 2))):
        parts = [p for p in parts if p]
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(*(int(parts[i]) for i in order))
            except (ValueError, OverflowError):
                return None
    return None
