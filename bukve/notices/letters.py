"""Letters as PDF (reportlab): the library's name and address, the addressee, the date, the
subject and the text, and for notices the table of items not returned and, where the library
takes bank transfers, the UPN QR payment slip of the member's debt. Tolmin's 3rd and 4th
notice go by registered mail and are marked so (Tolmin art. 34)."""

from __future__ import annotations

import io
from datetime import date
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
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

from bukve.accounts.pdf import pdf_font
from bukve.accounts.slips import payment_text, upn_qr_png
from bukve.libraries.services import policy_for
from bukve.notices.models import Message
from bukve.rules.upn import parse_payload

# Where a template puts the table of items in a letter (messages/_items.txt).
ITEMS = "[[items]]"
# The postal marking of registered mail in Slovenia, the same whatever the member's language.
REGISTERED = "PRIPOROČENO"
# The QR code's side, its quiet zone included: 85 modules of a version-15 code at about 0.47
# mm, close to the UPN QR form's code.
QR_SIDE = 40 * mm


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines())


def letter_pdf(message: Message) -> bytes:
    """The letter of a message, as PDF bytes."""
    font = pdf_font()
    normal = ParagraphStyle("normal", fontName=font, fontSize=10, leading=14, spaceAfter=8)
    bold = ParagraphStyle("bold", parent=normal, fontName=f"{font}-Bold")
    big = ParagraphStyle("big", parent=bold, fontSize=13, leading=17, spaceAfter=0)
    library = message.library
    branch = library.branches.order_by("id").first()
    notice = message.notice
    day: date = notice.date if notice else timezone.localdate(message.created_at)
    with translation.override(message.language):
        story: list[Flowable] = [Paragraph(escape(library.name), big)]
        if branch is not None and branch.address:
            story.append(Paragraph(escape(branch.address), normal))
        story += [Spacer(1, 12 * mm)]
        if notice is not None and notice.registered_mail:
            story += [Paragraph(REGISTERED, big), Spacer(1, 3 * mm)]
        story += [
            Paragraph(_lines(message.to), normal),
            Spacer(1, 12 * mm),
            Paragraph(escape(formats.date_format(day, "j. n. Y")), normal),
            Spacer(1, 6 * mm),
            Paragraph(escape(message.subject), bold),
            Spacer(1, 2 * mm),
        ]
        table = _items_table(message, font, normal)
        for paragraph in message.body.split("\n\n"):
            before, mark, after = paragraph.partition(ITEMS)
            if before.strip():
                story.append(Paragraph(_lines(before.strip()), normal))
            if mark:
                story += [table, Spacer(1, 6 * mm)]
            if after.strip():
                story.append(Paragraph(_lines(after.strip()), normal))
        if ITEMS not in message.body and message.items:
            story.append(table)
        if message.upn:
            story.append(_payment(message, day, normal, bold))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=message.subject, author=library.name,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                            bottomMargin=20 * mm)  # fmt: skip
    doc.build(story)
    return buffer.getvalue()


def _items_table(message: Message, font: str, style: ParagraphStyle) -> Table:
    """The items: barcode, title, due date. Caller holds the message's language."""
    rows = [[_("Barcode"), _("Title"), _("Due date")]] + [
        [item["barcode"], Paragraph(escape(item["title"]), style),
         formats.date_format(date.fromisoformat(item["due"]), "j. n. Y")]
        for item in message.items
    ]  # fmt: skip
    table = Table(rows, colWidths=[35 * mm, 100 * mm, 35 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 10),
        ("FONT", (0, 0), (-1, 0), f"{font}-Bold", 10),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _payment(
    message: Message, day: date, normal: ParagraphStyle, bold: ParagraphStyle
) -> KeepTogether:
    """How to pay the debt by bank transfer, beside the UPN QR code to scan, kept on one
    page. Caller holds the message's language."""
    slip = parse_payload(message.upn)
    first = policy_for(message.library, day).return_noticed_items_before_paying
    heading, *lines = payment_text(slip, attached=False, return_first=first)
    tight = ParagraphStyle("tight", parent=normal, spaceAfter=2)
    text = [Paragraph(escape(heading), bold)] + [Paragraph(escape(line), tight) for line in lines]
    code = Image(io.BytesIO(upn_qr_png(slip)), width=QR_SIDE, height=QR_SIDE)
    table = Table([[text, code]], colWidths=[125 * mm, 45 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0)]))  # fmt: skip
    return KeepTogether([Spacer(1, 6 * mm), table])
