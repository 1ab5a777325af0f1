"""Who may use "Moja knjižnica", and for whom.

A member logs in with their card number or e-mail and password; the portal keeps its own
session key, apart from the staff's django.contrib.auth login. A parent or guardian may act
for their children under 18 (Tolmin art. 22): borrow, renew and reserve with the child's
card. Who is acted for is checked again on every request, never taken from the session or
a form on trust. A session keeps the member's session_version it was opened with, so that
setting the password (by the member or at the desk) ends every other session of theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from bukve.libraries.models import Library
from bukve.members.models import Member
from bukve.members.selectors import wards_by_name
from bukve.members.services import member_named

View = Callable[..., HttpResponse]


class MemberRequest(HttpRequest):
    """The request of a view behind `member_required`, for type annotations."""

    member: Member
    wards: list[Member]
    acting_for: Member


MEMBER = "member_id"  # session key: the logged-in member
ACTING_FOR = "acting_for"  # session key: the ward acted for (absent: the member themself)
# Session key: the member's session_version when the session was opened (absent: 0, as in a
# session opened at registration or before versions were kept).
SESSION_VERSION = "member_version"
WARD_AGE = 18  # Tolmin art. 22: parents answer for and act for members under 18


def login_counter(library: Library, login: str) -> tuple[str, str]:
    """Under what failed logins are counted (bukve.throttle): the member the login names,
    so that their card number and e-mail share one counter and an attacker gains nothing by
    alternating them; a login that names nobody (or an e-mail several members share, which
    logs in none of them) counts under what was typed. The same members as
    member_authenticate finds (member_named)."""
    login = login.strip()
    member = member_named(library=library, login=login)
    if member is not None:
        return f"portal:{library.pk}:member", str(member.pk)
    return f"portal:{library.pk}", login


def member_log_in(request: HttpRequest, member: Member) -> None:
    """Open a portal session for the member, under a new session key."""
    request.session.cycle_key()
    request.session[MEMBER] = member.pk
    request.session[SESSION_VERSION] = member.session_version
    request.session.pop(ACTING_FOR, None)


def session_current(request: HttpRequest, member: Member) -> bool:
    """Whether the member's password is unchanged since the session was opened."""
    version: object = request.session.get(SESSION_VERSION, 0)
    return version == member.session_version


def member_log_out(request: HttpRequest) -> None:
    for key in (MEMBER, ACTING_FOR, SESSION_VERSION):
        request.session.pop(key, None)
    request.session.cycle_key()


def wards_of(member: Member) -> list[Member]:
    """The members the member may act for besides themself: their wards under 18."""
    today = timezone.localdate()
    return [
        ward
        for ward in wards_by_name(member)
        if (age := ward.age_on(today)) is not None and age < WARD_AGE
    ]


def acting_for(member: Member, wards: list[Member], pk: object) -> Member | None:
    """Whom `member` acts for when asking to act for the member `pk` (None or their own id:
    themself), or None when that is not one of their `wards` under 18."""
    if pk in (None, "", member.pk, str(member.pk)):
        return member
    return next((ward for ward in wards if str(ward.pk) == str(pk)), None)


def member_required(view: View) -> View:
    """Let in a logged-in member. Sets request.member, request.wards (their wards under 18)
    and request.acting_for (the member themself or one of those wards)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pk = request.session.get(MEMBER)
        member = Member.objects.select_related("library").filter(pk=pk).first() if pk else None
        if member is not None and not session_current(request, member):
            member_log_out(request)
            member = None
        if member is None or not member.password:
            login = reverse("portal:login")
            return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        wards = wards_of(member)
        acting = acting_for(member, wards, request.session.get(ACTING_FOR))
        if acting is None:  # no longer a ward under 18
            request.session.pop(ACTING_FOR, None)
            acting = member
        let_in = cast(MemberRequest, request)
        let_in.member, let_in.wards, let_in.acting_for = member, wards, acting
        return view(let_in, *args, **kwargs)

    return wrapper
