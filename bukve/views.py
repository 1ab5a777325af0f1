"""Site-wide pages: the landing page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bukve.circulation.selectors import demo_items, demo_members, library_figures
from bukve.demo import DEMO_MEMBER_PASSWORD, DEMO_USERS, demo_enabled
from bukve.libraries.selectors import usernames_existing


def home(request: HttpRequest) -> HttpResponse:
    """What Bukve is, the libraries it holds with a few numbers, and where to go next."""
    today = timezone.localdate()
    libraries = library_figures(today)
    names = {row.library.code: row.library.name for row in libraries}
    logins: list[dict[str, object]] = []
    members_: list[dict[str, object]] = []
    items_: list[dict[str, object]] = []
    if demo_enabled():
        existing = usernames_existing([u for u, *_ in DEMO_USERS])
        logins = [
            {
                "username": username,
                "password": password,
                "library": names.get(code or ""),
                "role": role,
            }
            for username, password, code, role in DEMO_USERS
            if username in existing
        ]
        members_ = demo_members(today)
        items_ = demo_items()
    return render(
        request,
        "home.html",
        {
            "libraries": libraries,
            "logins": logins,
            "member_logins": members_,
            "demo_items": items_,
            "member_password": DEMO_MEMBER_PASSWORD,
        },
    )
