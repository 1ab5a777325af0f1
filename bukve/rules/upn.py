"""The UPN QR payment slip (univerzalni plačilni nalog QR) and the SI payment references.

Sources: the ZBS "Tehnični standard UPN QR" (section 5: what the QR code holds) with its
"Navodila za programerje", and the ZBS "Pravila za oblikovanje in uporabo standardiziranih
referenc pri opravljanju plačilnih storitev" (the models SI00 and SI12).

The QR code holds 19 fields, each followed by LF, then the control sum (the lengths of the 19
fields plus 19, as three digits) and LF. The rest of the symbol (a version-15 QR code at error
level M with the ECI designator of ISO-8859-2 holds exactly 411 bytes) is the reserve, filled
with spaces; text is ISO-8859-2, one byte a character. The example of the programmers' guide
(Janez Novak, RentaCar d.o.o., 81.05, control sum 201) is in tests/rules/test_upn.py.

Pure Python: the shell renders the code (bukve/accounts/slips.py, with segno).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

ENCODING = "iso-8859-2"
LENGTH = 411  # characters (= bytes) of the payload, with the reserve
LEADING = "UPNQR"
CENT = Decimal("0.01")
MAX_CENTS = 10**9  # the amount is less than this (the standard's "1 milijarda - 1")

# The 19 fields of the code and their longest lengths, in order (section 5 of the standard).
FIELDS = (
    ("leading", 5),
    ("payer_iban", 34),
    ("deposit", 1),
    ("withdrawal", 1),
    ("payer_reference", 26),
    ("payer_name", 33),
    ("payer_street", 33),
    ("payer_place", 33),
    ("amount", 11),
    ("payment_date", 10),
    ("urgent", 1),
    ("purpose_code", 4),
    ("purpose", 42),
    ("deadline", 10),
    ("recipient_iban", 34),
    ("recipient_reference", 26),
    ("recipient_name", 33),
    ("recipient_street", 33),
    ("recipient_place", 33),
)
LIMITS = dict(FIELDS)
TEXT_FIELDS = ("payer_name", "payer_street", "payer_place", "purpose", "recipient_name",
               "recipient_street", "recipient_place")  # fmt: skip


class UpnError(ValueError):
    """A slip or a reference that the standard does not allow."""


# --- text ------------------------------------------------------------------------------------

# Typographic marks ISO-8859-2 lacks, written as their plain forms.
_PLAIN = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                        "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                        "\u2026": "...", "\u20ac": "EUR"})  # fmt: skip


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return unicodedata.category(char)[0] != "C"


def plain_text(text: str) -> str:
    """`text` as one line of ISO-8859-2, the same every time: line breaks and other control
    characters become spaces and runs of spaces one space; invisible format characters go;
    a letter ISO-8859-2 lacks loses its accent (ñ becomes n) and anything else becomes "?".
    Slovenian letters (č, š, ž, ć, đ and their capitals) are kept."""
    if text.isprintable():  # the usual case, and the quick one: nothing but spaces to tidy
        try:
            text.encode(ENCODING)
            return " ".join(text.split())
        except UnicodeEncodeError:
            pass
    out: list[str] = []
    for char in text.translate(_PLAIN):
        category = unicodedata.category(char)
        if category == "Cc" or char.isspace():
            out.append(" ")
        elif category[0] == "C":
            continue  # format characters (soft hyphen, zero-width joiner), surrogates
        elif _encodable(char):
            out.append(char)
        else:
            base = [c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)]
            out.append("".join(c if _encodable(c) else "?" for c in base) or "?")
    return " ".join("".join(out).split())


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, at the last space if that keeps at least half of
    the field, otherwise in the middle of a word."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit + 1)
    if space >= limit // 2:
        return text[:space].rstrip()
    return text[:limit].rstrip()


# --- account numbers and references ----------------------------------------------------------


def _mod97(text: str) -> int:
    """ISO 7064 MOD 97-10 of letters and digits (letters count as 10 to 35)."""
    return int("".join(str(int(c, 36)) for c in text)) % 97


def iban_compact(text: str) -> str:
    """An IBAN without spaces, in capitals, with a valid check (ISO 13616); "" stays ""."""
    iban = "".join(text.split()).upper()
    if not iban:
        return ""
    if (
        not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}", iban)
        or _mod97(iban[4:] + iban[:4]) != 1
    ):
        raise UpnError(f"not a valid IBAN: {text!r}")
    return iban


def iban_display(iban: str) -> str:
    """An IBAN in groups of four, as printed: "SI56 0127 0603 0372 772"."""
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mod11_check_digit(digits: str) -> str:
    """The check digit of the SI12 model: the digits weighted 2, 3, 4, ... from the right,
    11 less the sum's remainder by 11, and 0 where that is 10 or 11 (the ZBS rules for
    references; 123456789012 gives 0, as in the programmers' guide's SI12 1234567890120)."""
    if not re.fullmatch(r"[0-9]+", digits):
        raise UpnError(f"not digits: {digits!r}")
    total = sum(int(d) * weight for weight, d in enumerate(reversed(digits), start=2))
    check = 11 - total % 11
    return "0" if check >= 10 else str(check)


def si12_reference(number: str) -> str:
    """The reference of model SI12 for a number of 1 to 19 digits: "SI12 " and the number
    with its check digit (at most 20 digits in all)."""
    if not re.fullmatch(r"[0-9]{1,19}", number):
        raise UpnError(f"an SI12 reference takes 1 to 19 digits, not {number!r}")
    return f"SI12 {number}{mod11_check_digit(number)}"


def si00_reference(*parts: str) -> str:
    """The reference of model SI00 (no check digit): up to three parts of digits joined by
    "-", at most 20 digits in all: si00_reference("000123") is "SI00 000123"."""
    if not 1 <= len(parts) <= 3 or not all(re.fullmatch(r"[0-9]+", p) for p in parts):
        raise UpnError(f"an SI00 reference takes 1 to 3 parts of digits, not {parts!r}")
    if sum(len(p) for p in parts) > 20:
        raise UpnError(f"an SI00 reference holds at most 20 digits: {parts!r}")
    return "SI00 " + "-".join(parts)


def reference_compact(text: str) -> str:
    """A recipient's or payer's reference as the QR code holds it: no spaces, in capitals,
    and checked: SI (model, then up to 3 parts of digits, at most 20; SI12 with a valid
    check digit; SI99 alone) or RF (ISO 11649). "" stays ""."""
    reference = "".join(text.split()).upper()
    if not reference:
        return ""
    if len(reference) > LIMITS["recipient_reference"]:
        raise UpnError(f"a reference has at most 26 characters: {text!r}")
    if reference.startswith("RF"):
        if not re.fullmatch(r"RF[0-9]{2}[A-Z0-9]{1,21}", reference) or (
            _mod97(reference[4:] + reference[:4]) != 1
        ):
            raise UpnError(f"not a valid RF reference: {text!r}")
        return reference
    match = re.fullmatch(r"SI([0-9]{2})([0-9-]*)", reference)
    if match is None:
        raise UpnError(f"a reference starts with SI or RF and a model: {text!r}")
    model, number = match.groups()
    if model == "99":
        if number:
            raise UpnError(f"SI99 takes no number: {text!r}")
        return reference
    parts = number.split("-")
    if not 1 <= len(parts) <= 3 or not all(parts) or len(number) - number.count("-") > 20:
        raise UpnError(f"an SI number is 1 to 3 parts of digits, at most 20: {text!r}")
    if model == "12" and (
        len(parts) > 1 or len(number) < 2 or mod11_check_digit(number[:-1]) != number[-1]
    ):
        raise UpnError(f"not a valid SI12 reference (check digit): {text!r}")
    return reference


def reference_digits(text: str) -> str | None:
    """The number a payment's reference carries, to match it: the digits of an SI00
    reference, or of an SI12 reference without its check digit if that is valid. None for
    anything else (no reference, another model, a wrong check digit, RF).
    reference_digits("SI00 000123") and reference_digits("SI12 0001236") are "000123"."""
    try:
        reference = reference_compact(text)
    except UpnError:
        return None
    if reference.startswith("SI00"):
        return reference[4:].replace("-", "")
    if reference.startswith("SI12") and len(reference) > 5:
        return reference[4:-1]
    return None


# --- the slip --------------------------------------------------------------------------------


def cents(amount: Decimal) -> int:
    """The amount in cents: a Decimal of at most two places, more than 0, less than 10^9
    cents. Floats are refused: money is Decimal."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"an amount is a Decimal, not {type(amount).__name__}")
    if not amount.is_finite() or not 0 < amount * 100 < MAX_CENTS:
        raise UpnError(f"an amount is more than 0.00 and less than 10000000.00: {amount}")
    if amount != amount.quantize(CENT):
        raise UpnError(f"an amount has at most two decimal places: {amount}")
    return int(amount * 100)


