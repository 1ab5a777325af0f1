"""The portal's cast and clock: members with a password, a fixed today, a client logged in."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from bukve.members.services import member_password_set
from tests.notices.servers import smtp_server  # noqa: F401 - a fixture

PASSWORD = "knjige-na-polici"
TODAY = date(2026, 6, 10)  # a Wednesday


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The portal and the services take today from timezone.localdate(): pin it."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def no_failed_logins(db):
    """Failed logins are counted in the cache (a database table)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_portal_member(make_member):
    """A member who can log in to the portal with PASSWORD."""

    def make(library, card: str, **fields):
        member = make_member(library, card, **fields)
        return member_password_set(member=member, password=PASSWORD)

    return make


@pytest.fixture
def log_in(client):
    """Log the test client in as a member: log_in(member)."""

    def log_in(member, login: str | None = None, password: str = PASSWORD):
        return client.post(
            "/moja/login/",
            {
                "library": member.library_id,
                "login": login or member.card_number,
                "password": password,
            },
        )

    return log_in
