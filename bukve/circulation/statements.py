"""A member's statement of loans and debts (Tolmin art. 24): the items on loan, read here, and
the debts, which the ledger adds (`bukve.accounts.receipts.member_statement`)."""

from __future__ import annotations

from datetime import date

from bukve.accounts.pdf import statement_document
from bukve.accounts.receipts import Statement, StatementLoan, member_statement
from bukve.circulation.models import Loan
from bukve.members.models import Member


def statement_for(member: Member, day: date) -> Statement:
    """The member's loans and debts on `day`, in the active language: the items on loan with
    their due dates and notice levels, then what `member_statement` lists."""
    loans = member.loans.filter(status=Loan.OUT).select_related("item__record").order_by("due_date")
    return member_statement(
        member,
        day,
        tuple(
            StatementLoan(
                barcode=loan.item.barcode,
                title=str(loan.item.record),
                due_date=loan.due_date,
                overdue=loan.due_date < day,
                notice_level=loan.notice_level,
            )
            for loan in loans
        ),
    )


def statement_pdf(member: Member, day: date) -> bytes:
    """The statement as a PDF."""
    return statement_document(statement_for(member, day))
