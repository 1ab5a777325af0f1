"""The UPN QR payment slip: its 19 fields and control sum, amounts in cents, texts that are too
long or not in ISO-8859-2, and the SI00 and SI12 references (ZBS "Tehnični standard UPN QR",
"Pravila za oblikovanje in uporabo standardiziranih referenc")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bukve.rules.upn import (
    LENGTH,
    UpnError,
    UpnSlip,
    control_sum,
    iban_compact,
    mod11_check_digit,
    parse_payload,
    plain_text,
    reference_compact,
    reference_digits,
    shorten,
    si00_reference,
    si12_reference,
)

MARIBOR_IBAN = "SI56 0127 0603 0372 772"

# The example of the ZBS programmers' guide (NavodilaZaProgramerjeUPNQR, section 4), whose
# control sum is 201; the guide prints it without the reserve of spaces.
GUIDE_EXAMPLE = (
    "UPNQR\n\n\n\n\nJanez Novak\nDunajska ulica 1\n1000 Ljubljana\n00000008105\n\n\nRENT\n"
    "Plačilo najemnine za marec 2017\n01.04.2017\nSI56020170014356205\nSI121234567890120\n"
    "RentaCar d.o.o.\nPohorska ulica 22\n2000 Maribor\n201\n"
)


def slip(**values: object) -> UpnSlip:
    """Maribor's slip for card MB000123, with `values` changed."""
    fields: dict[str, object] = {
        "amount": Decimal("12.30"),
        "recipient_iban": MARIBOR_IBAN,
        "recipient_reference": "SI00 000123",
        "recipient_name": "Mariborska knjižnica",
        "recipient_street": "Rotovški trg 2",
        "recipient_place": "2000 Maribor",
        "purpose_code": "OTHR",
        "purpose": "Dolg knjižnici, izkaznica MB000123",
        "payer_name": "Žan Čuk",
        "payer_street": "Ulica heroja Šaranoviča 5",
        "payer_place": "2000 Maribor",
    }
    fields.update(values)
    return UpnSlip(**fields)  # type: ignore[arg-type]


def lines(payload: str) -> list[str]:
    return payload.split("\n")


# --- the fields and the control sum ---------------------------------------------------------


def test_it_writes_the_example_of_the_programmers_guide() -> None:
    # given: the guide's slip
    rent = UpnSlip(
        amount=Decimal("81.05"), recipient_iban="SI56 0201 7001 4356 205",
        recipient_reference="SI12 1234567890120", recipient_name="RentaCar d.o.o.",
        recipient_street="Pohorska ulica 22", recipient_place="2000 Maribor",
        purpose_code="RENT", purpose="Plačilo najemnine za marec 2017",
        deadline=date(2017, 4, 1), payer_name="Janez Novak",
        payer_street="Dunajska ulica 1", payer_place="1000 Ljubljana",
    )  # fmt: skip

    # when
    payload = rent.payload()

    # then: the guide's text, and the reserve of spaces up to 411 characters
    assert payload == GUIDE_EXAMPLE.ljust(LENGTH)
    assert len(payload) == len(payload.encode("iso-8859-2")) == LENGTH == 411
    assert parse_payload(GUIDE_EXAMPLE) == rent


def test_it_writes_19_fields_and_the_control_sum_each_ending_in_lf() -> None:
    payload = slip().payload()

    *fields, checksum, reserve = lines(payload)
    assert fields == [
        "UPNQR", "", "", "", "", "Žan Čuk", "Ulica heroja Šaranoviča 5", "2000 Maribor",
        "00000001230", "", "", "OTHR", "Dolg knjižnici, izkaznica MB000123", "",
        "SI56012706030372772", "SI00000123", "Mariborska knjižnica", "Rotovški trg 2",
        "2000 Maribor",
    ]  # fmt: skip
    assert checksum == f"{sum(len(f) for f in fields) + 19:03d}" == "192"
    assert reserve == " " * (LENGTH - len(payload.rstrip(" ")))


def test_the_control_sum_has_three_digits_with_leading_zeros() -> None:
    short = UpnSlip(amount=Decimal("1.00"), recipient_iban=MARIBOR_IBAN,
                    recipient_reference="SI99", recipient_name="M")  # fmt: skip

    checksum = lines(short.payload())[19]

    # 5 + 11 + 4 + 19 + 4 + 1 + 19 separators
    assert checksum == "063" == f"{control_sum(short.fields()):03d}"


