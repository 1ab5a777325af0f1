from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.notices"
    label = "notices"