def _date_text(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day is not None else ""


def _flag(on: bool) -> str:
    return "X" if on else ""


@dataclass(frozen=True)
class UpnSlip:
    """A UPN QR payment order (a payment of an obligation: no deposit or withdrawal).

    Built from any values, it holds them as the code will: text on one line in ISO-8859-2
    and shortened to its field, IBANs and references without spaces, the amount with two
    places. What cannot be made right (an IBAN or a reference with a wrong check, a purpose
    code that is not four letters, an amount out of range) raises UpnError."""

    amount: Decimal
    recipient_iban: str
    recipient_reference: str
    recipient_name: str
    recipient_street: str = ""
    recipient_place: str = ""
    purpose_code: str = "OTHR"
    purpose: str = ""
    deadline: date | None = None
    payer_name: str = ""
    payer_street: str = ""
    payer_place: str = ""
    payer_iban: str = ""
    payer_reference: str = ""
    payment_date: date | None = None
    urgent: bool = False
    deposit: bool = False
    withdrawal: bool = False

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)  # frozen: only while it is being built

        put("amount", Decimal(cents(self.amount)).scaleb(-2))
        for name in TEXT_FIELDS:
            put(name, shorten(plain_text(getattr(self, name)), LIMITS[name]))
        put("recipient_iban", iban_compact(self.recipient_iban))
        put("payer_iban", iban_compact(self.payer_iban))
        if not self.recipient_iban:
            raise UpnError("the recipient's IBAN is required")
        put("recipient_reference", reference_compact(self.recipient_reference))
        put("payer_reference", reference_compact(self.payer_reference))
        if not self.recipient_reference:
            raise UpnError("the recipient's reference is required (SI99 for none)")
        code = self.purpose_code.strip().upper()
        if not re.fullmatch(r"[A-Z]{4}", code):
            raise UpnError(f"a purpose code is four letters: {self.purpose_code!r}")
        put("purpose_code", code)
        for name in ("urgent", "deposit", "withdrawal"):
            put(name, bool(getattr(self, name)))

    @property
    def reference_display(self) -> str:
        """The recipient's reference as printed on a slip: "SI00 000123"."""
        return f"{self.recipient_reference[:4]} {self.recipient_reference[4:]}".strip()

    def fields(self) -> tuple[str, ...]:
        """The 19 fields of the code, in order."""
        return (
            LEADING,
            self.payer_iban,
            _flag(self.deposit),
            _flag(self.withdrawal),
            self.payer_reference,
            self.payer_name,
            self.payer_street,
            self.payer_place,
            f"{cents(self.amount):011d}",
            _date_text(self.payment_date),
            _flag(self.urgent),
            self.purpose_code,
            self.purpose,
            _date_text(self.deadline),
            self.recipient_iban,
            self.recipient_reference,
            self.recipient_name,
            self.recipient_street,
            self.recipient_place,
        )

    def payload(self) -> str:
        """What the QR code holds: the 19 fields and the control sum, each followed by LF,
        and the reserve of spaces up to 411 characters. Encode it as ISO-8859-2."""
        values = self.fields()
        text = "".join(f"{value}\n" for value in values) + f"{control_sum(values):03d}\n"
        if len(text) > LENGTH:
            raise UpnError(f"the slip needs {len(text)} characters; the code holds {LENGTH}")
        return text.ljust(LENGTH)


