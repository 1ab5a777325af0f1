"""The JSON API for staff systems (self-check machines, sorters, other library software).

A request presents an API token (`Authorization: Bearer <key>`) and acts as the token's
staff member, in their library only: a card number, barcode or id of another library is
simply not found. Endpoints parse input, call one service and render what it returns;
they write nothing themselves. Errors are JSON with a machine `code` and a translated
`detail`: 401 without a valid token, 404 not found, 409 a service's refusal (RULES.md
codes), 422 invalid input.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Header, NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.security import HttpBearer
from pydantic import Field

from bukve.accounts.models import Charge, Payment
from bukve.accounts.selectors import charges_of, library_fine, payments_of
from bukve.accounts.services import open_debt, payment_take
from bukve.api import schemas as s
from bukve.api.base import (
    ApiRequest,
    NotFound,
    branch_of,
    item_of,
    key_branch,
    library_of,
    member_of,
    staff_of,
)
from bukve.api.ill import router as ill_router
from bukve.api.models import ApiToken
from bukve.api.services import api_token_authenticate
from bukve.catalog.models import Item, Record
from bukve.catalog.search import record_search
from bukve.catalog.selectors import copy_available
from bukve.circulation.fines import fine_explain
from bukve.circulation.holds import reservation_cancel, reservation_place
from bukve.circulation.lockers import locker_collected, locker_deposit
from bukve.circulation.models import Loan, Locker, LockerDeposit, Reservation
from bukve.circulation.selectors import (
    daily_runs_latest,
    library_loans,
    library_reservations,
    loans_by_due_date,
    loans_of,
    loans_out_count,
    locker_hold,
    pull_list,
    reservations_of,
    transits_open,
)
from bukve.circulation.services import loan_checkin, loan_checkout, loan_renew, member_blocks
from bukve.members.selectors import members_by_name
from bukve.members.services import member_search
from bukve.refusals import SENTENCES, Refused


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(key=token)


class BukveApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__  # "checkout", not "bukve_api_views_checkout"


api = BukveApi(
    title="Bukve API",
    version="1",
    description=__doc__,
    urls_namespace="api",
    auth=TokenAuth(),
)


def _error(request: HttpRequest, status: int, code: str, detail: str, **more: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "detail": detail, **more}, status=status)


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    """409 with RULES.md's `code` and, as `detail`, the precise sentence where the service
    gave one ("already on loan to this member since 2. 3. 2026, due 23. 3. 2026")."""
    return _error(request, 409, exc.code, exc.sentence)


@api.exception_handler(NotFound)
def not_found_error(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _error(request, 404, "not_found", exc.detail)


def _invalid(request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    return _error(request, 422, "invalid_input", _("The input is not valid."), errors=errors)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Only where, what and why: pydantic's context may hold objects JSON cannot carry.
    return _invalid(
        request, [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors]
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "unauthenticated", _("A valid API token is required."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # ninja's "Cannot parse request body": not JSON
        return _invalid(request, [{"loc": ["body"], "msg": str(exc), "type": "json_invalid"}])
    return _error(request, exc.status_code, f"http_{exc.status_code}", str(exc))


def index(request: HttpRequest) -> HttpResponse:
    """/api/ itself: where the API describes itself."""
    return JsonResponse({"openapi": request.build_absolute_uri("openapi.json"),
                         "docs": request.build_absolute_uri("docs")})  # fmt: skip


@csrf_exempt
def nowhere(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    detail = _("There is nothing at this address.")
    return JsonResponse({"code": "not_found", "detail": detail}, status=404)


# --- looking things up in the caller's library ----------------------------------------------


def _loan(request: ApiRequest, loan: Loan) -> Loan:
    """The loan a service returned, read again with what the response shows."""
    return library_loans(library_of(request)).get(pk=loan.pk)


def _reservation(request: ApiRequest, reservation: Reservation) -> Reservation:
    return library_reservations(library_of(request)).get(pk=reservation.pk)


# --- members, items, loans -------------------------------------------------------------------


@api.get("/members", response={200: list[s.MemberOut], **s.READ_ERRORS}, tags=["members"])
def members_list(
    request: ApiRequest, q: s.SearchText = "", limit: s.Limit = 50, offset: s.Offset = 0
) -> Any:
    """The library's members; with `q`, those found by card number, date of birth or name."""
    library = staff_of(request).library
    if not q.strip():
        return members_by_name(library)[offset : offset + limit]
    try:
        return list(member_search(library, q)[offset : offset + limit])
    except OverflowError:  # a "date of birth" with a year Python cannot hold: nobody
        return []


