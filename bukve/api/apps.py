from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bukve.api"
    verbose_name = "API"