@pytest.mark.parametrize(
    ("amount", "field"),
    [("0.29", "00000000029"), ("1234.56", "00000123456"), ("5", "00000000500"),
     ("9999999.99", "00999999999"), ("0.01", "00000000001")],
)  # fmt: skip
def test_it_writes_the_amount_in_cents_with_11_digits(amount: str, field: str) -> None:
    written = slip(amount=Decimal(amount))

    assert lines(written.payload())[8] == field
    assert parse_payload(written.payload()).amount == Decimal(amount)


@pytest.mark.parametrize("amount", ["0", "0.00", "-1.00", "10000000.00", "1.234", "NaN", "Inf"])
def test_it_refuses_amounts_out_of_range_or_with_more_than_two_places(amount: str) -> None:
    with pytest.raises(UpnError):
        slip(amount=Decimal(amount))


@pytest.mark.parametrize("amount", [1.5, 2, "3.00"])
def test_it_refuses_money_that_is_not_a_decimal(amount: object) -> None:
    with pytest.raises(TypeError):
        slip(amount=amount)


def test_it_keeps_two_places_of_a_whole_amount() -> None:
    assert str(slip(amount=Decimal("5")).amount) == "5.00"


def test_it_writes_a_deadline_and_a_payment_date_as_dd_mm_yyyy() -> None:
    dated = slip(deadline=date(2026, 5, 4), payment_date=date(2026, 4, 30), urgent=True)

    assert lines(dated.payload())[9:14] == [
        "30.04.2026", "X", "OTHR", "Dolg knjižnici, izkaznica MB000123", "04.05.2026",
    ]  # fmt: skip


# --- texts ----------------------------------------------------------------------------------


def test_it_shortens_a_long_text_at_a_word() -> None:
    long = slip(
        purpose="Poravnava dolga za zamudnino in opomine, izkaznica MB000123",
        recipient_name="Mariborska knjižnica, Rotovški trg 2, 2000 Maribor",
    )

    assert long.purpose == "Poravnava dolga za zamudnino in opomine,"  # 40 of 42
    assert long.recipient_name == "Mariborska knjižnica, Rotovški"  # 30 of 33
    assert parse_payload(long.payload()) == long


def test_it_cuts_a_long_word_that_has_no_space_to_break_at() -> None:
    assert shorten("a " + "x" * 40, 33) == "a " + "x" * 31
    assert slip(payer_name="Ž" * 50).payer_name == "Ž" * 33


def test_it_writes_slovenian_letters_as_one_byte_each_in_iso_8859_2() -> None:
    payload = slip(payer_name="Čšž ČŠŽ ćđ ĆĐ").payload()

    encoded = payload.encode("iso-8859-2")
    assert len(encoded) == LENGTH
    assert b"\xc8\xb9\xbe \xc8\xa9\xae \xe6\xf0 \xc6\xd0" in encoded  # č š ž Č Š Ž ć đ Ć Đ
    assert parse_payload(encoded).payer_name == "Čšž ČŠŽ ćđ ĆĐ"


def test_it_replaces_characters_iso_8859_2_lacks_the_same_way_every_time() -> None:
    assert plain_text("Muñoz – “Ana” Ørsted 😀 1½ €") == 'Munoz - "Ana" ?rsted ? 11?2 EUR'
    assert slip(payer_name="José Muñoz").payer_name == "José Munoz"  # é is in ISO-8859-2


def test_a_line_break_in_a_text_cannot_break_the_fields() -> None:
    broken = slip(payer_street="Glavni trg 1\nstanovanje 4\r\n", purpose="a\tb\x00c")

    assert (broken.payer_street, broken.purpose) == ("Glavni trg 1 stanovanje 4", "a b c")
    assert len(lines(broken.payload())) == 21


# --- account numbers and references ---------------------------------------------------------


def test_it_writes_the_iban_without_spaces_and_checks_it() -> None:
    assert iban_compact(MARIBOR_IBAN) == "SI56012706030372772"
    with pytest.raises(UpnError):
        iban_compact("SI56 0127 0603 0372 773")
    with pytest.raises(UpnError):
        slip(recipient_iban="")


@pytest.mark.parametrize(
    ("number", "reference"),
    [
        ("123456789012", "SI12 1234567890120"),  # the ZBS programmers' guide
        ("251225287550", "SI12 2512252875501"),  # a telecom's UPN QR bill
        ("1234567890", "SI12 12345678909"),  # franga2000/upnqr's README
        ("000123", "SI12 0001236"),  # a Bukve card MB000123
    ],
)
def test_it_gives_an_si12_reference_its_mod_11_check_digit(number: str, reference: str) -> None:
    assert si12_reference(number) == reference
    assert reference_digits(reference) == number


