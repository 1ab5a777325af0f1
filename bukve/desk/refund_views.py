"""Refunds owed: money a member paid twice (an online payment the provider confirmed after
the same debt was paid at the desk), listed for staff and refunded by the director with one
click through the payment provider (bukve/accounts/online.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.accounts.models import OnlinePayment
from bukve.accounts.online import online_payment_refund, refunds_owed
from bukve.desk.access import DeskRequest, staff_required
from bukve.formatting import money
from bukve.libraries.models import Staff
from bukve.refusals import Refused


@staff_required(Staff.BRANCH_HEAD)
def refunds(request: DeskRequest) -> HttpResponse:
    """The library's online payments with money owed back, the oldest first."""
    context = {
        "owed": refunds_owed(request.staff.library_id),
        "may_refund": request.staff.may(Staff.DIRECTOR),
        "section": "money",
    }
    return render(request, "desk/money/refunds.html", context)


@require_POST
@staff_required(Staff.DIRECTOR)
def refund(request: DeskRequest, pk: int) -> HttpResponse:
    """The director gives back, through the provider, what an online payment took twice."""
    order = get_object_or_404(OnlinePayment, pk=pk, library=request.staff.library)
    try:
        booked = online_payment_refund(order=order, by=request.user, day=timezone.localdate())
    except Refused as refusal:
        messages.error(request, refusal.sentence)
    else:
        messages.success(request, _("%(amount)s refunded to %(member)s.")
                         % {"amount": money(booked.amount), "member": order.member})  # fmt: skip
    return redirect("desk:money_refunds")
