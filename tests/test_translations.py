"""Every page is translated: no English on a Slovenian page and no Slovenian on an English one.

A crawler walks the landing page, the desk and the portal in both languages, following every
link, with a library full of things to show (loans, an overdue fine, a reservation, a child).
A page's visible text is then checked against the catalogue (bukve/locale/*/django.po):
- on a Slovenian page, no text is an English source string, and no word is one that only
  the English source strings use;
- on an English page, no text is a Slovenian translation, and no Slovenian-only word shows,
  apart from the data itself (names, titles, addresses), which stays as it was entered.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from bukve.accounts.models import Payment
from bukve.accounts.services import charge_waive, payment_take
from bukve.accounts.settlement import charge_record
from bukve.catalog.models import Item, Record
from bukve.circulation.holds import reservation_place
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.libraries.models import Branch, Library, Staff
from bukve.members.models import Member
from bukve.members.services import member_password_set

LOCALE = Path(settings.LOCALE_PATHS[0])
WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words that read the same in both languages, or are names the UI does not translate.
SHARED = {"bukve", "moja", "knjižnica", "api", "json", "openapi", "agpl", "sms", "e-mail",
          "email", "desk", "qr"}  # fmt: skip
START = ["/", "/desk/", "/moja/"]
SKIP = ("/admin/", "/api/", "/i18n/", "/static/", "/desk/logout/", "/moja/logout/")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def texts(entry: polib.POEntry) -> tuple[list[str], list[str]]:
    """(English sources, translations) of a catalogue entry, plural forms included."""
    sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
    translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
    return sources, [t for t in translations if t]


def words(text: str) -> set[str]:
    # Placeholders such as %(name)s are not words of either language.
    return {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)\w|\{\{.*?\}\}", " ", text))}


def test_the_slovenian_catalogue_is_complete():
    po = catalogue("sl")
    missing = [e.msgid for e in po if not e.obsolete and (not texts(e)[1] or e.fuzzy)]
    assert not missing, f"untranslated or fuzzy: {missing}"


class Visible(HTMLParser):
    """The text a reader sees or hears: text nodes and the attributes that are read out."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "code", "svg"):
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        self.texts += [v for k, v in values.items() if k in self.SPOKEN and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "svg"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(" ".join(data.split()))


@pytest.fixture
def full_library(load_library, make_member, make_item):
    """Tolmin with a librarian, a parent and a child with loans, a fine, a reservation, a
    payment and a waiver."""
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="x")
    Staff.objects.create(user=user, library=tolmin, role=Staff.ADMINISTRATOR)
    today = timezone.localdate()
    parent = make_member(tolmin, "TO0001", first_name="Ana", last_name="Kralj")
    child = make_member(tolmin, "TO0002", first_name="Tim", last_name="Kralj", guardian=parent,
                        born=today - timedelta(days=9 * 365), category="child")  # fmt: skip
    member_password_set(member=parent, password="knjiznica-2026")
    for n in range(1, 5):
        make_item(tolmin, f"b{n}", record="cankar-na-klancu")
    loan_checkout(member=parent, item=Item.objects.get(barcode="b1"), today=today - timedelta(60))
    loan_checkout(member=parent, item=Item.objects.get(barcode="b2"), today=today - timedelta(5))
    loan_checkout(member=child, item=Item.objects.get(barcode="b3"), today=today - timedelta(9))
    loan_checkin(item=Item.objects.get(barcode="b1"), today=today - timedelta(1))
    reservation_place(member=parent, item=Item.objects.get(barcode="b4"), today=today)
    card = charge_record(member=parent, day=today, kind="card", amount=Decimal("2.50"))
    charge_waive(charge=card, amount=Decimal("0.50"), reason="Nova izkaznica", by=user, day=today)
    payment_take(member=parent, day=today, amount=Decimal("1.00"), method="card", taken_by=user)
    Record.objects.filter(key="cankar-na-klancu").update(title="Na klancu", author="Ivan Cankar")
    return tolmin


def data_words(library: Library) -> set[str]:
    """Names, titles, places and reasons as entered: they are the same in every language."""
    found: set[str] = set()
    for row in Member.objects.values_list("first_name", "last_name"):
        found |= words(" ".join(row))
    for row in Record.objects.values_list("title", "author"):
        found |= words(" ".join(row))
    for row in Branch.objects.values_list("name", "address"):
        found |= words(" ".join(row))
    for name in Library.objects.values_list("name", flat=True):
        found |= words(name)
    for note in Payment.objects.values_list("note", flat=True):  # a waiver's reason
        found |= words(note)
    return found


def crawl(client, language: str) -> dict[str, list[str]]:
    """Every page reachable by links from START: {path: visible texts}."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen: dict[str, list[str]] = {}
    queue = list(START)
    while queue and len(seen) < 80:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path, follow=True)
        assert response.status_code == 200, (path, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Visible()
        parser.feed(response.content.decode())
        seen[path] = parser.texts
        for href in parser.links:
            href = urldefrag(href).url
            if href.startswith("/") and not href.startswith(SKIP) and not urlsplit(href).netloc:
                queue.append(href)
    return seen


@pytest.fixture
def pages(client, full_library):
    """Both languages' pages, as the administrator at the desk and as the parent in the portal."""
    client.force_login(User.objects.get(username="mojca"))
    client.post("/moja/login/", {"library": full_library.pk, "login": "TO0001",
                                 "password": "knjiznica-2026"})  # fmt: skip
    return {language: crawl(client, language) for language in ("sl", "en")}


def test_it_walks_every_desk_and_portal_page(pages):
    for language in ("sl", "en"):
        paths = set(pages[language])
        assert any(p.startswith("/desk/members/") for p in paths), paths
        assert any(p.startswith("/desk/charges/") for p in paths), paths
        assert any(p.endswith("/receipt/") for p in paths), paths
        assert len([p for p in paths if p.startswith("/moja/")]) >= 4, paths


def test_no_english_on_a_slovenian_page(pages):
    po = catalogue("sl")
    sources: set[str] = set()
    english_only: set[str] = set()
    slovenian: set[str] = set()
    for entry in po:
        en, sl = texts(entry)
        changed = [s for s in en if s not in sl]
        sources |= {s for s in changed if WORD.search(s)}
        for s in en:
            english_only |= words(s)
        for s in sl:
            slovenian |= words(s)
    english_only -= slovenian | SHARED
    problems = []
    for path, found in pages["sl"].items():
        for text in found:
            if text in sources or words(text) & english_only:
                problems.append(f"{path}: {text!r}")
    assert not problems, "English on Slovenian pages:\n" + "\n".join(sorted(set(problems)))


def test_no_slovenian_on_an_english_page(pages, full_library):
    po = catalogue("sl")
    translations: set[str] = set()
    slovenian_only: set[str] = set()
    english: set[str] = set()
    for entry in po:
        en, sl = texts(entry)
        translations |= {s for s in sl if s not in en and WORD.search(s)}
        for s in sl:
            slovenian_only |= words(s)
        for s in en:
            english |= words(s)
    slovenian_only -= english | SHARED | data_words(full_library)
    problems = []
    for path, found in pages["en"].items():
        for text in found:
            if text in translations or words(text) & slovenian_only:
                problems.append(f"{path}: {text!r}")
    assert not problems, "Slovenian on English pages:\n" + "\n".join(sorted(set(problems)))
