"""Reads of libraries, branches and staff that pages, the API and the command line share.
Reads only; writes are the services'."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet

from bukve.libraries.models import Branch, Closure, Library, PolicyVersion, Staff


def library_branches(library: Library) -> QuerySet[Branch]:
    """The library's branches, in the order they were set up."""
    return library.branches.order_by("id")


def branches_for_setup(library: Library, today: date) -> QuerySet[Branch]:
    """The library's branches with their seasons and their closures not over by `today`
    (as `upcoming`)."""
    upcoming = Closure.objects.filter(end__gte=today).order_by("start")
    return library.branches.order_by("id").prefetch_related(
        "seasons", Prefetch("closures", upcoming, to_attr="upcoming")
    )


def closure_branches(staff: Staff) -> QuerySet[Branch]:
    """The branches whose closures `staff` may change: an administrator's library's, or the
    branch head's own branch."""
    branches = Branch.objects.filter(library=staff.library)
    if staff.may(Staff.ADMINISTRATOR):
        return branches
    # A branch head without a branch (branch_id None) finds none: Django reads pk=None as
    # "pk IS NULL", which the stubs do not allow for.
    return branches.filter(pk=staff.branch_id)  # type: ignore[misc]


def closures_upcoming(branch: Branch, today: date) -> QuerySet[Closure]:
    """The branch's closures not over by `today`, the first first."""
    return branch.closures.filter(end__gte=today).order_by("start")


def closures_past_year(branch: Branch, today: date) -> QuerySet[Closure]:
    """The branch's closures over in the year before `today`, the latest first."""
    year_ago = today - timedelta(days=365)
    return branch.closures.filter(end__lt=today, end__gte=year_ago).order_by("-start")


def library_remembered(code: str) -> Library | None:
    """The library of `code` (chosen at the last login), else the only library there is."""
    libraries = Library.objects.order_by("name")
    remembered = libraries.filter(code=code).first()
    if remembered is None and len(libraries) == 1:
        remembered = libraries[0]
    return remembered


def library_coded(code: str) -> Library | None:
    return Library.objects.filter(code=code).first()


def libraries_coded(code: str | None) -> list[Library]:
    """The library of `code` (none if there is no such library), or every library when
    `code` is None; by code."""
    libraries = Library.objects.order_by("code")
    if code is not None:
        libraries = libraries.filter(code=code)
    return list(libraries)


def branches_by_name(library_id: int) -> QuerySet[Branch]:
    return Branch.objects.filter(library=library_id).order_by("name")


def branch_coded(library_id: int, code: str) -> Branch | None:
    return Branch.objects.filter(library=library_id, code=code).first()


def rules_start(library: Library) -> date | None:
    """The first day of the library's earliest rules, or None before any are loaded."""
    starts = PolicyVersion.objects.filter(library=library).values_list("valid_from", flat=True)
    return min(starts, default=None)


def staff_named(username: str) -> Staff | None:
    """The staff member with this user name, in any library."""
    return Staff.objects.filter(user__username=username).first()


def staff_user(library: Library, username: str) -> User | None:
    """The user of the library's staff member with this user name."""
    return User.objects.filter(username=username, staff__library=library).first()


def usernames_existing(usernames: list[str]) -> set[str]:
    """Those of `usernames` that some user has."""
    users = User.objects.filter(username__in=usernames)
    return set(users.values_list("username", flat=True))
