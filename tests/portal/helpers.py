from django.utils import translation
from django.utils.html import escape

from bukve.refusals import SENTENCES


def sentence(code: str, language: str = "sl") -> str:
    """A refusal's sentence as a page in `language` shows it (escaped)."""
    with translation.override(language):
        return escape(str(SENTENCES[code]))


def sl(text: str, **values: object) -> str:
    """A UI string as a Slovenian page shows it (the pages are Slovenian unless English is
    chosen)."""
    with translation.override("sl"):
        return translation.gettext(text) % values if values else translation.gettext(text)


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()
