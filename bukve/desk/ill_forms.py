"""Desk forms of interlibrary loan: a title ordered for a member, our copy lent to another
library, and the due date of a step. The views pass the clean values to
bukve.interlibrary.services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bukve.desk.forms import BarcodeForm
from bukve.desk.member_forms import DATE
from bukve.inputs import plausible_day
from bukve.libraries.models import Branch


class _Partner(forms.Form):
    """The partner library, as staff name it, and its COBISS acronym or sigla."""

    partner = forms.CharField(label=_("Partner library"), max_length=100)
    partner_code = forms.CharField(
        label=_("Its COBISS acronym or sigla"), max_length=100, required=False
    )


class IllRequestForm(_Partner):
    """A title ordered from another library on a member's request (Tolmin art. 47)."""

    title = forms.CharField(
        label=_("Title"),
        max_length=500,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    isbn = forms.CharField(label=_("ISBN"), max_length=30, required=False)
    branch: forms.ModelChoiceField[Branch] = forms.ModelChoiceField(
        queryset=None, label=_("To collect at"), empty_label=None
    )
    free = forms.BooleanField(
        label=_("Free of charge for the member"),
        required=False,
        help_text=_("When the library's price list makes loans from this library free."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    field_order = ["title", "author", "isbn", "partner", "partner_code", "branch", "free", "note"]

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Branch]", self.fields["branch"]).queryset = branches


class IllLendForm(_Partner, BarcodeForm):
    """Our copy for another library: the partner first, then the scan, whose Enter sends the
    form (so one partner's several copies are scanned one after another)."""

    field_order = ["partner", "partner_code", "barcode"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_lend_%s")
        super().__init__(*args, **kwargs)
        self.fields["barcode"].label = _("Barcode of our copy")
        # The cursor waits where typing starts: the partner, or the scan once it is known.
        named = bool(self["partner"].value())
        self.fields["partner"].widget.attrs["autofocus"] = not named
        self.fields["barcode"].widget.attrs["autofocus"] = named


class DueForm(forms.Form):
    """The due date of a step: the member's, by the lending library's rules (received), or
    when the partner is to send our copy back (sent)."""

    due = forms.DateField(label=_("Due date"), widget=DATE, validators=[plausible_day])

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due"].required = required
