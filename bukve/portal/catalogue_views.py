"""The catalogue for everyone: a library's catalogue searched and each record shown without
logging in (reserving is Moja knjižnica's), and the parts of the search page that Moja
knjižnica's catalogue shares: the search read from a link, the facets as links, the pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bukve.catalog.models import MATERIAL_LABELS
from bukve.catalog.search import Facet
from bukve.catalog.selectors import CataloguePage, Hit, catalogue_find, record_shown
from bukve.libraries.models import Branch, Library
from bukve.libraries.selectors import branches_by_name, libraries_coded, library_coded
from bukve.portal.forms import CatalogueForm

# MARC's language codes (ISO 639-2) of the languages a Slovenian library holds most, as
# Django knows their names in every language of the site (ISO 639-1).
LANGUAGE_CODES = {
    "slv": "sl", "eng": "en", "ger": "de", "deu": "de", "ita": "it", "fre": "fr", "fra": "fr",
    "hrv": "hr", "srp": "sr", "bos": "bs", "hun": "hu", "spa": "es", "rus": "ru", "cze": "cs",
    "ces": "cs", "slo": "sk", "slk": "sk", "pol": "pl", "mac": "mk", "mkd": "mk", "dut": "nl",
    "nld": "nl", "por": "pt", "swe": "sv", "dan": "da", "nor": "no", "fin": "fi", "gre": "el",
    "ell": "el", "jpn": "ja", "chi": "zh-hans", "zho": "zh-hans", "ara": "ar", "tur": "tr",
    "ukr": "uk", "bul": "bg", "rum": "ro", "ron": "ro", "alb": "sq", "sqi": "sq", "lat": "la",
}  # fmt: skip


def language_name(code: str) -> str:
    """A record's language (a MARC code, "slv") by its name in the page's language."""
    try:
        return str(translation.get_language_info(LANGUAGE_CODES[code])["name_translated"])
    except KeyError:
        return code


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    url: str
    chosen: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    title: str
    links: list[FacetLink]
    clear_url: str  # the search without this facet, when one is chosen ("" otherwise)


def _url(path: str, params: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{path}?{query}" if query else path


def _label(name: str, value: str, branches: dict[str, Branch]) -> str:
    if name == "material":
        return str(MATERIAL_LABELS.get(value, value))
    if name == "language":
        return language_name(value)
    if name == "available_at":
        return str(branches[value].name) if value in branches else value
    return value


def facet_groups(
    path: str, found: CataloguePage, q: str, branches: list[Branch]
) -> list[FacetGroup]:
    """The facets of a search as links that narrow it (a chosen one's link widens it again)."""
    titles = {
        "material": _("Material"),
        "language": _("Language"),
        "year": pgettext("catalogue page", "Year of publication"),
        "available_at": pgettext("catalogue page", "Available at"),
    }
    by_code = {b.code: b for b in branches}
    params = {"q": q, **found.filters}
    groups = []
    for name, title in titles.items():
        chosen = found.filters.get(name, "")
        facets: list[Facet] = found.facets.get(name, [])
        if chosen and not any(f.value == chosen for f in facets):
            facets = [Facet(chosen, found.total), *facets]
        links = [
            FacetLink(
                _label(name, f.value, by_code),
                f.count,
                _url(path, {**params, name: f.value}),
                f.value == chosen,
            )  # fmt: skip
            for f in facets
        ]
        if links:
            clear = _url(path, {**params, name: ""}) if chosen else ""
            groups.append(FacetGroup(name, title, links, clear))
    return groups


def search_context(
    request: HttpRequest,
    library_id: int,
    find: Callable[[str, dict[str, str], int], CataloguePage],
) -> dict[str, Any]:
    """What a catalogue search page shows for the search in the link: what was found (None
    before anything is searched), the facets, links to the pages next to this one, and what
    was wrong in the link, if anything."""
    branches = list(branches_by_name(library_id))
    form = CatalogueForm(request.GET, branch_codes=[b.code for b in branches])
    form.is_valid()
    q, filters, page = form.search()
    found = find(q, filters, page) if q else None
    context: dict[str, Any] = {
        "q": q,
        "found": found,
        "problems": form.problems(),
        "branches": branches,
        "facet_groups": [],
    }
    if found is not None:
        params = {"q": q, **found.filters}
        context["facet_groups"] = facet_groups(request.path, found, q, branches)
        if found.page > 1:
            context["previous_url"] = _url(request.path, {**params, "page": str(found.page - 1)})
        if found.page < found.pages:
            context["next_url"] = _url(request.path, {**params, "page": str(found.page + 1)})
    return context


def _library(code: str) -> Library:
    library = library_coded(code)
    if library is None:
        raise Http404
    return library


def reserve_url(hit: Hit) -> str:
    """Moja knjižnica's search for the title: its login first, when nobody is logged in."""
    return _url(reverse("portal:search"), {"q": hit.record.title})


# --- the public pages --------------------------------------------------------------------------


def libraries(request: HttpRequest) -> HttpResponse:
    """The libraries whose catalogues can be searched."""
    return render(request, "portal/catalogue_libraries.html",
                  {"libraries": libraries_coded(None)})  # fmt: skip


def catalogue(request: HttpRequest, code: str) -> HttpResponse:
    """A library's catalogue, searched like Moja knjižnica's, with no reserving."""
    library = _library(code)
    context = search_context(
        request,
        library.pk,
        lambda q, filters, page: catalogue_find(library.pk, q, filters=filters, page=page),
    )
    found = context["found"]
    context["rows"] = [(hit, reserve_url(hit)) for hit in found.hits] if found else []
    return render(request, "portal/catalogue.html", {"library": library, **context})


def record(request: HttpRequest, code: str, record_id: int) -> HttpResponse:
    """A record with every field a catalogue shows and its copies; another library's is a
    404."""
    library = _library(code)
    hit = record_shown(library.pk, record_id)
    if hit is None:
        raise Http404
    back = request.GET.get("back", "")
    back_url = back if back.startswith(reverse("catalogue:search", args=[code])) else ""
    return render(
        request,
        "portal/catalogue_record.html",
        {
            "library": library,
            "hit": hit,
            "record": hit.record,
            "language": language_name(hit.record.language) if hit.record.language else "",
            "reserve_url": reserve_url(hit),
            "back_url": back_url,
        },
    )
