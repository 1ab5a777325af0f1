"""Receipts and statements as PDF: what a payment paid with the VAT included (Maribor's price
list, seed 002), Velenje's note that it is not a VAT payer (art. 94 ZDDV-1), walk-in sales,
reversed payments, and the statement of loans and debts with a UPN QR code to pay by."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from bukve.accounts.pdf import receipt_pdf
from bukve.accounts.receipts import line_vat, receipt_for, vat_summary
from bukve.accounts.services import (
    SaleLine,
    charge_reverse,
    installment_plan_create,
    payment_reverse,
    payment_take,
    sale_record,
)
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkout
from bukve.circulation.statements import statement_for, statement_pdf
from bukve.rules.upn import parse_payload

DAY = date(2026, 6, 10)


def pdf_text(content: bytes, tmp_path) -> str:
    """The PDF's text, with the table rows on one line and runs of spaces made one."""
    assert content.startswith(b"%PDF")
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    return "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines())


def qr_payload(content: bytes, tmp_path) -> str:
    """The UPN QR code on the PDF's first page, as a bank's app reads it."""
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    [png] = tmp_path.glob("page*.png")
    read = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True)
    assert read.returncode == 0, read.stderr
    return read.stdout.decode("utf-8").removesuffix("\n")  # zbarimg ends with a line break


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def librarian(db):
    return User.objects.create_user("mojca", first_name="Mojca", last_name="Kos")


@pytest.fixture
def maribor(load_library):
    return load_library("maribor")


@pytest.fixture
def ana(maribor, make_member):
    return make_member(maribor, "MB0012345", first_name="Ana", last_name="Žagar",
                       address="Gosposka ulica 5, 2000 Maribor")  # fmt: skip


# --- the VAT arithmetic -----------------------------------------------------------------------


def test_it_sums_the_vat_per_rate():
    # given: binding (20 %), a discarded book (8.5 %) and a fine (no VAT)
    lines = [(Decimal("15.00"), Decimal("20")), (Decimal("0.80"), Decimal("8.5")),
             (Decimal("1.20"), None)]  # fmt: skip

    # when
    summary = vat_summary(lines)

    # then
    assert [(row.rate, row.base, row.vat, row.amount) for row in summary] == [
        (Decimal("20"), Decimal("12.50"), Decimal("2.50"), Decimal("15.00")),
        (Decimal("8.5"), Decimal("0.74"), Decimal("0.06"), Decimal("0.80")),
    ]


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2)
rates = st.sampled_from([None, Decimal("5"), Decimal("8.5"), Decimal("9.5"), Decimal("20"),
                         Decimal("22")])  # fmt: skip


@given(st.lists(st.tuples(amounts, rates), max_size=30))
def test_the_vat_summary_agrees_with_the_lines(lines):
    summary = vat_summary(lines)

    # the VAT of the lines adds up to the summary's, rate by rate and in all
    for row in summary:
        taxed = [(amount, rate) for amount, rate in lines if rate == row.rate]
        assert row.vat == sum(line_vat(amount, rate) for amount, rate in taxed)
        assert row.amount == sum(amount for amount, _ in taxed)
        assert row.base + row.vat == row.amount
        assert row.base >= 0 and row.vat >= 0
    line_total = sum((line_vat(a, r) for a, r in lines if r is not None), Decimal(0))
    assert sum((row.vat for row in summary), Decimal(0)) == line_total
    assert {row.rate for row in summary} == {rate for _, rate in lines if rate is not None}
    assert [row.rate for row in summary] == sorted({row.rate for row in summary}, reverse=True)


# --- receipts ---------------------------------------------------------------------------------


def test_it_shows_the_vat_included_per_rate(english, maribor, ana, librarian, tmp_path):
    # given: Ana owes a fine of 1.20 and buys a binding (15.00, VAT at the general rate: 22 %
    # in 2026) and a discarded book (0.80, the reduced rate: 9.5 %) on her account
    charge_record(member=ana, day=DAY, kind="fine", amount=Decimal("1.20"))
    sale_record(library=maribor, day=DAY, by=librarian, member=ana,
                lines=[SaleLine("binding_a4"), SaleLine("discarded_book")])  # fmt: skip

    # when: she pays 20.00 in cash
    payment = payment_take(member=ana, day=DAY, amount=Decimal("20.00"), method="cash",
                           taken_by=librarian)  # fmt: skip
    receipt = receipt_for(payment)
    text = pdf_text(receipt_pdf(receipt), tmp_path)

    # then: one line per charge, the VAT included in the two sales, a summary per rate
    assert receipt.filename == "racun-2026-000001.pdf"
    assert [(line.amount, line.vat_rate, line.vat) for line in receipt.lines] == [
        (Decimal("1.20"), None, None),
        (Decimal("15.00"), Decimal("22.0"), Decimal("2.70")),
        (Decimal("0.80"), Decimal("9.5"), Decimal("0.07")),
    ]
    for expected in ("Mariborska knjižnica", "Rotovški trg 2, Maribor",
                     "Receipt 2026-000001", "Date 10. 6. 2026", "Payment method cash",
                     "Taken by Mojca Kos", "Payer Ana Žagar, MB0012345",
                     "Overdue fine €1.20",
                     "Klasična vezava A4, 1 × €15.00 €15.00 22 % €2.70",
                     "Odpisana knjiga, 1 × €0.80 €0.80 9.5 % €0.07",
                     "Total paid €20.00", "Credit on the account: €3.00",
                     "22 % €12.30 €2.70 €15.00", "9.5 % €0.73 €0.07 €0.80"):  # fmt: skip
        assert expected in text.splitlines(), expected
    assert "DDV" not in text


