"""Moja knjižnica: the member portal. Views parse input, call one service and render;
every object is looked up through the member acted for, so another member's id is a 404."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bukve.accounts.models import Charge
from bukve.accounts.online import refunds_owed
from bukve.accounts.selectors import charges_of, payments_of
from bukve.accounts.services import credit, open_debt
from bukve.accounts.settlement import ZERO
from bukve.catalog.models import Record
from bukve.circulation.fines import fine_explain
from bukve.circulation.holds import reservation_cancel, reservation_place
from bukve.circulation.models import Loan, Locker, Reservation
from bukve.circulation.selectors import (
    catalogue_search,
    copy_to_reserve,
    loan_rows,
    lockers_offered,
    queue_position,
    reservation_rows,
)
from bukve.circulation.services import loan_renew, member_blocks
from bukve.interlibrary.selectors import member_ill_requests
from bukve.libraries.models import Branch
from bukve.libraries.selectors import library_remembered
from bukve.members.services import (
    member_authenticate,
    member_password_set,
    member_preferences_set,
)
from bukve.portal.access import (
    ACTING_FOR,
    SESSION_VERSION,
    MemberRequest,
    acting_for,
    login_counter,
    member_log_in,
    member_log_out,
    member_required,
)
from bukve.portal.cards import barcode_svg, qr_svg
from bukve.portal.catalogue_views import search_context
from bukve.portal.forms import LoginForm, PasswordForm, PreferencesForm
from bukve.portal.payment_views import pay_offer
from bukve.refusals import Refused
from bukve.throttle import login_failed, login_locked, login_succeeded

LIBRARY_COOKIE = "bukve_library"  # the library chosen at the last login, by code
LIBRARY_COOKIE_AGE = 365 * 24 * 60 * 60
# One message for any wrong part, so that it does not tell which card numbers exist.
WRONG_LOGIN = gettext_lazy(
    "The card number or e-mail and the password do not match. Check them and try again."
)
LOCKED = gettext_lazy(
    "Too many failed attempts to log in with this card number or e-mail. Try again in "
    "15 minutes, or ask at the library."
)


def _day(day: date | None) -> str:
    return formats.date_format(day, "j. n. Y") if day else ""


def _next(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse(default)


def _use_language(response: HttpResponse, language: str) -> HttpResponse:
    """Show the portal in `language` from now on: this response's messages and, through the
    language cookie that LocaleMiddleware reads, the next pages."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


# --- logging in and out, acting for a child ------------------------------------------------


