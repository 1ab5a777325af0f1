"""Bank statement import: the incoming transfers of a CSV statement, each matched to a member
by its reference and booked as a payment (method "transfer").

The file has the columns date (YYYY-MM-DD or DD.MM.YYYY), amount ("1.234,56" or "1234.56"),
reference, payer and transaction id: with a header row naming them (in English or
Slovenian, in any order), or without one in that order; separated by ";", "," or tabs.

A row is matched to the library's member whose card number has the digits the reference
carries: SI00 and the digits, or SI12 with a valid check digit (bukve/rules/upn.py; the
reference Maribor asks for, seed 001, and the one its UPN QR slips print). Leading zeros do
not count. Money already received is booked even where items must be returned first
(Maribor): `enforce_return_first=False`. A row that matches no member, or several, is kept
as unmatched for the library to look at.

The whole file is checked before anything is booked: a file with a bad row (a date or an
amount that cannot be read, no transaction id) is refused whole, with each bad row's line
and reason code. A row's date must be a day the money can have arrived: not after the day
of the import, and not more than a year before it (a statement is imported within days of
its period; a year leaves room to catch up), so a mistyped 9999-12-31 or 0001-01-01 is never
booked. Amounts are read by bukve.rules.money.parse_amount, the one parser of every amount,
after the bank's thousands separators are taken out; at most 99,999.99. A file that is not
text, or not CSV, or has a field longer than 1000 characters is refused whole
(BankFileError), before any row is read.

The bank's transaction id makes the import idempotent: a row whose id was imported before is
skipped, so the same file imported twice books nothing twice (the unique
(library, bank_id) of BankTransaction holds it even for two imports at once).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bukve.accounts.models import BankTransaction, Payment
from bukve.accounts.services import payment_take
from bukve.libraries.models import Library
from bukve.members.models import Member
from bukve.refusals import Refused
from bukve.rules.money import AmountError, parse_amount
from bukve.rules.upn import reference_digits

MAX_BYTES = 5 * 1024 * 1024  # a statement file; a month of a library's transfers is far less
MAX_CELL = 1000  # characters in one field; a payer's name and purpose are far shorter
OLDEST = relativedelta(years=1)  # how far before the day of the import a row may be dated
# Characters no bank export holds: the file is binary, not text.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
COLUMNS = ("date", "amount", "reference", "payer", "bank_id")
# Header names of the columns, compared in lower case with spaces, "_" and "-" dropped.
HEADERS = {
    "date": "date", "datum": "date", "valuedate": "date", "datumvalute": "date",
    "amount": "amount", "znesek": "amount",
    "reference": "reference", "referenca": "reference", "sklic": "reference",
    "payer": "payer", "plačnik": "payer", "placnik": "payer", "name": "payer",
    "transactionid": "bank_id", "id": "bank_id", "bankid": "bank_id",
    "idtransakcije": "bank_id",
}  # fmt: skip

# Why a row cannot be imported (the file is refused) and why a row matched no member.
REASONS = {
    "empty_file": _("The file has no rows."),
    "columns": _(
        "The row does not have the five columns: date, amount, reference, payer, transaction id."
    ),
    "header": _(
        "The header row does not name the columns date, amount, reference, payer and "
        "transaction id."
    ),
    "date_invalid": _("The date is not a date (YYYY-MM-DD or DD.MM.YYYY)."),
    "date_future": _("The date is after the day of the import: no transfer comes from the future."),
    "date_too_old": _("The date is more than a year before the day of the import."),
    "amount_invalid": _("The amount is not an amount (1.234,56 or 1234.56)."),
    "amount_ambiguous": _(
        "The amount could be read two ways (1.234 or 1,234); write it with its cents."
    ),
    "amount_not_positive": _(
        "The amount is not more than 0.00: only money received can be imported."
    ),
    "amount_too_large": _("The amount is too large."),
    "bank_id_missing": _("The row has no transaction id."),
    "bank_id_too_long": _("The transaction id is longer than 100 characters."),
    "bank_id_repeated": _("The transaction id is in the file more than once."),
    "reference_too_long": _("The reference is longer than 40 characters."),
    # Unmatched rows (kept, for the library to look at).
    "no_reference": _("The reference is not SI00 or SI12 with a card number."),
    "no_member": _("No member has the card number of the reference."),
    "several_members": _("Several members have the card number of the reference."),
}

MATCHED, UNMATCHED, IMPORTED_BEFORE = "matched", "unmatched", "imported_before"


class BankFileError(Exception):
    """A statement that cannot be read at all: `code` says why (not_text, not_csv,
    field_too_long), `line` where, when known."""

    def __init__(self, code: str, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.code, self.line = code, line


@dataclass(frozen=True)
class BadRow:
    line: int
    code: str  # a key of REASONS
    value: str = ""

    @property
    def sentence(self) -> str:
        return str(REASONS[self.code])


@dataclass(frozen=True)
class StatementRow:
    line: int
    date: date
    amount: Decimal
    reference: str
    payer: str
    bank_id: str


@dataclass(frozen=True)
class ImportedRow:
    row: StatementRow
    status: str  # MATCHED, UNMATCHED or IMPORTED_BEFORE
    reason: str = ""  # why unmatched: a key of REASONS
    member: Member | None = None
    payment: Payment | None = None

    @property
    def sentence(self) -> str:
        return str(REASONS[self.reason]) if self.reason else ""


@dataclass
class ImportResult:
    rows: list[ImportedRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)  # if any, nothing was imported

    def of(self, status: str) -> list[ImportedRow]:
        return [r for r in self.rows if r.status == status]

    @property
    def booked(self) -> Decimal:
        return sum((r.row.amount for r in self.of(MATCHED)), Decimal("0.00"))


# --- reading the file ------------------------------------------------------------------------


def statement_decode(data: bytes) -> str:
    """A statement file's text: UTF-8 (with or without a BOM), or else Windows-1250, the
    code page of Slovenian bank exports."""
    not_text = BankFileError("not_text", "the file is not text (UTF-8 or Windows-1250)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1250")
        except UnicodeDecodeError:
            raise not_text from None
    if _NOT_TEXT.search(text):
        raise not_text
    return text


def statement_rows(text: str) -> list[tuple[int, list[str]]]:
    """The CSV's records with their line numbers; the separator is the first of ";", tab
    and "," that the first line has. Raises BankFileError for text that is not CSV or has a
    field longer than MAX_CELL."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = next((d for d in (";", "\t", ",") if d in first), ",")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    records = []
    line = 1
    try:
        for record in reader:
            if any(len(cell) > MAX_CELL for cell in record):
                longer = f"a field is longer than {MAX_CELL} characters"
                raise BankFileError("field_too_long", longer, line)
            records.append((line, record))
            line = reader.line_num + 1
    except csv.Error as error:  # a field past csv's own limit (128 KB), a NUL character
        if "field limit" in str(error):
            longer = f"a field is longer than {MAX_CELL} characters"
            raise BankFileError("field_too_long", longer, line) from None
        raise BankFileError("not_csv", f"not CSV: {error}", line) from None
    return records


