"""The circulation desk: find a member, lend, return, renew, reserve, take payments, print.

Views parse the input, call one service and show its outcome; a refusal is shown with its
sentence and the desk carries on (the next barcode can be scanned at once).

After a scan the desk redirects to a page without a fragment (#checkout): Chromium does not
autofocus a field on a URL with a fragment, and the next scan would be lost. The scan field
to focus is named in the query instead (?scan=renew); its autofocus scrolls to it.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.accounts.models import Charge, Payment
from bukve.accounts.pdf import pdf_response, receipt_pdf, statement_document
from bukve.accounts.receipts import receipt_for
from bukve.accounts.services import charge_waive, open_debt, payment_take
from bukve.accounts.slips import upn_qr_svg_data_uri
from bukve.catalog.models import Item
from bukve.circulation import services as circulation
from bukve.circulation.fines import fine_explain
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.statements import statement_for
from bukve.desk.access import staff_required
from bukve.desk.forms import (
    BarcodeForm,
    PaymentForm,
    PortalPasswordForm,
    RenewScanForm,
    ReserveForm,
    SearchForm,
    WaiveForm,
)
from bukve.desk.templatetags.bukve import money as _money
from bukve.inputs import parse_id
from bukve.libraries.models import Staff
from bukve.members.models import Member
from bukve.members.services import member_password_set, member_search
from bukve.refusals import Refused


def _member(request: HttpRequest, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.select_related("library", "guardian"), pk=pk, library=request.staff.library
    )


def _item(request: HttpRequest, barcode: str) -> Item | None:
    return (
        Item.objects.select_related("record", "branch")
        .filter(library=request.staff.library, barcode=barcode)
        .first()
    )


def _loan(member: Member, pk: int) -> Loan:
    return get_object_or_404(Loan.objects.select_related("item__record"), pk=pk, member=member)


def _form_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


def _refused(request: HttpRequest, refusal: Refused, subject: str = "") -> None:
    text = f"{subject}: {refusal.sentence}" if subject else refusal.sentence
    messages.error(request, text)


def _no_item(request: HttpRequest, barcode: str) -> None:
    messages.error(request, _("%(barcode)s: no item with this barcode.") % {"barcode": barcode})


def _to_member(member: Member, anchor: str = "", *, scan: str = "") -> HttpResponseRedirect:
    """The member page: at a section (#anchor), or with the cursor in a scan field (`scan`:
    "renew"; the checkout field by default). A section's fragment keeps the cursor out of
    every field in Chromium (desk.js puts it back in the checkout field)."""
    url = reverse("desk:member", args=[member.pk])
    if scan:
        return redirect(f"{url}?scan={scan}")
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- finding members ------------------------------------------------------------------------


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    """Find a member: a scanned card (the scanner ends with Enter) opens the member at once."""
    form = SearchForm(request.GET or None)
    found: QuerySet[Member] | None = None
    if form.is_valid():
        found = member_search(request.staff.library, form.cleaned_data["q"])[:50]
        if len(found) == 1:
            return _to_member(found[0])
    return render(request, "desk/home.html", {"form": form, "found": found, "section": "members"})


@staff_required()
def member(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    today = timezone.localdate()
    loans = list(
        member.loans.filter(status=Loan.OUT)
        .select_related("item__record", "branch")
        .order_by("due_date", "id")
    )
    reservations = (
        member.reservations.filter(status__in=[Reservation.WAITING, Reservation.HELD])
        .select_related("record", "pickup_branch")
        .order_by("placed_date", "id")
    )
    branches = request.staff.library.branches.order_by("id")
    renewing = request.GET.get("scan") == "renew"
    context = {
        "member": member,
        "today": today,
        "age": member.age_on(today),
        "wards": member.wards.order_by("first_name"),
        "blocks": circulation.member_blocks(member, today),
        "loans": loans,
        "reservations": reservations,
        "charges": member.charges.select_related("item__record").order_by("-date", "-id"),
        "payments": member.payments.select_related("taken_by").order_by("-date", "-id"),
        "debt": open_debt(member),
        "checkout_form": BarcodeForm(focus=not renewing),
        "renew_form": RenewScanForm(focus=renewing),
        "reserve_form": ReserveForm(
            branches=branches, initial={"pickup_branch": request.staff.branch or branches.first()}
        ),
        "payment_form": PaymentForm(member=member),
        "password_form": PortalPasswordForm(),
        "section": "members",
    }
    from bukve.desk.money_views import member_context  # it imports this module

    context.update(member_context(request, member, today, loans))
    return render(request, "desk/member.html", context)


@require_POST
@staff_required()
def portal_password(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the member a password for Moja knjižnica (a first one, or a forgotten one)."""
    member = _member(request, pk)
    form = PortalPasswordForm(request.POST)
    if form.is_valid():
        try:
            member_password_set(member=member, password=form.cleaned_data["password"])
        except ValidationError as error:
            form.add_error("password", error)
    if form.errors:
        _form_errors(request, form)
    else:
        messages.success(request, _("The password for Moja knjižnica is set."))
    return _to_member(member)


