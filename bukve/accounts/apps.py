from django.apps import AppConfig


class Config(AppConfig):
    name = "bukve.accounts"
    label = "accounts"
