"""Interlibrary loan at the desk (medknjižnična izposoja): the open requests with each one's
next step, a title ordered for a member (Tolmin art. 47), our copy lent to another library
(Tolmin art. 48), and each step as a button.

Views parse the input, call one service of bukve/interlibrary/services.py and show what it
did, or its refusal, as a message; the services keep the order of the steps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bukve.catalog.models import Item
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.common import (
    date_text,
    item_scanned,
    member_or_404,
    show_form_errors,
    show_no_item,
    show_refusal,
)
from bukve.desk.ill_forms import DueForm, IllLendForm, IllRequestForm
from bukve.formatting import money
from bukve.interlibrary import services as ill
from bukve.interlibrary.models import IllRequest
from bukve.interlibrary.selectors import ill_request_get, ill_requests_open, member_ill_requests
from bukve.libraries.selectors import library_branches
from bukve.refusals import Refused


@staff_required()
def ill_list(request: DeskRequest) -> HttpResponse:
    """The library's interlibrary loans not finished yet, titles for our members and our
    copies at other libraries, each with the buttons of its next step."""
    context = {
        "borrowing": ill_requests_open(request.staff.library, IllRequest.BORROW),
        "lending": ill_requests_open(request.staff.library, IllRequest.LEND),
        "today": timezone.localdate(),
        "section": "ill",
    }
    return render(request, "desk/ill/list.html", context)


@staff_required()
def ill_order(request: DeskRequest, pk: int) -> HttpResponse:
    """Order a title from another library for the member; the page lists what the member
    has ordered and not brought back yet."""
    member = member_or_404(request, pk)
    branches = library_branches(request.staff.library)
    form = IllRequestForm(
        request.POST or None, branches=branches, initial={"branch": request.branch}
    )
    if request.method == "POST":
        if not form.is_valid():
            show_form_errors(request, form)
        else:
            data = form.cleaned_data
            try:
                ordered = ill.ill_request(
                    member=member, title=data["title"], author=data["author"],
                    isbn=data["isbn"], partner=data["partner"],
                    partner_code=data["partner_code"], branch=data["branch"],
                    free=data["free"], note=data["note"], staff_user=request.user,
                )  # fmt: skip
            except Refused as refusal:
                show_refusal(request, refusal, str(member))
            else:
                messages.success(request, _("%(title)s ordered from %(partner)s.") % {
                    "title": ordered.title, "partner": ordered.partner,
                })  # fmt: skip
                return redirect("desk:ill_order", pk=member.pk)
    context = {
        "member": member,
        "form": form,
        "requests": member_ill_requests(member),
        "today": timezone.localdate(),
        "section": "members",
    }
    return render(request, "desk/ill/order.html", context)


@staff_required()
def ill_lend(request: DeskRequest) -> HttpResponse:
    """Lend our copy to another library: name the library, scan the copy. The partner stays
    in the form, so its next copy can be scanned at once."""
    partner = {name: request.GET.get(name, "")[:100] for name in ("partner", "partner_code")}
    form = IllLendForm(request.POST) if request.method == "POST" else IllLendForm(initial=partner)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _lend(request, data["barcode"], data["partner"], data["partner_code"])
            partner = {"partner": data["partner"], "partner_code": data["partner_code"]}
            return redirect(reverse("desk:ill_lend") + "?" + urlencode(partner))
        show_form_errors(request, form)
    lending = ill_requests_open(request.staff.library, IllRequest.LEND)
    context = {"form": form, "lending": lending, "today": timezone.localdate(), "section": "ill"}
    return render(request, "desk/ill/lend.html", context)


def _lend(request: DeskRequest, barcode: str, partner: str, partner_code: str) -> None:
    item = item_scanned(request, barcode)
    if item is None:
        show_no_item(request, barcode)
        return
    subject = f"{barcode} ({item.record})"
    try:
        lent = ill.ill_lend_request(
            library=request.staff.library, partner=partner, partner_code=partner_code,
            item=item, staff_user=request.user,
        )  # fmt: skip
    except Refused as refusal:
        show_refusal(request, refusal, subject)
        return
    text = _("%(item)s set aside for %(partner)s; send it, then press Sent.") % {
        "item": subject, "partner": lent.partner,
    }  # fmt: skip
    if lent.partner_fee:
        text += " " + _("%(partner)s owes %(amount)s.") % {
            "partner": lent.partner, "amount": money(lent.partner_fee),
        }  # fmt: skip
    messages.success(request, text)


# --- the steps ---------------------------------------------------------------------------------

Service = Callable[..., IllRequest]
# Each step: its service, whether it takes a due date (required or not), and what is said
# when it is done (%(title)s, %(partner)s, %(member)s, %(due)s).
STEPS: dict[str, tuple[Service, bool | None, Promise]] = {
    "receive": (ill.ill_receive, True, gettext_lazy(
        "%(title)s received, due %(due)s; %(member)s is told it is ready.")),
    "lend-out": (ill.ill_lend_out, None, gettext_lazy(
        "%(title)s lent to %(member)s, due %(due)s.")),
    "return": (ill.ill_return, None, gettext_lazy(
        "%(title)s returned by %(member)s; send it back to %(partner)s.")),
    "send-back": (ill.ill_send_back, None, gettext_lazy(
        "%(title)s sent back to %(partner)s.")),
    "not-collected": (ill.ill_not_collected, None, gettext_lazy(
        "%(title)s was not collected; send it back to %(partner)s.")),
    "cancel": (ill.ill_cancel, None, gettext_lazy(
        "The interlibrary loan of %(title)s is cancelled.")),
    "sent": (ill.ill_lend_send, False, gettext_lazy(
        "%(title)s sent to %(partner)s.")),
    "returned": (ill.ill_lend_return, None, gettext_lazy(
        "%(title)s is back from %(partner)s.")),
}  # fmt: skip
# Where a copy back from a partner library goes (ill_lend_return routes it like a return).
COPY_NEXT = {
    Item.HELD: gettext_lazy("Put it on the hold shelf: a member reserved it."),
    Item.IN_TRANSIT: gettext_lazy("Send it to the branch where a member waits for it."),
}


@require_POST
@staff_required()
def ill_step(request: DeskRequest, pk: int, step: str) -> HttpResponse:
    """Take one step of an interlibrary loan; back to the list, or to the member's page of
    interlibrary loans when the button was there."""
    found = ill_request_get(request.staff.library, pk)
    if found is None or step not in STEPS:
        raise Http404
    service, due_needed, done = STEPS[step]
    dated: dict[str, date | None] = {}
    if due_needed is not None:
        form = DueForm(request.POST, required=due_needed)
        if not form.is_valid():
            show_form_errors(request, form)
            return _back(request, found)
        dated["due"] = form.cleaned_data["due"]
    try:
        taken = service(request=found, staff_user=request.user, **dated)
    except Refused as refusal:
        show_refusal(request, refusal, found.title)
        return _back(request, found)
    _tell_done(request, taken, done, charged=step in ("lend-out", "not-collected"))
    return _back(request, taken)


def _tell_done(request: DeskRequest, taken: IllRequest, done: Promise, *, charged: bool) -> None:
    text = str(done) % {
        "title": taken.title, "partner": taken.partner, "member": _who(taken),
        "due": date_text(taken.due_date),
    }  # fmt: skip
    if charged and taken.fee is not None:
        text += " " + _("Charged %(amount)s.") % {"amount": money(taken.fee.amount)}
    if taken.item is not None and taken.status == IllRequest.RETURNED:
        taken.item.refresh_from_db(fields=["status"])
        if taken.item.status in COPY_NEXT:
            messages.warning(request, f"{text} {COPY_NEXT[taken.item.status]}")
            return
    messages.success(request, text)


def _who(taken: IllRequest) -> str:
    """The member by name (their card number when they have none), or a dash once gone."""
    member = taken.member
    return (member.name or member.card_number) if member is not None else "—"


def _back(request: DeskRequest, taken: IllRequest) -> HttpResponse:
    back = request.POST.get("back")
    if back == "member" and taken.member_id:
        return redirect("desk:ill_order", pk=taken.member_id)
    return redirect("desk:ill_lend" if back == "lend" else "desk:ill")
