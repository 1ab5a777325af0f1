"""Member services: the member lock, the portal password and preferences, finding and
logging in members. Joining (which charges the first fee), the membership year, fees, cards
and the end of membership are in `bukve.membership.services`, a layer above the ledger.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q, QuerySet

from bukve.folding import fold
from bukve.libraries.models import Library
from bukve.members.models import NOTIFY_CHANNELS, Member
from bukve.refusals import Refused


def member_lock(pk: int) -> Member:
    """The member, locked for the rest of the transaction (after the item, if any, and before
    their loans and charges)."""
    return Member.objects.select_for_update(of=("self",)).select_related("library").get(pk=pk)


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
    if notify_by not in dict(NOTIFY_CHANNELS) or language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown channel or language: {notify_by!r}, {language!r}")
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.notify_by = notify_by
        member.language = language
        member.save(update_fields=["notify_by", "language"])
        return member


def member_education_set(*, member: Member, education: str, consent: bool) -> Member:
    """Keep the education level only with the member's consent; withdrawing the consent
    forgets it (Tolmin art. 55)."""
    education = education.strip()
    if education and not consent:
        raise Refused("education_needs_consent")
    with transaction.atomic():
        member = member_lock(member.pk)
        member.education = education if consent else ""
        member.education_consent = consent
        member.save(update_fields=["education", "education_consent"])
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
