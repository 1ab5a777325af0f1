"""The JSON API as a staff system uses it: a token, its library only, refusals as 409."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client
from django.utils import timezone

from bukve.accounts.models import Charge, Payment
from bukve.accounts.settlement import charge_record
from bukve.api.models import ApiToken
from bukve.api.services import api_token_revoke
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkin, loan_checkout

JSON = "application/json"


def test_it_requires_a_token(tolmin, make_member):
    # given
    make_member(tolmin, "T0001")

    # when
    anonymous = Client().get("/api/members/T0001")
    wrong = Client(headers={"Authorization": "Bearer not-a-token"}).get("/api/members/T0001")

    # then
    for response in (anonymous, wrong):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert response["WWW-Authenticate"] == "Bearer"


def test_it_refuses_a_revoked_token(api, tolmin, make_member):
    # given: the token worked, and was noted as used
    make_member(tolmin, "T0001")
    assert api.get("/api/members/T0001").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None

    # when
    api_token_revoke(token=token)

    # then
    assert api.get("/api/members/T0001").status_code == 401


def test_it_stores_only_a_hash_of_the_key(key):
    token = ApiToken.objects.get()
    assert key not in (token.key_hash, token.prefix)
    assert token.prefix == key[:8]


def test_it_does_not_find_what_belongs_to_another_library(
    api, load_library, make_member, make_item
):
    # given: Ravne has a member and a copy with numbers Tolmin does not use
    ravne = load_library("ravne")
    make_member(ravne, "R0001")
    make_item(ravne, "R1001")

    # when
    member = api.get("/api/members/R0001")
    search = api.get("/api/members", {"q": "R0001"})
    item = api.get("/api/items/R1001")
    checkout = api.post(
        "/api/checkout", {"card_number": "R0001", "barcode": "R1001"}, content_type=JSON
    )

    # then
    for response in (member, item, checkout):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert search.json() == []


def test_it_lends_a_copy_once(api, tolmin, make_member, make_item):
    # given
    make_member(tolmin, "T0001")
    make_member(tolmin, "T0002")
    make_item(tolmin, "T1001")

    # when
    first = api.post(
        "/api/checkout", {"card_number": "T0001", "barcode": "T1001"}, content_type=JSON
    )
    second = api.post(
        "/api/checkout", {"card_number": "T0002", "barcode": "T1001"}, content_type=JSON
    )

    # then
    assert first.status_code == 200
    loan = first.json()
    assert (loan["card_number"], loan["barcode"], loan["status"]) == ("T0001", "T1001", "out")
    assert date.fromisoformat(loan["due_date"]) > timezone.localdate()
    assert second.status_code == 409
    assert second.json()["code"] == "item_not_available"
    assert second.json()["detail"]
    assert [row["barcode"] for row in api.get("/api/members/T0001/loans").json()] == ["T1001"]


def test_it_speaks_the_language_asked_for(api, tolmin, make_member, make_item):
    # given: a copy on loan
    ana = make_member(tolmin, "T0001")
    loan = loan_checkout(member=ana, item=make_item(tolmin, "T1001"))

    # when
    response = api.post(
        "/api/checkout",
        {"card_number": "T0001", "barcode": "T1001"},
        content_type=JSON,
        headers={"Accept-Language": "en"},
    )

    # then: the precise sentence (tests/api/test_refusals.py), in English
    since, due = (f"{d:%-d. %-m. %Y}" for d in (loan.checkout_date, loan.due_date))
    assert response.json() == {
        "code": "item_not_available",
        "detail": f"This item is already on loan to this member (since {since}, due {due}).",
    }


def test_it_announces_a_copy_held_for_someone_at_check_in(api, tolmin, make_member, make_item):
    # given: Ana has the only copy, Bor reserved the title
    ana, bor = make_member(tolmin, "T0001"), make_member(tolmin, "T0002")
    book = make_item(tolmin, "T1001")
    loan_checkout(member=ana, item=book)
    reservation_place(member=bor, item=book)

    # when
    response = api.post("/api/checkin", {"barcode": "T1001"}, content_type=JSON)

    # then
    assert response.status_code == 200
    result = response.json()
    assert result["loan"]["status"] == "returned"
    held = result["held_for"]
    assert (held["card_number"], held["barcode"], held["status"]) == ("T0002", "T1001", "held")
    assert date.fromisoformat(held["hold_expires"]) > timezone.localdate()
    assert api.get("/api/items/T1001").json()["status"] == "held"


def test_it_puts_a_copy_back_on_the_shelf_when_nobody_waits(api, tolmin, make_member, make_item):
    loan_checkout(member=make_member(tolmin, "T0001"), item=make_item(tolmin, "T1001"))

    response = api.post("/api/checkin", {"barcode": "T1001"}, content_type=JSON)

    assert response.json()["held_for"] is None
    assert api.get("/api/items/T1001").json()["status"] == "shelf"


def test_it_answers_a_refused_renewal_with_its_code(api, tolmin, make_member, make_item):
    # given: Bor waits for the title Ana has
    ana, bor = make_member(tolmin, "T0001"), make_member(tolmin, "T0002")
    book = make_item(tolmin, "T1001")
    loan_checkout(member=ana, item=book)
    reservation_place(member=bor, item=book)

    # when
    response = api.post(
        "/api/renew",
        {"card_number": "T0001", "barcode": "T1001", "channel": "online"},
        content_type=JSON,
    )

    # then
    assert response.status_code == 409
    assert response.json()["code"] == "reserved_by_other"


def test_it_renews_a_loan(api, tolmin, make_member, make_item):
    ana = make_member(tolmin, "T0001")
    loan = loan_checkout(member=ana, item=make_item(tolmin, "T1001"))

    response = api.post(
        "/api/renew", {"card_number": "T0001", "barcode": "T1001"}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["renewals"] == 1
    assert date.fromisoformat(response.json()["due_date"]) >= loan.due_date


def test_it_places_and_cancels_a_reservation(api, tolmin, make_member, make_item):
    # given: the only copy is on loan
    make_member(tolmin, "T0002")
    loan_checkout(member=make_member(tolmin, "T0001"), item=make_item(tolmin, "T1001"))

    # when
    placed = api.post(
        "/api/reservations",
        {"card_number": "T0002", "barcode": "T1001", "pickup_branch": "kobarid"},
        content_type=JSON,
    )
    listed = api.get("/api/members/T0002/reservations").json()
    cancelled = api.post(f"/api/reservations/{placed.json()['id']}/cancel")

    # then
    assert placed.status_code == 200
    assert (placed.json()["status"], placed.json()["pickup_branch"]) == ("waiting", "kobarid")
    assert [r["id"] for r in listed] == [placed.json()["id"]]
    assert cancelled.json()["status"] == "cancelled"
    assert api.get("/api/members/T0002/reservations").json() == []


def test_it_takes_a_payment_of_an_open_debt(api, tolmin, make_member):
    # given: Ana owes 3.50 and 2.00
    ana = make_member(tolmin, "T0001")
    today = timezone.localdate()
    charge_record(member=ana, day=today, kind="notice", amount=Decimal("3.50"))
    charge_record(member=ana, day=today, kind="card", amount=Decimal("2.00"))
    assert api.get("/api/members/T0001").json()["open_debt"] == "5.50"

    # when: she pays 4 EUR by card
    response = api.post(
        "/api/payments",
        {"card_number": "T0001", "amount": "4", "method": "card"},
        content_type=JSON,
    )

    # then: the older charge is settled, 0.50 of the other
    assert response.status_code == 200
    payment = response.json()
    assert (payment["amount"], payment["unallocated"], payment["method"]) == (
        "4.00",
        "0.00",
        "card",
    )
    charges = api.get("/api/members/T0001/charges").json()
    assert charges["open_debt"] == "1.50"
    assert [(c["kind"], c["amount"], c["open_amount"]) for c in charges["charges"]] == [
        ("card", "2.00", "1.50"),
        ("notice", "3.50", "0.00"),
    ]
    assert [p["amount"] for p in api.get("/api/members/T0001/payments").json()] == ["4.00"]


@pytest.mark.parametrize(
    "amount",
    [
        "abc",
        "1e999",
        "1E2",
        "١٢",
        "-1",
        "+1",
        "1.234",
        "1,234",
        "NaN",
        "Infinity",
        "",
        " 1",
        "12345678",
        "100000",
        12.5,
    ],
)
def test_it_rejects_a_malformed_amount(api, tolmin, make_member, amount):
    # given
    ana = make_member(tolmin, "T0001")
    charge_record(member=ana, day=timezone.localdate(), kind="notice", amount=Decimal("3.50"))

    # when
    response = api.post(
        "/api/payments", {"card_number": "T0001", "amount": amount}, content_type=JSON
    )

    # then
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["errors"][0]["loc"] == ["body", "data", "amount"]
    assert api.get("/api/members/T0001/payments").json() == []


def test_it_takes_an_amount_with_a_decimal_comma(api, tolmin, make_member):
    ana = make_member(tolmin, "T0001")
    charge_record(member=ana, day=timezone.localdate(), kind="notice", amount=Decimal("3.50"))

    response = api.post(
        "/api/payments", {"card_number": "T0001", "amount": "1,50"}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json()["amount"] == "1.50"


def test_a_payment_sent_again_with_its_idempotency_key_is_booked_once(api, tolmin, make_member):
    # given: Ana owes 3.50; a self-check machine pays it, and sends the request again
    ana = make_member(tolmin, "T0001")
    bor = make_member(tolmin, "T0002")
    charge_record(member=ana, day=timezone.localdate(), kind="notice", amount=Decimal("3.50"))
    charge_record(member=bor, day=timezone.localdate(), kind="notice", amount=Decimal("1.00"))
    pay = {"card_number": "T0001", "amount": "3.50", "method": "card"}

    # when
    first = api.post("/api/payments", pay, content_type=JSON, headers={"Idempotency-Key": "k1"})
    again = api.post("/api/payments", pay, content_type=JSON, headers={"Idempotency-Key": "k1"})
    other = api.post("/api/payments", {**pay, "card_number": "T0002", "amount": "1.00"},
                     content_type=JSON, headers={"Idempotency-Key": "k1"})  # fmt: skip
    bad_key = api.post("/api/payments", pay, content_type=JSON,
                       headers={"Idempotency-Key": "k" * 65})  # fmt: skip

    # then: one payment, the repeat answered with its receipt; the key is not another's
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert (bad_key.status_code, bad_key.json()["code"]) == (422, "invalid_input")
    assert Payment.objects.count() == 1
    assert api.get("/api/members/T0001").json()["open_debt"] == "0.00"


@pytest.mark.parametrize("charge_id", [0, -1, 2**63, 10**30, "²"])
def test_it_rejects_a_charge_id_no_charge_can_have(api, tolmin, make_member, charge_id):
    make_member(tolmin, "T0001")

    response = api.post("/api/payments", {"card_number": "T0001", "charges": [charge_id]},
                        content_type=JSON)  # fmt: skip

    assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
    assert Payment.objects.count() == 0


def test_it_refuses_a_zero_payment(api, tolmin, make_member):
    make_member(tolmin, "T0001")

    response = api.post(
        "/api/payments", {"card_number": "T0001", "amount": "0.00"}, content_type=JSON
    )

    assert response.status_code == 409
    assert response.json()["code"] == "amount_not_positive"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/loans", {"due_before": "2026-13-01"}),
        ("get", "/api/loans", {"due_before": "yesterday"}),
        ("get", "/api/loans", {"limit": "99999999999999999999999"}),
        ("get", "/api/loans", {"status": "stolen"}),
        ("get", "/api/members", {"q": "ana\x00"}),
        ("get", "/api/members/T%00001", None),
        ("get", "/api/charges/99999999999999999999999/explanation", None),
        ("post", "/api/reservations/-1/cancel", None),
        ("post", "/api/checkout", "not json"),
        ("post", "/api/checkout", '["a list"]'),
        ("post", "/api/checkout", '{"card_number": "T0001\\u0000", "barcode": "T1001"}'),
        ("post", "/api/checkout", '{"card_number": "\\ud800", "barcode": "T1001"}'),
        ("post", "/api/renew", '{"card_number": "T0001", "barcode": "T1001", "channel": "fax"}'),
        ("post", "/api/payments", '{"card_number": "T0001", "method": "waiver"}'),
    ],
)
def test_it_rejects_malformed_input(api, tolmin, make_member, method, path, data):
    make_member(tolmin, "T0001")

    call = api.get if method == "get" else partial(api.post, content_type=JSON)
    response = call(path, data)

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"


def test_it_answers_unknown_addresses_in_json(api):
    for response in (api.get("/api/nowhere"), api.post("/api/members/a/b/c")):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_its_root_says_where_it_describes_itself(client):
    body = client.get("/api/").json()
    assert body == {"openapi": "http://testserver/api/openapi.json",
                    "docs": "http://testserver/api/docs"}  # fmt: skip
    assert client.get(body["openapi"]).status_code == 200


def test_it_shows_a_member_with_their_blocks(api, tolmin, make_member):
    # given: Vid's membership ran out yesterday
    make_member(tolmin, "T0001", last_name="Kos", expires=timezone.localdate() - timedelta(days=1))

    # when
    member = api.get("/api/members/T0001").json()
    found = api.get("/api/members", {"q": "kos"}).json()

    # then
    assert [block["code"] for block in member["blocks"]] == ["membership_expired"]
    assert member["open_debt"] == "0.00"
    assert [m["card_number"] for m in found] == ["T0001"]


def test_it_finds_nobody_born_in_an_impossible_year(api, tolmin, make_member):
    make_member(tolmin, "T0001")

    response = api.get("/api/members", {"q": "1.1.99999999999999999999"})

    assert response.status_code == 200
    assert response.json() == []


def test_it_explains_a_fine_day_by_day(api, tolmin, make_member, make_item):
    # given: a Tolmin loan returned a week late
    ana = make_member(tolmin, "T0001")
    book = make_item(tolmin, "T1001")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2), due=date(2026, 3, 23))
    loan_checkin(item=book, today=date(2026, 3, 30))
    fine = Charge.objects.get(member=ana, kind="fine")

    # when
    response = api.get(f"/api/charges/{fine.pk}/explanation")

    # then
    assert response.status_code == 200
    explained = response.json()
    assert explained["charge"]["amount"] == f"{fine.amount:.2f}"
    days = explained["days"]
    assert [d["date"] for d in days][0] == "2026-03-24"
    assert [d["date"] for d in days][-1] == "2026-03-30"
    charged = [Decimal(d["rate"]) for d in days if d["charged"]]
    assert sum(charged) == fine.amount


def test_it_explains_only_fines(api, tolmin, make_member):
    ana = make_member(tolmin, "T0001")
    notice = charge_record(
        member=ana, day=timezone.localdate(), kind="notice", amount=Decimal("1.00")
    )

    assert api.get(f"/api/charges/{notice.pk}/explanation").status_code == 404


def test_it_lists_the_librarys_overdue_loans(api, tolmin, make_member, make_item):
    # given: one loan overdue, one not
    ana = make_member(tolmin, "T0001")
    today = timezone.localdate()
    loan_checkout(
        member=ana,
        item=make_item(tolmin, "T1001"),
        today=today - timedelta(days=40),
        due=today - timedelta(days=10),
    )
    loan_checkout(member=ana, item=make_item(tolmin, "T1002"))

    # when
    overdue = api.get("/api/loans", {"due_before": today.isoformat()}).json()

    # then
    assert [loan["barcode"] for loan in overdue] == ["T1001"]
    assert Loan.objects.filter(status=Loan.OUT).count() == 2


def test_it_reports_the_daily_run(api, tolmin):
    from bukve.circulation.daily import daily_run

    # given
    assert api.get("/api/daily-run").json() == {"library": "tolmin", "last_date": None, "runs": []}
    today = timezone.localdate()
    daily_run(library=tolmin, until=today)

    # when
    status = api.get("/api/daily-run").json()

    # then
    assert status["last_date"] == today.isoformat()
    assert status["runs"][0]["date"] == today.isoformat()


def test_it_serves_the_openapi_document(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/members",
        "/api/members/{card_number}",
        "/api/checkout",
        "/api/checkin",
        "/api/renew",
        "/api/payments",
        "/api/daily-run",
    ):
        assert path in paths
    assert paths["/api/checkout"]["post"]["responses"].keys() >= {"200", "401", "404", "409", "422"}
