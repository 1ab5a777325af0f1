"""What the API reads and writes. Money is a string with two decimals ("12.50"), dates ISO.

Every text input is bounded and refuses NUL characters (PostgreSQL cannot store them), so
bad input is a 422, never a database error.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from bukve.accounts.models import Charge, Payment
from bukve.catalog.models import Item
from bukve.circulation.models import Loan, LockerDeposit, Reservation, Transit
from bukve.circulation.transit import transit_open
from bukve.rules.fines import DayCode
from bukve.rules.money import AmountError, parse_amount

NO_NUL = r"^[^\x00]*$"
CardNumber = Annotated[
    str, StringConstraints(max_length=30, pattern=NO_NUL), Field(examples=["TO0001"])
]
Barcode = Annotated[
    str, StringConstraints(max_length=50, pattern=NO_NUL), Field(examples=["TO10001"])
]
BranchCode = Annotated[str, StringConstraints(max_length=50, pattern=NO_NUL)]
SearchText = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]  # a database id: bigger ones cannot exist
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=10**9)]


def _amount(text: str) -> Decimal:
    try:
        return parse_amount(text)
    except AmountError as error:
        raise ValueError(error.code) from None


# An amount to pay, as bukve.rules.money.parse_amount reads it: digits with at most two
# decimals after a point or a comma, at most 99999.99.
Amount = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,5}([.,][0-9]{1,2})?$"),
    AfterValidator(_amount),
    Field(examples=["12.50"]),
]
# The API's Idempotency-Key header: printable ASCII, as Stripe's.
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                                  pattern=r"^[\x21-\x7e]+$")]  # fmt: skip


def _iso(value: object) -> object:
    """Only YYYY-MM-DD: pydantic would also take "0" as a Unix time."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso)]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^-?[0-9]+\.[0-9]{2}$", "examples": ["12.50"]}),
]


class Error(Schema):
    code: str = Field(examples=["item_not_available"])
    detail: str


class InputError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(Error):
    errors: list[InputError]


# The responses every operation may give besides its own (401 without a valid token).
READ_ERRORS: dict[int, Any] = {401: Error, 404: Error, 422: InvalidInput}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: Error}


class Block(Schema):
    code: str
    detail: str


class MemberOut(Schema):
    card_number: str
    first_name: str
    last_name: str
    born: dt.date | None
    category: str
    expires: dt.date | None
    restricted: bool


class MemberDetail(MemberOut):
    in_collection_since: dt.date | None
    loans_out: int
    open_debt: Money
    blocks: list[Block]  # why the member may not borrow now; empty: they may


class ItemOut(Schema):
    barcode: str
    title: str
    author: str
    material: str
    branch: str  # its home branch
    call_number: str
    # shelf, loan, held, in_transit, lost or withdrawn
    status: Literal["shelf", "loan", "held", "in_transit", "lost", "withdrawn"]
    transit_to: str | None  # in transit: the branch it is on its way to
    not_for_loan: bool

    @staticmethod
    def resolve_transit_to(item: Item) -> str | None:
        transit = transit_open(item) if item.status == Item.IN_TRANSIT else None
        return transit.to_branch.code if transit else None

    @staticmethod
    def resolve_title(item: Item) -> str:
        return item.record.title

    @staticmethod
    def resolve_author(item: Item) -> str:
        return item.record.author

    @staticmethod
    def resolve_branch(item: Item) -> str:
        return item.branch.code


class LoanOut(Schema):
    id: int
    card_number: str
    barcode: str
    title: str
    branch: str
    checkout_date: dt.date
    due_date: dt.date
    renewals: int
    status: str
    notice_level: int
    closed_date: dt.date | None

    @staticmethod
    def resolve_card_number(loan: Loan) -> str:
        return loan.member.card_number

    @staticmethod
    def resolve_barcode(loan: Loan) -> str:
        return loan.item.barcode

    @staticmethod
    def resolve_title(loan: Loan) -> str:
        return loan.item.record.title

    @staticmethod
    def resolve_branch(loan: Loan) -> str:
        return loan.branch.code


class _ReservationFacts(Schema):
    """Who reserved what, to pick up where: what a reservation and a pull list row share."""

    card_number: str
    title: str
    pickup_branch: str
    placed_date: dt.date

    @staticmethod
    def resolve_card_number(reservation: Reservation) -> str:
        return reservation.member.card_number

    @staticmethod
    def resolve_title(reservation: Reservation) -> str:
        return reservation.record.title

    @staticmethod
    def resolve_pickup_branch(reservation: Reservation) -> str:
        return reservation.pickup_branch.code


class ReservationOut(_ReservationFacts):
    id: int
    status: str
    barcode: str | None  # the copy held for the member
    held_date: dt.date | None
    hold_expires: dt.date | None  # the last day to collect it
    closed_date: dt.date | None

    @staticmethod
    def resolve_barcode(reservation: Reservation) -> str | None:
        return reservation.item.barcode if reservation.item else None


class CheckInOut(Schema):
    loan: LoanOut | None  # the loan it ended; None for a copy that arrived or was pulled
    held_for: ReservationOut | None  # the copy goes to the hold shelf here, for this hold
    transit_to: str | None  # the branch to send the copy to (a hold's, or its home)
    status: str  # the copy's status now: held, in_transit or shelf


