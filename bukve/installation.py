"""Secrets of one installation, for development and the demo: random, kept in files under
var/, never a value anyone could read in the source (issue 20, "Secrets are secret").

Nothing here needs Django set up: the settings module reads these."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def installation_secret(path: Path) -> str:
    """The secret kept in `path`, made on first use: 50 random characters in a file that only
    its owner may read (and write). The file is written under a temporary name and linked to
    `path`, which fails if `path` exists; so processes starting at once all get the secret of
    the one that was first, and nobody ever reads a half-written file."""
    try:
        if not path.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            try:  # mkstemp made it readable and writable by its owner only
                with os.fdopen(descriptor, "w") as file:
                    file.write(secrets.token_urlsafe(50) + "\n")
                with contextlib.suppress(FileExistsError):  # another process was first
                    os.link(temporary, path)
            finally:
                os.unlink(temporary)
        secret = path.read_text().strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"cannot keep a secret in {path} ({error.strerror}); set it in the environment"
        ) from None
    if not secret:
        raise ImproperlyConfigured(f"{path} is empty: delete it and a new secret is made")
    return secret