@api.get(
    "/members/{card_number}", response={200: s.MemberDetail, **s.READ_ERRORS}, tags=["members"]
)
def member_detail(request: ApiRequest, card_number: s.CardNumber) -> Any:
    """A member, what they owe, and why they may not borrow now (`blocks`)."""
    member = member_of(request, card_number)
    return {
        **s.MemberOut.model_validate(member).model_dump(),
        "in_collection_since": member.in_collection_since,
        "loans_out": loans_out_count(member),
        "open_debt": open_debt(member),
        "blocks": [
            {"code": code, "detail": str(SENTENCES[code])} for code in member_blocks(member)
        ],
    }


@api.get(
    "/members/{card_number}/loans", response={200: list[s.LoanOut], **s.READ_ERRORS}, tags=["loans"]
)
def member_loans(
    request: ApiRequest,
    card_number: s.CardNumber,
    status: Literal["out", "returned", "lost", "all"] = "out",
    limit: s.Limit = 50,
    offset: s.Offset = 0,
) -> Any:
    """A member's loans, the latest first."""
    loans = loans_of(library_of(request), member_of(request, card_number), status)
    return loans[offset : offset + limit]


@api.get("/loans", response={200: list[s.LoanOut], **s.READ_ERRORS}, tags=["loans"])
def loans_list(
    request: ApiRequest,
    status: Literal["out", "returned", "lost", "all"] = "out",
    due_before: s.IsoDate | None = None,
    limit: s.Limit = 50,
    offset: s.Offset = 0,
) -> Any:
    """The library's loans by due date; `due_before` gives the overdue ones, say."""
    return loans_by_due_date(library_of(request), status, due_before)[offset : offset + limit]


@api.get("/items/{barcode}", response={200: s.ItemOut, **s.READ_ERRORS}, tags=["items"])
def item_detail(request: ApiRequest, barcode: s.Barcode) -> Any:
    return item_of(request, barcode)


@api.get("/records", response={200: s.RecordsOut, **s.READ_ERRORS}, tags=["catalogue"])
def records(
    request: ApiRequest,
    q: s.SearchText,
    limit: Annotated[int, Field(ge=1, le=100)] = 20,
    material: s.SearchText = "",
    language: s.SearchText = "",
    year: Annotated[int, Field(ge=1000, le=2999)] | None = None,
    available_at: s.BranchCode = "",
) -> Any:
    """The library's catalogue: every word of `q` in any order (title, authors, subjects,
    series, ISBN), its Slovenian forms found from any one of them ("knjiga" finds
    "knjigami"), case and diacritics ignored; an exact title first. With each record its
    copies and how many are on the shelf at each branch; facets by material, language, year
    and branch availability; `material`, `language`, `year` and `available_at` (a branch
    code) narrow the search."""
    filters = {"material": material, "language": language, "available_at": available_at,
               "year": str(year) if year else ""}  # fmt: skip
    found = record_search(library_of(request), q, limit=limit,
                          filters={k: v for k, v in filters.items() if v})  # fmt: skip
    return {
        "query": q,
        "total": found.total,
        "more": found.more,
        "results": [record_out(record) for record in found.records],
        "facets": {name: [vars(f) for f in facets] for name, facets in found.facets.items()},
    }


def record_out(record: Record) -> dict[str, Any]:
    copies = [c for c in record.items.all() if c.status != Item.WITHDRAWN]
    availability: dict[str, dict[str, Any]] = {}
    for copy in copies:
        row = availability.setdefault(
            copy.branch.code, {"branch": copy.branch.code, "copies": 0, "available": 0}
        )
        row["copies"] += 1
        row["available"] += copy_available(copy)
    return {
        **{f: getattr(record, f) for f in RECORD_FIELDS},
        "authors": record.authors,
        "isbns": record.isbns,
        "items": [
            {
                "barcode": c.barcode,
                "branch": c.branch.code,
                "call_number": c.call_number,
                "location": c.location,
                "status": c.status,
                "available": copy_available(c),
            }
            for c in copies
        ],  # fmt: skip
        "availability": list(availability.values()),
    }


RECORD_FIELDS = ("id", "key", "title", "subtitle", "author", "year", "isbn", "publisher",
                 "language", "material", "subjects", "series", "classification")  # fmt: skip


# --- circulation -----------------------------------------------------------------------------


@api.post("/checkout", response={200: s.LoanOut, **s.WRITE_ERRORS}, tags=["loans"])
def checkout(request: ApiRequest, data: s.CheckoutIn) -> Any:
    """Lend a copy to a member, at the key's branch (or the copy's own)."""
    member = member_of(request, data.card_number)
    item = item_of(request, data.barcode)
    return _loan(request, loan_checkout(member=member, item=item, branch=key_branch(request)))