class PullOut(_ReservationFacts):
    """A copy on the branch's shelf to take for a hold at another branch, and scan in."""

    reservation_id: int
    barcode: str
    call_number: str

    @staticmethod
    def resolve_reservation_id(reservation: Reservation) -> int:
        return reservation.pk

    @staticmethod
    def resolve_barcode(reservation: Reservation) -> str:
        assert reservation.item is not None
        return reservation.item.barcode

    @staticmethod
    def resolve_call_number(reservation: Reservation) -> str:
        assert reservation.item is not None
        return reservation.item.call_number


class TransitOut(Schema):
    barcode: str
    title: str
    from_branch: str
    to_branch: str
    sent_date: dt.date
    reservation_id: int | None  # the hold it goes to; None: it goes home

    @staticmethod
    def resolve_barcode(transit: Transit) -> str:
        return transit.item.barcode

    @staticmethod
    def resolve_title(transit: Transit) -> str:
        return transit.item.record.title

    @staticmethod
    def resolve_from_branch(transit: Transit) -> str:
        return transit.from_branch.code

    @staticmethod
    def resolve_to_branch(transit: Transit) -> str:
        return transit.to_branch.code


class ChargeOut(Schema):
    id: int
    date: dt.date
    kind: str
    amount: Money
    open_amount: Money
    barcode: str | None
    level: int | None
    units: int | None

    @staticmethod
    def resolve_barcode(charge: Charge) -> str | None:
        return charge.item.barcode if charge.item else None


class ChargesOut(Schema):
    open_debt: Money
    charges: list[ChargeOut]


class FineDay(Schema):
    date: dt.date
    charged: bool
    # Why the day is (not) charged: a stable code, and the reason in the request's language
    # (Accept-Language), with a holiday's name and a closure's reason.
    code: DayCode = Field(examples=["not_working_day"])
    why: str = Field(examples=["not a working day (Saturday): only working days are charged"])
    rate: Money


class FineExplanation(Schema):
    charge: ChargeOut
    days: list[FineDay]


class PaymentOut(Schema):
    id: int
    card_number: str
    date: dt.date
    amount: Money
    unallocated: Money  # the credit left after settling open charges
    method: str
    receipt_number: str  # empty for a correction (waiver, write-off, reversal)

    @staticmethod
    def resolve_card_number(payment: Payment) -> str:
        assert payment.member is not None  # the API shows members' payments only
        return payment.member.card_number


class DailyRunOut(Schema):
    date: dt.date
    finished_at: dt.datetime
    notices: int
    charges: int
    holds_expired: int


class DailyRunStatus(Schema):
    library: str
    last_date: dt.date | None
    runs: list[DailyRunOut]  # the latest first


class CheckoutIn(Schema):
    card_number: CardNumber
    barcode: Barcode


class CheckinIn(Schema):
    barcode: Barcode
    branch: BranchCode | None = None  # where it is scanned; default: the key's branch


class RenewIn(Schema):
    card_number: CardNumber
    barcode: Barcode
    # How the member asked: "email" is a renewal asked for by e-mail and recorded by staff;
    # it follows the phone's rules (Tolmin art. 28).
    channel: Literal["desk", "phone", "email", "online", "selfcheck"] = "desk"


class ReservationIn(Schema):
    card_number: CardNumber
    barcode: Barcode  # a copy of the title to reserve
    pickup_branch: BranchCode | None = None  # default: the copy's branch
    locker: BranchCode | None = None  # collect it from this parcel locker (its code)


class LockerDepositIn(Schema):
    barcode: Barcode  # the copy held for a locker reservation, put in the locker


class LockerDepositOut(Schema):
    id: int
    locker: str
    code: str  # opens the compartment; the member was sent it
    card_number: str
    barcode: str
    deposited_date: dt.date
    collect_by: dt.date  # the last day to collect it
    due_date: dt.date  # the loan's: it started on the day of the deposit
    collected_date: dt.date | None
    taken_back_date: dt.date | None

    @staticmethod
    def resolve_locker(deposit: LockerDeposit) -> str:
        return deposit.locker.code

    @staticmethod
    def resolve_card_number(deposit: LockerDeposit) -> str:
        return deposit.loan.member.card_number

    @staticmethod
    def resolve_barcode(deposit: LockerDeposit) -> str:
        return deposit.loan.item.barcode

    @staticmethod
    def resolve_due_date(deposit: LockerDeposit) -> dt.date:
        return deposit.loan.due_date


class PaymentIn(Schema):
    card_number: CardNumber
    amount: Amount | None = None  # default: the picked charges, or the whole open debt
    method: Literal["cash", "card", "transfer", "online"] = "cash"
    # Charges to settle first, in this order (ids from the member's charges); the rest of the
    # amount settles the oldest open charges.
    charges: list[Id] = Field(default=[], max_length=500)


# --- the catalogue ----------------------------------------------------------------------------


class CopyOut(Schema):
    barcode: str
    branch: str
    call_number: str
    location: str
    status: str
    available: bool  # on the shelf and for home loan


class AvailabilityOut(Schema):
    branch: str
    copies: int
    available: int


class RecordOut(Schema):
    id: int
    key: str
    title: str
    subtitle: str
    author: str
    authors: list[str]
    year: int | None
    isbn: str
    isbns: list[str]
    publisher: str
    language: str
    material: str
    subjects: list[str]
    series: str
    classification: str
    items: list[CopyOut]
    availability: list[AvailabilityOut]


class FacetOut(Schema):
    value: str
    count: int


class RecordsOut(Schema):
    query: str
    total: int  # the records found, counting at most 300 of them
    more: bool  # more than `total` records match: narrow the search to see them counted
    results: list[RecordOut]
    facets: dict[str, list[FacetOut]]
