from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.catalog"
    label = "catalog"
