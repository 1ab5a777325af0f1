"""Receipts of payments and members' statements of loans and debts, as plain values that the
PDFs (bukve/accounts/pdf.py) and the print pages of the desk and the portal show alike.

A receipt lists what a payment paid, one line per charge: the net of the payment's
allocations to it, so a charge reversed after it was paid drops out and the money it
released shows where it went (another charge, or the credit left). A reversed payment's
receipt shows what it paid before the reversal, marked as reversed.

VAT (RULES.md 2, Maribor's price list, seed 002): a price may include VAT; the rate is kept
on the charge when the item is sold, so a receipt reads the same years later. The VAT of a
line is the VAT included in the amount paid on it (a partly paid charge: in the part paid),
and the summary per rate adds up the lines. Velenje is not a VAT payer (art. 94 ZDDV-1):
its receipts say so and show no VAT. A library whose status is not stated says nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from bukve.accounts.models import Charge, Payment
from bukve.accounts.services import credit, open_debt, return_first_refusal
from bukve.accounts.slips import bank_details, debt_purpose, member_reference, upn_slip_for
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.rules.money import vat_included
from bukve.rules.upn import UpnSlip, iban_display

ZERO = Decimal("0.00")


# --- the arithmetic (no database) -------------------------------------------------------------


@dataclass(frozen=True)
class VatRow:
    """The VAT summary of one rate: the amounts paid (VAT included), their base and VAT."""

    rate: Decimal
    amount: Decimal
    base: Decimal
    vat: Decimal


def line_vat(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    """The VAT included in a line's amount, or None for a price without VAT."""
    return None if rate is None else vat_included(amount, rate)


def vat_summary(lines: Iterable[tuple[Decimal, Decimal | None]]) -> list[VatRow]:
    """The VAT summary of (amount, rate) lines, highest rate first; lines without a rate are
    left out. The VAT of a rate is the sum of its lines' VAT, so the summary agrees with the
    lines to the cent, and the base is the amount less the VAT."""
    amounts: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    vats: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for amount, rate in lines:
        if rate is None:
            continue
        amounts[rate] += amount
        vats[rate] += vat_included(amount, rate)
    return [
        VatRow(rate=rate, amount=amounts[rate], base=amounts[rate] - vats[rate], vat=vats[rate])
        for rate in sorted(amounts, reverse=True)
    ]


