"""Reads of API tokens."""

from __future__ import annotations

from bukve.api.models import ApiToken


def tokens_with_prefix(prefix: str) -> list[ApiToken]:
    """The tokens whose key starts with `prefix`: at most two, enough to tell one from many."""
    return list(ApiToken.objects.filter(prefix=prefix)[:2])
