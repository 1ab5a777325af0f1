"""UPN QR slips for members' debts: Maribor's bank details and the card number as the
reference (seed 001), the guardian pays for a child, libraries without bank details give no
slip; the QR code is a version-15 code at level M that a real reader decodes to the payload."""

from __future__ import annotations

import copy
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bukve.accounts.slips import (
    member_reference,
    street_and_place,
    upn_qr,
    upn_qr_png,
    upn_qr_svg_data_uri,
    upn_slip_for,
)
from bukve.libraries.services import library_load, preset_read
from bukve.rules.policy_file import policy_from_dict
from bukve.rules.upn import LENGTH, parse_payload

DAY = date(2026, 5, 4)

needs_zbar = pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools)")


def zbar_decode(png: Path) -> bytes:
    """What zbarimg reads from the image, as bytes."""
    return subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary", str(png)], check=True,
                          capture_output=True).stdout  # fmt: skip


def assert_reads_as(raw: bytes, payload: str) -> None:
    """The bytes are the payload in ISO-8859-2. zbar honours the code's ECI designator (4:
    ISO-8859-2) and hands out UTF-8 even with -Sbinary (zbar 0.23.9x); without that it
    gives the raw bytes. Either way a code whose bytes were not ISO-8859-2 (UTF-8 under
    ECI 4, say) would read as something else: "č" would come out as "Ä" and a stray byte."""
    assert raw in (payload.encode("iso-8859-2"), payload.encode("utf-8"))
    text = raw.decode("iso-8859-2") if raw == payload.encode("iso-8859-2") else raw.decode()
    assert text == payload


@pytest.fixture
def maribor(load_library):
    return load_library("maribor")


@pytest.fixture
def zan(maribor, make_member):
    return make_member(maribor, "MB000123", first_name="Žan", last_name="Čuk",
                       address="Ulica heroja Šaranoviča 5, 2000 Maribor")  # fmt: skip


def test_it_makes_maribors_slip_with_the_card_number_as_the_reference(zan) -> None:
    # when
    slip = upn_slip_for(zan, Decimal("12.30"), DAY, "Dolg knjižnici")

    # then: the seed's bank details, SI00 and the card's digits, Žan as the payer
    assert slip is not None
    assert (slip.recipient_iban, slip.recipient_reference, slip.reference_display) == (
        "SI56012706030372772", "SI00000123", "SI00 000123"
    )  # fmt: skip
    assert (slip.recipient_name, slip.recipient_street, slip.recipient_place) == (
        "Mariborska knjižnica", "Rotovški trg 2", "2000 Maribor"
    )  # fmt: skip
    assert (slip.payer_name, slip.payer_street, slip.payer_place) == (
        "Žan Čuk", "Ulica heroja Šaranoviča 5", "2000 Maribor"
    )  # fmt: skip
    assert (slip.amount, slip.purpose_code, slip.purpose) == (
        Decimal("12.30"), "OTHR", "Dolg knjižnici"
    )  # fmt: skip


def test_the_guardian_pays_for_a_child(maribor, zan, make_member) -> None:
    tim = make_member(maribor, "MB000456", first_name="Tim", last_name="Čuk", category="child",
                      born=date(2017, 5, 5), guardian=zan)  # fmt: skip

    slip = upn_slip_for(tim, Decimal("2.00"), DAY, "Opomin")

    assert slip is not None
    assert (slip.payer_name, slip.recipient_reference) == ("Žan Čuk", "SI00000456")


@pytest.mark.parametrize("library", ["velenje", "tolmin", "ravne"])
def test_a_library_without_bank_details_gives_no_slip(library, load_library, make_member) -> None:
    member = make_member(load_library(library), "X000123")

    assert upn_slip_for(member, Decimal("5.00"), DAY, "Dolg") is None


def test_no_debt_no_slip(zan) -> None:
    assert upn_slip_for(zan, Decimal("0.00"), DAY, "Dolg") is None


def test_a_library_with_si12_references_gets_the_check_digit(make_member, db) -> None:
    # given: Maribor's bank details under another library whose references are SI12
    data = copy.deepcopy(dict(preset_read("maribor").data))
    data.update(id="si12lib", name="Knjižnica SI12")
    data["payment"]["reference"] = "si12"
    library = library_load(policy=policy_from_dict(data))
    member = make_member(library, "K000123")

    slip = upn_slip_for(member, Decimal("1.00"), DAY, "Dolg")

    assert slip is not None and slip.recipient_reference == "SI120001236"


def test_it_makes_references_from_the_card_numbers_digits() -> None:
    assert member_reference("MB000123", "card_number") == "SI00 000123"
    assert member_reference("MB000123", "si12") == "SI12 0001236"
    assert member_reference("MB-BUS", "card_number") is None
    assert member_reference("MB000123", "rf") is None
    assert street_and_place("Trg maršala Tita 7, 5220 Tolmin") == (
        "Trg maršala Tita 7", "5220 Tolmin"
    )  # fmt: skip
    assert street_and_place("Glavni trg 1") == ("Glavni trg 1", "")


def test_the_qr_code_is_version_15_at_level_m_in_byte_mode(zan) -> None:
    slip = upn_slip_for(zan, Decimal("1234.56"), DAY, "Dolg")

    code = upn_qr(slip)

    assert (code.version, code.error, code.mode, code.is_micro) == (15, "M", "byte", False)
    assert code.symbol_size(border=0) == (77, 77)
    assert upn_qr_svg_data_uri(slip).startswith("data:image/svg+xml")


@needs_zbar
@pytest.mark.parametrize("amount", ["0.29", "1234.56"])
def test_a_reader_decodes_the_png_to_the_payload(zan, tmp_path, amount) -> None:
    # given
    slip = upn_slip_for(zan, Decimal(amount), DAY, "Poravnava dolga, čšž ČŠŽ")
    png = tmp_path / "upn-qr.png"

    # when
    png.write_bytes(upn_qr_png(slip))
    raw = zbar_decode(png)

    # then: all 411 characters, č/š/ž included, and a slip that checks
    payload = slip.payload()
    assert len(payload) == LENGTH
    assert_reads_as(raw, payload)
    assert parse_payload(payload) == slip
