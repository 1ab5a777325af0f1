from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.translation import gettext_lazy as _

from bukve.libraries.models import Library
from bukve.members.models import NOTIFY_CHANNELS, Member


class LoginForm(forms.Form):
    library = forms.ModelChoiceField(
        Library.objects.order_by("name"), label=_("Library"), empty_label=_("Choose your library")
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


class PreferencesForm(forms.Form):
    notify_by = forms.ChoiceField(label=_("Notify me by"), choices=NOTIFY_CHANNELS)
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
