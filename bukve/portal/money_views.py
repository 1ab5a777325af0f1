"""Moja knjižnica: the statement of loans and debts and the receipts of payments as PDF, for
the member or the child acted for (and nobody else: another member's receipt is not found)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bukve.accounts.models import Payment
from bukve.accounts.pdf import pdf_response, receipt_pdf, statement_document
from bukve.accounts.receipts import receipt_for
from bukve.circulation.statements import statement_for
from bukve.portal.access import MemberRequest, member_required


@member_required
def statement_download(request: MemberRequest) -> HttpResponse:
    """The loans and debts (Tolmin art. 24), with how to pay by bank transfer."""
    found = statement_for(request.acting_for, timezone.localdate())
    return pdf_response(statement_document(found), found.filename)


@member_required
def receipt_download(request: MemberRequest, payment_id: int) -> HttpResponse:
    """The receipt of one of the member's payments of money."""
    payment = get_object_or_404(
        Payment.objects.select_related("member", "library", "taken_by"),
        pk=payment_id,
        member=request.acting_for,
        method__in=Payment.MONEY,
    )
    found = receipt_for(payment)
    return pdf_response(receipt_pdf(found), found.filename)
