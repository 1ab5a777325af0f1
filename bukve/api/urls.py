from django.urls import path, re_path

from bukve.api.views import api, index, nowhere

urlpatterns = [
    path("", index),  # before ninja's own root, which answers with the site's HTML 404
    path("", api.urls),
    re_path(r"", nowhere),  # every other address under /api/ answers in JSON too
]
