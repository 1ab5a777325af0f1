from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _cache_table(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """The cache lives in the database (shared by all processes: login throttling), so
    every `migrate` also makes its table; a plain `bukve manage migrate` is enough."""
    call_command("createcachetable", database=using, verbosity=0)


class Config(AppConfig):
    name = "bukve.libraries"
    label = "libraries"

    def ready(self) -> None:
        post_migrate.connect(_cache_table, sender=self)
