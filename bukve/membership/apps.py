from django.apps import AppConfig


class Config(AppConfig):
    """Joining and leaving, the paid membership year, cards, online registration and
    personal data: the member's processes that touch the ledger, loans and messages."""

    name = "bukve.membership"
    label = "membership"

    def ready(self) -> None:
        # Imported here, not at the top: the receivers import models, which need the registry.
        from bukve.membership import receivers  # noqa: F401
