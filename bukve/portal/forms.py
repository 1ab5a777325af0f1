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
