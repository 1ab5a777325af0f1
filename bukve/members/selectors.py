"""Reads of members that services and pages share."""

from __future__ import annotations

from django.db.models import QuerySet

from bukve.libraries.models import Library
from bukve.members.models import Authorisation, CardIssue, CategoryEvidence, Member, Registration


def members_with(library: Library, members: dict[int, Member], ids: set[int]) -> dict[int, Member]:
    """`members` with the members of `ids` not in it yet (the guardians) read in one query."""
    missing = ids - members.keys()
    return members | {m.pk: m for m in Member.objects.filter(library=library, pk__in=missing)}


def members_not_signed(library: Library) -> QuerySet[Member]:
    """Members registered online who have not signed in person yet (but those who have not
    paid the fee online yet)."""
    return (
        Member.objects.filter(library=library, restricted=True)
        .exclude(registration__status=Registration.UNPAID)
        .order_by("last_name", "first_name")
    )


def registrations_with(library: Library, status: str, related: str) -> QuerySet[Registration]:
    """The library's online registrations in `status`, the newest first, with `related`."""
    return (
        Registration.objects.filter(library=library, status=status)
        .select_related(related)
        .order_by("-created_at")
    )


def member_evidence(member: Member) -> QuerySet[CategoryEvidence]:
    """The evidence the member showed for a category, the latest issued first."""
    return member.evidence.order_by("-issued", "-id")


def member_cards(member: Member) -> QuerySet[CardIssue]:
    """The cards handed out to the member, the newest first."""
    return member.cards.order_by("-date", "-id")


def member_authorisations(member: Member) -> QuerySet[Authorisation]:
    """The persons the member authorised, the longest valid first."""
    return member.authorisations.select_related("person").order_by("-valid_until")


def member_by_card(library: Library | int, card_number: str) -> Member | None:
    """The member of the library with this card number, with their library."""
    members = Member.objects.select_related("library")
    return members.filter(library=library, card_number=card_number).first()


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
