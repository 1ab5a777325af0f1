"""What the API's endpoint modules share (bukve/api/views.py and the routers it adds): the
request an endpoint gets, and the error that answers 404."""

from __future__ import annotations

from django.http import HttpRequest

from bukve.api.models import ApiToken


class ApiRequest(HttpRequest):
    """The request of an endpoint behind TokenAuth, for type annotations."""

    auth: ApiToken


class NotFound(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
