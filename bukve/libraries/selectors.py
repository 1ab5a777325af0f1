"""Reads of libraries, branches and closures that pages share."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet

from bukve.libraries.models import Branch, Closure, Library, Staff

# --- the staff desk (bukve/desk) ------------------------------------------------------------


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
