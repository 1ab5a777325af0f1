from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bukve.portal"
    verbose_name = "Moja knjižnica"