def parse_date(text: str) -> date:
    """2026-05-04, 04.05.2026 or 4. 5. 2026."""
    text = text.strip()
    try:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text)
        match = re.fullmatch(r"([0-9]{1,2})\.\s*([0-9]{1,2})\.\s*([0-9]{4})", text)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        pass
    raise ValueError("date_invalid")


def statement_amount(text: str) -> Decimal:
    """An amount as Slovenian banks write it ("1.234,56", "12,30") or with a decimal point
    ("1234.56", "1,234.56"); "EUR" or "€" may follow. With both marks the last is the decimal
    mark; a lone mark followed by exactly three digits ("1.234") could be either and is
    refused; several of one mark are thousands ("1.234.567"). The thousands taken out, the
    amount is read by bukve.rules.money.parse_amount (a sign allowed, so that a debit is
    named as one). Raises ValueError with a reason code."""
    value = re.sub(r"(?i)(eur|€)$", "", text.replace("\u00a0", "").replace(" ", "").strip())
    if not re.fullmatch(r"[+-]?[0-9][0-9.,]*", value):
        raise ValueError("amount_invalid")
    sign = "-" if value[0] == "-" else ""
    value = value.lstrip("+-")
    marks = {c for c in value if c in ".,"}
    if len(marks) == 2:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        group = "." if decimal_mark == "," else ","
        whole, cents = value.rsplit(decimal_mark, 1)
        if not re.fullmatch(rf"[0-9]{{1,3}}(\{group}[0-9]{{3}})+", whole):
            raise ValueError("amount_invalid")
        value = f"{whole.replace(group, '')}.{cents}"
    elif len(marks) == 1:
        [mark] = marks
        whole, cents = value.rsplit(mark, 1)
        if mark in whole:  # thousands only: 1.234.567
            if not re.fullmatch(rf"[0-9]{{1,3}}(\{mark}[0-9]{{3}})+", value):
                raise ValueError("amount_invalid")
            value = value.replace(mark, "")
        elif len(cents) == 3:
            raise ValueError("amount_ambiguous")
        else:
            value = f"{whole}.{cents}"
    return _amount(sign + value)


