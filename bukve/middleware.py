"""Slovenian first: pages are in Slovenian unless the visitor asked for English."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
