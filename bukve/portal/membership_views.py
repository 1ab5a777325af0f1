"""Moja knjižnica: the membership (renewing it, which charges the fee to be paid at the desk
or online) and the download of one's personal data (Tolmin art. 55)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.libraries.services import policy_for
from bukve.membership.personal_data import member_data_export
from bukve.membership.services import membership_fee, membership_renew
from bukve.portal.access import MemberRequest, member_required
from bukve.refusals import Refused


@member_required
def membership(request: MemberRequest) -> HttpResponse:
    """The paid period and the fee of a renewal, for the member or the child acted for."""
    member = request.acting_for
    today = timezone.localdate()
    policy = policy_for(member.library, today)
    expires = member.expires
    context = {
        "section": "membership",
        "member": member,
        "today": today,
        "fee": membership_fee(member, policy, today),
        "renewable": member.ended_on is None
        and (expires is None or (expires - today).days <= policy.membership.renew_before_days),
    }
    return render(request, "portal/membership.html", context)


@require_POST
@member_required
def renew(request: MemberRequest) -> HttpResponse:
    try:
        member = membership_renew(member=request.acting_for, today=timezone.localdate())
    except Refused as refused:
        messages.error(request, refused.sentence)
    else:
        assert member.expires is not None  # a renewal sets the paid period
        messages.success(
            request,
            _("The membership is renewed until %(date)s. Pay the fee at the library or online.")
            % {"date": formats.date_format(member.expires, "j. n. Y")},
        )
    return redirect("portal:membership")


@member_required
def data_download(request: MemberRequest) -> HttpResponse:
    """Everything kept about the member, as a JSON file."""
    member = request.acting_for
    data = json.dumps(member_data_export(member), ensure_ascii=False, indent=1)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"bukve-{member.card_number}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