def login(request: HttpRequest) -> HttpResponse:
    """Card number or e-mail and password. After LOGIN_ATTEMPTS failures for one member
    (by card number and e-mail together) the login is locked for a while, whatever the
    password (bukve.throttle)."""
    remembered = library_remembered(request.COOKIES.get(LIBRARY_COOKIE, ""))
    form = LoginForm(request.POST or None, initial={"library": remembered})
    if request.method == "POST" and form.is_valid():
        library, login = form.cleaned_data["library"], form.cleaned_data["login"]
        counter = login_counter(library, login)
        if login_locked(*counter):
            form.add_error(None, LOCKED)
        else:
            password = form.cleaned_data["password"]
            member = member_authenticate(library=library, login=login, password=password)
            if member is None:
                login_failed(*counter)
                form.add_error(None, WRONG_LOGIN)
            else:
                login_succeeded(*counter)
                member_log_in(request, member)
                response = redirect(_next(request, "portal:home"))
                response.set_cookie(
                    LIBRARY_COOKIE,
                    library.code,
                    max_age=LIBRARY_COOKIE_AGE,
                    httponly=True,
                    samesite="Lax",
                )
                return _use_language(response, member.language)
    return render(
        request, "portal/login.html", {"form": form, "next": _next(request, "portal:home")}
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    member_log_out(request)
    messages.success(request, _("You are logged out."))
    return redirect("portal:login")


@require_POST
@member_required
def act_for(request: MemberRequest) -> HttpResponse:
    """Act for oneself or for one's child under 18 (Tolmin art. 22); any other id is a 404."""
    member = request.member
    acting = acting_for(member, request.wards, request.POST.get("member"))
    if acting is None:
        raise Http404
    if acting == member:
        request.session.pop(ACTING_FOR, None)
    else:
        request.session[ACTING_FOR] = acting.pk
    return redirect(_next(request, "portal:home"))


# --- loans -----------------------------------------------------------------------------------


@member_required
def home(request: MemberRequest) -> HttpResponse:
    """Loans with their due dates, notices and what renewing would do; what blocks borrowing."""
    member = request.acting_for
    today = timezone.localdate()
    return render(
        request,
        "portal/loans.html",
        {
            "section": "loans",
            "today": today,
            "rows": loan_rows(member, today),
            "blocks": member_blocks(member, today),
        },
    )


@require_POST
@member_required
def renew(request: MemberRequest, loan_id: int) -> HttpResponse:
    """Renew one of the member's loans. A loan returned since the page was opened (in another
    tab, or at the library) is refused with the day it came back, not with a 404."""
    member = request.acting_for
    loan = get_object_or_404(Loan.objects.select_related("item__record"), pk=loan_id, member=member)
    title = str(loan.item.record)
    try:
        loan = loan_renew(member=member, item=loan.item, channel="online")
    except Refused as refused:
        messages.error(
            request,
            _("%(title)s was not renewed. %(reason)s")
            % {"title": title, "reason": refused.sentence},
        )
    else:
        messages.success(
            request,
            _("%(title)s is renewed; it is now due on %(due)s.")
            % {"title": title, "due": _day(loan.due_date)},
        )
    return redirect("portal:home")


# --- reservations and the catalogue ---------------------------------------------------------


@member_required
def reservations(request: MemberRequest) -> HttpResponse:
    member = request.acting_for
    return render(
        request,
        "portal/reservations.html",
        {
            "section": "reservations",
            "rows": reservation_rows(member),
            "ill": member_ill_requests(member),
        },
    )


@require_POST
@member_required
def cancel(request: MemberRequest, reservation_id: int) -> HttpResponse:
    reservation = get_object_or_404(
        Reservation.objects.select_related("record"),
        pk=reservation_id,
        member=request.acting_for,
        status__in=Reservation.OPEN,
    )
    reservation_cancel(reservation=reservation)
    messages.success(
        request, _("The reservation of %(title)s is cancelled.") % {"title": reservation.record}
    )
    return redirect("portal:reservations")


@member_required
def search(request: MemberRequest) -> HttpResponse:
    """The catalogue of the member's library (catalogue_search), with a reserve button."""
    member = request.acting_for
    context = search_context(
        request,
        member.library_id,
        lambda q, filters, page: catalogue_search(member, q, filters=filters, page=page),
    )
    found = context["found"]
    rows = [(hit, copy_to_reserve(hit.record)) for hit in found.hits] if found else []
    lockers = lockers_offered(member.library, timezone.localdate())
    return render(
        request,
        "portal/search.html",
        {"section": "search", "rows": rows, "library": member.library, "lockers": lockers,
         **context},
    )  # fmt: skip


@require_POST
@member_required
def reserve(request: MemberRequest, record_id: int) -> HttpResponse:
    """Reserve a title, to be picked up at the branch chosen (the copy's branch by default)."""
    member = request.acting_for
    record = get_object_or_404(
        Record.objects.prefetch_related("items__branch"), pk=record_id, library=member.library_id
    )
    # a branch's id, or "locker-" and a parcel locker's (Tolmin art. 22.b)
    choice = request.POST.get("pickup_branch", "")
    locker_id = choice.removeprefix("locker-")
    if not locker_id.isdigit():
        raise Http404
    locker = None
    if locker_id != choice:
        locker = get_object_or_404(Locker, pk=locker_id, library=member.library_id)
        branch = locker.branch
    else:
        branch = get_object_or_404(Branch, pk=choice, library=member.library_id)
    item = copy_to_reserve(record)
    if item is None:
        raise Http404
    try:
        reservation = reservation_place(
            member=member, item=item, pickup_branch=branch, locker=locker
        )
    except Refused as refused:
        messages.error(
            request,
            _("%(title)s was not reserved. %(reason)s")
            % {"title": record, "reason": refused.sentence},
        )
        query = urlencode({"q": request.POST.get("q", "")})
        return redirect(f"{reverse('portal:search')}?{query}")
    if reservation.locker is not None and reservation.status == Reservation.HELD:
        messages.success(
            request,
            _("A copy of %(title)s goes into %(locker)s; you will get the code to open it.")
            % {"title": record, "locker": reservation.locker},
        )
    elif reservation.status == Reservation.HELD:
        messages.success(
            request,
            _("A copy of %(title)s is waiting for you at %(branch)s; pick it up by %(date)s.")
            % {
                "title": record,
                "branch": reservation.pickup_branch,
                "date": _day(reservation.hold_expires),
            },
        )
    elif reservation.item is not None:  # pulled from another branch's shelf and sent
        messages.success(
            request,
            _("A copy of %(title)s is on its way to %(branch)s; you will be told when it is "
              "ready.") % {"title": record, "branch": reservation.pickup_branch},
        )  # fmt: skip
    else:
        messages.success(
            request,
            _("%(title)s is reserved; you are number %(position)s in the queue.")
            % {"title": record, "position": queue_position(reservation)},
        )
    return redirect("portal:reservations")


# --- the account, the card, settings --------------------------------------------------------


@member_required
def account(request: MemberRequest) -> HttpResponse:
    """Charges with what is still open on each, the open debt and the payments."""
    member = request.acting_for
    return render(
        request,
        "portal/account.html",
        {
            "section": "account",
            "charges": charges_of(member, "item__record"),
            "debt": open_debt(member),
            "credit": credit(member),
            "owed_back": sum((owed for _o, owed in refunds_owed(member.library_id, member)), ZERO),
            "payments": payments_of(member),
            "pay": pay_offer(member, timezone.localdate()),
        },
    )


@member_required
def fine(request: MemberRequest, charge_id: int) -> HttpResponse:
    """A fine, day by day: which days were charged and why the others were not."""
    charge = get_object_or_404(
        Charge.objects.select_related("loan__item__record", "loan__branch", "loan__library"),
        pk=charge_id,
        member=request.acting_for,
        kind="fine",
        loan__isnull=False,
        stretch_from__isnull=False,
    )
    return render(
        request,
        "portal/fine.html",
        {"section": "account", "charge": charge, "days": fine_explain(charge)},
    )


@member_required
def card(request: MemberRequest) -> HttpResponse:
    """The membership card on the phone, for the desk to scan (Tolmin art. 18)."""
    member = request.acting_for
    return render(
        request,
        "portal/card.html",
        {
            "section": "card",
            "barcode": barcode_svg(member.card_number),
            "qr": qr_svg(member.card_number),
        },
    )


def _settings_page(
    request: MemberRequest, preferences: PreferencesForm, password: PasswordForm
) -> HttpResponse:
    return render(
        request,
        "portal/settings.html",
        {"section": "settings", "form": preferences, "password_form": password},
    )


@member_required
def preferences(request: MemberRequest) -> HttpResponse:
    """How to be notified and in which language: the logged-in member's own, also when acting
    for a child. The portal switches to the chosen language at once."""
    member = request.member
    initial = {"notify_by": member.notify_by, "language": member.language}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        member_preferences_set(member=member, **form.cleaned_data)
        response = _use_language(redirect("portal:settings"), form.cleaned_data["language"])
        messages.success(request, _("Your settings are saved."))
        return response
    return _settings_page(request, form, PasswordForm(member=member))


@member_required
def password(request: MemberRequest) -> HttpResponse:
    member = request.member
    form = PasswordForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            changed = member_password_set(
                member=member, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            # Every other session of the member has ended; this one goes on, under a new key.
            request.session.cycle_key()
            request.session[SESSION_VERSION] = changed.session_version
            messages.success(request, _("Your password is changed."))
            return redirect("portal:settings")
    initial = {"notify_by": member.notify_by, "language": member.language}
    return _settings_page(request, PreferencesForm(initial=initial), form)
