"""Bank statement import: transfers whose reference carries a member's card number (Maribor,
seed 001: "reference = member card number") become payments by bank transfer; the rest are
kept unmatched; a file imported twice books nothing twice; a file with a bad row is refused
whole, naming each bad row's line and reason."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from bukve.accounts.bank import (
    IMPORTED_BEFORE,
    MATCHED,
    UNMATCHED,
    BankFileError,
    bank_statement_import,
    statement_amount,
    statement_decode,
)
from bukve.accounts.models import BankTransaction, Payment
from bukve.accounts.services import open_debt
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkout
from bukve.libraries.models import Staff
from tests.test_cli import in_process

HEADER = "date;amount;reference;payer;transaction id\n"
TODAY = date(2026, 6, 1)  # the day of the import: the rows below are of May 2026


@pytest.fixture
def maribor(load_library):
    return load_library("maribor")


@pytest.fixture
def clerk(maribor, db):
    user = User.objects.create_user("racunovodstvo")
    Staff.objects.create(user=user, library=maribor, role=Staff.DIRECTOR)
    return user


@pytest.fixture
def cast(maribor, make_member):
    """Ana owes 12.30, Bor 1234.56; Cene owes nothing."""
    ana = make_member(maribor, "MB000123", first_name="Ana")
    bor = make_member(maribor, "MB004567", first_name="Bor")
    cene = make_member(maribor, "MB000999", first_name="Cene")
    charge_record(member=ana, day=date(2026, 4, 1), kind="service", amount=Decimal("12.30"))
    charge_record(member=bor, day=date(2026, 4, 1), kind="lost_item", amount=Decimal("1234.56"))
    return ana, bor, cene


def statement(*rows: str) -> str:
    return HEADER + "".join(f"{row}\n" for row in rows)


def test_it_books_a_transfer_with_the_card_number_as_reference(maribor, cast, clerk) -> None:
    # given
    ana, bor, _ = cast
    text = statement("2026-05-04;12,30;SI00 000123;Ana Novak;NLB-1",
                     "05.05.2026;1.234,56;SI12 0045675;Bor Kos;NLB-2")  # fmt: skip

    # when
    result = bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)

    # then: two payments by bank transfer, on the days of the transfers, noting the bank's id
    assert not result.bad
    assert [(r.status, r.member) for r in result.rows] == [(MATCHED, ana), (MATCHED, bor)]
    assert result.booked == Decimal("1246.86")
    payment = Payment.objects.get(member=ana)
    assert (payment.method, payment.amount, payment.date, payment.note, payment.taken_by) == (
        "transfer", Decimal("12.30"), date(2026, 5, 4), "bank NLB-1", clerk
    )  # fmt: skip
    assert open_debt(ana) == open_debt(bor) == Decimal("0.00")
    line = BankTransaction.objects.get(bank_id="NLB-1")
    assert (line.status, line.member, line.payment, line.imported_by) == (
        "matched", ana, payment, clerk
    )  # fmt: skip


def test_it_keeps_a_transfer_that_matches_no_member(maribor, cast, clerk) -> None:
    text = statement(
        "2026-05-04;5,00;SI00 777777;Neznan Plačnik;T1",  # no such card
        "2026-05-04;6,00;SI12 0001235;Ana Novak;T2",  # a wrong check digit
        "2026-05-04;7,00;;Ana Novak;T3",  # no reference
        "2026-05-04;8,00;RF18539007547034;Podjetje d.o.o.;T4",  # not a card number
    )

    result = bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)

    assert [(r.status, r.reason) for r in result.rows] == [
        (UNMATCHED, "no_member"), (UNMATCHED, "no_reference"), (UNMATCHED, "no_reference"),
        (UNMATCHED, "no_reference"),
    ]  # fmt: skip
    assert not Payment.objects.exists()
    kept = BankTransaction.objects.filter(status="unmatched").order_by("bank_id")
    assert [(t.bank_id, t.amount, t.payer, t.member) for t in kept] == [
        ("T1", Decimal("5.00"), "Neznan Plačnik", None),
        ("T2", Decimal("6.00"), "Ana Novak", None),
        ("T3", Decimal("7.00"), "Ana Novak", None),
        ("T4", Decimal("8.00"), "Podjetje d.o.o.", None),
    ]


def test_two_members_with_the_same_digits_match_neither(maribor, cast, make_member, clerk):
    make_member(maribor, "BB000123")  # a bibliobus card with Ana's digits

    result = bank_statement_import(library=maribor, text=statement(
        "2026-05-04;12,30;SI00 000123;Ana Novak;T1"), by=clerk, today=TODAY)  # fmt: skip

    assert [(r.status, r.reason) for r in result.rows] == [(UNMATCHED, "several_members")]


def test_another_librarys_member_is_not_matched(maribor, cast, load_library, make_member, clerk):
    make_member(load_library("velenje"), "VE000555")

    result = bank_statement_import(library=maribor, text=statement(
        "2026-05-04;3,00;SI00 000555;X;T1"), by=clerk, today=TODAY)  # fmt: skip

    assert result.rows[0].reason == "no_member"


def test_the_same_file_imported_twice_books_nothing_twice(maribor, cast, clerk) -> None:
    # given: a file imported once
    text = statement("2026-05-04;12,30;SI00 000123;Ana Novak;T1",
                     "2026-05-04;5,00;SI00 777777;Neznan;T2")  # fmt: skip
    bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)

    # when: again, and then a longer file with the same rows and a new one
    again = bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)
    longer = bank_statement_import(
        library=maribor, text=text + "2026-05-06;20,00;SI00 004567;Bor;T3\n", by=clerk, today=TODAY
    )

    # then
    assert [r.status for r in again.rows] == [IMPORTED_BEFORE, IMPORTED_BEFORE]
    assert [r.status for r in longer.rows] == [IMPORTED_BEFORE, IMPORTED_BEFORE, MATCHED]
    assert Payment.objects.count() == 2
    assert BankTransaction.objects.count() == 3


def test_a_file_with_bad_rows_is_refused_whole(maribor, cast, clerk) -> None:
    # given: good rows around bad ones
    text = statement(
        "2026-05-04;12,30;SI00 000123;Ana Novak;T1",
        "2026-02-30;5,00;SI00 000123;Ana Novak;T2",
        "2026-05-04;12,3x;SI00 000123;Ana Novak;T3",
        "2026-05-04;1.234;SI00 004567;Bor;T4",
        "2026-05-04;-5,00;SI00 004567;Bor;T5",
        "2026-05-04;5,00;SI00 004567;Bor;",
        "2026-05-04;5,00;SI00 004567;Bor;T1",
        "2026-05-04;5,00;SI00 004567",
    )

    # when
    result = bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)

    # then: every bad row with its line (the header is line 1), and nothing booked
    assert [(b.line, b.code) for b in result.bad] == [
        (3, "date_invalid"), (4, "amount_invalid"), (5, "amount_ambiguous"),
        (6, "amount_not_positive"), (7, "bank_id_missing"), (8, "bank_id_repeated"),
        (9, "columns"),
    ]  # fmt: skip
    assert result.bad[0].value == "2026-02-30" and result.bad[0].sentence
    assert result.rows == []
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(
    ("text", "amount"),
    [("1.234,56", "1234.56"), ("1234,56", "1234.56"), ("1234.56", "1234.56"),
     ("1,234.56", "1234.56"), ("0,29", "0.29"), ("12", "12.00"), ("1 234,56 EUR", "1234.56"),
     ("12.345,67", "12345.67"), ("5,5", "5.50"), ("+5,00", "5.00")],
)  # fmt: skip
def test_it_reads_slovenian_and_decimal_point_amounts(text: str, amount: str) -> None:
    assert statement_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "code"),
    [("1.234", "amount_ambiguous"), ("1,234", "amount_ambiguous"), ("1,2345", "amount_invalid"),
     ("12.34.5", "amount_invalid"), ("abc", "amount_invalid"), ("0,00", "amount_not_positive"),
     ("10.000.000,00", "amount_too_large"), ("1.234.567", "amount_too_large"),
     ("100.000,00", "amount_too_large"), ("1E2", "amount_invalid"), ("١٢", "amount_invalid"),
     ("-5,00", "amount_not_positive")],
)  # fmt: skip
def test_it_refuses_amounts_it_cannot_read_surely(text: str, code: str) -> None:
    with pytest.raises(ValueError, match=code):
        statement_amount(text)


def test_it_reads_a_slovenian_export_in_windows_1250(maribor, cast, clerk) -> None:
    # given: a Slovenian header in another order, commas, Windows-1250 bytes
    data = ("Sklic,Znesek,Datum,ID transakcije,Plačnik\n"
            '"SI00 000123","12,30",04.05.2026,A-1,Žiga Čeh\n').encode("cp1250")  # fmt: skip

    result = bank_statement_import(
        library=maribor, text=statement_decode(data), by=clerk, today=TODAY
    )

    [row] = result.rows
    assert (row.status, row.row.payer, row.row.amount) == (MATCHED, "Žiga Čeh", Decimal("12.30"))


def test_it_takes_rows_without_a_header(maribor, cast, clerk) -> None:
    rows = [["2026-05-04", "12.30", "SI00000123", "Ana", "B-1"]]

    result = bank_statement_import(library=maribor, rows=rows, by=None, today=TODAY)

    assert [r.status for r in result.rows] == [MATCHED]
    assert Payment.objects.get().taken_by is None


def test_money_received_is_booked_before_the_items_are_back(maribor, cast, make_item, clerk):
    # given: Ana has a noticed item out (Maribor: return it before paying at the desk)
    ana = cast[0]
    loan = loan_checkout(member=ana, item=make_item(maribor, "B1"), today=date(2026, 4, 1))
    daily_run(library=maribor, until=loan.due_date + (date(2026, 1, 11) - date(2026, 1, 1)))
    loan.refresh_from_db()
    assert loan.notice_level == 1

    # when
    result = bank_statement_import(library=maribor, text=statement(
        "2026-05-20;14,30;SI00 000123;Ana;T1"), by=clerk, today=TODAY)  # fmt: skip

    # then
    assert result.rows[0].status == MATCHED
    assert open_debt(ana) == Decimal("0.00")


@pytest.mark.skipif("postgresql" not in settings.DATABASES["default"]["ENGINE"],
                    reason="concurrent transactions need PostgreSQL")  # fmt: skip
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_book_each_row_once(maribor, cast, clerk) -> None:
    # given: a file, and two desks that import it at the same moment
    text = statement("2026-05-04;12,30;SI00 000123;Ana;T1", "2026-05-04;1,00;x;y;T2",
                     "2026-05-04;20,00;SI00 004567;Bor;T3")  # fmt: skip
    barrier = threading.Barrier(2)
    results, errors = [], []

    def desk() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=desk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then: one booked the rows, the other found them imported before
    assert not errors
    assert sorted(len(r.of(IMPORTED_BEFORE)) for r in results) == [0, 3]
    assert Payment.objects.count() == 2 and BankTransaction.objects.count() == 3


# --- the command line ----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def bukve(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BUKVE_DEBUG"}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    return subprocess.run([sys.executable, "-m", "bukve.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)  # fmt: skip


def test_the_command_imports_a_file_once_and_refuses_a_bad_one(tmp_path) -> None:
    # given: Maribor with Ana, who owes 12.30
    database = tmp_path / "db.sqlite3"
    assert bukve("library", "load", "maribor", database=database).returncode == 0
    setup = bukve("manage", "shell", "-c", (
        "from datetime import date; from decimal import Decimal; "
        "from bukve.libraries.models import Library; from bukve.members.models import Member; "
        "from bukve.accounts.settlement import charge_record; "
        "ana = Member.objects.create(library=Library.objects.get(code='maribor'), "
        "card_number='MB000123', category='adult', first_name='Ana'); "
        "charge_record(member=ana, day=date(2026, 4, 1), kind='service', amount=Decimal('12.30'))"
    ), database=database)  # fmt: skip
    assert setup.returncode == 0, setup.stderr
    day = date.today() - timedelta(days=3)  # a real import: of last week's transfers
    good = tmp_path / "izpisek.csv"
    good.write_text(statement(f"{day};12,30;SI00 000123;Ana;T1", f"{day};1,00;x;y;T2"))
    bad = tmp_path / "bad.csv"
    bad.write_text(statement(f"{day};12,3x;SI00 000123;Ana;T9"))

    # when
    first = bukve("bank", "import", str(good), "--library", "maribor", database=database)
    second = bukve("bank", "import", str(good), "--library", "maribor", database=database)
    refused = bukve("bank", "import", str(bad), "--library", "maribor", database=database)
    unknown = bukve("bank", "import", str(good), "--library", "ljubljana", database=database)

    # then
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("maribor: 2 rows: 1 booked (12.30 EUR), 1 unmatched, 0 imported")
    assert "unmatched (no_reference)" in first.stdout
    assert second.returncode == 0
    assert "0 booked (0.00 EUR), 0 unmatched, 2 imported before" in second.stdout
    assert refused.returncode == 1
    assert f"{bad}:2: amount_invalid: '12,3x'" in refused.stderr
    assert "nothing imported" in refused.stderr
    assert unknown.returncode == 2 and "unknown library 'ljubljana'" in unknown.stderr


# --- rows that cannot be real, files that are no statement ---------------------------------


@pytest.mark.parametrize(
    ("day", "code"),
    [("9999-12-31", "date_future"), ("2026-06-02", "date_future"), ("0001-01-01", "date_too_old"),
     ("31.05.2025", "date_too_old")],
)  # fmt: skip
def test_a_row_dated_in_the_future_or_over_a_year_back_is_refused(maribor, cast, clerk, day, code):
    # given: a statement imported on 1 June 2026 with one row on an impossible day
    text = statement("2026-05-04;12,30;SI00 000123;Ana Novak;T1",
                     f"{day};5,00;SI00 000123;Ana Novak;T2")  # fmt: skip

    # when
    result = bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)

    # then: the row is named, with its date, and nothing is booked (no receipt "9999-000001")
    assert [(b.line, b.code, b.value) for b in result.bad] == [(3, code, day)]
    assert result.bad[0].sentence
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()


def test_the_first_and_the_last_day_of_the_window_are_booked(maribor, cast, clerk) -> None:
    text = statement("2025-06-01;1,00;SI00 000123;Ana;T1", "2026-06-01;1,50;SI00 000123;Ana;T2")

    result = bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)

    assert not result.bad
    assert [p.amount for p in Payment.objects.order_by("date")] == [Decimal("1.00"),
                                                                   Decimal("1.50")]  # fmt: skip


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        bytes(range(256)) * 4,
        b"date;amount\x00;reference;payer;transaction id\n",
    ],
    ids=["png", "all_bytes", "nul"],
)
def test_a_binary_file_is_not_text(data: bytes) -> None:
    with pytest.raises(BankFileError) as raised:
        statement_decode(data)
    assert raised.value.code == "not_text"


@pytest.mark.parametrize("size", [1001, 128 * 1024, 200 * 1024])
def test_a_file_with_a_field_of_many_kilobytes_is_refused_whole(maribor, cast, clerk, size):
    # given: a good row, then a row whose payer is `size` characters long
    text = statement("2026-05-04;12,30;SI00 000123;Ana;T1",
                     f"2026-05-04;1,00;SI00 000123;{'A' * size};T2")  # fmt: skip

    # when / then: refused before any row is read, naming the line
    with pytest.raises(BankFileError) as raised:
        bank_statement_import(library=maribor, text=text, by=clerk, today=TODAY)
    assert (raised.value.code, raised.value.line) == ("field_too_long", 3)
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()


@pytest.fixture
def cli(maribor, cast, capsys):
    """The real `bukve` command in this process, on the test database (either one)."""
    yield from in_process(capsys)


@pytest.mark.parametrize(
    ("data", "says"),
    [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00",
      "the file is not text (UTF-8 or Windows-1250)"),
     (HEADER.encode() + b"2026-05-04;1,00;SI00 000123;" + b"A" * 128 * 1024 + b";T1\n",
      "line 2: a field is longer than 1000 characters")],
    ids=["binary", "field_of_128_kb"],
)  # fmt: skip
def test_the_command_refuses_a_file_that_is_no_statement(cli, tmp_path, data, says) -> None:
    path = tmp_path / "izpisek.csv"
    path.write_bytes(data)

    code, out, err = cli("bank", "import", str(path), "--library", "maribor")

    assert code == 2
    assert err == f"bukve bank import: {path}: {says}\n"
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()


def test_the_command_names_a_row_dated_in_the_future(cli, tmp_path) -> None:
    path = tmp_path / "izpisek.csv"
    path.write_text(statement("9999-12-31;12,30;SI00 000123;Ana;T1"))

    code, out, err = cli("bank", "import", str(path), "--library", "maribor")

    assert code == 1
    assert f"{path}:2: date_future: '9999-12-31'" in err and "nothing imported" in err
    assert not BankTransaction.objects.exists() and not Payment.objects.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [(("--library", ""), "argument --library: must not be empty"),
     (("--library", "maribor", "--user", " "), "argument --user: must not be empty")],
)  # fmt: skip
def test_the_command_refuses_an_empty_library_or_user(cli, tmp_path, args, says) -> None:
    path = tmp_path / "izpisek.csv"
    path.write_text(statement("2026-05-04;12,30;SI00 000123;Ana;T1"))

    code, out, err = cli("bank", "import", str(path), *args)

    assert code == 2 and says in err
    assert not BankTransaction.objects.exists()


def test_the_command_refuses_a_folder(cli, tmp_path) -> None:
    code, out, err = cli("bank", "import", str(tmp_path), "--library", "maribor")

    assert code == 2 and err.startswith(f"bukve bank import: {tmp_path}: cannot read")
