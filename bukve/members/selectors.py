"""Reads of members that services and pages share."""

from __future__ import annotations

from bukve.libraries.models import Library
from bukve.members.models import Member


def members_with(library: Library, members: dict[int, Member], ids: set[int]) -> dict[int, Member]:
    """`members` with the members of `ids` not in it yet (the guardians) read in one query."""
    missing = ids - members.keys()
    return members | {m.pk: m for m in Member.objects.filter(library=library, pk__in=missing)}