def test_a_check_digit_of_10_or_11_becomes_0() -> None:
    # 6 * 2 = 12, remainder 1: 11 - 1 = 10 becomes 0; 11 * 1: remainder 0, 11 becomes 0
    assert mod11_check_digit("6") == "0"
    assert mod11_check_digit("0") == "0"
    assert mod11_check_digit("5") == "1"  # 10 % 11 = 10, 11 - 10 = 1


def test_it_refuses_an_si12_reference_with_a_wrong_check_digit() -> None:
    assert reference_digits("SI12 0001235") is None
    with pytest.raises(UpnError):
        slip(recipient_reference="SI12 0001235")


def test_an_si00_reference_has_up_to_three_parts_and_20_digits() -> None:
    assert si00_reference("000123") == "SI00 000123"
    assert si00_reference("2026", "000123", "1") == "SI00 2026-000123-1"
    assert reference_compact("si00 2026-000123-1") == "SI002026-000123-1"
    for bad in (("1", "2", "3", "4"), ("1" * 21,), ("12a",), ()):
        with pytest.raises(UpnError):
            si00_reference(*bad)


@pytest.mark.parametrize(
    ("text", "digits"),
    [("SI00 000123", "000123"), ("si00000123", "000123"), ("SI00 000-123", "000123"),
     ("SI12 0001236", "000123"), ("SI 12 000 1236", "000123"), ("SI12 0001235", None),
     ("SI99", None), ("SI05 123", None), ("RF18539007547034", None), ("000123", None),
     ("MB000123", None), ("", None)],
)  # fmt: skip
def test_it_reads_the_number_of_a_reference_to_match_it(text: str, digits: str | None) -> None:
    assert reference_digits(text) == digits


def test_it_checks_an_rf_reference_and_a_purpose_code() -> None:
    assert slip(recipient_reference="RF18 5390 0754 7034").recipient_reference == (
        "RF18539007547034"
    )
    with pytest.raises(UpnError):
        slip(recipient_reference="RF19539007547034")
    with pytest.raises(UpnError):
        slip(purpose_code="OTH")
    assert slip(purpose_code="othr").purpose_code == "OTHR"


# --- reading a slip back --------------------------------------------------------------------


def test_it_reads_back_what_it_wrote() -> None:
    written = slip(deadline=date(2026, 6, 1))

    assert parse_payload(written.payload()) == written
    assert parse_payload(written.payload().encode("iso-8859-2")) == written
    assert parse_payload(written.payload().rstrip(" ")) == written  # without the reserve


def test_it_refuses_a_wrong_control_sum_or_field_count_or_a_field_too_long() -> None:
    payload = slip().payload()
    fields = lines(payload)

    wrong_sum = "\n".join([*fields[:19], "213", fields[20]])
    one_short = "\n".join(fields[:18] + fields[19:])
    too_long = "\n".join([*fields[:5], "Ž" * 34, *fields[6:19], "213", ""])
    for bad in (wrong_sum, one_short, too_long, payload + " ", payload.replace("UPNQR", "UPNQX")):
        with pytest.raises(UpnError):
            parse_payload(bad)


def test_it_refuses_a_slip_not_written_as_the_standard_writes_it() -> None:
    fields = lines(slip().payload())
    fields[14] = MARIBOR_IBAN  # with spaces
    fields[19] = f"{sum(len(f) for f in fields[:19]) + 19:03d}"
    fields[20] = ""

    with pytest.raises(UpnError, match="recipient_iban"):
        parse_payload("\n".join(fields))


# --- any amount, any text ------------------------------------------------------------------

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2)
texts = st.text(max_size=60)


@settings(max_examples=300)
@given(amounts, texts, texts, texts, texts)
def test_any_slip_fits_the_code_and_reads_back_the_same(
    amount: Decimal, name: str, street: str, place: str, purpose: str
) -> None:
    written = slip(amount=amount, payer_name=name, payer_street=street, payer_place=place,
                   purpose=purpose, recipient_street=street)  # fmt: skip

    payload = written.payload()

    assert len(payload.encode("iso-8859-2")) == LENGTH
    *fields, checksum, reserve = lines(payload)
    assert len(fields) == 19 and not reserve.strip(" ")
    assert int(checksum) == sum(len(f) for f in fields) + 19
    assert fields[8] == f"{int(amount * 100):011d}"
    assert len(written.payer_name) <= 33 and len(written.purpose) <= 42
    assert parse_payload(payload) == written
    assert written.payer_name == plain_text(written.payer_name)  # already plain: stable
