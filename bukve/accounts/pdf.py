"""Receipts and statements of loans and debts as PDF (reportlab), in the active language.

The content is built in bukve/accounts/receipts.py; the print pages of the desk and the
portal show the same. The fonts are the letters' (Vera, with č, š and ž).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from bukve.accounts.receipts import Balance, Receipt, Statement
from bukve.accounts.slips import upn_qr_png
from bukve.formatting import money
from bukve.refusals import SENTENCES

QR_SIZE = 45 * mm  # the UPN QR code, big enough for any phone's banking app


@cache
def pdf_font() -> str:
    """Bitstream Vera, bundled with reportlab: it has č, š and ž, so no system font is needed."""
    pdfmetrics.registerFont(TTFont("BukveSans", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("BukveSans-Bold", "VeraBd.ttf"))
    pdfmetrics.registerFontFamily("BukveSans", normal="BukveSans", bold="BukveSans-Bold",
                                  italic="BukveSans", boldItalic="BukveSans-Bold")  # fmt: skip
    return "BukveSans"


def percent(rate: Decimal) -> str:
    """A VAT rate as printed: "20 %", "8,5 %" (in the active language's decimals)."""
    places = max(0, -int(rate.normalize().as_tuple().exponent))
    return f"{formats.number_format(rate, places)} %"


def day_text(day: date) -> str:
    return formats.date_format(day, "j. n. Y")


def credit_text(amount: Decimal) -> str:
    return _("Credit on the account: %(amount)s") % {"amount": money(amount)}


def owed_label(balance: Balance) -> str:
    if balance.after_payment:
        return _("Still owed after this payment")
    return _("Still owed on %(date)s") % {"date": day_text(balance.day)}


def balance_paragraphs(s: _Styles, balance: Balance) -> list[Flowable]:
    """What the member still owes after the payment, and any credit, as the HTML receipt."""
    story: list[Flowable] = [s.p(f"{owed_label(balance)}: {money(balance.owed)}", s.bold)]
    if balance.credit > 0:
        story.append(s.p(credit_text(balance.credit)))
    return story


class _Styles:
    def __init__(self) -> None:
        self.font = font = pdf_font()
        self.normal = ParagraphStyle("normal", fontName=font, fontSize=10, leading=13)
        self.bold = ParagraphStyle("bold", parent=self.normal, fontName=f"{font}-Bold")
        self.cell = ParagraphStyle("cell", parent=self.normal, fontSize=9, leading=11)
        self.big = ParagraphStyle("big", parent=self.bold, fontSize=14, leading=18)
        self.heading = ParagraphStyle(
            "heading",
            parent=self.bold,
            fontSize=11,
            leading=15,
            spaceBefore=6 * mm,
            spaceAfter=2 * mm,
        )
        self.alert = ParagraphStyle("alert", parent=self.big, textColor=colors.darkred)

    def p(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(text), style or self.normal)

    def table(
        self,
        rows: list[list[Any]],
        widths: Sequence[float],
        *,
        numbers: int = 0,
        header: bool = True,
        total: bool = False,
    ) -> Table:
        """A table; the last `numbers` columns are amounts (right-aligned)."""
        table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT")
        style: list[tuple[Any, ...]] = [
            ("FONT", (0, 0), (-1, -1), self.font, 9),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if numbers:
            style.append(("ALIGN", (-numbers, 0), (-1, -1), "RIGHT"))
        if header:
            style += [
                ("FONT", (0, 0), (-1, 0), f"{self.font}-Bold", 9),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            ]
        if total:
            style += [
                ("FONT", (0, -1), (-1, -1), f"{self.font}-Bold", 9),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ]
        table.setStyle(TableStyle(style))
        return table


def _document(story: list[Flowable], title: str, author: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    doc.build(story)
    return buffer.getvalue()


def _head(s: _Styles, library: str, address: str) -> list[Flowable]:
    story: list[Flowable] = [s.p(library, s.big)]
    if address:
        story.append(s.p(address))
    return [*story, Spacer(1, 10 * mm)]


# --- receipts ---------------------------------------------------------------------------------


def receipt_pdf(receipt: Receipt) -> bytes:
    """A payment's receipt: who took what for which charges, with the VAT included."""
    s = _Styles()
    title = _("Receipt %(number)s") % {"number": receipt.number}
    story = [*_head(s, receipt.library, receipt.address), s.p(title, s.big)]
    if receipt.reversed_on:
        story.append(
            s.p(_("REVERSED on %(date)s") % {"date": day_text(receipt.reversed_on)}, s.alert)
        )
        if receipt.reversed_reason:
            story.append(s.p(_("Reason: %(reason)s") % {"reason": receipt.reversed_reason}))
    facts = [[_("Date"), day_text(receipt.date)], [_("Payment method"), receipt.method]]
    if receipt.taken_by:
        facts.append([_("Taken by"), receipt.taken_by])
    if receipt.card_number:
        facts.append([_("Payer"), f"{receipt.payer}, {receipt.card_number}"])
    story += [
        Spacer(1, 4 * mm),
        s.table(facts, [40 * mm, 120 * mm], header=False),
        Spacer(1, 6 * mm),
    ]

    with_vat = receipt.has_vat
    head = [_("Description"), _("Paid")] + ([_("VAT rate"), _("VAT included")] if with_vat else [])
    rows: list[list[Any]] = [head]
    for line in receipt.lines:
        text = line.description
        if line.units is not None and line.unit_price is not None:
            text += f", {line.units} × {money(line.unit_price)}"
        row = [s.p(text, s.cell), money(line.amount)]
        if with_vat:
            row += ["", ""] if line.vat_rate is None else [percent(line.vat_rate), money(line.vat)]
        rows.append(row)
    rows.append([_("Total paid"), money(receipt.total)] + (["", ""] if with_vat else []))
    widths = [80 * mm, 25 * mm, 25 * mm, 30 * mm] if with_vat else [135 * mm, 25 * mm]
    story.append(s.table(rows, widths, numbers=len(head) - 1, total=True))
    if receipt.balance is not None:
        story += [Spacer(1, 3 * mm), *balance_paragraphs(s, receipt.balance)]
    if receipt.vat:
        rows = [[_("VAT rate"), _("Base"), _("VAT"), _("Amount")]] + [
            [percent(row.rate), money(row.base), money(row.vat), money(row.amount)]
            for row in receipt.vat
        ]
        story += [
            s.p(_("VAT summary"), s.heading),
            s.table(rows, [35 * mm, 35 * mm, 35 * mm, 35 * mm], numbers=3),
        ]
    if receipt.vat_note:
        story += [Spacer(1, 6 * mm), s.p(receipt.vat_note)]
    return _document(story, title, receipt.library)


# --- statements -------------------------------------------------------------------------------


def statement_document(statement: Statement) -> bytes:
    s = _Styles()
    title = _("Loans and debts")
    story = [
        *_head(s, statement.library, statement.address),
        s.p(title, s.big),
        s.p(
            _("Member: %(name)s, %(card)s")
            % {"name": statement.member, "card": statement.card_number}
        ),
        s.p(_("On %(date)s") % {"date": day_text(statement.day)}),
    ]

    story.append(s.p(_("Items on loan"), s.heading))
    if statement.loans:
        rows: list[list[Any]] = [[_("Barcode"), _("Title"), _("Due"), _("Notice")]]
        for loan in statement.loans:
            due = day_text(loan.due_date) + (f" ({_('overdue')})" if loan.overdue else "")
            notice = str(loan.notice_level) if loan.notice_level else ""
            rows.append([loan.barcode, s.p(loan.title, s.cell), s.p(due, s.cell), notice])
        story.append(s.table(rows, [25 * mm, 75 * mm, 42 * mm, 18 * mm]))
    else:
        story.append(s.p(_("None.")))

    story.append(s.p(_("Debts"), s.heading))
    if statement.charges:
        rows = [[_("Date"), _("What"), _("Amount"), _("Still open")]]
        rows += [
            [day_text(c.date), s.p(c.description, s.cell), money(c.amount), money(c.open_amount)]
            for c in statement.charges
        ]
        rows.append([_("Total open debt"), "", "", money(statement.debt)])
        story.append(s.table(rows, [25 * mm, 85 * mm, 25 * mm, 25 * mm], numbers=2, total=True))
    else:
        story.append(s.p(_("None.")))
    if statement.credit > 0:
        story += [Spacer(1, 2 * mm), s.p(credit_text(statement.credit))]

    for plan in statement.plans:
        heading = _("Installment plan of %(date)s") % {"date": day_text(plan.date)}
        rows = [[_("Due"), _("Amount")]] + [
            [day_text(due), money(amount)] for due, amount in plan.installments
        ]
        story += [
            s.p(heading, s.heading),
            s.table(rows, [35 * mm, 25 * mm], numbers=1),
            Spacer(1, 2 * mm),
            s.p(
                _("Paid on the plan so far: %(paid)s of %(total)s")
                % {"paid": money(plan.paid), "total": money(plan.total)}
            ),
        ]

    if statement.bank:
        bank = statement.bank
        facts = [[_("Recipient"), bank.recipient], [_("IBAN"), bank.iban]]
        if bank.bic:
            facts.append([_("BIC"), bank.bic])
        if bank.reference:
            facts.append([_("Reference"), bank.reference])
        facts += [[_("Purpose"), bank.purpose], [_("Amount"), money(bank.amount)]]
        block: list[Flowable] = [
            s.p(_("Paying by bank transfer"), s.heading),
            s.table(facts, [35 * mm, 125 * mm], header=False),
        ]
        if bank.slip is not None:
            qr = Image(io.BytesIO(upn_qr_png(bank.slip)), width=QR_SIZE, height=QR_SIZE)
            qr.hAlign = "LEFT"
            block += [
                Spacer(1, 4 * mm),
                qr,
                s.p(_("Or scan the UPN QR code with your mobile bank.")),
            ]
        if bank.return_first:
            block += [Spacer(1, 2 * mm), s.p(str(SENTENCES["return_items_first"]))]
        story.append(KeepTogether(block))
    return _document(story, title, statement.library)


# --- responses --------------------------------------------------------------------------------


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF to show in the browser (and save under `filename`)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
