"""Cataloguing at the desk: find a record, describe it, add its copies by scanning their new
barcodes, edit and move a copy, withdraw it (odpis) and print its spine label.

Only a cataloguer or an administrator (`Staff.may_catalogue`) comes in; others get the 403
page. Rows are looked up through `request.staff.library`, so another library's records and
copies are not found (404). After a scan the page comes back without a fragment, with the
cursor in the scan field, so that the next label can be scanned at once (as views.py does).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.catalog.models import MATERIAL_LABELS, Item, Record
from bukve.catalog.search import Facet, record_search
from bukve.catalog.selectors import item_of, record_copies, record_of, records_recent
from bukve.catalog.services import (
    ItemFields,
    item_create,
    item_update,
    item_withdraw,
    record_create,
    record_update,
)
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.catalogue_forms import (
    REFUSED_FIELD,
    CatalogueSearchForm,
    CopyForm,
    CopyScanForm,
    MoveForm,
    RecordForm,
)
from bukve.desk.common import item_scanned, show_form_errors, show_refusal
from bukve.libraries.models import Branch
from bukve.libraries.selectors import library_branches
from bukve.refusals import Refused

View = Callable[..., HttpResponse]
FILTERS = ("material", "language", "year", "available_at")


def cataloguer_required(view: View) -> View:
    """Let in a staff member who may catalogue (a cataloguer, or an administrator)."""

    @wraps(view)
    def wrapper(request: DeskRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.staff.may_catalogue:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return staff_required()(wrapper)


def _record(request: DeskRequest, pk: int) -> Record:
    record = record_of(request.staff.library, pk)
    if record is None:
        raise Http404
    return record


def _item(request: DeskRequest, pk: int) -> Item:
    item = item_of(request.staff.library, pk)
    if item is None:
        raise Http404
    return item


def _branches(request: DeskRequest) -> QuerySet[Branch]:
    return library_branches(request.staff.library)


def _render(request: DeskRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"desk/catalogue/{template}", {"section": "catalogue", **context})


# --- finding a record -----------------------------------------------------------------------


def _facet_groups(
    request: DeskRequest, query: str, chosen: dict[str, str], facets: dict[str, list[Facet]]
) -> list[dict[str, Any]]:
    """The facets as filter links: each adds its value to the query and the filters chosen
    so far (or, when chosen, takes it away)."""
    branch_names = {b.code: b.name for b in _branches(request)}
    names: dict[str, tuple[str, Callable[[str], str]]] = {
        "material": (_("Material"), lambda v: str(MATERIAL_LABELS.get(v, v))),
        "language": (_("Language"), str),
        "year": (_("Year of publication"), str),
        "available_at": (_("On the shelf at"), lambda v: branch_names.get(v, v)),
    }
    groups = []
    for field, (heading, label) in names.items():
        links = []
        for facet in facets.get(field, []):
            on = chosen.get(field) == facet.value
            params = {**chosen, field: facet.value}
            if on:
                del params[field]
            url = "?" + urlencode({"q": query, **params})
            links.append({"label": label(facet.value), "count": facet.count, "url": url, "on": on})
        if links:
            groups.append({"heading": heading, "links": links})
    return groups


@cataloguer_required
def catalogue(request: DeskRequest) -> HttpResponse:
    """Search the catalogue; a scanned copy's barcode opens its record at once."""
    form = CatalogueSearchForm(request.GET if "q" in request.GET else None)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        item = item_scanned(request, query)
        if item is not None:
            return redirect("desk:catalogue_record", pk=item.record_id)
        chosen = {f: request.GET[f] for f in FILTERS if request.GET.get(f, "").strip()}
        if "year" in chosen and not chosen["year"].isdigit():
            del chosen["year"]
        found = record_search(request.staff.library.pk, query, limit=50, filters=chosen)
        context.update(
            found=found,
            query=query,
            facet_groups=_facet_groups(request, query, chosen, found.facets),
        )
    else:
        context["recent"] = records_recent(request.staff.library)
    return _render(request, "search.html", context)


# --- records --------------------------------------------------------------------------------


def _save_record(request: DeskRequest, form: RecordForm, record: Record | None) -> Record | None:
    """The record saved by its service, or None with the refusal shown at its field."""
    try:
        if record is None:
            return record_create(
                library=request.staff.library, values=form.values(), by=request.user
            )
        return record_update(record=record, values=form.values(), by=request.user)
    except Refused as refusal:
        field = REFUSED_FIELD.get(refusal.code)
        if field == "isbn" and refusal.params.get("isbn") != form.cleaned_data["isbn"].strip():
            field = "other_isbns"
        form.add_error(field, refusal.sentence)
        return None


@cataloguer_required
def record_new(request: DeskRequest) -> HttpResponse:
    form = RecordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        record = _save_record(request, form, None)
        if record is not None:
            messages.success(request, _("The record is saved. Scan the barcodes of its copies."))
            return redirect("desk:catalogue_record", pk=record.pk)
    return _render(request, "record_form.html", {"form": form, "record": None})


