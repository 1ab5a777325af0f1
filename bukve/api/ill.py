"""Interlibrary loan in the JSON API (medknjižnična izposoja): the open requests, a title
ordered for a member and its steps, our copy lent to another library and its steps.

A router that bukve/api/views.py adds to its `api`: it shares its token and its errors (404
`not_found`, 409 a refusal's code, 422); the request type and NotFound are in
bukve/api/base.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import AfterValidator, Field, StringConstraints

from bukve.api import schemas as s
from bukve.api.base import ApiRequest, NotFound, branch_of, item_of, member_of, staff_of
from bukve.interlibrary import services as ill
from bukve.interlibrary.models import IllRequest
from bukve.interlibrary.selectors import ill_request_get, ill_requests_open

router: Router = Router(tags=["interlibrary loan"])


def _named(text: str) -> str:
    """Text that must say something: spaces around it dropped, not empty."""
    text = text.strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _bounded(length: int, pattern: str = s.NO_NUL) -> StringConstraints:
    """At most `length` characters, no NUL (PostgreSQL cannot keep one)."""
    return StringConstraints(max_length=length, pattern=pattern)


# Something besides spaces, as the document says it (and the service strips them).
SAID = r"^[^\x00]*[^\x00\s][^\x00]*$"
Title = Annotated[str, _bounded(500, SAID), AfterValidator(_named), Field(examples=["Alamut"])]
Partner = Annotated[str, _bounded(100, SAID), AfterValidator(_named), Field(examples=["MKL"])]
Author = Annotated[str, _bounded(300)]
Isbn = Annotated[str, _bounded(30)]
PartnerCode = Annotated[str, _bounded(100)]
Note = Annotated[str, _bounded(300)]


class IllOut(Schema):
    id: int
    direction: Literal["borrow", "lend"] = Field(
        description="`borrow`: a title from another library for our member; `lend`: our copy "
        "for another library."
    )
    status: str = Field(
        description="borrow: requested, received, on_loan, returned, sent_back, not_collected, "
        "cancelled; lend: requested, sent, returned, cancelled."
    )
    title: str
    author: str
    isbn: str
    partner: str
    partner_code: str
    card_number: str | None = Field(description="borrow: the member's card number")
    branch: str | None = Field(description="borrow: the branch where the member collects it")
    barcode: str | None = Field(description="lend: our copy's barcode")
    free: bool
    requested_on: dt.date
    received_on: dt.date | None
    sent_on: dt.date | None
    loaned_on: dt.date | None
    returned_on: dt.date | None
    sent_back_on: dt.date | None
    closed_on: dt.date | None
    due_date: dt.date | None
    fee: s.Money | None = Field(description="borrow: what the member was charged")
    partner_fee: s.Money | None = Field(description="lend: what the partner library owes")
    note: str

    @staticmethod
    def resolve_card_number(obj: IllRequest) -> str | None:
        return obj.member.card_number if obj.member else None

    @staticmethod
    def resolve_branch(obj: IllRequest) -> str | None:
        return obj.branch.code if obj.branch else None

    @staticmethod
    def resolve_barcode(obj: IllRequest) -> str | None:
        return obj.item.barcode if obj.item else None

    @staticmethod
    def resolve_fee(obj: IllRequest) -> Any:
        return obj.fee.amount if obj.fee else None


class IllRequestIn(Schema):
    card_number: s.CardNumber
    title: Title
    partner: Partner
    author: Author = ""
    isbn: Isbn = ""
    partner_code: PartnerCode = ""
    branch: s.BranchCode | None = Field(
        None, description="where the member collects it (default: the library's first branch)"
    )
    free: bool = Field(False, description="no fee for the member (the partner is free)")
    note: Note = ""


class IllLendIn(Schema):
    barcode: s.Barcode
    partner: Partner
    partner_code: PartnerCode = ""
    note: Note = ""


class DueIn(Schema):
    due: s.IsoDate = Field(description="the member's due date, by the lending library's rules")


class SentIn(Schema):
    due: s.IsoDate | None = Field(None, description="when the partner is to send it back")


# --- looking things up in the caller's library ----------------------------------------------


def _found(request: ApiRequest, pk: int) -> IllRequest:
    found = ill_request_get(staff_of(request).library, pk)
    if found is None:
        raise NotFound(_("No interlibrary loan with this id in your library."))
    return found


def _done(request: ApiRequest, taken: IllRequest) -> IllRequest:
    """The request a service returned, read again with what the response shows."""
    return _found(request, taken.pk)


def _by(request: ApiRequest) -> dict[str, Any]:
    return {"staff_user": staff_of(request).user}


# --- the list, and one request ----------------------------------------------------------------


@router.get("", response={200: list[IllOut], **s.READ_ERRORS})
def ill_list(
    request: ApiRequest,
    direction: Literal["borrow", "lend"] | None = None,
    limit: s.Limit = 50,
    offset: s.Offset = 0,
) -> Any:
    """The library's interlibrary loans not finished yet, the oldest first: titles for our
    members until they are sent back, our copies until they are back (`direction` narrows)."""
    return ill_requests_open(staff_of(request).library, direction)[offset : offset + limit]


@router.post("/requests", response={200: IllOut, **s.WRITE_ERRORS})
def ill_order(request: ApiRequest, data: IllRequestIn) -> Any:
    """Order a title from another library for a member (Tolmin art. 47); refused like a
    checkout for a member who may not borrow (`in_collection`, `membership_restricted`,
    `membership_expired`, `debt_overdue`)."""
    member = member_of(request, data.card_number)
    branch = branch_of(request, data.branch) if data.branch is not None else None
    ordered = ill.ill_request(
        member=member, title=data.title, partner=data.partner, author=data.author,
        isbn=data.isbn, partner_code=data.partner_code, branch=branch, free=data.free,
        note=data.note, **_by(request),
    )  # fmt: skip
    return _done(request, ordered)


@router.post("/lend", response={200: IllOut, **s.WRITE_ERRORS})
def ill_lend(request: ApiRequest, data: IllLendIn) -> Any:
    """Lend our copy to another library (Tolmin art. 48): only a copy for home loan on the
    shelf; it is set aside (status `loan`) until it is sent. `partner_fee`: what the partner
    owes by our price list."""
    item = item_of(request, data.barcode)
    lent = ill.ill_lend_request(
        library=staff_of(request).library, partner=data.partner, item=item,
        partner_code=data.partner_code, note=data.note, **_by(request),
    )  # fmt: skip
    return _done(request, lent)


@router.get("/{ill_id}", response={200: IllOut, **s.READ_ERRORS})
def ill_detail(request: ApiRequest, ill_id: s.Id) -> Any:
    return _found(request, ill_id)


# --- the steps ----------------------------------------------------------------------------------
# A step taken out of order is refused: 409 `ill_wrong_step`, with the request's status.


@router.post("/{ill_id}/receive", response={200: IllOut, **s.WRITE_ERRORS})
def ill_receive(request: ApiRequest, ill_id: s.Id, data: DueIn) -> Any:
    """The title arrived; `due` is the member's due date by the lending library's rules.
    The member is told it is ready (message `ill_ready`)."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_receive(request=found, due=data.due, **_by(request)))


