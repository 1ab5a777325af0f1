from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from bukve.catalog.index import ensure_index


def _search_index(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """The search index (bukve.catalog.search) after every `migrate`: a migration may have
    rebuilt the records' table, and with it lost SQLite's triggers."""
    ensure_index(using)


class Config(AppConfig):
    name = "bukve.catalog"
    label = "catalog"

    def ready(self) -> None:
        post_migrate.connect(_search_index, sender=self)
