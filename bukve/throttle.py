"""Failed logins: after LOGIN_ATTEMPTS failures for one login within LOGIN_WINDOW, the login
is locked for LOGIN_WINDOW, whatever the password. Counted in Django's cache, which is the
database (settings.CACHES), so that all app processes count together."""

from __future__ import annotations

from django.core.cache import cache

LOGIN_ATTEMPTS = 5  # failed attempts for one login ...
LOGIN_WINDOW = 15 * 60  # ... within this many seconds lock it for as long again


def _key(scope: str, login: str) -> str:
    return f"login:{scope}:{login.strip().lower()}"


def login_locked(scope: str, login: str) -> bool:
    return (cache.get(_key(scope, login)) or 0) >= LOGIN_ATTEMPTS


def login_failed(scope: str, login: str) -> None:
    """Count a failed attempt. The count lives for LOGIN_WINDOW from the first failure; the
    failure that reaches the limit locks the login for a whole LOGIN_WINDOW from then."""
    key = _key(scope, login)
    cache.add(key, 0, LOGIN_WINDOW)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        failures = 1
        cache.set(key, failures, LOGIN_WINDOW)
    if failures == LOGIN_ATTEMPTS:
        cache.set(key, failures, LOGIN_WINDOW)


def login_succeeded(scope: str, login: str) -> None:
    cache.delete(_key(scope, login))
