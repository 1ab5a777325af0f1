"""Desk forms for members and their membership; the views pass the clean values to
bukve.members services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bukve.inputs import birth_day, plausible_day
from bukve.members.models import CARD_REASONS, CATEGORY_LABELS, EVIDENCE_KINDS
from bukve.rules.policy import CATEGORIES, LEGAL_ENTITIES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: StrOrPromise, required: bool = True, birth: bool = False) -> forms.DateField:
    validators = [birth_day if birth else plausible_day]
    return forms.DateField(label=label, required=required, widget=DATE, validators=validators)


class MemberForm(forms.Form):
    """A new member, as the identity document shows them (Tolmin art. 13, 55)."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, help_text=_("For a legal entity: its name.")
    )
    born = _date(_("Date of birth"), required=False, birth=True)
    category = forms.ChoiceField(
        label=_("Category"), choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    guardian = forms.CharField(
        label=_("Guardian's card number"),
        max_length=30,
        required=False,
        help_text=_("A child under 15 needs a parent or guardian who signs for the child."),
    )
    contact_person = forms.CharField(
        label=_("Contact person (legal entity)"), max_length=200, required=False
    )
    evidence_kind = forms.ChoiceField(
        label=_("Document for a free category"),
        required=False,
        choices=[("", "—"), *[(k, v[1]) for k, v in EVIDENCE_KINDS.items()]],
    )
    evidence_issued = _date(_("Document issued on"), required=False)
    evidence_expires = _date(_("Document valid until"), required=False)
    issue_card = forms.BooleanField(label=_("Hand out the card now"), required=False, initial=True)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("category") in LEGAL_ENTITIES:
            if not cleaned.get("contact_person"):
                self.add_error("contact_person", _("Name the employee who borrows."))
        elif not cleaned.get("born"):
            self.add_error("born", _("The date of birth is needed."))
        if cleaned.get("evidence_kind") and not cleaned.get("evidence_issued"):
            self.add_error("evidence_issued", _("When was the document issued?"))
        return cleaned


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[(k, v[1]) for k, v in EVIDENCE_KINDS.items()]
    )
    issued = _date(_("Issued on"))
    expires = _date(_("Valid until"), required=False)


class CardForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CARD_REASONS)


class SignForm(forms.Form):
    guardian = forms.CharField(
        label=_("Guardian's card number (for a child under 15)"), max_length=30, required=False
    )


class AuthorisationForm(forms.Form):
    name = forms.CharField(label=_("Authorised person"), max_length=200, required=False)
    card_number = forms.CharField(label=_("or their card number"), max_length=30, required=False)
    valid_until = _date(_("Valid until"))

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("name") and not cleaned.get("card_number"):
            raise forms.ValidationError(_("Name the authorised person or give their card."))
        return cleaned


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"), choices=[("request", _("on the member's request")), ("death", _("death"))]
    )


class ExcludeForm(forms.Form):
    until = _date(_("Excluded until"))