@api.post("/checkin", response={200: s.CheckInOut, **s.WRITE_ERRORS}, tags=["loans"])
def checkin(request: ApiRequest, data: s.CheckinIn) -> Any:
    """Scan a copy in at `branch` (default: the key's, else the copy's home): a loan returned,
    a copy arriving in transit, or one pulled for a hold. `held_for`: it goes on the hold
    shelf here for that reservation; `transit_to`: send it to that branch (a hold's pick-up
    branch, or its home when it was returned elsewhere)."""
    item = item_of(request, data.barcode)
    branch = branch_of(request, data.branch) if data.branch else key_branch(request)
    result = loan_checkin(item=item, branch=branch or item.branch)
    held, transit = result.held_for, result.transit
    return {
        "loan": _loan(request, result.loan) if result.loan is not None else None,
        "held_for": _reservation(request, held) if held is not None else None,
        "transit_to": transit.to_branch.code if transit is not None else None,
        "status": "in_transit" if transit else "held" if held else "shelf",
    }


@api.get("/branches/{code}/pull-list", response={200: list[s.PullOut], **s.READ_ERRORS},
         tags=["reservations"])  # fmt: skip
def branch_pull_list(request: ApiRequest, code: s.BranchCode) -> Any:
    """The copies on this branch's shelves wanted for holds at other branches, oldest hold
    first: take each from the shelf and scan it in (`POST /checkin`), which sends it on."""
    return pull_list(branch_of(request, code))


@api.get("/branches/{code}/transits", response={200: list[s.TransitOut], **s.READ_ERRORS},
         tags=["loans"])  # fmt: skip
def branch_transits(
    request: ApiRequest, code: s.BranchCode, direction: Literal["to", "from"] = "to"
) -> Any:
    """The copies on their way to this branch (`direction=to`), or sent from it (`from`)."""
    branch = branch_of(request, code)
    return transits_open(to=branch) if direction == "to" else transits_open(start=branch)


@api.post("/renew", response={200: s.LoanOut, **s.WRITE_ERRORS}, tags=["loans"])
def renew(request: ApiRequest, data: s.RenewIn) -> Any:
    """Renew a member's loan of a copy; `channel` says how they asked (the rules differ)."""
    member = member_of(request, data.card_number)
    item = item_of(request, data.barcode)
    return _loan(request, loan_renew(member=member, item=item, channel=data.channel))


# --- reservations ----------------------------------------------------------------------------


@api.get(
    "/members/{card_number}/reservations",
    response={200: list[s.ReservationOut], **s.READ_ERRORS},
    tags=["reservations"],
)
def member_reservations(
    request: ApiRequest,
    card_number: s.CardNumber,
    status: Literal["active", "all"] = "active",
    limit: s.Limit = 50,
    offset: s.Offset = 0,
) -> Any:
    """A member's reservations waiting or on the hold shelf (or all of them), the latest first."""
    member = member_of(request, card_number)
    return reservations_of(library_of(request), member, status)[offset : offset + limit]


@api.post(
    "/reservations", response={200: s.ReservationOut, **s.WRITE_ERRORS}, tags=["reservations"]
)
def place_reservation(request: ApiRequest, data: s.ReservationIn) -> Any:
    """Reserve the title of a copy, to pick up at `pickup_branch` (default: the copy's). A
    copy on the shelf there is held at once; one on another branch's shelf is on that
    branch's pull list and is ready once it has arrived (status `in_transit` on the way)."""
    member = member_of(request, data.card_number)
    item = item_of(request, data.barcode)
    branch = branch_of(request, data.pickup_branch) if data.pickup_branch is not None else None
    locker = _locker(request, data.locker) if data.locker is not None else None
    reservation = reservation_place(member=member, item=item, pickup_branch=branch, locker=locker)
    return _reservation(request, reservation)


@api.post(
    "/reservations/{reservation_id}/cancel",
    response={200: s.ReservationOut, **s.WRITE_ERRORS},
    tags=["reservations"],
)
def cancel_reservation(request: ApiRequest, reservation_id: s.Id) -> Any:
    reservation = library_reservations(library_of(request)).filter(pk=reservation_id).first()
    if reservation is None:
        raise NotFound(_("No reservation with this id in your library."))
    return _reservation(request, reservation_cancel(reservation=reservation))


def _locker(request: ApiRequest, code: str) -> Locker:
    found = Locker.objects.filter(library=library_of(request), code=code).first()
    if found is None:
        raise NotFound(_("No parcel locker with this code in your library."))
    return found


@api.post("/lockers/{code}/deposit", response={200: s.LockerDepositOut, **s.WRITE_ERRORS},
          tags=["reservations"])  # fmt: skip
