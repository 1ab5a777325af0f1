"""What the commands of `bukve` share: setting Django up, failing with a message, the
arguments every command reads."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bukve.libraries.models import Library


def setup(database_url: str | None = None, web: bool = False) -> None:
    """Configure Django. Commands that serve no web page sign nothing that outlives them, so
    they get a throw-away secret key when none is set; `serve` needs a real one."""
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bukve.settings")
    if not web:
        os.environ.setdefault("BUKVE_SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()


def migrate() -> None:
    from django.conf import settings
    from django.core.management import call_command

    settings.VAR_DIR.mkdir(exist_ok=True)
    call_command("migrate", verbosity=0, interactive=False)  # also makes the cache table


def fail(command: str, message: str) -> int:
    print(f"bukve {command}: {message}", file=sys.stderr)
    return 2


def one_line(text: str) -> str:
    """One line of text that a database can store (the service checks the rest)."""
    # Not printable: control characters, and bytes that were not UTF-8 (surrogates).
    if len(text) > 200 or not text.isprintable():
        raise argparse.ArgumentTypeError(f"not a name: {text[:50]!r}")
    return text


def library_named(command: str, code: str) -> Library | None:
    """The library of `code`, or None after saying there is none."""
    from bukve.libraries.selectors import library_coded

    library = library_coded(code)
    if library is None:
        fail(command, f"unknown library {code!r}")
    return library
