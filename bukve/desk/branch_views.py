"""The desk's branch and the copies that travel between branches (Tolmin art. 24, 31): the
branch this desk works at (check-in and checkout happen there), the copies to pull from its
shelves for holds at other branches, the copies on their way from it and to it, and the
parcel locker the branch fills (art. 22.b)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bukve.circulation.lockers import locker_deposit
from bukve.circulation.models import Reservation
from bukve.circulation.selectors import pull_list, transits_open
from bukve.desk.access import DESK_BRANCH, DeskRequest, staff_required
from bukve.desk.common import date_text, show_refusal
from bukve.inputs import parse_id
from bukve.libraries.selectors import library_branches
from bukve.refusals import Refused


@staff_required()
def branch_work(request: DeskRequest) -> HttpResponse:
    """What travels from and to the desk's branch; POST: work at another branch."""
    branches = library_branches(request.staff.library)
    if request.method == "POST":
        # No branch given (None) finds none: Django reads pk=None as "pk IS NULL".
        chosen = branches.filter(pk=parse_id(request.POST.get("branch"))).first()  # type: ignore[misc]
        if chosen is None:
            messages.error(request, _("Choose one of the library's branches."))
        else:
            request.session[DESK_BRANCH] = chosen.pk
            messages.success(request, _("This desk now works at %(branch)s.") % {"branch": chosen})
        return redirect("desk:branch")
    branch = request.branch
    context = {
        "branches": branches,
        "branch": branch,
        "pulls": pull_list(branch) if branch else [],
        "coming": transits_open(to=branch) if branch else [],
        "sent": transits_open(start=branch) if branch else [],
        "section": "branch",
    }
    return render(request, "desk/branch.html", context)


@require_POST
@staff_required()
def locker_put(request: DeskRequest, reservation_pk: int) -> HttpResponse:
    """Put a copy held for a parcel-locker reservation in the locker (Tolmin art. 22.b)."""
    reservation = get_object_or_404(Reservation, pk=reservation_pk, library=request.staff.library)
    try:
        deposit = locker_deposit(reservation=reservation)
    except Refused as refusal:
        show_refusal(request, refusal, str(reservation.record))
    else:
        messages.success(request, _(
            "%(title)s is in %(locker)s for %(member)s, lent until %(due)s; the code was sent to "
            "the member."
        ) % {"title": reservation.record, "locker": deposit.locker, "member": reservation.member,
             "due": date_text(deposit.loan.due_date)})  # fmt: skip
    return redirect("desk:hold_shelf")
