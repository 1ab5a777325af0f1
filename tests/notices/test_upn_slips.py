"""Overdue notices carry a UPN QR payment slip of the member's open debt where the library takes
bank transfers (Maribor, seed 001: IBAN SI56 0127 0603 0372 772, reference = card number):
printed on the letter, attached to the e-mail as upn-qr.png; none by SMS, none elsewhere."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bukve.accounts.services import open_debt, payment_take
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkout
from bukve.notices.channels import UPN_ATTACHMENT
from bukve.notices.letters import letter_pdf
from bukve.notices.models import Message, Notice
from bukve.notices.services import outbox_send
from bukve.rules.upn import parse_payload
from tests.accounts.test_upn_qr import assert_reads_as, zbar_decode

needs_tools = pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="zbarimg (zbar-tools) and pdftoppm (poppler-utils)",
)
MARIBOR_IBAN = "SI56 0127 0603 0372 772"


@pytest.fixture
def maribor(load_library):
    return load_library("maribor")


def lend(library, make_item, member, *titles, day=date(2026, 4, 1)):
    loans = [
        loan_checkout(member=member, item=make_item(library, f"{member.card_number}-{n}",
                                                     title=title), today=day)
        for n, title in enumerate(titles, start=1)
    ]  # fmt: skip
    return loans[0].due_date


def first_notice(library, member, due: date) -> Message:
    """Run the days up to the 1st notice (Maribor: the 10th day after the due date)."""
    daily_run(library=library, until=due + timedelta(days=10))
    return Message.objects.get(notice__member=member, notice__level=1)


@needs_tools
def test_the_notice_letter_prints_a_slip_of_the_open_debt(
    maribor, make_member, make_item, tmp_path
) -> None:
    # given: Žan, who has no e-mail, does not return two books
    zan = make_member(maribor, "MB000123", first_name="Žan", last_name="Čuk",
                      address="Ulica heroja Šaranoviča 5, 2000 Maribor")  # fmt: skip
    due = lend(maribor, make_item, zan, "Čarobni šal", "Ščepec soli")

    # when: the 1st notice is built, and its letter printed
    letter = first_notice(maribor, zan, due)
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(letter_pdf(letter))

    # then: the slip asks for the open debt then, the notice's fee, with Žan's card number
    assert letter.channel == "letter"
    slip = parse_payload(letter.upn)
    assert slip.amount == open_debt(zan) == Decimal("2.00")
    assert (slip.recipient_reference, slip.payer_name) == ("SI00000123", "Žan Čuk")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for expected in (MARIBOR_IBAN, "SI00 000123", "Mariborska knjižnica, Rotovški trg 2",
                     "Čarobni šal"):  # fmt: skip
        assert expected in text
    # and the printed code reads back as the slip, from a page rendered at 150 dpi
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "page")],
                   check=True)  # fmt: skip
    pages = sorted(tmp_path.glob("page*.png"))
    found = [subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary", str(page)],
                            capture_output=True).stdout for page in pages]  # fmt: skip
    [raw] = [r for r in found if r]
    assert_reads_as(raw, letter.upn)


@needs_tools
def test_the_notice_e_mail_attaches_the_slip_and_says_how_to_pay(
    maribor, make_member, make_item, smtp_server, tmp_path
) -> None:
    # given: Ana reads her e-mail; she owes 3.00 from before and does not return a book
    ana = make_member(maribor, "MB000777", first_name="Ana", last_name="Novak",
                      email="ana@example.org", address="Glavni trg 1, 2000 Maribor")  # fmt: skip
    charge_record(member=ana, day=date(2026, 3, 1), kind="service", amount=Decimal("3.00"))
    due = lend(maribor, make_item, ana, "Alamut")

    # when
    message = first_notice(maribor, ana, due)
    outbox_send(now=timezone.now() + timedelta(minutes=1))

    # then: 5.00 by the slip; the text names the IBAN and the reference before the greeting
    [(rcpt, email)] = smtp_server.received
    assert rcpt == ["ana@example.org"] and message.channel == "email"
    assert parse_payload(message.upn).amount == Decimal("5.00")
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert MARIBOR_IBAN in body and "SI00 000777" in body and "upn-qr.png" in body
    assert body.index("SI00 000777") < body.index("MB000777 (Ana Novak)")  # the signature
    # Maribor: a notice's fee is to be paid once the items are back
    assert "najprej vrnete gradivo" in body  # Ana reads Slovenian
    [attachment] = list(email.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == (
        UPN_ATTACHMENT, "image/png"
    )  # fmt: skip
    png = tmp_path / UPN_ATTACHMENT
    png.write_bytes(attachment.get_content())
    assert_reads_as(zbar_decode(png), message.upn)


def test_a_childs_slip_names_the_guardian_as_payer(maribor, make_member, make_item) -> None:
    zan = make_member(maribor, "MB000123", first_name="Žan", last_name="Čuk",
                      address="Glavni trg 1, 2000 Maribor")  # fmt: skip
    tim = make_member(maribor, "MB000456", first_name="Tim", last_name="Čuk", category="child",
                      born=date(2017, 5, 5), guardian=zan)  # fmt: skip
    due = lend(maribor, make_item, tim, "Pika Nogavička")

    slip = parse_payload(first_notice(maribor, tim, due).upn)

    assert (slip.payer_name, slip.payer_street, slip.recipient_reference) == (
        "Žan Čuk", "Glavni trg 1", "SI00000456"
    )  # fmt: skip


def test_an_sms_notice_carries_no_slip(maribor, make_member, make_item) -> None:
    bor = make_member(maribor, "MB000999", first_name="Bor", phone="+386 41 123 456",
                      notify_by="sms")  # fmt: skip
    due = lend(maribor, make_item, bor, "Alamut")

    assert first_notice(maribor, bor, due).upn == ""


def test_a_library_without_bank_details_sends_notices_without_a_slip(
    load_library, make_member, make_item
) -> None:
    tolmin = load_library("tolmin")
    eva = make_member(tolmin, "T-eva", email="eva@example.org")
    lend(tolmin, make_item, eva, "Alamut")

    daily_run(library=tolmin, until=date(2026, 6, 30))

    assert Notice.objects.filter(member=eva).exists()
    assert set(Message.objects.filter(member=eva).values_list("upn", flat=True)) == {""}


def test_only_members_who_owe_get_a_slip(maribor, make_member, make_item) -> None:
    # given: Ema paid 20.00 ahead, a credit
    ema = make_member(maribor, "MB000555", first_name="Ema", email="ema@example.org")
    payment_take(member=ema, day=date(2026, 4, 1), amount=Decimal("20.00"), method="cash")
    due = lend(maribor, make_item, ema, "Alamut")

    # when: her credit settles the notice's fee as it is recorded
    message = first_notice(maribor, ema, due)

    # then
    assert open_debt(ema) == Decimal("0.00") and message.upn == ""
