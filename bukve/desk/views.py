"""The circulation desk: find a member, lend, return, renew, reserve, the hold shelf. (The
member's account, payments and receipts: account_views.py; shared helpers: common.py.)

Views parse the input, call one service and show its outcome; a refusal is shown with its
sentence and the desk carries on (the next barcode can be scanned at once).

After a scan the desk redirects to a page without a fragment (#checkout): Chromium does not
autofocus a field on a URL with a fragment, and the next scan would be lost. The scan field
to focus is named in the query instead (?scan=renew); its autofocus scrolls to it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.accounts.selectors import charges_of, payments_of
from bukve.accounts.services import open_debt
from bukve.catalog.models import Item
from bukve.circulation import holds
from bukve.circulation import services as circulation
from bukve.circulation.models import Reservation
from bukve.circulation.selectors import (
    hold_shelf_of,
    member_loans_out,
    member_reservations_open,
    queue_position,
    return_fine,
)
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.account_views import member_context
from bukve.desk.common import (
    date_text,
    item_scanned,
    loan_or_404,
    member_or_404,
    show_form_errors,
    show_no_item,
    show_refusal,
    to_member,
)
from bukve.desk.forms import (
    BarcodeForm,
    PaymentForm,
    PortalPasswordForm,
    RenewScanForm,
    ReserveForm,
    SearchForm,
)
from bukve.formatting import money
from bukve.inputs import parse_id
from bukve.libraries.selectors import library_branches
from bukve.members.models import Member
from bukve.members.selectors import wards_by_name
from bukve.members.services import member_password_set, member_search
from bukve.refusals import Refused

# --- finding members ------------------------------------------------------------------------


@staff_required()
def home(request: DeskRequest) -> HttpResponse:
    """Find a member: a scanned card (the scanner ends with Enter) opens the member at once."""
    form = SearchForm(request.GET or None)
    found: QuerySet[Member] | None = None
    if form.is_valid():
        found = member_search(request.staff.library, form.cleaned_data["q"])[:50]
        if len(found) == 1:
            return to_member(found[0])
    return render(request, "desk/home.html", {"form": form, "found": found, "section": "members"})


@staff_required()
def member(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    today = timezone.localdate()
    loans = member_loans_out(member)
    branches = library_branches(request.staff.library)
    renewing = request.GET.get("scan") == "renew"
    context = {
        "member": member,
        "today": today,
        "age": member.age_on(today),
        "wards": wards_by_name(member),
        "blocks": circulation.member_blocks(member, today),
        "loans": loans,
        "reservations": member_reservations_open(member),
        "charges": charges_of(member, "item__record"),
        "payments": payments_of(member, "taken_by"),
        "debt": open_debt(member),
        "checkout_form": BarcodeForm(focus=not renewing),
        "renew_form": RenewScanForm(focus=renewing),
        "reserve_form": ReserveForm(branches=branches, initial={"pickup_branch": request.branch}),
        "payment_form": PaymentForm(member=member),
        "password_form": PortalPasswordForm(),
        "section": "members",
    }
    context.update(member_context(request, member, today, loans))
    return render(request, "desk/member.html", context)


@require_POST
@staff_required()
def portal_password(request: DeskRequest, pk: int) -> HttpResponse:
    """Give the member a password for Moja knjižnica (a first one, or a forgotten one)."""
    member = member_or_404(request, pk)
    form = PortalPasswordForm(request.POST)
    if form.is_valid():
        try:
            member_password_set(member=member, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
    if form.errors:
        show_form_errors(request, form)
    else:
        messages.success(request, _("The password for Moja knjižnica is set."))
    return to_member(member)


# --- lending, returning, renewing -----------------------------------------------------------


@require_POST
@staff_required()
def checkout(request: DeskRequest, pk: int) -> HttpResponse:
    """Lend the scanned copy (or renew it: the renewal scan field posts here with `renew`);
    a refusal names the copy and its reason, and the same field is ready for the next copy."""
    member = member_or_404(request, pk)
    renewing = bool(request.POST.get("renew"))
    form = BarcodeForm(request.POST)
    if form.is_valid():
        barcode = form.cleaned_data["barcode"]
        item = item_scanned(request, barcode)
        if item is None:
            show_no_item(request, barcode)
        elif renewing:
            _renew(request, member, item, "desk")
        else:
            try:
                loan = circulation.loan_checkout(member=member, item=item, branch=request.branch)
            except Refused as refusal:
                show_refusal(request, refusal, f"{barcode} ({item.record})")
            else:
                messages.success(
                    request,
                    _("%(item)s lent, due %(due)s.")
                    % {"item": f"{barcode} ({item.record})", "due": date_text(loan.due_date)},
                )
    else:
        show_form_errors(request, form)
    return to_member(member, scan="renew" if renewing else "")


@require_POST
@staff_required()
def renew(request: DeskRequest, pk: int, loan_pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    loan = loan_or_404(member, loan_pk)
    # Staff record a renewal asked for by phone or by e-mail (Tolmin art. 28); the rest is
    # a renewal at the desk.
    asked = request.POST.get("channel") or ""
    channel = asked if asked in ("phone", "email") else "desk"
    _renew(request, member, loan.item, channel)
    return to_member(member, scan="renew")


def _renew(request: DeskRequest, member: Member, item: Item, channel: str) -> None:
    subject = f"{item.barcode} ({item.record})"
    try:
        loan = circulation.loan_renew(member=member, item=item, channel=channel)
    except Refused as refusal:
        show_refusal(request, refusal, subject)
    else:
        messages.success(
            request,
            _("%(item)s renewed, now due %(due)s.")
            % {"item": subject, "due": date_text(loan.due_date)},
        )


@require_POST
@staff_required()
def declare_lost(request: DeskRequest, pk: int, loan_pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    loan = loan_or_404(member, loan_pk)
    try:
        circulation.loan_declare_lost(item=loan.item)
    except Refused as refusal:
        show_refusal(request, refusal, str(loan.item.record))
    except ValueError:
        messages.error(
            request,
            _("%(item)s has no price; it cannot be charged as lost.") % {"item": loan.item.record},
        )
    else:
        messages.success(
            request, _("%(item)s declared lost and charged.") % {"item": loan.item.record}
        )
    return to_member(member, "account")


@staff_required()
def checkin(request: DeskRequest) -> HttpResponse:
    """Return copies at this branch, without a card. A copy someone reserved is announced so
    the librarian puts it on the hold shelf instead of back on the shelf."""
    form = BarcodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        barcode = form.cleaned_data["barcode"]
        item = item_scanned(request, barcode)
        if item is None:
            show_no_item(request, barcode)
        else:
            try:
                done = circulation.loan_checkin(item=item, branch=request.branch)
            except Refused as refusal:
                show_refusal(request, refusal, f"{barcode} ({item.record})")
            else:
                _announce_checkin(request, barcode, item, done)
        return redirect("desk:checkin")
    returned = request.session.get("desk_returned", [])
    context = {"form": form, "returned": returned, "section": "checkin"}
    return render(request, "desk/checkin.html", context)


def _announce_checkin(
    request: DeskRequest, barcode: str, item: Item, done: circulation.CheckIn
) -> None:
    loan, held, transit = done.loan, done.held_for, done.transit
    name = f"{barcode} ({item.record})"
    if loan is not None:
        text = _("%(item)s returned by %(member)s.") % {"item": name, "member": loan.member}
        fine = return_fine(loan)
        if fine is not None:
            text += " " + _("Fine %(amount)s.") % {"amount": money(fine.amount)}
    else:
        text = _("%(item)s checked in.") % {"item": name}
    if held is not None:
        text += " " + _(
            "Put it on the hold shelf for %(member)s at %(branch)s, until %(until)s."
        ) % {
            "member": held.member,
            "branch": held.pickup_branch,
            "until": date_text(held.hold_expires),
        }
    elif transit is not None:
        text += " " + _("Send it to %(branch)s.") % {"branch": transit.to_branch}
    if held is not None or transit is not None:
        messages.warning(request, text)
    else:
        messages.success(request, text)
    returned = [text, *request.session.get("desk_returned", [])][:20]
    request.session["desk_returned"] = returned


# --- reservations ---------------------------------------------------------------------------


@require_POST
@staff_required()
def reserve(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    form = ReserveForm(request.POST, branches=request.staff.library.branches.all())
    if not form.is_valid():
        show_form_errors(request, form)
        return to_member(member)
    barcode = form.cleaned_data["barcode"]
    item = item_scanned(request, barcode)
    if item is None:
        show_no_item(request, barcode)
        return to_member(member)
    try:
        reservation = holds.reservation_place(
            member=member, item=item, pickup_branch=form.cleaned_data["pickup_branch"]
        )
    except Refused as refusal:
        show_refusal(request, refusal, str(item.record))
    else:
        if reservation.status == Reservation.HELD:
            assert reservation.item is not None  # a held reservation holds a copy
            text = _("%(title)s reserved; copy %(barcode)s is held until %(until)s.") % {
                "title": item.record, "barcode": reservation.item.barcode,
                "until": date_text(reservation.hold_expires),
            }  # fmt: skip
        else:
            text = _("%(title)s reserved; the member is number %(position)s in the queue.") % {
                "title": item.record, "position": queue_position(reservation),
            }  # fmt: skip
        messages.success(request, text)
    return to_member(member)


@require_POST
@staff_required()
def reservation_cancel(request: DeskRequest, pk: int, reservation_pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    reservation = get_object_or_404(Reservation, pk=reservation_pk, member=member)
    holds.reservation_cancel(reservation=reservation)
    messages.success(request, _("Reservation cancelled."))
    return to_member(member)


@staff_required()
def hold_shelf(request: DeskRequest) -> HttpResponse:
    """Copies waiting on a branch's hold shelf: for whom and until when; expired ones first."""
    branches = library_branches(request.staff.library)
    # No branch asked for (None) finds none: Django reads pk=None as "pk IS NULL", which the
    # stubs do not allow for.
    asked = branches.filter(pk=parse_id(request.GET.get("branch")))  # type: ignore[misc]
    branch = asked.first() or request.branch
    today = timezone.localdate()
    held = hold_shelf_of(branch)
    context = {"branches": branches, "branch": branch, "held": held, "today": today,
               "section": "holds"}  # fmt: skip
    return render(request, "desk/hold_shelf.html", context)
