"""Who may use the desk, and what: a logged-in user with a Staff row, by role and library.

Staff of one library never see another library's members: every view looks its rows up
through `request.staff.library`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from bukve.libraries.models import Staff

View = Callable[..., HttpResponse]


def staff_required(role: str = Staff.CIRCULATION) -> Callable[[View], View]:
    """Let in a logged-in staff member whose role is `role` or above; sets request.staff."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            staff = Staff.objects.select_related("library", "branch").filter(user=request.user)
            request.staff = staff.first()  # type: ignore[attr-defined]
            if request.staff is None or not request.staff.may(role):  # type: ignore[attr-defined]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
