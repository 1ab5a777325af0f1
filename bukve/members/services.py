"""Member services: the portal password and preferences, finding and logging in members.

Creating members, categories, fees and cards are issue 4's; the demo writes members itself.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q, QuerySet

from bukve.libraries.models import Library
from bukve.members.models import NOTIFY_CHANNELS, Member

# Hashed once, checked when no member matches, so that a wrong card number takes as long
# as a wrong password and does not tell which card numbers exist.
_DUMMY_HASH = make_password(None)


def member_password_set(*, member: Member, password: str) -> Member:
    """Set the password for "Moja knjižnica" (at least 8 characters, seed 000).

    Raises django.core.exceptions.ValidationError with the validators' messages."""
    validate_password(password)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        member.password = make_password(password)
        member.save(update_fields=["password"])
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
    login = login.strip()
    found = list(
        Member.objects.filter(library=library)
        .exclude(password="")
        .filter(Q(card_number__iexact=login) | Q(email__iexact=login) if login else Q(pk=None))[:2]
    )
    if len(found) != 1:
        check_password(password, _DUMMY_HASH)
        return None
    member = found[0]
    return member if check_password(password, member.password) else None


def member_search(library: Library, text: str) -> QuerySet[Member]:
    """Members of the library by card number (exact), date of birth (d. m. yyyy or
    yyyy-mm-dd) or name (every word must match the first or last name)."""
    text = text.strip()
    members = Member.objects.filter(library=library)
    if not text:
        return members.none()
    by_card = members.filter(card_number__iexact=text)
    if by_card.exists():
        return by_card
    born = _date(text)
    if born is not None:
        return members.filter(born=born).order_by("last_name", "first_name")
    for word in text.split():
        members = members.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
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