def test_it_shows_the_vat_in_the_part_paid(english, maribor, ana, librarian):
    # given: a binding of 15.00 on the account
    sale_record(library=maribor, day=DAY, by=librarian, member=ana,
                lines=[SaleLine("binding_a4")])  # fmt: skip

    # when: Ana pays 6.00 of it
    payment = payment_take(member=ana, day=DAY, amount=Decimal("6.00"))

    # then: the receipt holds the VAT in the 6.00 (22 %)
    [line] = receipt_for(payment).lines
    assert (line.amount, line.vat) == (Decimal("6.00"), Decimal("1.08"))


@pytest.mark.parametrize(
    ("day", "general", "reduced"),
    [(date(2013, 6, 30), "20.0", "8.5"), (date(2013, 7, 1), "22.0", "9.5")],
)
def test_a_sale_takes_the_vat_rate_of_the_law_on_its_day(maribor, ana, librarian, day, general,
                                                         reduced):  # fmt: skip
    sold = sale_record(library=maribor, day=day, by=librarian, member=ana,
                       lines=[SaleLine("binding_a4"), SaleLine("discarded_book")])  # fmt: skip

    assert [c.vat_rate for c in sold.charges] == [Decimal(general), Decimal(reduced)]


def test_it_says_velenje_is_not_a_vat_payer(english, load_library, make_member, tmp_path):
    # given
    velenje = load_library("velenje")
    bor = make_member(velenje, "VE0042", first_name="Bor", last_name="Kranjc")
    sale_record(library=velenje, day=DAY, by=User.objects.create_user("v"), member=bor,
                lines=[SaleLine("bag"), SaleLine("discarded", 2)])  # fmt: skip

    # when
    payment = payment_take(member=bor, day=DAY, method="card")
    text = pdf_text(receipt_pdf(receipt_for(payment)), tmp_path)

    # then: the art. 94 ZDDV-1 note and no VAT anywhere
    assert "DDV ni obračunan na podlagi 1. odstavka 94. člena ZDDV-1." in text
    assert "Platnena vrečka, 1 × €2.00 €2.00" in text.splitlines()
    assert "Odpisano gradivo, 2 × €1.00 €2.00" in text.splitlines()
    assert "VAT" not in text
    assert "Šaleška cesta 21, Velenje" in text


def test_a_library_whose_vat_status_is_not_stated_says_nothing(
    english, load_library, make_member, tmp_path
):
    tolmin = load_library("tolmin")
    eva = make_member(tolmin, "TO0007")
    charge_record(member=eva, day=DAY, kind="card", amount=Decimal("2.00"))

    text = pdf_text(receipt_pdf(receipt_for(payment_take(member=eva, day=DAY))), tmp_path)

    assert "Membership card €2.00" in text.splitlines()
    assert "VAT" not in text and "DDV" not in text


def test_it_prints_a_walk_in_sale(english, maribor, librarian, tmp_path):
    # given: three discarded books sold to someone who is not a member
    sale = sale_record(library=maribor, day=DAY, by=librarian, method="cash",
                       lines=[SaleLine("discarded_book", 3)])  # fmt: skip

    # when
    receipt = receipt_for(sale.payment)
    text = pdf_text(receipt_pdf(receipt), tmp_path)

    # then: no payer, the VAT in 2.40 at 9.5 %
    assert (receipt.payer, receipt.card_number, receipt.credit) == ("", "", Decimal("0.00"))
    assert "Odpisana knjiga, 3 × €0.80 €2.40 9.5 % €0.21" in text.splitlines()
    assert "9.5 % €2.19 €0.21 €2.40" in text.splitlines()
    assert "Payer" not in text and "Credit" not in text


def test_it_marks_a_reversed_payment(english, maribor, ana, librarian, tmp_path):
    # given: a payment of a 4.50 charge, taken by mistake and reversed the next day
    charge_record(member=ana, day=DAY, kind="service", amount=Decimal("4.50"))
    payment = payment_take(member=ana, day=DAY, method="card", taken_by=librarian)
    payment_reverse(payment=payment, reason="Card declined", by=librarian,
                    day=date(2026, 6, 11))  # fmt: skip

    # when
    receipt = receipt_for(payment)
    text = pdf_text(receipt_pdf(receipt), tmp_path)

    # then: the receipt as it was, marked reversed, with the date and the reason
    assert [(line.description, line.amount) for line in receipt.lines] == [
        ("Service", Decimal("4.50"))
    ]
    assert receipt.credit == Decimal("0.00")
    assert "REVERSED on 11. 6. 2026" in text.splitlines()
    assert "Reason: Card declined" in text.splitlines()
    assert "Service €4.50" in text.splitlines()


