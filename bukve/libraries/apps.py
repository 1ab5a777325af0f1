from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.libraries"
    label = "libraries"
