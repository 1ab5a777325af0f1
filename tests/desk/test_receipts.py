"""The desk prints receipts (with the VAT included, for walk-in sales too) and statements of
loans and debts, as pages and as PDFs, for its own library's payments and members only."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.services import SaleLine, charge_waive, payment_take, sale_record
from bukve.accounts.settlement import charge_record


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def pdf_text(response, tmp_path) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "out.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines())


@pytest.fixture
def maribor(load_library):
    return load_library("maribor")


@pytest.fixture
def ana(maribor, make_member):
    return make_member(maribor, "MB0012345", first_name="Ana", last_name="Žagar",
                       address="Gosposka ulica 5, 2000 Maribor")  # fmt: skip


@pytest.fixture
def sold(maribor, ana):
    """Ana bought a binding and a discarded book today and paid them with a 1.20 fine."""
    today = timezone.localdate()
    clerk = User.objects.create_user("clerk")
    charge_record(member=ana, day=today, kind="fine", amount=Decimal("1.20"))
    sale_record(library=maribor, day=today, by=clerk, member=ana,
                lines=[SaleLine("binding_a4"), SaleLine("discarded_book")])  # fmt: skip
    return payment_take(member=ana, day=today, method="cash", taken_by=clerk)


def test_it_prints_a_receipt_with_the_vat_included(staff_client, maribor, sold, tmp_path):
    # given
    desk = staff_client(maribor)

    # when
    html = page(desk.get(reverse("desk:receipt", args=[sold.pk])))
    response = desk.get(reverse("desk:receipt_pdf", args=[sold.pk]))

    # then: the page and the PDF show the same lines, VAT and summary
    number = sold.receipt_number
    assert f'href="/desk/payments/{sold.pk}/receipt.pdf"' in html
    for expected in (number, "Klasična vezava A4, 1 × 15,00 €", "22 %", "2,70 €", "9,5 %",
                     "0,07 €", "12,30 €", "0,73 €", "17,00 €",
                     "Rotovški trg 2, Maribor"):  # fmt: skip
        assert expected in html, expected
    assert response["Content-Disposition"] == f'inline; filename="racun-{number}.pdf"'
    text = pdf_text(response, tmp_path)
    assert "Klasična vezava A4, 1 × 15,00 € 15,00 € 22 % 2,70 €" in text.splitlines()
    assert "22 % 12,30 € 2,70 € 15,00 €" in text.splitlines()
    assert "9,5 % 0,73 € 0,07 € 0,80 €" in text.splitlines()


def test_it_prints_a_walk_in_sale(staff_client, maribor, tmp_path):
    # given: a book sold to a passer-by
    desk = staff_client(maribor)
    clerk = User.objects.get(username="maribor-circulation")
    sale = sale_record(library=maribor, day=timezone.localdate(), by=clerk, method="card",
                       lines=[SaleLine("discarded_book", 2)])  # fmt: skip

    # when
    html = page(desk.get(reverse("desk:receipt", args=[sale.payment.pk])))
    text = pdf_text(desk.get(reverse("desk:receipt_pdf", args=[sale.payment.pk])), tmp_path)

    # then
    assert "Odpisana knjiga, 2 × 0,80 €" in html and "1,60 €" in html
    assert "Odpisana knjiga, 2 × 0,80 € 1,60 € 9,5 % 0,14 €" in text.splitlines()


def test_a_velenje_receipt_has_the_vat_note(staff_client, load_library, make_member):
    velenje = load_library("velenje")
    bor = make_member(velenje, "VE0042")
    charge_record(member=bor, day=timezone.localdate(), kind="card", amount=Decimal("2.00"))
    payment = payment_take(member=bor, day=timezone.localdate())

    html = page(staff_client(velenje).get(reverse("desk:receipt", args=[payment.pk])))

    assert "DDV ni obračunan na podlagi 1. odstavka 94. člena ZDDV-1." in html
    assert " %" not in html


def test_a_waiver_has_a_page_but_no_pdf(staff_client, maribor, ana):
    # given
    director = User.objects.create_user("director")
    charge = charge_record(member=ana, day=timezone.localdate(), kind="fine",
                           amount=Decimal("3.00"))  # fmt: skip
    waiver = charge_waive(charge=charge, amount=Decimal("3.00"), reason="Hospital stay",
                          by=director, day=timezone.localdate())  # fmt: skip
    desk = staff_client(maribor)

    # then
    assert "Hospital stay" in page(desk.get(reverse("desk:receipt", args=[waiver.pk])))
    assert desk.get(reverse("desk:receipt_pdf", args=[waiver.pk])).status_code == 404


def test_it_prints_the_statement_with_a_upn_qr_code(staff_client, maribor, ana, tmp_path):
    # given: Ana owes 4.20
    charge_record(member=ana, day=timezone.localdate(), kind="card", amount=Decimal("4.20"))
    desk = staff_client(maribor)

    # when
    html = page(desk.get(reverse("desk:statement", args=[ana.pk])))
    response = desk.get(reverse("desk:statement_pdf", args=[ana.pk]))

    # then
    assert 'src="data:image/svg+xml' in html
    assert "SI56 0127 0603 0372 772" in html and "SI00 0012345" in html
    assert f'href="/desk/members/{ana.pk}/statement.pdf"' in html
    assert response["Content-Disposition"] == 'inline; filename="stanje-MB0012345.pdf"'
    text = pdf_text(response, tmp_path)
    assert "SI56 0127 0603 0372 772" in text and "4,20 €" in text


def test_a_library_without_bank_details_shows_no_bank_block(
    staff_client, load_library, make_member, tmp_path
):
    tolmin = load_library("tolmin")
    eva = make_member(tolmin, "TO0008")
    charge_record(member=eva, day=timezone.localdate(), kind="card", amount=Decimal("2.00"))
    desk = staff_client(tolmin)

    html = page(desk.get(reverse("desk:statement", args=[eva.pk])))
    text = pdf_text(desk.get(reverse("desk:statement_pdf", args=[eva.pk])), tmp_path)

    assert "IBAN" not in html and "data:image" not in html
    assert "IBAN" not in text and "2,00 €" in text


@pytest.mark.parametrize("name", ["desk:receipt", "desk:receipt_pdf"])
def test_another_librarys_staff_cannot_open_a_receipt(
    staff_client, load_library, maribor, sold, name
):
    desk = staff_client(load_library("velenje"))

    assert desk.get(reverse(name, args=[sold.pk])).status_code == 404


def test_another_librarys_staff_cannot_open_a_walk_in_receipt(staff_client, load_library, maribor):
    sale = sale_record(library=maribor, day=date(2026, 6, 10), by=User.objects.create_user("c"),
                       method="cash", lines=[SaleLine("ribbon")])  # fmt: skip
    desk = staff_client(load_library("velenje"))

    assert desk.get(reverse("desk:receipt", args=[sale.payment.pk])).status_code == 404
    assert desk.get(reverse("desk:receipt_pdf", args=[sale.payment.pk])).status_code == 404


@pytest.mark.parametrize("name", ["desk:statement", "desk:statement_pdf"])
def test_another_librarys_staff_cannot_open_a_statement(staff_client, load_library, ana, name):
    desk = staff_client(load_library("velenje"))

    assert desk.get(reverse(name, args=[ana.pk])).status_code == 404


def test_strangers_are_sent_to_log_in(client, sold):
    response = client.get(reverse("desk:receipt_pdf", args=[sold.pk]))

    assert response.status_code == 302 and "login" in response.url


def test_the_pdf_receipt_shows_the_balance_as_the_page_does(staff_client, maribor, ana, tmp_path):
    # given: Ana owes a 5.00 fine and a 3.00 notice and pays 6.00 in cash
    today = timezone.localdate()
    charge_record(member=ana, day=today, kind="fine", amount=Decimal("5.00"))
    charge_record(member=ana, day=today, kind="notice", amount=Decimal("3.00"))
    payment = payment_take(member=ana, day=today, amount=Decimal("6.00"), method="cash")
    desk = staff_client(maribor)

    # when: the receipt is printed at once, as a page and as a PDF
    html = page(desk.get(reverse("desk:receipt", args=[payment.pk])))
    text = pdf_text(desk.get(reverse("desk:receipt_pdf", args=[payment.pk])), tmp_path)

    # then: both say what is still owed after this payment, inside what is printed
    printed = html[html.index('<article class="printable receipt">') :]
    printed = printed[: printed.index("</article>")]
    assert "Preostali dolg po tem plačilu: 2,00 €" in re.sub(r"<[^>]+>", "", printed)
    assert "Preostali dolg po tem plačilu: 2,00 €" in text.splitlines()

    # when: later she pays 5.00 more (3.00 of credit) and a new fine is booked
    payment_take(member=ana, day=today, amount=Decimal("5.00"), method="cash")
    charge_record(member=ana, day=today, kind="fine", amount=Decimal("1.00"))
    html = page(desk.get(reverse("desk:receipt", args=[payment.pk])))
    text = pdf_text(desk.get(reverse("desk:receipt_pdf", args=[payment.pk])), tmp_path)

    # then: the first receipt no longer claims that, it gives today's balance, dated
    day = f"{today.day}. {today.month}. {today.year}"
    for shown in (re.sub(r"<[^>]+>", "", html), text):
        assert "Preostali dolg po tem plačilu" not in shown
        assert f"Preostali dolg na dan {day}: 0,00 €" in shown
        assert "Dobroimetje na računu: 2,00 €" in shown
