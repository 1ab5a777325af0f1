"""Online registration in Moja knjižnica (seed 000): the form, the page after sending, the
activation link and asking for a new link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bukve.accounts.online import online_payment_start
from bukve.accounts.providers import payment_provider
from bukve.members.models import Registration
from bukve.membership.registration import (
    Applicant,
    registration_activate,
    registration_fee,
    registration_link_resend,
    registration_submit,
)
from bukve.portal.access import ACTING_FOR, MEMBER
from bukve.portal.registration_forms import NewLinkForm, RegistrationForm
from bukve.refusals import Refused

SENT = "registration_sent_to"


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = Applicant(
            first_name=data["first_name"], last_name=data["last_name"], born=data["born"],
            category=data["category"], address=data["address"], email=data["email"],
            password=data["password"], language=request.LANGUAGE_CODE,
        )  # fmt: skip
        try:
            registration = registration_submit(library=data["library"], applicant=applicant)
        except ValidationError as error:
            form.add_error("password", error)
        except Refused as refusal:
            form.add_error(None, refusal.sentence)
        else:
            if registration.status == Registration.DUPLICATE:
                return render(request, "portal/register_duplicate.html",
                              {"library": registration.library})  # fmt: skip
            request.session[SENT] = registration.email
            return redirect("portal:register_sent")
    return render(request, "portal/register.html", {"form": form})


def register_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/register_sent.html", {"email": request.session.get(SENT)})


def register_activate(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link creates the member and shows the card number (seed 000, step 3),
    and the membership fee to pay online or later at the library (step 4). The member is
    logged in to Moja knjižnica, where online payment happens. A library that registers
    online only with the fee paid online (Tolmin art. 13.a) sends them straight to pay."""
    try:
        registration = registration_activate(token=token)
    except Refused as refusal:
        return render(request, "portal/register_link.html", {"refusal": refusal}, status=410
                      if refusal.code in ("link_expired", "link_used") else 400)  # fmt: skip
    member = registration.member
    assert member is not None  # activating creates the member
    request.session.cycle_key()
    request.session[MEMBER] = member.pk
    request.session.pop(ACTING_FOR, None)
    fee = registration_fee(member)
    must_pay = registration.status == Registration.UNPAID
    not_started = None  # the online payment's refusal
    if must_pay and fee is not None:
        try:
            _order, url = online_payment_start(member=member, charges=[fee], purpose="membership",
                                               day=timezone.localdate())  # fmt: skip
        except Refused as error:
            not_started = error
        else:
            return redirect(url)
    return render(
        request,
        "portal/register_done.html",
        {"member": member, "fee": fee, "must_pay": must_pay, "refusal": not_started,
         "online": payment_provider() is not None},
    )  # fmt: skip


def register_new_link(request: HttpRequest) -> HttpResponse:
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        registration_link_resend(library=form.cleaned_data["library"],
                                 email=form.cleaned_data["email"])  # fmt: skip
        request.session[SENT] = form.cleaned_data["email"]
        return redirect("portal:register_sent")
    return render(request, "portal/register_new_link.html", {"form": form})
