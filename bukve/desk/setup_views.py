"""Library setup at the desk: branches, opening days, seasons, closures and policy values.

An administrator sets up every branch of their library; a branch head adds and removes the
closures of their own branch. Rows are looked up through `request.staff`, so another
library's rows are not found (404).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.desk import policy_labels, policy_page, policy_values, policy_versions
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.setup_forms import (
    WEEKDAY_CHOICES,
    BranchForm,
    ClosureForm,
    PolicyValueForm,
    SeasonForm,
    weekdays_text,
)
from bukve.libraries.models import Branch, Closure, Library, PolicyVersion, Season, Staff
from bukve.libraries.selectors import (
    branches_for_setup,
    closure_branches,
    closures_past_year,
    closures_upcoming,
)
from bukve.libraries.services import (
    branch_update,
    closure_add,
    closure_remove,
    policy_for,
    policy_value_refusal,
    policy_value_set,
    season_add,
    season_remove,
)
from bukve.rules.policy import Policy, PolicyError, flat_values

ADMINISTRATOR = staff_required(Staff.ADMINISTRATOR)


def _day_names(weekdays: str) -> str:
    """ "16" → "Monday, Saturday", in the page's language."""
    names = dict(WEEKDAY_CHOICES)
    return ", ".join(str(names.get(day, day)) for day in weekdays)


def _month_day(month: int, day: int) -> str:
    """1 July as the page's language writes it ("1. julij", "July 1")."""
    try:
        return formats.date_format(date(2024, month, day), "MONTH_DAY_FORMAT")
    except ValueError:  # not a day (the Django admin does not check)
        return f"{day}. {month}."


def _current_policy(library: Library) -> Policy | None:
    try:
        return policy_for(library, timezone.localdate())
    except PolicyError:  # no policy loaded yet
        return None


def _seasons(branch: Branch) -> list[dict[str, Any]]:
    return [
        {
            "season": season,
            "dates": f"{_month_day(season.start_month, season.start_day)} – "
            f"{_month_day(season.end_month, season.end_day)}",
            "open_on": _day_names(season.weekdays),
        }
        for season in branch.seasons.all()
    ]


# --- branches and seasons -------------------------------------------------------------------


@ADMINISTRATOR
def setup(request: DeskRequest) -> HttpResponse:
    branches = branches_for_setup(request.staff.library, timezone.localdate())
    rows = [
        {"branch": b, "open_on": _day_names(b.weekdays), "seasons": _seasons(b)} for b in branches
    ]
    return render(request, "desk/setup/index.html", {"section": "setup", "rows": rows})


def _branch_form(branch: Branch, data: Any = None) -> BranchForm:
    policy = _current_policy(branch.library)
    initial = {
        "name": branch.name,
        "address": branch.address,
        "weekdays": list(branch.weekdays),
        "profile": branch.profile,
    }
    return BranchForm(data, initial=initial, profiles=list(policy.profiles) if policy else [])


def _branch_page(
    request: DeskRequest, branch: Branch, form: BranchForm, season_form: SeasonForm
) -> HttpResponse:
    context = {
        "section": "setup",
        "branch": branch,
        "seasons": _seasons(branch),
        "form": form,
        "season_form": season_form,
    }
    return render(request, "desk/setup/branch.html", context)


@ADMINISTRATOR
def branch_edit(request: DeskRequest, pk: int) -> HttpResponse:
    branch = get_object_or_404(request.staff.library.branches, pk=pk)
    form = _branch_form(branch, request.POST if request.method == "POST" else None)
    if form.is_valid():
        branch_update(
            branch=branch,
            name=form.cleaned_data["name"],
            address=form.cleaned_data["address"],
            weekdays=weekdays_text(form.cleaned_data["weekdays"]),
            profile=form.cleaned_data["profile"],
        )
        messages.success(request, _("The branch is saved."))
        return redirect("desk:setup_branch", pk=branch.pk)
    return _branch_page(request, branch, form, SeasonForm())


@ADMINISTRATOR
@require_POST
def season_new(request: DeskRequest, pk: int) -> HttpResponse:
    branch = get_object_or_404(request.staff.library.branches, pk=pk)
    form = SeasonForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        season_add(
            branch=branch,
            name=data["name"],
            start=(data["start_month"], data["start_day"]),
            end=(data["end_month"], data["end_day"]),
            weekdays=weekdays_text(data["weekdays"]),
        )
        messages.success(request, _("The season is added."))
        return redirect("desk:setup_branch", pk=branch.pk)
    return _branch_page(request, branch, _branch_form(branch), form)


@ADMINISTRATOR
@require_POST
def season_delete(request: DeskRequest, pk: int) -> HttpResponse:
    season = get_object_or_404(Season, pk=pk, branch__library=request.staff.library)
    season_remove(season=season)
    messages.success(request, _("The season %(name)s is removed.") % {"name": season.name})
    return redirect("desk:setup_branch", pk=season.branch_id)


# --- closures ---------------------------------------------------------------------------------


@staff_required(Staff.BRANCH_HEAD)
def my_closures(request: DeskRequest) -> HttpResponse:
    """The closures of the staff member's own branch (the setup page for an administrator
    without one)."""
    staff = request.staff
    if staff.branch_id:
        return redirect("desk:setup_closures", pk=staff.branch_id)
    if staff.may(Staff.ADMINISTRATOR):
        return redirect("desk:setup")
    raise Http404