@router.post("/{ill_id}/lend-out", response={200: IllOut, **s.WRITE_ERRORS})
def ill_lend_out(request: ApiRequest, ill_id: s.Id) -> Any:
    """The member collects the title and is charged the fee of the price list (`fee`)."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_lend_out(request=found, **_by(request)))


@router.post("/{ill_id}/return", response={200: IllOut, **s.WRITE_ERRORS})
def ill_return(request: ApiRequest, ill_id: s.Id) -> Any:
    """The member brought the title back; it is to be sent back."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_return(request=found, **_by(request)))


@router.post("/{ill_id}/send-back", response={200: IllOut, **s.WRITE_ERRORS})
def ill_send_back(request: ApiRequest, ill_id: s.Id) -> Any:
    """The title went back to the partner library (returned, or not collected)."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_send_back(request=found, **_by(request)))


@router.post("/{ill_id}/not-collected", response={200: IllOut, **s.WRITE_ERRORS})
def ill_not_collected(request: ApiRequest, ill_id: s.Id) -> Any:
    """The member did not collect the title; charged where the price list says so."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_not_collected(request=found, **_by(request)))


@router.post("/{ill_id}/cancel", response={200: IllOut, **s.WRITE_ERRORS})
def ill_cancel(request: ApiRequest, ill_id: s.Id) -> Any:
    """Cancel before the title arrives, or before our copy is sent (it goes back to the
    shelf, or to a member waiting for its title)."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_cancel(request=found, **_by(request)))


@router.post("/{ill_id}/sent", response={200: IllOut, **s.WRITE_ERRORS})
def ill_lend_sent(request: ApiRequest, ill_id: s.Id, data: SentIn) -> Any:
    """Our copy was sent to the partner library, to come back by `due` (optional)."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_lend_send(request=found, due=data.due, **_by(request)))


@router.post("/{ill_id}/returned", response={200: IllOut, **s.WRITE_ERRORS})
def ill_lend_returned(request: ApiRequest, ill_id: s.Id) -> Any:
    """Our copy is back: it goes to the first member waiting for its title, or on the shelf."""
    found = _found(request, ill_id)
    return _done(request, ill.ill_lend_return(request=found, **_by(request)))