# --- receipts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    """A charge paid: what it is, (for a sale) units × unit price, the amount paid and the
    VAT included in it."""

    description: str
    amount: Decimal
    units: int | None = None
    unit_price: Decimal | None = None
    vat_rate: Decimal | None = None
    vat: Decimal | None = None


@dataclass(frozen=True)
class Balance:
    """The member's account under a receipt: what is still owed and the credit left. Right
    after the payment (`after_payment`) while nothing was booked for the member since;
    otherwise as it stands on `day`, the day the receipt is printed, and it says so."""

    owed: Decimal
    credit: Decimal
    day: dt.date
    after_payment: bool


@dataclass(frozen=True)
class Receipt:
    payment_id: int
    number: str
    date: dt.date
    library: str
    address: str
    method: str
    taken_by: str
    payer: str  # "" for a walk-in sale
    card_number: str
    lines: tuple[ReceiptLine, ...]
    total: Decimal
    credit: Decimal  # paid but not (yet) settling a charge: a credit on the account
    vat: tuple[VatRow, ...]
    vat_note: str  # a library that is not a VAT payer says why (Velenje: art. 94 ZDDV-1)
    reversed_on: dt.date | None = None
    reversed_reason: str = ""
    balance: Balance | None = None  # a member's payment: the account after it

    @property
    def filename(self) -> str:
        return f"racun-{self.number or self.payment_id}.pdf"

    @property
    def has_vat(self) -> bool:
        return any(line.vat is not None for line in self.lines)


def main_address(library: Library) -> str:
    """The library's address on receipts and statements: its main (first) branch's."""
    branch = library.branches.order_by("id").first()
    return branch.address if branch else ""


def user_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def charge_description(charge: Charge) -> str:
    """What a charge is for: the price-list name of a sale, else the kind of charge and for
    a loan or an item its title and barcode."""
    if charge.kind == "sale" and charge.note:
        return charge.note
    if charge.kind == "notice" and charge.level:
        kind = _("overdue notice no. %(level)s") % {"level": charge.level}
    else:
        kind = str(Charge.KINDS.get(charge.kind, charge.kind))
    kind = kind[:1].upper() + kind[1:]
    item = charge.item or (charge.loan.item if charge.loan else None)
    return f"{kind}: {item.record} ({item.barcode})" if item else kind


def _net_per_charge(payment: Payment, reversed_: bool) -> list[tuple[Charge, Decimal]]:
    """What the payment paid on each charge, net of the money taken back. For a reversed
    payment, as it stood before the reversal: the reversal's allocations are the negative
    ones after its last positive one (nothing is allocated from a payment once reversed)."""
    allocations = list(
        payment.allocations.select_related(
            "charge__item__record", "charge__loan__item__record"
        ).order_by("id")
    )
    if reversed_:
        while allocations and allocations[-1].amount < 0:
            allocations.pop()
    net: dict[int, Decimal] = defaultdict(lambda: ZERO)
    charges: dict[int, Charge] = {}
    for allocation in allocations:
        net[allocation.charge_id] += allocation.amount
        charges[allocation.charge_id] = allocation.charge
    paid = [(charges[pk], amount) for pk, amount in net.items() if amount != 0]
    return sorted(paid, key=lambda pair: (pair[0].date, pair[0].pk))


def receipt_for(payment: Payment) -> Receipt:
    """The receipt of a payment of money (cash, card, online, bank transfer), in the active
    language. The VAT note comes from the policy valid on the payment's date; the rates
    from the charges."""
    if payment.method not in Payment.MONEY:
        raise ValueError(f"a {payment.method} has no receipt")
    reversal = Payment.objects.filter(reverses=payment).first()
    vat = policy_for(payment.library, payment.date).vat
    show_vat = vat.payer is not False
    lines = []
    for charge, amount in _net_per_charge(payment, reversal is not None):
        rate = charge.vat_rate if show_vat else None
        sale = charge.kind == "sale"
        lines.append(ReceiptLine(
            description=charge_description(charge), amount=amount,
            units=charge.units if sale else None, unit_price=charge.unit_price if sale else None,
            vat_rate=rate, vat=line_vat(amount, rate),
        ))  # fmt: skip
    member = payment.member
    return Receipt(
        payment_id=payment.pk,
        number=payment.receipt_number,
        date=payment.date,
        library=payment.library.name,
        address=main_address(payment.library),
        method=str(payment.get_method_display()),
        taken_by=user_name(payment.taken_by),
        payer=(member.name or member.card_number) if member else "",
        card_number=member.card_number if member else "",
        lines=tuple(lines),
        total=payment.amount,
        credit=payment.amount - sum((line.amount for line in lines), ZERO),
        vat=tuple(vat_summary((line.amount, line.vat_rate) for line in lines)),
        vat_note=vat.note if vat.payer is False else "",
        reversed_on=reversal.date if reversal else None,
        reversed_reason=reversal.note if reversal else "",
        balance=balance_after(payment) if member else None,
    )


def balance_after(payment: Payment) -> Balance:
    """The payer's open debt and credit as the receipt shows them. A later entry (a charge
    booked after the payment, another payment or correction, a reversal) changes the
    account: then the balance is today's, dated, since the ledger keeps no balance per entry."""
    member = payment.member
    assert member is not None
    later = (
        Payment.objects.filter(member=member, pk__gt=payment.pk).exists()
        or Charge.objects.filter(member=member, created_at__gt=payment.created_at).exists()
    )
    return Balance(
        owed=open_debt(member),
        credit=credit(member),
        day=timezone.localdate(),
        after_payment=not later,
    )


# --- statements of loans and debts ------------------------------------------------------------


