"""UPN QR payment slips for members' debts (bukve/rules/upn.py), and the QR code drawn.

The library's bank details come from its policy (the preset's `[payment]` table: iban, bic,
reference, name, street, place, purpose_code). A library without an IBAN there offers no
slip: `upn_slip_for` returns None and callers show nothing. The reference is made from the
digits of the member's card number: `reference = "card_number"` is SI00 and the digits
(Maribor, seed 001: "reference = member card number"), `reference = "si12"` is SI12 with its
check digit. The payer is the member, or for a child under the guardian age the guardian who
gets the child's notices.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

import segno
from django.conf import settings
from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _

from bukve.accounts.models import Charge
from bukve.formatting import money
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.rules import notices
from bukve.rules.policy import Policy
from bukve.rules.upn import (
    ENCODING,
    UpnError,
    UpnSlip,
    iban_display,
    si00_reference,
    si12_reference,
)

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# The standard's QR code: version 15, error level M, ECI 4 (ISO-8859-2), byte mode, and
# never a bigger error level than asked for (the symbol has its fixed size on the slip).
QR_OPTIONS: dict[str, Any] = {"version": 15, "error": "m", "encoding": ENCODING, "eci": True,
                              "micro": False, "boost_error": False, "mode": "byte"}  # fmt: skip
REFERENCE_SCHEMES = ("card_number", "si12")


def card_digits(card_number: str) -> str:
    """The digits of a card number, in order: "MB000123" gives "000123"."""
    return "".join(c for c in card_number if c in "0123456789")


def member_reference(card_number: str, scheme: str) -> str | None:
    """The reference a member pays with, by the library's scheme; None if the card number
    has no digits to make one from or the scheme is unknown."""
    digits = card_digits(card_number)
    try:
        if scheme == "card_number":
            return si00_reference(digits)
        if scheme == "si12":
            return si12_reference(digits)
    except UpnError:
        return None
    return None


def street_and_place(address: str) -> tuple[str, str]:
    """A one-line address split into street and place at its last comma:
    "Trg maršala Tita 7, 5220 Tolmin" gives ("Trg maršala Tita 7", "5220 Tolmin")."""
    street, comma, place = address.rpartition(",")
    if not comma:
        return address.strip(), ""
    return street.strip(), place.strip()


def bank_details(policy: Policy) -> Mapping[str, Any] | None:
    """The library's `[payment]` table if it has an IBAN, else None."""
    bank = policy.data.get("payment") or {}
    return bank if bank.get("iban") else None


def slip_payer(member: Member, day: date, guardian_age: int) -> Member:
    """Who pays: the member, or the guardian of a child under the guardian age (the one
    who gets the child's notices, Tolmin art. 34)."""
    to = notices.addressee(member.pk, member.born, member.guardian_id, day, guardian_age)
    return member if to == member.pk or member.guardian is None else member.guardian


