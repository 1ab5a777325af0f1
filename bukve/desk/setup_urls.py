from django.urls import path

from bukve.desk import setup_views

urlpatterns = [
    path("", setup_views.setup, name="setup"),
]
