"""API tokens: create, revoke, and find the token a request presents."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bukve.api.models import ApiToken
from bukve.libraries.models import Branch, Staff

PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(
    *, staff: Staff, name: str, branch: Branch | None = None
) -> tuple[ApiToken, str]:
    """A new token for a staff system at `branch` (else the staff member's); returns it with
    the key, which is not stored and cannot be shown again."""
    name = name.strip()
    if not 0 < len(name) <= ApiToken.NAME_LENGTH:
        raise ValueError(f"a token needs a name of 1 to {ApiToken.NAME_LENGTH} characters")
    if branch is not None and branch.library_id != staff.library_id:
        raise ValueError("the branch is not of the staff member's library")
    key = "-"
    while key.startswith("-"):  # a prefix "-abc..." would read as an option: `token revoke`
        key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        staff=staff, name=name, key_hash=_hash(key), prefix=key[:PREFIX_LENGTH], branch=branch
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token for good; revoking it again changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not token.revoked:
            token.revoked = True
            token.save(update_fields=["revoked"])
        return token


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token with this key, with its staff member and library, or None.

    A revoked token, or one of a deactivated user, lets nobody in. Records when the token
    was last used (at most once a minute, with a conditional update: no lock is needed)."""
    if not key.isascii():  # keys are URL-safe base64; anything else matches no hash
        return None
    token = (
        ApiToken.objects.select_related("staff__library", "staff__branch", "staff__user")
        .filter(key_hash=_hash(key), revoked=False, staff__user__is_active=True)
        .first()
    )
    if token is None or not token.staff.may(Staff.CIRCULATION):
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    return token