def debt_purpose(member: Member) -> str:
    """The purpose of a payment of debts, as the library reads it on its bank statement (in
    the library's language, whatever the member's)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Library debt, card %(card)s") % {"card": member.card_number}


def _slip(
    bank: Mapping[str, Any], member: Member, payer: Member, amount: Decimal, purpose: str
) -> UpnSlip | None:
    if amount <= 0:
        return None
    reference = member_reference(member.card_number, str(bank.get("reference", "")))
    if reference is None:
        return None
    street, place = street_and_place(payer.address)
    try:
        return UpnSlip(
            amount=amount.quantize(CENT),
            recipient_iban=str(bank["iban"]),
            recipient_reference=reference,
            recipient_name=str(bank.get("name", "")),
            recipient_street=str(bank.get("street", "")),
            recipient_place=str(bank.get("place", "")),
            purpose_code=str(bank.get("purpose_code", "OTHR")),
            purpose=purpose,
            payer_name=payer.name,
            payer_street=street,
            payer_place=place,
        )
    except UpnError as error:  # the preset's bank details are wrong: no slip, and say so
        logger.warning("no UPN slip for member %s: %s", member.pk, error)
        return None


def upn_slip_for(
    member: Member, amount: Decimal, day: date, purpose: str, *, payer: Member | None = None
) -> UpnSlip | None:
    """A payment slip for `amount` of the member's debts, or None when the library has no
    bank details, the amount is not more than 0.00 or no reference can be made."""
    policy = policy_for(member.library, day)
    bank = bank_details(policy)
    if bank is None:
        return None
    payer = payer or slip_payer(member, day, policy.guardian_age)
    return _slip(bank, member, payer, amount, purpose)


def open_debts(member_ids: Collection[int]) -> dict[int, Decimal]:
    """`open_debt` of many members in one query: {member id: debt} for those who owe."""
    rows = (
        Charge.objects.filter(member_id__in=member_ids, open_amount__gt=0)
        .values("member_id")
        .annotate(total=Sum("open_amount"))
        .values_list("member_id", "total")
    )
    return {member_id: total.quantize(CENT) for member_id, total in rows}


class Noticed(Protocol):
    """What `notice_payments` reads of a notice (bukve.notices.models.Notice)."""

    member_id: int
    addressee_id: int
    date: date


def notice_payments(
    *, library: Library, issued: Sequence[Noticed], people: Mapping[int, Member]
) -> dict[int, dict[str, Any]]:
    """For notices built in bulk (the daily run): the payment of each noticed member's open
    debt, by member id, for the messages' context: {"slip", "upn" (its payload),
    "return_first"}. The payer is the notice's addressee (`people` has them all); members who
    owe nothing get none. One policy read and one query for the debts, whatever the count."""
    if not issued:
        return {}
    policy = policy_for(library, issued[0].date)
    bank = bank_details(policy)
    if bank is None:
        return {}
    debts = open_debts({n.member_id for n in issued})
    first = policy.return_noticed_items_before_paying
    with translation.override(settings.LANGUAGE_CODE):
        purpose = _("Library debt, card %(card)s")
    payments: dict[int, dict[str, Any]] = {}
    for notice in issued:
        member = people[notice.member_id]
        if member.pk in payments or member.pk not in debts:
            continue
        slip = _slip(bank, member, people[notice.addressee_id], debts[member.pk],
                     purpose % {"card": member.card_number})  # fmt: skip
        if slip is not None:
            payments[member.pk] = {"slip": slip, "upn": slip.payload(), "return_first": first}
    return payments


def payment_details(slip: UpnSlip) -> list[tuple[str, str]]:
    """(label, value) of a slip's payment details, in the active language."""
    recipient = ", ".join(
        part for part in (slip.recipient_name, slip.recipient_street, slip.recipient_place) if part
    )
    return [
        (_("Amount"), money(slip.amount)),
        (_("Recipient"), recipient),
        (_("IBAN"), iban_display(slip.recipient_iban)),
        (_("Reference"), slip.reference_display),
        (_("Purpose"), slip.purpose),
    ]


def payment_text(slip: UpnSlip, *, attached: bool, return_first: bool) -> list[str]:
    """The lines that tell how to pay a debt by bank transfer, in the active language; the
    QR code is `attached` (an e-mail) or printed beside them (a letter). Maribor (seed 001):
    a notice's fee paid before its items are back does not stop the next notice, so the
    items are to be returned first."""
    lines = [_("To pay the debt by bank transfer:")]
    lines += [f"{label}: {value}" for label, value in payment_details(slip)]
    if attached:
        lines.append(_("Or scan the attached UPN QR code (upn-qr.png) with your mobile bank."))
    else:
        lines.append(_("Or scan the UPN QR code with your mobile bank."))
    if return_first:
        lines.append(_("Please return the items first: a notice's fee paid while its items "
                       "are still out does not stop the next notice."))  # fmt: skip
    return lines


# --- the QR code -----------------------------------------------------------------------------


def upn_qr(slip: UpnSlip | str) -> segno.QRCode:
    """The slip's QR code (a slip, or a payload as `UpnSlip.payload` made it)."""
    payload = slip if isinstance(slip, str) else slip.payload()
    return segno.make(payload, **QR_OPTIONS)


def upn_qr_png(slip: UpnSlip | str, *, scale: int = 6, border: int = 4) -> bytes:
    """The QR code as PNG (for e-mail attachments, and reportlab's Image from a BytesIO)."""
    buffer = io.BytesIO()
    upn_qr(slip).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def upn_qr_svg_data_uri(slip: UpnSlip | str, *, scale: int = 4, border: int = 4) -> str:
    """The QR code as an SVG data: URI, for an <img src> in a template."""
    return upn_qr(slip).svg_data_uri(scale=scale, border=border)
