"""The online registration form (seed 000)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from bukve.libraries.models import Library
from bukve.members.models import CATEGORY_LABELS

# Categories a person can choose for themselves online; staff, retired staff and legal
# entities are registered by the library.
ONLINE_CATEGORIES = ["adult", "youth", "child", "pupil", "student", "pensioner", "unemployed",
                     "disabled", "librarian", "mobile_only"]  # fmt: skip
DATE_FORMATS = ["%d. %m. %Y", "%d.%m.%Y", "%Y-%m-%d"]


class RegistrationForm(forms.Form):
    library = forms.ModelChoiceField(
        Library.objects.order_by("name"), label=_("Library"), empty_label=_("Choose your library")
    )
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    born = forms.DateField(
        label=_("Date of birth"), input_formats=DATE_FORMATS, help_text=_("e.g. 2. 3. 1985")
    )
    category = forms.ChoiceField(
        label=_("Member category"), choices=[(c, CATEGORY_LABELS[c]) for c in ONLINE_CATEGORIES]
    )
    address = forms.CharField(
        label=_("Address (place of residence)"),
        max_length=300,
        help_text=_("As written in your identity document."),
    )
    email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; the same for all the library's online services."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return data


class NewLinkForm(forms.Form):
    library = forms.ModelChoiceField(
        Library.objects.order_by("name"), label=_("Library"), empty_label=_("Choose your library")
    )
    email = forms.EmailField(label=_("The e-mail you registered with"), max_length=254)
