"""The desk's bank statement page: the director uploads a CSV and sees which transfers became
payments and which matched no member; a file with bad rows is refused, row by row."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bukve.accounts.models import BankTransaction, Payment
from bukve.accounts.settlement import charge_record
from bukve.libraries.models import Staff

URL = "/desk/money/bank/"


def last_week() -> date:
    """A day the transfers of a statement imported today can be from."""
    return timezone.localdate() - timedelta(days=7)


@pytest.fixture
def maribor(load_library):
    return load_library("maribor")


@pytest.fixture
def ana(maribor, make_member):
    ana = make_member(maribor, "MB000123", first_name="Ana", last_name="Novak")
    charge_record(member=ana, day=date(2026, 4, 1), kind="service", amount=Decimal("12.30"))
    return ana


def upload(text: str | bytes) -> dict[str, SimpleUploadedFile]:
    data = text.encode() if isinstance(text, str) else text
    return {"statement": SimpleUploadedFile("izpisek.csv", data, "text/csv")}


def test_the_director_imports_a_statement_and_sees_what_became_of_each_row(
    maribor, ana, staff_client
) -> None:
    # given
    client = staff_client(maribor, Staff.DIRECTOR)
    day = f"{last_week():%d.%m.%Y}"
    text = ("datum;znesek;sklic;plačnik;id transakcije\n"
            f"{day};12,30;SI00 000123;Ana Novak;T1\n"
            f"{day};9,99;SI00 555555;Neznan Plačnik;T2\n")  # fmt: skip

    # when
    response = client.post(URL, upload(text))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    payment = Payment.objects.get(member=ana)
    assert f"/desk/members/{ana.pk}/" in page and f"/desk/payments/{payment.pk}/receipt/" in page
    assert "Neznan Plačnik" in page and 'data-testid="unmatched"' in page
    assert BankTransaction.objects.filter(status="unmatched", bank_id="T2").exists()

    # and the same file again books nothing
    client.post(URL, upload(text))
    assert Payment.objects.count() == 1


def test_a_file_with_bad_rows_is_refused_and_the_rows_named(maribor, ana, staff_client) -> None:
    client = staff_client(maribor, Staff.DIRECTOR)

    response = client.post(URL, upload(f"{last_week()};12,3x;SI00 000123;Ana;T1\n"))

    page = response.content.decode()
    assert 'data-testid="bad-rows"' in page and "amount_invalid" in page and "12,3x" in page
    assert not BankTransaction.objects.exists()


def test_circulation_staff_may_not_import(maribor, staff_client) -> None:
    assert staff_client(maribor, Staff.CIRCULATION).get(URL).status_code == 403


def test_the_page_shows_the_form_and_earlier_unmatched_transfers(maribor, staff_client) -> None:
    BankTransaction.objects.create(library=maribor, bank_id="OLD-1", date=date(2026, 4, 2),
                                   amount=Decimal("3.00"), payer="Stari Plačnik",
                                   status="unmatched")  # fmt: skip

    response = staff_client(maribor, Staff.ADMINISTRATOR).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page and "Stari Plačnik" in page


def test_the_director_books_an_unmatched_transfer_to_the_member_it_was_from(
    maribor, ana, staff_client
) -> None:
    # given: Ana paid with a mistyped reference
    client = staff_client(maribor, Staff.DIRECTOR)
    client.post(URL, upload(f"{last_week()};12,30;SI00 999;Ana Novak;T7\n"))
    line = BankTransaction.objects.get(bank_id="T7")
    assign = f"{URL}{line.pk}/assign/"

    # when: a wrong card number, then hers
    client.post(assign, {"card": "MB999999"})
    client.post(assign, {"card": "MB000123"})

    # then: booked once, as a transfer that pays her debt
    line.refresh_from_db()
    payment = Payment.objects.get(member=ana)
    assert (line.status, line.member, line.payment) == ("matched", ana, payment)
    assert (payment.method, payment.amount, payment.date) == ("transfer", Decimal("12.30"),
                                                              last_week())  # fmt: skip
    client.post(assign, {"card": "MB000123"})
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "says"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00",
      "Datoteka ni besedilna datoteka (CSV)."),
     (b"2026-05-04;1,00;SI00 000123;" + b"A" * 128 * 1024 + b";T1\n",
      "Vrstica 1 ima polje, daljše od 1000 znakov: to ni bančni izpisek."),
     (b"2026-05-04;1,00;SI00 000123;" + b"A" * 200 * 1024 + b";T1\n",
      "Vrstica 1 ima polje, daljše od 1000 znakov: to ni bančni izpisek.")],
    ids=["binary", "field_of_128_kb", "field_of_200_kb"],
)  # fmt: skip
def test_a_file_that_is_no_statement_is_a_form_error(maribor, ana, staff_client, data, says):
    client = staff_client(maribor, Staff.DIRECTOR)

    response = client.post(URL, upload(data))

    assert response.status_code == 200
    assert says in response.content.decode()
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(
    ("day", "code"), [("9999-12-31", "date_future"), ("0001-01-01", "date_too_old")]
)
def test_a_row_on_a_day_that_cannot_be_real_is_named(maribor, ana, staff_client, day, code):
    client = staff_client(maribor, Staff.DIRECTOR)
    text = f"{last_week()};12,30;SI00 000123;Ana;T1\n{day};5,00;SI00 000123;Ana;T2\n"

    response = client.post(URL, upload(text))

    page = response.content.decode()
    assert 'data-testid="bad-rows"' in page and code in page and day in page
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()