def locker_put(request: ApiRequest, code: s.BranchCode, data: s.LockerDepositIn) -> Any:
    """Put a copy held for a reservation to collect from this parcel locker in it (Tolmin
    art. 22.b): the loan starts today, and the member is sent the code that opens its
    compartment and the last day to collect it (`collect_by`)."""
    locker, item = _locker(request, code), item_of(request, data.barcode)
    reservation = locker_hold(locker, item)
    if reservation is None:
        raise Refused("not_in_locker")
    return _deposit(locker_deposit(reservation=reservation))


@api.post("/lockers/deposits/{deposit_id}/collected",
          response={200: s.LockerDepositOut, **s.WRITE_ERRORS}, tags=["reservations"])  # fmt: skip
def locker_taken(request: ApiRequest, deposit_id: s.Id) -> Any:
    """The locker reports that the member opened the compartment and took the copy."""
    deposit = LockerDeposit.objects.filter(library=library_of(request), pk=deposit_id).first()
    if deposit is None:
        raise NotFound(_("No parcel locker deposit with this id in your library."))
    return _deposit(locker_collected(deposit=deposit))


def _deposit(deposit: LockerDeposit) -> LockerDeposit:
    return LockerDeposit.objects.select_related("locker", "loan__member", "loan__item").get(
        pk=deposit.pk
    )


# --- charges and payments --------------------------------------------------------------------


@api.get(
    "/members/{card_number}/charges",
    response={200: s.ChargesOut, **s.READ_ERRORS},
    tags=["charges"],
)
def member_charges(
    request: ApiRequest, card_number: s.CardNumber, limit: s.Limit = 100, offset: s.Offset = 0
) -> Any:
    """What a member owes in all, and their charges, the latest first, each with what is
    still open on it."""
    member = member_of(request, card_number)
    return {
        "open_debt": open_debt(member),
        "charges": charges_of(member, "item")[offset : offset + limit],
    }


@api.get(
    "/charges/{charge_id}/explanation",
    response={200: s.FineExplanation, **s.READ_ERRORS},
    tags=["charges"],
)
def fine_explanation(request: ApiRequest, charge_id: s.Id) -> Any:
    """A fine day by day: which days of its overdue stretch were charged, at what rate, and
    why the others were not."""
    fine = library_fine(library_of(request), charge_id)
    if fine is None:
        raise NotFound(_("No fine with this id in your library."))
    return {"charge": fine, "days": fine_explain(fine)}


@api.get(
    "/members/{card_number}/payments",
    response={200: list[s.PaymentOut], **s.READ_ERRORS},
    tags=["charges"],
)
def member_payments(
    request: ApiRequest, card_number: s.CardNumber, limit: s.Limit = 100, offset: s.Offset = 0
) -> Any:
    """A member's payments (and waivers), the latest first."""
    payments = payments_of(member_of(request, card_number), "member")
    return payments[offset : offset + limit]


@api.post("/payments", response={200: s.PaymentOut, **s.WRITE_ERRORS}, tags=["charges"])
def take_payment(
    request: ApiRequest,
    data: s.PaymentIn,
    idempotency_key: Annotated[s.IdempotencyKey | None, Header(alias="Idempotency-Key")] = None,
) -> Any:
    """Take a payment; it settles the picked charges first, then the oldest open charges; the
    rest stays a credit. Maribor refuses while noticed items are out (`return_items_first`).

    Send an `Idempotency-Key` header (any text of up to 64 printable characters, new for
    each payment) so that a request sent again, after a timeout say, books nothing more and
    answers with the first payment and its receipt number; the same key with another
    member, method or amount is refused (`idempotency_key_reused`)."""
    token = request.auth
    payment = payment_take(
        member=member_of(request, data.card_number),
        day=timezone.localdate(),
        amount=data.amount,  # type: ignore[arg-type]  # a Decimal after validation
        method=data.method,
        taken_by=staff_of(request).user,
        charges=[Charge(pk=pk) for pk in data.charges],
        idempotency_key=f"api:{token.pk}:{idempotency_key}" if idempotency_key else "",
    )
    return Payment.objects.select_related("member").get(pk=payment.pk)


# --- the daily run ---------------------------------------------------------------------------


@api.get("/daily-run", response={200: s.DailyRunStatus, **s.READ_ERRORS}, tags=["daily run"])
def daily_run_status(request: ApiRequest, limit: s.Limit = 7) -> Any:
    """The library's latest days of the daily run; `last_date` is the last day it ran."""
    library = staff_of(request).library
    runs = daily_runs_latest(library, limit)
    return {"library": library.code, "last_date": runs[0].date if runs else None, "runs": runs}


# --- interlibrary loan: its own module (bukve/api/ill.py) -------------------------------------


api.add_router("/ill", ill_router)
