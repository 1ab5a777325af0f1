"""The desk's member pages: a new member, the membership (fee, evidence, cards, signing,
authorised persons, the end of membership) and the members waiting to be looked at.

Views parse the input, call one service and show its outcome; refusals and bad input are
shown as messages, never as errors.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.common import (
    card_member,
    date_text,
    member_or_404,
    show_form_errors,
    show_refusal,
    to_member,
)
from bukve.desk.member_forms import (
    AuthorisationForm,
    CardForm,
    EndForm,
    EvidenceForm,
    ExcludeForm,
    MemberForm,
    SignForm,
)
from bukve.formatting import money
from bukve.libraries.models import Staff
from bukve.libraries.services import policy_for
from bukve.members.models import Member, Registration
from bukve.members.selectors import (
    member_authorisations,
    member_cards,
    member_evidence,
    members_not_signed,
    registrations_with,
)
from bukve.membership import services as membership
from bukve.membership.services import member_create
from bukve.refusals import Refused


def _to_membership(member: Member) -> HttpResponse:
    return redirect("desk:membership", pk=member.pk)


@staff_required()
def new_member(request: DeskRequest) -> HttpResponse:
    """Enrol a member at the desk, from the identity document: the card number is the
    library's next, the fee of the category is charged and the membership paid for a year."""
    form = MemberForm(request.POST or None, initial={"language": "sl", "category": "adult"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guardian = card_member(request, data["guardian"])
        if data["guardian"] and guardian is None:
            form.add_error("guardian", _("No member with this card number."))
        else:
            evidence = None
            if data["evidence_kind"]:
                evidence = membership.Evidence(
                    data["evidence_kind"], data["evidence_issued"], data["evidence_expires"]
                )
            try:
                member = member_create(
                    library=request.staff.library, first_name=data["first_name"],
                    last_name=data["last_name"], born=data["born"], category=data["category"],
                    address=data["address"], email=data["email"], phone=data["phone"],
                    language=data["language"], guardian=guardian,
                    contact_person=data["contact_person"], evidence=evidence,
                    issue_card=data["issue_card"], by=request.user,
                )  # fmt: skip
            except Refused as refusal:
                form.add_error(None, refusal.sentence)
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(member)s is a member now, card number %(card)s.")
                    % {"member": member.name, "card": member.card_number},
                )
                return to_member(member)
    return render(request, "desk/members/new.html", {"form": form, "section": "members"})


@staff_required()
def pending(request: DeskRequest) -> HttpResponse:
    """Members registered online who have not signed in person yet, and registrations that
    look like an existing member, for the library to look at (seed 000)."""
    library = request.staff.library
    context = {
        "restricted": members_not_signed(library),
        # Tolmin art. 13.a: registered online, the fee not paid online yet.
        "unpaid": registrations_with(library, Registration.UNPAID, "member"),
        "duplicates": registrations_with(library, Registration.DUPLICATE, "duplicate_of"),
        "section": "members",
    }
    return render(request, "desk/members/pending.html", context)


@staff_required()
def membership_page(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    today = timezone.localdate()
    policy = policy_for(member.library, today)
    context = {
        "member": member,
        "today": today,
        "fee": membership.membership_fee(member, policy, today),
        "needs_evidence": membership.needs_evidence(member, policy, today),
        "evidence": member_evidence(member),
        "cards": member_cards(member),
        "authorisations": member_authorisations(member),
        "evidence_form": EvidenceForm(),
        "card_form": CardForm(initial={"reason": "lost" if member.cards.exists() else "first"}),
        "sign_form": SignForm(),
        "authorisation_form": AuthorisationForm(initial={"valid_until": member.expires}),
        "end_form": EndForm(),
        "exclude_form": ExcludeForm(),
        "may_exclude": request.staff.may(Staff.DIRECTOR),
        "borrows_only_on": policy.borrow_only_on.get(member.category),
        "section": "members",
    }
    return render(request, "desk/members/membership.html", context)


@require_POST
@staff_required()
def fee_pay(request: DeskRequest, pk: int) -> HttpResponse:
    """A member who borrows only on the mobile library pays the annual fee, which opens every
    branch (Tolmin art. 17, 22): the category follows the member's age and the fee is
    charged to the account, to be paid at the desk as any debt."""
    return _membership_paid(request, pk, membership.membership_fee_pay, _(
        "Every branch is open to the member now: %(category)s, paid until %(date)s."))  # fmt: skip


@require_POST
@staff_required()
def renew(request: DeskRequest, pk: int) -> HttpResponse:
    return _membership_paid(request, pk, membership.membership_renew,
                            _("The membership is paid until %(date)s."))  # fmt: skip


def _membership_paid(
    request: DeskRequest, pk: int, service: Callable[..., Member], done: str
) -> HttpResponse:
    """Charge a membership period through `service` and say until when it is paid."""
    member = member_or_404(request, pk)
    try:
        member = service(member=member, today=timezone.localdate(), by=request.user)
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        category = member.get_category_display()
        messages.success(request, done % {"category": category, "date": date_text(member.expires)})
    return to_member(member, "membership")


@require_POST
@staff_required()
def evidence(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership.evidence_record(
                member=member,
                evidence=membership.Evidence(data["kind"], data["issued"], data["expires"]),
                today=timezone.localdate(),
                by=request.user,
            )
        except ValueError:
            form.add_error(None, _("Check the document's dates: a document needs a valid-until "
                                   "date after its issue."))  # fmt: skip
        else:
            messages.success(request, _("The document is recorded."))
    show_form_errors(request, form)
    return _to_membership(member)


@require_POST
@staff_required()
def card(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    form = CardForm(request.POST)
    if form.is_valid():
        issued = membership.card_issue(member=member, reason=form.cleaned_data["reason"],
                                       today=timezone.localdate(), by=request.user)  # fmt: skip
        messages.success(
            request,
            _("Card %(card)s handed out (%(price)s).")
            % {"card": member.card_number, "price": money(issued.price)},
        )
    show_form_errors(request, form)
    return _to_membership(member)


@require_POST
@staff_required()
def sign(request: DeskRequest, pk: int) -> HttpResponse:
    """The identity document was checked and the statement signed: lift the restrictions."""
    member = member_or_404(request, pk)
    form = SignForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["guardian"]
        guardian = card_member(request, number)
        if number and guardian is None:
            form.add_error("guardian", _("No member with this card number."))
        else:
            try:
                membership.member_sign(
                    member=member, by=request.user, today=timezone.localdate(), guardian=guardian
                )
            except Refused as refusal:
                show_refusal(request, refusal)
            else:
                messages.success(request, _("Signed: the restrictions are lifted."))
    show_form_errors(request, form)
    return to_member(member, "membership")


@require_POST
@staff_required()
def authorisation(request: DeskRequest, pk: int) -> HttpResponse:
    member = member_or_404(request, pk)
    form = AuthorisationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = card_member(request, data["card_number"])
        if data["card_number"] and person is None:
            form.add_error("card_number", _("No member with this card number."))
        else:
            try:
                membership.authorisation_add(
                    member=member, name=data["name"], person=person,
                    valid_until=data["valid_until"], today=timezone.localdate(),
                    by=request.user,
                )  # fmt: skip
            except Refused as refusal:
                show_refusal(request, refusal)
            else:
                messages.success(request, _("The authorisation is recorded."))
    show_form_errors(request, form)
    return _to_membership(member)


@require_POST
@staff_required()
def end(request: DeskRequest, pk: int) -> HttpResponse:
    """End the membership on the member's written request, or on death (Tolmin art. 20)."""
    member = member_or_404(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        _end(request, member, form.cleaned_data["reason"])
    show_form_errors(request, form)
    return _to_membership(member)


@require_POST
@staff_required(Staff.DIRECTOR)
def exclude(request: DeskRequest, pk: int) -> HttpResponse:
    """The director ends the membership for breaking the rules, until a date (art. 20, 56)."""
    member = member_or_404(request, pk)
    form = ExcludeForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["until"] <= timezone.localdate():
            form.add_error("until", _("The exclusion must end after today."))
        else:
            _end(request, member, "rules", form.cleaned_data["until"])
    show_form_errors(request, form)
    return _to_membership(member)


def _end(request: DeskRequest, member: Member, reason: str, until: date | None = None) -> None:
    try:
        membership.membership_end(member=member, today=timezone.localdate(), reason=reason,
                                  by=request.user, until=until)  # fmt: skip
    except Refused as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The membership has ended."))
