from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.members"
    label = "members"
