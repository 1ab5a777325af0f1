"""What the desk's views share: finding a member, a copy or a loan of the staff member's
library, showing refusals and form errors as messages, and going back to the member page.

Rows are looked up through `request.staff.library`, so another library's rows are not found
(404, or "no item with this barcode").
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from bukve.catalog.models import Item
from bukve.catalog.selectors import item_by_barcode
from bukve.circulation.models import Loan
from bukve.desk.access import DeskRequest
from bukve.members.models import Member
from bukve.members.selectors import member_by_card
from bukve.refusals import Refused


def member_or_404(request: DeskRequest, pk: int) -> Member:
    """A member of the staff member's library, with the library and guardian read too."""
    return get_object_or_404(
        Member.objects.select_related("library", "guardian"), pk=pk, library=request.staff.library
    )


def item_scanned(request: DeskRequest, barcode: str) -> Item | None:
    """The copy of the staff member's library with this barcode, if there is one."""
    return item_by_barcode(request.staff.library, barcode)


def card_member(request: DeskRequest, number: str) -> Member | None:
    """The member of the staff member's library with this card number (spaces around it
    dropped); None for no such member, or no number."""
    number = number.strip()
    if not number:
        return None
    return member_by_card(request.staff.library, number)


def loan_or_404(member: Member, pk: int) -> Loan:
    return get_object_or_404(Loan.objects.select_related("item__record"), pk=pk, member=member)


def show_form_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        messages.error(request, " ".join(str(error) for error in errors))


def show_refusal(request: HttpRequest, refusal: Refused, subject: str = "") -> None:
    text = f"{subject}: {refusal.sentence}" if subject else refusal.sentence
    messages.error(request, text)


def show_no_item(request: HttpRequest, barcode: str) -> None:
    messages.error(request, _("%(barcode)s: no item with this barcode.") % {"barcode": barcode})


def to_member(member: Member, anchor: str = "", *, scan: str = "") -> HttpResponseRedirect:
    """The member page: at a section (#anchor), or with the cursor in a scan field (`scan`:
    "renew"; the checkout field by default). A section's fragment keeps the cursor out of
    every field in Chromium (desk.js puts it back in the checkout field)."""
    url = reverse("desk:member", args=[member.pk])
    if scan:
        return redirect(f"{url}?scan={scan}")
    return redirect(f"{url}#{anchor}" if anchor else url)


def date_text(day: date | None) -> str:
    """A day as the desk writes it: "7. 12. 2026"; nothing for no day."""
    return formats.date_format(day, "j. n. Y") if day else ""
