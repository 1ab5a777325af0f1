"""The public catalogue, mounted at /katalog/ by bukve/urls.py."""

from django.urls import path

from bukve.portal import catalogue_views

app_name = "catalogue"
urlpatterns = [
    path("", catalogue_views.libraries, name="libraries"),
    path("<slug:code>/", catalogue_views.catalogue, name="search"),
    path("<slug:code>/<id:record_id>/", catalogue_views.record, name="record"),
]