# --- lending, returning, renewing -----------------------------------------------------------


@require_POST
@staff_required()
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    """Lend the scanned copy (or renew it: the renewal scan field posts here with `renew`);
    a refusal names the copy and its reason, and the same field is ready for the next copy."""
    member = _member(request, pk)
    renewing = bool(request.POST.get("renew"))
    form = BarcodeForm(request.POST)
    if form.is_valid():
        barcode = form.cleaned_data["barcode"]
        item = _item(request, barcode)
        if item is None:
            _no_item(request, barcode)
        elif renewing:
            _renew(request, member, item, "desk")
        else:
            try:
                loan = circulation.loan_checkout(
                    member=member, item=item, branch=request.staff.branch
                )
            except Refused as refusal:
                _refused(request, refusal, f"{barcode} ({item.record})")
            else:
                messages.success(
                    request,
                    _("%(item)s lent, due %(due)s.")
                    % {"item": f"{barcode} ({item.record})", "due": _date(loan.due_date)},
                )
    else:
        _form_errors(request, form)
    return _to_member(member, scan="renew" if renewing else "")


@require_POST
@staff_required()
def renew(request: HttpRequest, pk: int, loan_pk: int) -> HttpResponse:
    member = _member(request, pk)
    loan = _loan(member, loan_pk)
    # Staff record a renewal asked for by phone or by e-mail (Tolmin art. 28); the rest is
    # a renewal at the desk.
    asked = request.POST.get("channel") or ""
    channel = asked if asked in ("phone", "email") else "desk"
    _renew(request, member, loan.item, channel)
    return _to_member(member, scan="renew")


def _renew(request: HttpRequest, member: Member, item: Item, channel: str) -> None:
    subject = f"{item.barcode} ({item.record})"
    try:
        loan = circulation.loan_renew(member=member, item=item, channel=channel)
    except Refused as refusal:
        _refused(request, refusal, subject)
    else:
        messages.success(
            request,
            _("%(item)s renewed, now due %(due)s.")
            % {"item": subject, "due": _date(loan.due_date)},
        )


@require_POST
@staff_required()
def declare_lost(request: HttpRequest, pk: int, loan_pk: int) -> HttpResponse:
    member = _member(request, pk)
    loan = _loan(member, loan_pk)
    try:
        circulation.loan_declare_lost(item=loan.item)
    except Refused as refusal:
        _refused(request, refusal, str(loan.item.record))
    except ValueError:
        messages.error(
            request,
            _("%(item)s has no price; it cannot be charged as lost.") % {"item": loan.item.record},
        )
    else:
        messages.success(
            request, _("%(item)s declared lost and charged.") % {"item": loan.item.record}
        )
    return _to_member(member, "account")


@staff_required()
def checkin(request: HttpRequest) -> HttpResponse:
    """Return copies at this branch, without a card. A copy someone reserved is announced so
    the librarian puts it on the hold shelf instead of back on the shelf."""
    form = BarcodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        barcode = form.cleaned_data["barcode"]
        item = _item(request, barcode)
        if item is None:
            _no_item(request, barcode)
        else:
            try:
                done = circulation.loan_checkin(item=item)
            except Refused as refusal:
                _refused(request, refusal, f"{barcode} ({item.record})")
            else:
                _announce_checkin(request, barcode, item, done)
        return redirect("desk:checkin")
    returned = request.session.get("desk_returned", [])
    context = {"form": form, "returned": returned, "section": "checkin"}
    return render(request, "desk/checkin.html", context)


