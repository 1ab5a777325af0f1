"""Forms of the library setup pages: they check input; the services in
bukve/libraries/services.py write it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bukve.desk.policy_values import HELP
from bukve.inputs import plausible_day
from bukve.libraries.models import profile_label

WEEKDAY_CHOICES = [(str(n + 1), name) for n, name in WEEKDAYS.items()]  # ISO: "1" is Monday
MONTH_CHOICES = list(MONTHS.items())
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def weekdays_field(label: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )


def weekdays_text(days: list[str]) -> str:
    """Ticked weekdays as Branch.weekdays stores them: ["6", "1"] → "16"."""
    return "".join(sorted(days))


class BranchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    weekdays = weekdays_field(_("Open on"))
    profile = forms.ChoiceField(
        label=_("Loan rules"),
        help_text=_("The loan periods, fines and notices of the library's policy that apply."),
    )

    def __init__(self, *args: Any, profiles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["profile"])
        field.choices = [(p, profile_label(p)) for p in profiles]


class SeasonForm(forms.Form):
    prefix = "season"  # on the page of the branch, whose form has a name and weekdays too

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. summer schedule"))
    start_day = forms.IntegerField(label=_("From day"), min_value=1, max_value=31)
    start_month = forms.TypedChoiceField(label=_("From month"), choices=MONTH_CHOICES, coerce=int)
    end_day = forms.IntegerField(label=_("To day"), min_value=1, max_value=31)
    end_month = forms.TypedChoiceField(label=_("To month"), choices=MONTH_CHOICES, coerce=int)
    weekdays = weekdays_field(_("Open on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for end in ("start", "end"):
            day, month = data.get(f"{end}_day"), data.get(f"{end}_month")
            if day and month:
                try:
                    date(2024, month, day)  # a leap year: 29 February is a day
                except ValueError:
                    self.add_error(f"{end}_day", _("This month has no such day."))
        return data


class ClosureForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE_INPUT, validators=[plausible_day])
    end = forms.DateField(label=_("To"), widget=DATE_INPUT, help_text=_("The last closed day."),
                          validators=[plausible_day])  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("A closure cannot end before it starts."))
        elif start and end and end - start >= timedelta(days=366):
            self.add_error("end", _("A closure can be at most a year long."))
        return data


class PolicyValueForm(forms.Form):
    """One value of the policy, typed as the page shows it: "0,20", "28", "unlimited"; a
    yes or no and a value out of a short list are chosen (`choices`). `kind` (see
    bukve/desk/policy_values.py) tells the help text; the path stays hidden when it is known.
    """

    path = forms.CharField(
        label=_("Key"), max_length=200, help_text=_("e.g. profiles.standard.max_renewals")
    )
    value = forms.CharField(
        label=_("New value"),
        max_length=200,
        required=False,
        help_text=_("To confirm an assumed value, save it unchanged."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=DATE_INPUT,
        help_text=_("Today or later."),
    )

    def clean_valid_from(self) -> date:
        valid_from: date = self.cleaned_data["valid_from"]
        if valid_from < timezone.localdate():
            raise forms.ValidationError(_("A change cannot apply from a day in the past."))
        return valid_from

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]] | None = None, kind: str = "",
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        if kind:  # the key came with the link of a value: it is named on the page
            self.fields["path"].widget = forms.HiddenInput()
        if choices:
            self.fields["value"].widget = forms.Select(choices=choices)
        how = HELP.get(kind)
        if how:
            self.fields["value"].help_text = format_lazy(
                "{} {}", how, self.fields["value"].help_text
            )
