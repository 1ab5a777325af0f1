from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "bukve.desk"
    verbose_name = "Desk"