def _amount(text: str) -> Decimal:
    try:
        amount = parse_amount(text, signed=True)
    except AmountError as error:
        raise ValueError("amount_too_large" if error.code == "amount_too_large"
                         else "amount_invalid") from None  # fmt: skip
    if amount <= 0:
        raise ValueError("amount_not_positive")
    return amount


def _header(record: Sequence[str]) -> dict[str, int] | None:
    """The column positions named by a header row, or None if the row names no column."""
    names = [re.sub(r"[\s_-]", "", cell.strip().lower()) for cell in record]
    if not any(n in HEADERS for n in names):
        return None
    return {HEADERS[n]: i for i, n in reversed(list(enumerate(names))) if n in HEADERS}


Records = Sequence[tuple[int, Sequence[str]]]


def statement_parse(records: Records, today: date) -> tuple[list[StatementRow], list[BadRow]]:
    """The rows of a statement imported on `today` and its bad rows, from its records
    (line, cells); pure."""
    records = [(n, list(r)) for n, r in records if any(cell.strip() for cell in r)]
    if not records:
        return [], [BadRow(1, "empty_file")]
    positions = dict(zip(COLUMNS, range(len(COLUMNS)), strict=True))
    header = _header(records[0][1])
    if header is not None:
        if set(header) != set(COLUMNS):
            return [], [BadRow(records[0][0], "header", ";".join(records[0][1]))]
        positions, records = header, records[1:]
    rows: list[StatementRow] = []
    bad: list[BadRow] = []
    seen: set[str] = set()
    width = max(positions.values()) + 1
    for line, record in records:
        if len(record) < width or (header is None and len(record) != len(COLUMNS)):
            bad.append(BadRow(line, "columns", ";".join(record)))
            continue
        cell = {name: record[i].strip() for name, i in positions.items()}
        problems: list[BadRow] = []
        try:
            day = parse_date(cell["date"])
        except ValueError as error:
            problems.append(BadRow(line, str(error), cell["date"]))
        else:
            if day > today:
                problems.append(BadRow(line, "date_future", cell["date"]))
            elif day < today - OLDEST:
                problems.append(BadRow(line, "date_too_old", cell["date"]))
        try:
            amount = statement_amount(cell["amount"])
        except ValueError as error:
            problems.append(BadRow(line, str(error), cell["amount"]))
        bank_id = cell["bank_id"]
        if not bank_id:
            problems.append(BadRow(line, "bank_id_missing"))
        elif len(bank_id) > 100:
            problems.append(BadRow(line, "bank_id_too_long", bank_id[:100]))
        elif bank_id in seen:
            problems.append(BadRow(line, "bank_id_repeated", bank_id))
        seen.add(bank_id)
        if len(cell["reference"]) > 40:
            problems.append(BadRow(line, "reference_too_long", cell["reference"]))
        if problems:
            bad += problems
            continue
        rows.append(StatementRow(line=line, date=day, amount=amount, reference=cell["reference"],
                                 payer=cell["payer"][:200], bank_id=bank_id))  # fmt: skip
    return rows, bad


# --- matching and booking --------------------------------------------------------------------


def _key(digits: str) -> str:
    return digits.lstrip("0") or "0"


def _card_index(library: Library, keys: set[str]) -> dict[str, list[int]]:
    """The library's members by the digits of their card numbers (for the keys wanted)."""
    index: dict[str, list[int]] = {}
    if not keys:
        return index
    cards = Member.objects.filter(library=library, age_group="").values_list("pk", "card_number")
    for pk, card in cards.iterator(chunk_size=5000):
        digits = "".join(c for c in card if c in "0123456789")
        if digits and (key := _key(digits)) in keys:
            index.setdefault(key, []).append(pk)
    return index


def _match(row: StatementRow, index: dict[str, list[int]]) -> tuple[int | None, str]:
    digits = reference_digits(row.reference)
    if digits is None:
        return None, "no_reference"
    members = index.get(_key(digits), [])
    if not members:
        return None, "no_member"
    if len(members) > 1:
        return None, "several_members"
    return members[0], ""


