from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.circulation"
    label = "circulation"
