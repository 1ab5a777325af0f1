"""Interlibrary loan through the API, as another library system sees it: a title ordered for a
member and taken through its steps, our copy lent and back, the open list, and the errors
(404 another library's, 409 a step out of order or a member who may not borrow, 422)."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from bukve.catalog.models import Item
from bukve.interlibrary.services import ill_request

JSON = "application/json"


def post(api: Client, path: str, data: dict | None = None):
    return api.post(path, data or {}, content_type=JSON)


def ordered(api: Client) -> int:
    """The id of Alamut ordered from MKL for T0001."""
    answer = post(api, "/api/ill/requests", {"card_number": "T0001", "title": "Alamut",
                                            "partner": "MKL"})  # fmt: skip
    return answer.json()["id"]


def test_a_title_for_a_member_goes_through_every_step(api, tolmin, make_member):
    # given: Ana of Tolmin
    make_member(tolmin, "T0001", first_name="Ana", email="ana@example.org")

    # when: a title is ordered for her from Ljubljana, to collect at Kobarid
    ordered = post(api, "/api/ill/requests", {
        "card_number": "T0001", "title": " Alamut ", "author": "Vladimir Bartol",
        "isbn": "9789610104", "partner": "Mestna knjižnica Ljubljana", "partner_code": "LJMK",
        "branch": "kobarid",
    })  # fmt: skip

    # then
    assert ordered.status_code == 200, ordered.json()
    body = ordered.json()
    assert {k: body[k] for k in ("direction", "status", "title", "card_number", "branch",
                                 "barcode", "partner_code", "fee")} == {
        "direction": "borrow", "status": "requested", "title": "Alamut", "card_number": "T0001",
        "branch": "kobarid", "barcode": None, "partner_code": "LJMK", "fee": None,
    }  # fmt: skip
    pk = body["id"]

    # when: it arrives, is collected, brought back and sent back
    due = (timezone.localdate() + timedelta(days=21)).isoformat()
    received = post(api, f"/api/ill/{pk}/receive", {"due": due}).json()
    collected = post(api, f"/api/ill/{pk}/lend-out").json()
    returned = post(api, f"/api/ill/{pk}/return").json()
    sent_back = post(api, f"/api/ill/{pk}/send-back").json()

    # then: each step shows, and Ana paid Tolmin's fee when she collected it
    assert (received["status"], received["due_date"]) == ("received", due)
    assert (collected["status"], collected["fee"]) == ("on_loan", "7.00")
    assert returned["status"] == "returned"
    assert (sent_back["status"], sent_back["sent_back_on"]) == (
        "sent_back", timezone.localdate().isoformat(),
    )  # fmt: skip
    assert api.get("/api/ill").json() == []
    assert api.get(f"/api/ill/{pk}").json()["status"] == "sent_back"


def test_our_copy_is_lent_sent_and_back_on_the_shelf(api, tolmin, make_item):
    # given
    make_item(tolmin, "T1001", title="Alamut")

    # when: Idrija asks for it
    lent = post(api, "/api/ill/lend", {"barcode": "T1001", "partner": "Knjižnica Idrija"})

    # then: it is set aside, and Idrija owes Tolmin's fee
    assert lent.status_code == 200, lent.json()
    body = lent.json()
    assert (body["direction"], body["status"], body["barcode"], body["title"]) == (
        "lend", "requested", "T1001", "Alamut",
    )  # fmt: skip
    assert (body["partner_fee"], body["card_number"]) == ("7.00", None)
    assert api.get("/api/items/T1001").json()["status"] == "loan"

    # when: sent, to come back by a date, then back
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    sent = post(api, f"/api/ill/{body['id']}/sent", {"due": due}).json()
    assert [r["id"] for r in api.get("/api/ill?direction=lend").json()] == [body["id"]]
    assert api.get("/api/ill?direction=borrow").json() == []
    back = post(api, f"/api/ill/{body['id']}/returned").json()

    # then
    assert (sent["status"], sent["due_date"], back["status"]) == ("sent", due, "returned")
    assert api.get("/api/items/T1001").json()["status"] == "shelf"
    assert api.get("/api/ill").json() == []


def test_a_copy_is_sent_without_a_due_date_and_a_request_cancelled(api, tolmin, make_item):
    make_item(tolmin, "T1001")
    make_item(tolmin, "T1002")
    first = post(api, "/api/ill/lend", {"barcode": "T1001", "partner": "Idrija"}).json()
    second = post(api, "/api/ill/lend", {"barcode": "T1002", "partner": "Idrija"}).json()
    sent = post(api, f"/api/ill/{first['id']}/sent")
    cancelled = post(api, f"/api/ill/{second['id']}/cancel")
    assert (sent.status_code, sent.json()["due_date"]) == (200, None)
    assert cancelled.json()["status"] == "cancelled"
    assert Item.objects.get(barcode="T1002").status == Item.SHELF


def test_a_step_out_of_order_is_refused_with_the_status(api, tolmin, make_member):
    make_member(tolmin, "T0001")
    pk = ordered(api)
    refused = post(api, f"/api/ill/{pk}/lend-out")
    assert refused.status_code == 409
    assert refused.json()["code"] == "ill_wrong_step"
    assert "naročeno" in refused.json()["detail"]  # the status, in the default language


def test_a_member_in_collection_gets_no_interlibrary_loan(api, tolmin, make_member):
    make_member(tolmin, "T0001", in_collection_since=date(2026, 1, 5))
    refused = post(api, "/api/ill/requests",
                   {"card_number": "T0001", "title": "Alamut", "partner": "MKL"})  # fmt: skip
    assert (refused.status_code, refused.json()["code"]) == (409, "in_collection")


def test_a_copy_not_on_the_shelf_is_not_lent(api, tolmin, make_item):
    make_item(tolmin, "T1001", status=Item.LOST)
    refused = post(api, "/api/ill/lend", {"barcode": "T1001", "partner": "Idrija"})
    assert (refused.status_code, refused.json()["code"]) == (409, "item_not_available")


def test_what_is_not_in_the_library_is_not_found(api, tolmin, load_library, make_member):
    theirs = ill_request(member=make_member(load_library("maribor"), "MB0001"),
                         title="Alamut", partner="MKL")  # fmt: skip
    make_member(tolmin, "T0001")
    answers = [
        api.get(f"/api/ill/{theirs.pk}"),
        post(api, f"/api/ill/{theirs.pk}/cancel"),
        post(api, "/api/ill/requests", {"card_number": "MB0001", "title": "A", "partner": "B"}),
        post(api, "/api/ill/requests",
             {"card_number": "T0001", "title": "A", "partner": "B", "branch": "nowhere"}),
        post(api, "/api/ill/lend", {"barcode": "none", "partner": "B"}),
    ]  # fmt: skip
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(404, "not_found")] * 5


def test_invalid_input_is_422(api, tolmin, make_member):
    make_member(tolmin, "T0001")
    pk = ordered(api)
    answers = [
        post(api, "/api/ill/requests", {"card_number": "T0001", "title": "  ", "partner": "B"}),
        post(api, "/api/ill/requests", {"card_number": "T0001", "title": "A", "partner": "\t"}),
        post(api, "/api/ill/lend", {"barcode": "T1001"}),
        post(api, f"/api/ill/{pk}/receive", {"due": "5. 5. 2026"}),
        post(api, f"/api/ill/{pk}/receive"),
        api.get("/api/ill?direction=sideways"),
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(422, "invalid_input")] * 6


def test_a_due_date_in_the_past_is_refused(api, tolmin, make_member):
    make_member(tolmin, "T0001")
    pk = ordered(api)
    refused = post(api, f"/api/ill/{pk}/receive", {"due": "2020-01-01"})
    assert (refused.status_code, refused.json()["code"]) == (409, "date_in_past")


def test_it_needs_a_key(client, tolmin):
    assert client.get("/api/ill").status_code == 401
