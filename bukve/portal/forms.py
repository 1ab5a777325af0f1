from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.translation import gettext_lazy as _

from bukve.libraries.models import Library
from bukve.libraries.services import policy_versions
from bukve.members.models import NOTIFY_CHANNELS, Member
from bukve.rules.policy import MATERIALS


def card_prefixes(library: Library) -> set[str]:
    """The prefixes of the card numbers a library issues: its policy's `cards.prefix` in
    every version (an old card keeps its number), or its code when the policy names none
    (as members.services makes new card numbers)."""
    code = library.code.upper()
    return {p.cards.prefix or code for p in policy_versions(library)} or {code}


def library_for_card(card_number: str) -> Library | None:
    """The one library whose card numbers look like this one (its prefix, then digits):
    "TO0001" is Tolmin's in the demo. None for an e-mail address or an unknown prefix."""
    text = card_number.strip().upper()
    found = [
        library
        for library in Library.objects.order_by("name")
        if any(re.fullmatch(rf"{re.escape(p.upper())}[0-9]+", text) for p in card_prefixes(library))
    ]
    return found[0] if len(found) == 1 else None


NO_LIBRARY = _("Choose your library: it cannot be told from an e-mail address or this card number.")


class LoginForm(forms.Form):
    library = forms.ModelChoiceField(
        Library.objects.order_by("name"),
        label=_("Library"),
        empty_label=_("Choose your library"),
        required=False,
        help_text=_("With a card number you may leave it out: the card's first letters tell it."),
    )
    login = forms.CharField(
        label=_("Card number or e-mail"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("library") is None and data.get("login") and "library" not in self.errors:
            data["library"] = library_for_card(data["login"])
            if data["library"] is None:
                self.add_error("library", NO_LIBRARY)
        return data


class PreferencesForm(forms.Form):
    notify_by = forms.ChoiceField(
        label=_("Notify me by"),
        choices=NOTIFY_CHANNELS,
        help_text=_(
            "E-mail and SMS need your address or number at the library; without it, messages "
            "come as letters by post."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class PasswordForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 8 characters; not a common password and not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_old_password(self) -> str:
        password: str = self.cleaned_data["old_password"]
        if not check_password(password, self.member.password):
            raise forms.ValidationError(_("This is not your current password."))
        return password

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        new1, new2 = data.get("new_password1"), data.get("new_password2")
        if new1 and new2 and new1 != new2:
            self.add_error("new_password2", _("The two new passwords are not the same."))
        return data


QUERY_MAX = 200  # characters: a title with its author fits; words past 12 are not searched
# Bad filters and page numbers in a link (edited by hand, or of a branch since closed) are
# left out of the search with one of these, never an error page.
CATALOGUE_PROBLEMS = {
    "material": _("The catalogue has no such material; the search is not narrowed by it."),
    "language": _("That is not a language code; the search is not narrowed by it."),
    "year": _("That is not a year of publication; the search is not narrowed by it."),
    "available_at": _("This library has no such branch; the search is not narrowed by it."),
    "page": _("That is not a page number; the first page is shown."),
}


class CatalogueForm(forms.Form):
    """The catalogue search as a link carries it: the text, the facets chosen and the page."""

    q = forms.CharField(
        required=False,
        max_length=QUERY_MAX,
        strip=True,
        error_messages={
            "max_length": _("The search is too long: type at most %(limit_value)d characters."),
            "null_characters_not_allowed": _(
                "The search holds a character that cannot be searched; type it again."
            ),
        },
    )
    material = forms.ChoiceField(required=False, choices=[(m, m) for m in MATERIALS])
    language = forms.RegexField(required=False, regex=r"\A[a-z]{3}\Z")
    year = forms.IntegerField(required=False, min_value=1000, max_value=2999)
    available_at = forms.ChoiceField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    def __init__(self, data: Any, *, branch_codes: list[str]) -> None:
        super().__init__(data)
        field = self.fields["available_at"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, code) for code in branch_codes]

    def problems(self) -> list[str]:
        """What was wrong in the link, each in a sentence; the rest is searched."""
        found = [str(e) for e in self.errors.get("q", [])]
        return found + [str(CATALOGUE_PROBLEMS[name]) for name in self.errors if name != "q"]

    def search(self) -> tuple[str, dict[str, str], int]:
        """The text, the filters and the page of the valid parts."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        filters = {name: str(data[name]) for name in CATALOGUE_PROBLEMS if data.get(name)}
        filters.pop("page", None)
        return data.get("q") or "", filters, data.get("page") or 1
