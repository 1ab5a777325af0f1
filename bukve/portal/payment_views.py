"""Paying online in Moja knjižnica: the order, the provider's callback, the page the member
comes back to, and the sandbox bank. A payment is confirmed only by the provider's signed
callback (bukve/accounts/online.py); until it arrives the return page says it is waiting.
A parent acting for a child (Tolmin art. 22) pays the child's debts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from bukve.accounts.models import Charge, OnlinePayment
from bukve.accounts.online import (
    PURPOSES,
    REJECTED,
    online_payment_callback,
    online_payment_start,
)
from bukve.accounts.providers import NAMES, Sandbox, payment_provider, provider_named
from bukve.accounts.selectors import charges_picked, online_orders, open_charges, payment_paid
from bukve.accounts.services import return_first_refusal
from bukve.accounts.settlement import ZERO
from bukve.circulation.models import Loan
from bukve.circulation.selectors import noticed_loans
from bukve.members.models import Member
from bukve.members.selectors import registration_of
from bukve.portal.access import MemberRequest, member_required
from bukve.refusals import Refused

WAIT_SECONDS = 3  # the return page looks again this often while it waits


@dataclass
class PayOffer:
    """What the account page offers: the open charges to pick from, or the items to return
    first (Maribor, seed 001), or nothing (no debt, or no provider configured)."""

    charges: list[Charge] = field(default_factory=list)
    return_first: list[Loan] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((charge.open_amount for charge in self.charges), ZERO)


def pay_offer(member: Member, day: date) -> PayOffer:
    """Online payment as the account page offers it to `member` on `day`."""
    if payment_provider() is None:
        return PayOffer()
    charges = open_charges(member)
    if charges and return_first_refusal(member, day):
        return PayOffer(return_first=noticed_loans(member))
    return PayOffer(charges=charges)


def _orders(request: MemberRequest) -> QuerySet[OnlinePayment]:
    """The orders of the logged-in member and of the children they act for."""
    return online_orders([request.member.pk, *(ward.pk for ward in request.wards)])


@require_POST
@member_required
def start(request: MemberRequest) -> HttpResponse:
    """Pay the charges ticked on the account page (or the membership fee on the activation
    page) for the member acted for: off to the provider's payment page."""
    member = request.acting_for
    ids = request.POST.getlist("charge")
    purpose = request.POST.get("purpose", "debts")
    if purpose not in PURPOSES or not all(pk.isdigit() for pk in ids):
        raise Http404
    if not ids:
        messages.error(request, _("Choose at least one charge to pay."))
        return redirect("portal:account")
    charges = charges_picked(member, ids, purpose)
    try:
        if charges.count() != len(set(ids)):
            raise Refused("charge_not_open")
        order, url = online_payment_start(member=member, charges=list(charges), purpose=purpose,
                                          day=timezone.localdate())  # fmt: skip
    except Refused as refusal:
        messages.error(request, refusal.sentence)
        return redirect("portal:account")
    return redirect(url)


@member_required
def back(request: MemberRequest, reference: str) -> HttpResponse:
    """Where the provider sends the member back: waiting for the confirmation (the page
    looks again every few seconds), paid (the receipt), or cancelled or expired."""
    order = get_object_or_404(_orders(request), reference=reference)
    paid = payment_paid(order.payment) if order.payment is not None else []
    registration = registration_of(order.member)
    return render(
        request,
        "portal/pay_return.html",
        {
            "section": "account",
            "order": order,
            "waiting": order.status == OnlinePayment.CREATED,
            "wait_seconds": WAIT_SECONDS,
            "paid": paid,
            "registration": registration if order.purpose == "membership" else None,
        },
    )


@csrf_exempt
@require_POST
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    """The provider's callback (webhook): 200 when taken (also a repeated one, which changes
    nothing), 400 when its signature does not check out or it cannot be read, 503 when the
    database could not book it now (it is logged, and the provider sends it again)."""
    if provider not in NAMES:
        raise Http404
    try:
        body = request.body
    except RequestDataTooBig:
        return HttpResponse("too large", content_type="text/plain", status=400)
    try:
        outcome = online_payment_callback(provider=provider, body=body, headers=request.headers)
    except DatabaseError:
        return HttpResponse("busy, send it again", content_type="text/plain", status=503)
    status = 400 if outcome in REJECTED else 200
    return HttpResponse(outcome, content_type="text/plain", status=status)


@member_required
def sandbox(request: MemberRequest, reference: str) -> HttpResponse:
    """The sandbox bank's page: a test payment, no money. Pay or Cancel sends a signed
    callback through the same service a real provider's callback goes to, then the member
    goes back to the return page, as from a real bank."""
    bank = provider_named("sandbox")
    assert isinstance(bank, Sandbox)
    if not bank.configured():
        raise Http404
    order = get_object_or_404(_orders(request), reference=reference, provider=bank.name)
    if request.method == "POST":
        if order.status == OnlinePayment.CREATED:
            status = "paid" if request.POST.get("action") == "pay" else "cancelled"
            body, headers = bank.callback(order, status)
            online_payment_callback(provider=bank.name, body=body, headers=headers)
        return redirect("portal:pay_return", order.reference)
    return render(request, "portal/pay_sandbox.html", {"order": order})