@cataloguer_required
def record_edit(request: DeskRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = RecordForm(request.POST) if request.method == "POST" else RecordForm.of(record)
    saved = request.method == "POST" and form.is_valid() and _save_record(request, form, record)
    if saved:
        messages.success(request, _("The record is saved."))
        return redirect("desk:catalogue_record", pk=record.pk)
    return _render(request, "record_form.html", {"form": form, "record": record})


@cataloguer_required
def record(request: DeskRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    context = {
        "record": record,
        "copies": record_copies(record),
        "scan_form": CopyScanForm(),
        "material": MATERIAL_LABELS.get(record.material, record.material),
    }
    return _render(request, "record.html", context)


# --- copies ---------------------------------------------------------------------------------


def _like_the_last(request: DeskRequest, record: Record, barcode: str) -> ItemFields:
    """A new copy of `record` like its last copy in the collection, else at the librarian's
    branch (or the library's first) with the record's material."""
    last = record_copies(record).exclude(status=Item.WITHDRAWN).order_by("-id").first()
    if last is not None:
        return ItemFields(
            barcode=barcode, branch=last.branch, material=last.material,
            call_number=last.call_number, location=last.location, price=last.price,
            not_for_loan=last.not_for_loan, parts=last.parts,
        )  # fmt: skip
    branch = request.branch
    if branch is None:
        raise Http404  # a library without branches has nowhere to shelve a copy
    return ItemFields(barcode=barcode, branch=branch, material=record.material)


@require_POST
@cataloguer_required
def copy_scan(request: DeskRequest, pk: int) -> HttpResponse:
    """Add a copy by scanning its new barcode; the page comes back ready for the next one."""
    record = _record(request, pk)
    form = CopyScanForm(request.POST)
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("desk:catalogue_record", pk=record.pk)
    barcode = form.cleaned_data["barcode"]
    try:
        item = item_create(
            record=record, values=_like_the_last(request, record, barcode), by=request.user
        )
    except Refused as refusal:
        show_refusal(request, refusal, barcode)
    else:
        messages.success(
            request,
            _("%(barcode)s: copy added at %(branch)s.")
            % {"barcode": item.barcode, "branch": item.branch.name},
        )
    return redirect("desk:catalogue_record", pk=record.pk)


@cataloguer_required
def copy_new(request: DeskRequest, pk: int) -> HttpResponse:
    """Add a copy with all it has (a price, an acquisition date, a note...)."""
    record = _record(request, pk)
    branches = _branches(request)
    if request.method == "POST":
        form = CopyForm(request.POST, branches=branches)
    else:
        like = _like_the_last(request, record, "")
        form = CopyForm(initial=vars(like) | {"barcode": ""}, branches=branches)
    if request.method == "POST" and form.is_valid():
        try:
            item = item_create(record=record, values=form.values(), by=request.user)
        except Refused as refusal:
            form.add_error("barcode", refusal.sentence)
        else:
            messages.success(request, _("%(barcode)s: copy added.") % {"barcode": item.barcode})
            return redirect("desk:catalogue_record", pk=record.pk)
    return _render(request, "copy_form.html", {"form": form, "record": record, "item": None})


@cataloguer_required
def copy_edit(request: DeskRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    branches = _branches(request)
    form = CopyForm.of(item, branches, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            item_update(item=item, values=form.values(), by=request.user)
        except Refused as refusal:
            form.add_error("barcode", refusal.sentence)
        else:
            messages.success(request, _("%(barcode)s: copy saved.") % {"barcode": item.barcode})
            return redirect("desk:catalogue_record", pk=item.record_id)
    context = {
        "form": form,
        "record": item.record,
        "item": item,
        "move_form": MoveForm(initial={"branch": item.branch}, branches=branches),
    }
    return _render(request, "copy_form.html", context)


@require_POST
@cataloguer_required
def copy_move(request: DeskRequest, pk: int) -> HttpResponse:
    """Move a copy to another branch: everything else of it stays."""
    item = _item(request, pk)
    form = MoveForm(request.POST, branches=_branches(request))
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect("desk:catalogue_copy", pk=item.pk)
    values = {
        **CopyForm.of(item, _branches(request)).initial,
        "branch": form.cleaned_data["branch"],
    }
    try:
        item_update(item=item, values=ItemFields(**values), by=request.user)
    except Refused as refusal:
        show_refusal(request, refusal, item.barcode)
    else:
        branch = form.cleaned_data["branch"].name
        messages.success(
            request,
            _("%(barcode)s: moved to %(branch)s.") % {"barcode": item.barcode, "branch": branch},
        )
    return redirect("desk:catalogue_record", pk=item.record_id)


@cataloguer_required
def copy_withdraw(request: DeskRequest, pk: int) -> HttpResponse:
    """Withdraw a copy (odpis), once confirmed; one on loan or on the hold shelf is refused."""
    item = _item(request, pk)
    if request.method != "POST":
        return _render(request, "withdraw.html", {"item": item, "record": item.record})
    try:
        item_withdraw(item=item, today=timezone.localdate(), by=request.user)
    except Refused as refusal:
        show_refusal(request, refusal, item.barcode)
    else:
        messages.success(request, _("%(barcode)s: copy withdrawn.") % {"barcode": item.barcode})
    return redirect("desk:catalogue_record", pk=item.record_id)


@cataloguer_required
def copy_label(request: DeskRequest, pk: int) -> HttpResponse:
    """The spine label: the call number large, a line for each of its parts (as spine
    labels are written: the UDC, the author's name, the title's letters), the library's name
    small."""
    item = _item(request, pk)
    call_number = item.call_number or item.record.classification
    context = {"item": item, "record": item.record, "lines": call_number.split()}
    return _render(request, "label.html", context)