def test_a_charge_reversed_after_payment_leaves_its_receipt_line(english, maribor, ana, librarian):
    # given: Ana paid two charges; one was recorded by mistake and is reversed
    first = charge_record(member=ana, day=DAY, kind="service", amount=Decimal("3.00"))
    charge_record(member=ana, day=DAY, kind="card", amount=Decimal("2.00"))
    payment = payment_take(member=ana, day=DAY)
    charge_reverse(charge=first, reason="Recorded twice", by=librarian, day=DAY)

    # when
    receipt = receipt_for(payment)

    # then: the money it released is a credit on the account
    assert [(line.description, line.amount) for line in receipt.lines] == [
        ("Membership card", Decimal("2.00"))
    ]
    assert (receipt.total, receipt.credit) == (Decimal("5.00"), Decimal("3.00"))


def test_a_correction_has_no_receipt(maribor, ana, librarian):
    charge = charge_record(member=ana, day=DAY, kind="service", amount=Decimal("3.00"))
    waiver = charge_reverse(charge=charge, reason="Mistake", by=librarian, day=DAY)

    with pytest.raises(ValueError):
        receipt_for(waiver)


# --- statements -------------------------------------------------------------------------------


def test_the_statement_has_the_loans_debts_and_a_upn_qr_code(
    english, maribor, ana, make_item, tmp_path
):
    # given: a book out (due 1 July, a notice on 15 July) and a card charge of 4.20
    book = make_item(maribor, "MB-B1", title="Čarobni mlin")
    loan_checkout(member=ana, item=book, today=DAY)
    charge_record(member=ana, day=DAY, kind="card", amount=Decimal("4.20"))
    daily_run(library=maribor, until=date(2026, 7, 15))
    day = date(2026, 7, 15)
    debt = statement_for(ana, day).debt

    # when
    content = statement_pdf(ana, day)
    text = pdf_text(content, tmp_path)

    # then: the loan with its notice level, the debts, the bank details and the QR code
    assert debt == Decimal("6.20")  # the card and the 1st notice
    for expected in ("Loans and debts", "Member: Ana Žagar, MB0012345", "On 15. 7. 2026",
                     "MB-B1 Čarobni mlin 1. 7. 2026 (overdue) 1",
                     "10. 6. 2026 Membership card €4.20 €4.20",
                     "Total open debt €6.20", "IBAN SI56 0127 0603 0372 772",
                     "BIC BSLJSI2X", "Reference SI00 0012345", "Amount €6.20",
                     "Items that already have an overdue notice must be returned before the "
                     "debts are paid."):  # fmt: skip
        assert expected in text.splitlines(), expected
    slip = parse_payload(qr_payload(content, tmp_path))
    assert (slip.amount, slip.recipient_iban, slip.recipient_reference) == (
        Decimal("6.20"), "SI56012706030372772", "SI000012345"
    )  # fmt: skip
    assert (slip.payer_name, slip.recipient_name) == ("Ana Žagar", "Mariborska knjižnica")


def test_the_statement_shows_an_installment_plan_and_a_credit(
    english, load_library, make_member, tmp_path
):
    # given: Tolmin; Eva pays 30.00 of 60.00 in three installments
    tolmin = load_library("tolmin")
    eva = make_member(tolmin, "TO0008", first_name="Eva")
    director = User.objects.create_user("director")
    lost = charge_record(member=eva, day=DAY, kind="lost_item", amount=Decimal("60.00"))
    installment_plan_create(member=eva, charges=[lost], installments=3,
                            first_due=date(2026, 7, 1), reason="Director's decision",
                            by=director, day=DAY)  # fmt: skip
    payment_take(member=eva, day=DAY, amount=Decimal("20.00"))

    # when
    text = pdf_text(statement_pdf(eva, date(2026, 6, 20)), tmp_path)

    # then: the plan; no bank block (Tolmin has no bank details in its policy)
    for expected in ("Installment plan of 10. 6. 2026", "1. 7. 2026 €20.00", "1. 8. 2026 €20.00",
                     "1. 9. 2026 €20.00", "Paid on the plan so far: €20.00 of €60.00",
                     "Total open debt €40.00"):  # fmt: skip
        assert expected in text.splitlines(), expected
    assert "IBAN" not in text and "Tumov drevored 6, Tolmin" in text


def test_a_statement_without_debt_has_no_bank_block(english, ana, tmp_path):
    payment_take(member=ana, day=DAY, amount=Decimal("5.00"))

    text = pdf_text(statement_pdf(ana, DAY), tmp_path)

    assert "Credit on the account: €5.00" in text.splitlines()
    assert "IBAN" not in text