def control_sum(values: Sequence[str]) -> int:
    """The lengths of the 19 fields plus 19 (their separators)."""
    return sum(len(value) for value in values) + len(FIELDS)


def _parse_date(text: str, name: str) -> date | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise UpnError(f"{name}: not a date DD.MM.YYYY: {text!r}") from None


def _parse_flag(text: str, name: str) -> bool:
    if text not in ("", "X"):
        raise UpnError(f"{name}: expected X or nothing, not {text!r}")
    return text == "X"


def parse_payload(payload: str | bytes) -> UpnSlip:
    """Read a slip back from a code's content (text, or its ISO-8859-2 bytes), checking it
    the way the standard says: 20 lines (19 fields and the control sum) and a reserve of
    spaces, at most 411 characters, each field within its length, the control sum right;
    then the values as UpnSlip checks them, which must be the values written (a slip that
    UpnSlip would write differently is refused). Raises UpnError."""
    text = payload.decode(ENCODING) if isinstance(payload, bytes) else payload
    if len(text) > LENGTH:
        raise UpnError(f"the content has {len(text)} characters; at most {LENGTH}")
    lines = text.split("\n")
    if len(lines) != len(FIELDS) + 2:
        raise UpnError(f"expected {len(FIELDS) + 1} lines, each ending in LF; found "
                       f"{len(lines) - 1}")  # fmt: skip
    *values, checksum, reserve = lines
    if reserve.strip(" "):
        raise UpnError("only spaces may follow the control sum")
    if values[0] != LEADING:
        raise UpnError(f"the content starts with {LEADING}, not {values[0]!r}")
    for (name, limit), value in zip(FIELDS, values, strict=True):
        if len(value) > limit:
            raise UpnError(f"{name}: {len(value)} characters, at most {limit}")
    if not re.fullmatch(r"[0-9]{3}", checksum) or int(checksum) != control_sum(values):
        raise UpnError(f"control sum {checksum!r}, expected {control_sum(values):03d}")
    raw = dict(zip((name for name, _ in FIELDS), values, strict=True))
    if not re.fullmatch(r"[0-9]{11}", raw["amount"]):
        raise UpnError(f"amount: 11 digits of cents, not {raw['amount']!r}")
    slip = UpnSlip(
        amount=Decimal(int(raw["amount"])).scaleb(-2),
        recipient_iban=raw["recipient_iban"],
        recipient_reference=raw["recipient_reference"],
        recipient_name=raw["recipient_name"],
        recipient_street=raw["recipient_street"],
        recipient_place=raw["recipient_place"],
        purpose_code=raw["purpose_code"],
        purpose=raw["purpose"],
        deadline=_parse_date(raw["deadline"], "deadline"),
        payer_name=raw["payer_name"],
        payer_street=raw["payer_street"],
        payer_place=raw["payer_place"],
        payer_iban=raw["payer_iban"],
        payer_reference=raw["payer_reference"],
        payment_date=_parse_date(raw["payment_date"], "payment_date"),
        urgent=_parse_flag(raw["urgent"], "urgent"),
        deposit=_parse_flag(raw["deposit"], "deposit"),
        withdrawal=_parse_flag(raw["withdrawal"], "withdrawal"),
    )
    for (name, _), written, read in zip(FIELDS, values, slip.fields(), strict=True):
        if written != read:
            raise UpnError(f"{name}: {written!r} is not as the standard writes it ({read!r})")
    return slip
