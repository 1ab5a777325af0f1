"""Who may use the desk, and what: a logged-in user with a Staff row, by role and library.

Staff of one library never see another library's members: every view looks its rows up
through `request.staff.library`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bukve.libraries.models import Branch, Staff

View = Callable[..., HttpResponse]


class DeskRequest(HttpRequest):
    """The request a desk view gets: `staff_required` let in a logged-in user (never an
    anonymous one) and put their Staff row on it, and the branch the desk works at."""

    staff: Staff
    user: User
    branch: Branch | None


DESK_BRANCH = "desk_branch"  # the session's key of the branch chosen for this desk


def desk_branch(request: HttpRequest, staff: Staff) -> Branch | None:
    """The branch this desk works at: the one chosen for this session, else the staff
    member's own, else the library's first. A copy scanned in at the desk is there."""
    branches = Branch.objects.filter(library=staff.library_id).order_by("pk")
    chosen = request.session.get(DESK_BRANCH)
    found = branches.filter(pk=chosen).first() if isinstance(chosen, int) else None
    return found or staff.branch or branches.first()


def staff_required(role: str = Staff.CIRCULATION) -> Callable[[View], View]:
    """Let in a logged-in staff member whose role is `role` or above; sets request.staff."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            found = Staff.objects.select_related("library", "branch").filter(user=request.user)
            staff = found.first()
            if staff is None or not staff.may(role):
                raise PermissionDenied
            desk = cast(DeskRequest, request)  # the same request, from now on with its staff
            desk.staff = staff
            desk.branch = desk_branch(request, staff)
            return view(desk, *args, **kwargs)

        return wrapper

    return decorator