@staff_required(Staff.BRANCH_HEAD)
def closures(request: DeskRequest, pk: int) -> HttpResponse:
    branch = get_object_or_404(closure_branches(request.staff), pk=pk)
    form = ClosureForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        closure_add(branch=branch, start=data["start"], end=data["end"], reason=data["reason"])
        messages.success(request, _("The closure is added."))
        return redirect("desk:setup_closures", pk=branch.pk)
    today = timezone.localdate()
    context = {
        "section": "setup",
        "branch": branch,
        "form": form,
        "upcoming": closures_upcoming(branch, today),
        "past": closures_past_year(branch, today),
    }
    return render(request, "desk/setup/closures.html", context)


@staff_required(Staff.BRANCH_HEAD)
@require_POST
def closure_delete(request: DeskRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure, pk=pk, branch__in=closure_branches(request.staff))
    closure_remove(closure=closure)
    messages.success(request, _("The closure is removed."))
    return redirect("desk:setup_closures", pk=closure.branch_id)


# --- policy values ----------------------------------------------------------------------------


@ADMINISTRATOR
def policy(request: DeskRequest) -> HttpResponse:
    """The library's rules as they read: grouped, labelled, in the page's language, each
    value with a link to change it, and the versions with what each changed and who."""
    library = request.staff.library
    current = _current_policy(library)
    context = {
        "section": "setup",
        "policy": current,
        "valid_from": policy_values.day_text(current.valid_from) if current else "",
        "sections": policy_page.sections(current, library) if current else [],
        "branches": policy_page.branch_rows(current, library),
        "versions": policy_versions.history(
            library.policies.all(), current.valid_from if current else None
        ),
    }
    return render(request, "desk/setup/policy.html", context)


def _unlimited(path: str, text: str) -> str:
    """ "brez omejitve" typed for a number of renewals, as the policy writes it."""
    words = {"unlimited", policy_values.unlimited().lower()}
    if path.endswith(".max_renewals") and text.strip().lower() in words:
        return "unlimited"
    return text


def _refusal(error: PolicyError, path: str, data: Any) -> str:
    """A refusal naming the value by its label rather than its key."""
    text = str(error)
    name = policy_labels.label(path, data) if data is not None else None
    if name and text.startswith(f"{path}:"):
        text = f"{name}:{text.removeprefix(f'{path}:')}"
    return _("Not saved: %(reason)s") % {"reason": text}


def _saved_message(path: str, version: PolicyVersion, was_assumed: bool, unchanged: bool) -> str:
    data = version.data
    value = dict(flat_values(data))[path]
    words = {
        "what": policy_labels.label(path, data, first=False) or path,
        "value": policy_values.value_text(path, value, data),
        "day": policy_values.day_text(version.valid_from),
    }
    if was_assumed and unchanged:
        return _("Confirmed. From %(day)s on the value is no longer assumed – %(what)s: "
                 "%(value)s.") % words  # fmt: skip
    return _("Saved. From %(day)s on the new value applies – %(what)s: %(value)s.") % words


@ADMINISTRATOR
def policy_change(request: DeskRequest) -> HttpResponse:
    staff = request.staff
    current = _current_policy(staff.library)
    values = dict(flat_values(current.data)) if current else {}
    source = request.POST if request.method == "POST" else request.GET
    path = source.get("path", "").strip()
    old = values.get(path)
    known = path in values and not policy_value_refusal(path, old)
    choices = policy_values.choices_of(path, old, current.data) if current and known else None
    kind = policy_labels.kind(path) if known else ""
    if request.method == "POST":
        form = PolicyValueForm(request.POST, choices=choices, kind=kind)
        if form.is_valid():
            path = form.cleaned_data["path"]
            text = _unlimited(path, form.cleaned_data["value"])
            try:
                version = policy_value_set(
                    library=staff.library,
                    path=path,
                    value=text,
                    valid_from=form.cleaned_data["valid_from"],
                    by=request.user,
                )
            except PolicyError as error:
                form.add_error(None, _refusal(error, path, current.data if current else None))
            else:
                new = dict(flat_values(version.data))[path]
                was_assumed = bool(current and current.is_assumed(path))
                messages.success(
                    request, _saved_message(path, version, was_assumed, unchanged=new == old)
                )
                return redirect(reverse("desk:setup_policy") + f"#{_anchor(path)}")
    else:
        initial = {"path": path, "valid_from": timezone.localdate()}
        if path in values:
            initial["value"] = policy_values.form_text(path, values[path])
        form = PolicyValueForm(initial=initial, choices=choices, kind=kind)
    data = current.data if current else {}
    context = {
        "section": "setup",
        "form": form,
        "path": path,
        "known": known,
        "label": policy_labels.label(path, data) if known else None,
        "current": policy_values.value_text(path, old, data) if path in values else None,
        "assumed": bool(current and path in values and current.is_assumed(path)),
        "back": reverse("desk:setup_policy") + (f"#{_anchor(path)}" if known else ""),
    }
    return render(request, "desk/setup/policy_change.html", context)


def _anchor(path: str) -> str:
    """The id of the policy page's section that shows `path`."""
    return "section-" + policy_page.section_of(path)
