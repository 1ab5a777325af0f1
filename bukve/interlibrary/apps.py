from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.interlibrary"
    label = "interlibrary"
