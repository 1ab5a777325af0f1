"""The Django admin's login, locked like the desk's (bukve.throttle)."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm

from bukve.desk.forms import DeskLoginForm


class AdminLoginForm(DeskLoginForm, AdminAuthenticationForm):
    """The admin's login. Its accounts are the desk's staff accounts, so failures for a user
    name at either login count together, and a user name locked at one is locked at both;
    only staff get in (AdminAuthenticationForm)."""