@dataclass(frozen=True)
class StatementLoan:
    barcode: str
    title: str
    due_date: dt.date
    overdue: bool
    notice_level: int


@dataclass(frozen=True)
class StatementCharge:
    date: dt.date
    description: str
    amount: Decimal
    open_amount: Decimal


@dataclass(frozen=True)
class StatementPlan:
    """An installment plan with open charges: the installments and what is paid so far."""

    date: dt.date
    total: Decimal
    paid: Decimal
    installments: tuple[tuple[dt.date, Decimal], ...]


@dataclass(frozen=True)
class BankTransfer:
    """How to pay the open debt by bank transfer: the library's account, the member's
    reference and the UPN QR slip (None when no slip can be made)."""

    recipient: str
    iban: str
    bic: str
    reference: str
    amount: Decimal
    purpose: str
    slip: UpnSlip | None
    return_first: bool  # Maribor: items with a notice are to be returned before paying


@dataclass(frozen=True)
class Statement:
    library: str
    address: str
    day: dt.date
    member: str
    card_number: str
    loans: tuple[StatementLoan, ...]
    charges: tuple[StatementCharge, ...]
    debt: Decimal
    credit: Decimal
    plans: tuple[StatementPlan, ...]
    bank: BankTransfer | None

    @property
    def filename(self) -> str:
        card = "".join(c for c in self.card_number if c.isascii() and (c.isalnum() or c in "-_"))
        return f"stanje-{card or 'clan'}.pdf"


def member_statement(member: Member, day: date, loans: tuple[StatementLoan, ...]) -> Statement:
    """The member's debts on `day`, with the items on loan given (the loans are circulation's;
    `bukve.circulation.statements.statement_for` reads them), in the active language: the
    open charges, the open debt and credit, installment plans, and where the library has
    bank details (Maribor) how to pay by bank transfer with a UPN QR slip."""
    charges = (
        member.charges.filter(open_amount__gt=0)
        .select_related("item__record", "loan__item__record")
        .order_by("date", "id")
    )
    debt = open_debt(member)
    return Statement(
        library=member.library.name,
        address=main_address(member.library),
        day=day,
        member=member.name or member.card_number,
        card_number=member.card_number,
        loans=loans,
        charges=tuple(
            StatementCharge(
                date=charge.date,
                description=charge_description(charge),
                amount=charge.amount,
                open_amount=charge.open_amount,
            )
            for charge in charges
        ),
        debt=debt,
        credit=credit(member),
        plans=_plans(member),
        bank=_bank_transfer(member, debt, day),
    )


def _plans(member: Member) -> tuple[StatementPlan, ...]:
    plans = []
    for plan in member.plans.prefetch_related("installments").order_by("date", "id"):
        if not plan.charges.filter(open_amount__gt=0).exists():
            continue
        paid = plan.charges.aggregate(paid=Sum(F("amount") - F("open_amount")))["paid"]
        installments = tuple((i.due_date, i.amount) for i in plan.installments.all())
        plans.append(StatementPlan(
            date=plan.date, total=sum((amount for _due, amount in installments), ZERO),
            paid=(paid or ZERO).quantize(Decimal("0.01")), installments=installments,
        ))  # fmt: skip
    return tuple(plans)


def _bank_transfer(member: Member, debt: Decimal, day: date) -> BankTransfer | None:
    if debt <= 0:
        return None
    bank = bank_details(policy_for(member.library, day))
    if bank is None:
        return None
    purpose = debt_purpose(member)
    slip = upn_slip_for(member, debt, day, purpose)
    reference = (
        slip.reference_display
        if slip
        else member_reference(member.card_number, str(bank.get("reference", ""))) or ""
    )
    return BankTransfer(
        recipient=str(bank.get("name") or member.library.name),
        iban=iban_display(str(bank["iban"])),
        bic=str(bank.get("bic", "")),
        reference=reference,
        amount=debt,
        purpose=purpose,
        slip=slip,
        return_first=return_first_refusal(member, day) is not None,
    )