def _announce_checkin(
    request: HttpRequest, barcode: str, item: Item, done: circulation.CheckIn
) -> None:
    loan, held = done.loan, done.held_for
    fine = loan.member.charges.filter(loan=loan, kind="fine", date=loan.closed_date).first()
    text = _("%(item)s returned by %(member)s.") % {
        "item": f"{barcode} ({item.record})",
        "member": loan.member,
    }
    if fine is not None:
        text += " " + _("Fine %(amount)s.") % {"amount": _money(fine.amount)}
    if held is not None:
        text += " " + _(
            "Put it on the hold shelf for %(member)s at %(branch)s, until %(until)s."
        ) % {
            "member": held.member,
            "branch": held.pickup_branch,
            "until": _date(held.hold_expires),
        }
        messages.warning(request, text)
    else:
        messages.success(request, text)
    returned = [text, *request.session.get("desk_returned", [])][:20]
    request.session["desk_returned"] = returned


# --- reservations ---------------------------------------------------------------------------


@require_POST
@staff_required()
def reserve(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = ReserveForm(request.POST, branches=request.staff.library.branches.all())
    if not form.is_valid():
        _form_errors(request, form)
        return _to_member(member)
    barcode = form.cleaned_data["barcode"]
    item = _item(request, barcode)
    if item is None:
        _no_item(request, barcode)
        return _to_member(member)
    try:
        reservation = circulation.reservation_place(
            member=member, item=item, pickup_branch=form.cleaned_data["pickup_branch"]
        )
    except Refused as refusal:
        _refused(request, refusal, str(item.record))
    else:
        if reservation.status == Reservation.HELD:
            text = _("%(title)s reserved; copy %(barcode)s is held until %(until)s.") % {
                "title": item.record, "barcode": reservation.item.barcode,
                "until": _date(reservation.hold_expires),
            }  # fmt: skip
        else:
            text = _("%(title)s reserved; the member is number %(position)s in the queue.") % {
                "title": item.record, "position": queue_position(reservation),
            }  # fmt: skip
        messages.success(request, text)
    return _to_member(member)


def queue_position(reservation: Reservation) -> int:
    """1 for the first member waiting for the title."""
    return (
        Reservation.objects.filter(
            record=reservation.record_id, status=Reservation.WAITING, id__lt=reservation.pk
        ).count()
        + 1
    )


@require_POST
@staff_required()
def reservation_cancel(request: HttpRequest, pk: int, reservation_pk: int) -> HttpResponse:
    member = _member(request, pk)
    reservation = get_object_or_404(Reservation, pk=reservation_pk, member=member)
    circulation.reservation_cancel(reservation=reservation)
    messages.success(request, _("Reservation cancelled."))
    return _to_member(member)


@staff_required()
def hold_shelf(request: HttpRequest) -> HttpResponse:
    """Copies waiting on a branch's hold shelf: for whom and until when; expired ones first."""
    branches = request.staff.library.branches.order_by("id")
    branch = branches.filter(pk=parse_id(request.GET.get("branch"))).first() or (
        request.staff.branch or branches.first()
    )
    today = timezone.localdate()
    held = (
        Reservation.objects.filter(pickup_branch=branch, status=Reservation.HELD)
        .select_related("member", "item__record")
        .order_by("hold_expires", "id")
    )
    context = {"branches": branches, "branch": branch, "held": held, "today": today,
               "section": "holds"}  # fmt: skip
    return render(request, "desk/hold_shelf.html", context)


# --- money ----------------------------------------------------------------------------------


@require_POST
@staff_required()
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = PaymentForm(request.POST, member=member)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_member(member, "account")
    try:
        taken = payment_take(
            member=member,
            day=timezone.localdate(),
            amount=form.cleaned_data["amount"],
            method=form.cleaned_data["method"],
            taken_by=request.user,
            charges=list(form.cleaned_data["charges"]),
            idempotency_key=form.cleaned_data["token"],
            debt_seen=form.cleaned_data["debt_seen"],
        )
    except Refused as refusal:
        _refused(request, refusal)
        return _to_member(member, "account")
    messages.success(request, _("Payment of %(amount)s taken.") % {"amount": _money(taken.amount)})
    return redirect("desk:receipt", pk=taken.pk)


@staff_required()
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment's receipt, to print: the charges it paid with the VAT included, any credit
    left; a walk-in sale's too. A correction (a waiver, a reversal) shows what it settled."""
    taken = get_object_or_404(
        Payment.objects.select_related("member", "library", "taken_by", "reverses"),
        pk=pk,
        library=request.staff.library,
    )
    context = {"payment": taken, "member": taken.member, "section": "members",
               "debt": open_debt(taken.member) if taken.member else None}  # fmt: skip
    if taken.method in Payment.MONEY:
        context["receipt"] = receipt_for(taken)
    else:
        allocations = taken.allocations.select_related("charge__item__record")
        context["allocations"] = allocations.order_by("charge__date")
    return render(request, "desk/receipt.html", context)


@staff_required()
def receipt_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment's receipt as PDF (payments of money only: a correction has no receipt)."""
    taken = get_object_or_404(
        Payment.objects.select_related("member", "library", "taken_by"),
        pk=pk,
        library=request.staff.library,
        method__in=Payment.MONEY,
    )
    found = receipt_for(taken)
    return pdf_response(receipt_pdf(found), found.filename)


@staff_required()
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's list of loans and debts, to print (Tolmin art. 24)."""
    member = _member(request, pk)
    found = statement_for(member, timezone.localdate())
    slip = found.bank.slip if found.bank else None
    context = {"member": member, "statement": found, "section": "members",
               "qr": upn_qr_svg_data_uri(slip) if slip else None}  # fmt: skip
    return render(request, "desk/statement.html", context)


@staff_required()
def statement_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's loans and debts as PDF."""
    found = statement_for(_member(request, pk), timezone.localdate())
    return pdf_response(statement_document(found), found.filename)


@staff_required()
def charge(request: HttpRequest, pk: int) -> HttpResponse:
    """A charge: what it is, how it was paid or waived, and a fine's day-by-day explanation."""
    charge = get_object_or_404(
        Charge.objects.select_related("member", "loan__branch", "item__record"),
        pk=pk,
        library=request.staff.library,
    )
    days = fine_explain(charge) if _explainable(charge) else None
    context = {
        "charge": charge,
        "member": charge.member,
        "days": days,
        "waive_form": WaiveForm(initial={"amount": charge.open_amount}),
        "may_waive": request.staff.may(Staff.DIRECTOR) and charge.open_amount > 0,
        "section": "members",
    }
    from bukve.desk.money_views import charge_context  # it imports this module

    context.update(charge_context(request, charge))
    return render(request, "desk/charge.html", context)


def _explainable(charge: Charge) -> bool:
    return charge.kind == "fine" and charge.loan_id is not None and charge.stretch_from is not None


@require_POST
@staff_required(Staff.DIRECTOR)
def waive(request: HttpRequest, pk: int) -> HttpResponse:
    """The director waives or reduces a charge (Tolmin art. 17, 36, 58.a); the reason is kept."""
    charge = get_object_or_404(Charge, pk=pk, library=request.staff.library)
    form = WaiveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("desk:charge", pk=charge.pk)
    try:
        charge_waive(
            charge=charge,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
            by=request.user,
            day=timezone.localdate(),
        )
    except Refused as refusal:
        _refused(request, refusal)
    else:
        messages.success(
            request, _("%(amount)s waived.") % {"amount": _money(form.cleaned_data["amount"])}
        )
    return redirect("desk:charge", pk=charge.pk)


# --- helpers --------------------------------------------------------------------------------


def _date(day: date | None) -> str:
    return formats.date_format(day, "j. n. Y") if day else ""
