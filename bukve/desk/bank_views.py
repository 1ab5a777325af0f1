"""The desk's bank statement import: upload a CSV of incoming transfers and see which rows
became payments of which members, which matched nobody, and which were imported before
(bukve/accounts/bank.py). The director (or an administrator) imports: it books money.

A file with a bad row is refused whole; the page lists each bad row's line and reason. A file
that is not a CSV text at all (binary, a field of many kilobytes) is a form error.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bukve.accounts.bank import (
    IMPORTED_BEFORE,
    MATCHED,
    MAX_BYTES,
    MAX_CELL,
    UNMATCHED,
    BankFileError,
    bank_statement_import,
    bank_transaction_assign,
    statement_decode,
    statement_rows,
)
from bukve.accounts.models import BankTransaction
from bukve.accounts.selectors import bank_transactions_unmatched
from bukve.desk.access import DeskRequest, staff_required
from bukve.desk.common import card_member
from bukve.formatting import money
from bukve.libraries.models import Staff
from bukve.refusals import Refused


class BankStatementForm(forms.Form):
    statement = forms.FileField(
        label=gettext_lazy("Bank statement (CSV)"),
        help_text=gettext_lazy(
            "Columns: date, amount, reference, payer, transaction id. Rows already imported "
            "are skipped."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_statement(self) -> str:
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            text = statement_decode(upload.read())
            statement_rows(text)  # read again on import; here only to refuse a broken file
        except BankFileError as error:
            if error.code == "field_too_long":
                message = _("Line %(line)s has a field longer than %(longest)s characters: "
                            "this is not a bank statement.")  # fmt: skip
            elif error.code == "not_csv":
                message = _("Line %(line)s cannot be read as CSV: this is not a bank statement.")
            else:
                message = _("The file is not a text (CSV) file.")
            raise forms.ValidationError(
                message % {"line": error.line, "longest": MAX_CELL}, code=error.code
            ) from None
        return text


@staff_required(Staff.DIRECTOR)
def bank_import(request: DeskRequest) -> HttpResponse:
    """Upload a statement; the result is shown at once (not redirected): what was booked."""
    library = request.staff.library
    form = BankStatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = bank_statement_import(library=library, text=form.cleaned_data["statement"],
                                       by=request.user)  # fmt: skip
        if result.bad:
            messages.error(request, _("Nothing was imported: the file has rows that cannot be "
                                      "read. Correct them and import the file again."))  # fmt: skip
        else:
            matched, unmatched = result.of(MATCHED), result.of(UNMATCHED)
            messages.success(
                request,
                _("%(matched)s payments booked (%(amount)s), %(unmatched)s rows without a "
                  "member, %(before)s rows imported before.")
                % {"matched": len(matched), "amount": money(result.booked),
                   "unmatched": len(unmatched), "before": len(result.of(IMPORTED_BEFORE))},
            )  # fmt: skip
    kept = bank_transactions_unmatched(library)
    context = {"form": form, "result": result, "unmatched": kept, "section": "money"}
    return render(request, "desk/bank.html", context)


@require_POST
@staff_required(Staff.DIRECTOR)
def bank_assign(request: DeskRequest, pk: int) -> HttpResponse:
    """Book a transfer that matched no member as a payment of the member with the card
    number staff enter (they know the payer, the reference was wrong or missing)."""
    library = request.staff.library
    line = get_object_or_404(BankTransaction, pk=pk, library=library)
    member = card_member(request, request.POST.get("card", ""))
    if member is None:
        messages.error(request, _("No member with this card number."))
        return redirect("desk:money_bank")
    try:
        payment = bank_transaction_assign(transaction_line=line, member=member, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.sentence)
    else:
        messages.success(request, _("%(amount)s booked to %(member)s, receipt %(number)s.")
                         % {"amount": money(payment.amount), "member": member,
                            "number": payment.receipt_number})  # fmt: skip
    return redirect("desk:money_bank")
