from django.urls import path, re_path

from bukve.api.views import api, nowhere

urlpatterns = [
    path("", api.urls),
    re_path(r"", nowhere),  # every other address under /api/ answers in JSON too
]
