from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.circulation"
    label = "circulation"

    def ready(self) -> None:
        # Imported here, not at the top: the receivers import models, which need the registry.
        from bukve.circulation import receivers  # noqa: F401
