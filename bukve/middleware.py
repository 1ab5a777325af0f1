"""Slovenian first: pages are in Slovenian unless the visitor asked for English."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware(LocaleMiddleware):
    """The language of a page is the one chosen with the language switcher (or in the
    member's settings), kept in the language cookie; the browser's preferred languages are
    not asked, so a librarian's English browser still gets Slovenian. The JSON API follows
    Accept-Language, as API clients expect."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        return None


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
        return True
    if request.method == "POST" and request.content_type in FORM_TYPES:
        return any("\x00" in key or "\x00" in value
                   for key, values in request.POST.lists() for value in values)  # fmt: skip
    return False


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulMiddleware:
    """A NUL character in the address, the query or a form is never meant (no page takes
    one, and PostgreSQL cannot store or compare it): the request is refused before any view
    reads it, with a 400 page, or under /api/ with the API's 422 `invalid_input`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _has_nul(request):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            detail = _("The request holds a NUL character.")
            errors = [{"loc": ["request"], "msg": detail, "type": "nul_character"}]
            return JsonResponse(
                {"code": "invalid_input", "detail": detail, "errors": errors}, status=422
            )
        return render(request, "400.html", status=400)
