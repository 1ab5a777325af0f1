"""Reads of members that services and pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from bukve.libraries.models import Library
from bukve.members.models import Member, Registration


def members_with(library: Library, members: dict[int, Member], ids: set[int]) -> dict[int, Member]:
    """`members` with the members of `ids` not in it yet (the guardians) read in one query."""
    missing = ids - members.keys()
    return members | {m.pk: m for m in Member.objects.filter(library=library, pk__in=missing)}


# --- the member portal, the JSON API and the command line -----------------------------------


def member_by_card(library_id: int, card_number: str) -> Member | None:
    """The member of the library with this card number, with their library."""
    members = Member.objects.select_related("library")
    return members.filter(library=library_id, card_number=card_number).first()


def members_by_name(library: Library) -> QuerySet[Member]:
    """The library's members by last name, first name and card number."""
    return Member.objects.filter(library=library).order_by("last_name", "first_name", "card_number")


def wards_by_name(member: Member) -> QuerySet[Member]:
    """The member's wards in their library, by name, with their library."""
    wards = member.wards.filter(library=member.library_id).select_related("library")
    return wards.order_by("first_name", "last_name", "id")


def registration_of(member: Member) -> Registration | None:
    """The online registration the member was created from, if any."""
    return Registration.objects.filter(member=member).first()