def bank_statement_import(
    *,
    library: Library,
    by: User | None,
    text: str | None = None,
    rows: Iterable[Sequence[str]] | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import a bank statement on `today` (by default the local date): its CSV `text`, or
    its `rows` already split into cells (the first may be a header). Every row is checked
    first; if any is bad, nothing is imported and the result lists the bad rows. Text that
    is not CSV raises BankFileError. Otherwise, in one transaction, each row not imported
    before becomes a BankTransaction, and a matched one a payment of its member
    (`payment_take`, method "transfer", note "bank <id>", dated the day of the transfer).

    Locks: the matched members (by id) before any payment, then what `payment_take` locks
    (each member's charges, the receipt sequence); payments are booked member by member."""
    if (text is None) == (rows is None):
        raise ValueError("give the statement's text or its rows")
    if text is not None:
        records = statement_rows(text)
    else:
        records = [(n, list(r)) for n, r in enumerate(rows or (), start=1)]
    parsed, bad = statement_parse(records, today or timezone.localdate())
    if bad:
        return ImportResult(bad=bad)
    try:
        return _book(library, parsed, by)
    except IntegrityError:
        # Another import of the same rows committed first: book what it left.
        return _book(library, parsed, by)


@transaction.atomic
def _book(library: Library, parsed: list[StatementRow], by: User | None) -> ImportResult:
    before = set(
        BankTransaction.objects.filter(library=library, bank_id__in=[r.bank_id for r in parsed])
        .values_list("bank_id", flat=True)
    )  # fmt: skip
    new = [r for r in parsed if r.bank_id not in before]
    keys = {_key(d) for r in new if (d := reference_digits(r.reference)) is not None}
    index = _card_index(library, keys)
    matches = {r.bank_id: _match(r, index) for r in new}
    members = {
        m.pk: m
        for m in Member.objects.select_for_update()
        .select_related("library")
        .filter(pk__in={pk for pk, _ in matches.values() if pk is not None})
        .order_by("pk")
    }
    imported: dict[str, ImportedRow] = {}
    order = sorted(new, key=lambda r: (matches[r.bank_id][0] or 0, r.date, r.line))
    for row in order:
        member_id, reason = matches[row.bank_id]
        member = members.get(member_id) if member_id is not None else None
        line = BankTransaction.objects.create(
            library=library, bank_id=row.bank_id, date=row.date, amount=row.amount,
            reference=row.reference, payer=row.payer, member=member,
            status=BankTransaction.MATCHED if member else BankTransaction.UNMATCHED,
            imported_by=by,
        )  # fmt: skip
        if member is None:
            imported[row.bank_id] = ImportedRow(row, UNMATCHED, reason)
            continue
        payment = payment_take(member=member, day=row.date, amount=row.amount, method="transfer",
                               taken_by=by, note=f"bank {row.bank_id}",
                               enforce_return_first=False)  # fmt: skip
        line.payment = payment
        line.save(update_fields=["payment"])
        imported[row.bank_id] = ImportedRow(row, MATCHED, member=member, payment=payment)
    result = ImportResult()
    for row in parsed:
        if row.bank_id in imported:
            result.rows.append(imported[row.bank_id])
        else:
            result.rows.append(ImportedRow(row, IMPORTED_BEFORE))
    return result


def bank_transaction_assign(
    *, transaction_line: BankTransaction, member: Member, by: User | None
) -> Payment:
    """Book a transfer that matched no member (a wrong or missing reference) as a payment of
    the member staff recognise from the payer's name or the purpose. Locks: the member, then
    the transfer; refuses one that is booked already (`already_booked`) or another library's
    member (`not_a_member`)."""
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        line = BankTransaction.objects.select_for_update().get(pk=transaction_line.pk)
        if member.library_id != line.library_id:
            raise Refused("not_a_member")
        if line.status != BankTransaction.UNMATCHED:
            raise Refused("already_booked")
        payment = payment_take(member=member, day=line.date, amount=line.amount,
                               method="transfer", taken_by=by, note=f"bank {line.bank_id}",
                               enforce_return_first=False)  # fmt: skip
        line.member, line.payment, line.status = member, payment, BankTransaction.MATCHED
        line.save(update_fields=["member", "payment", "status"])
        return payment
