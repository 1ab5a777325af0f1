"""Branches through the API, as a self-check machine or another system sees them: a copy
returned at another branch and received home; a hold pulled, sent, trapped and ready with a
deadline; the key's branch as where scanning happens."""

from __future__ import annotations

import pytest
from django.test import Client

from bukve.api.services import api_token_create
from bukve.circulation.models import Reservation
from bukve.circulation.services import loan_checkout

JSON = "application/json"


def post(api: Client, path: str, data: dict):
    return api.post(path, data, content_type=JSON)


def test_a_copy_returned_at_another_branch_is_sent_home_and_received(
    api, tolmin, make_member, make_item
):
    # given: Ana borrowed a copy of Tolmin's branch
    loan_checkout(member=make_member(tolmin, "T0001"), item=make_item(tolmin, "T1001"))

    # when: she returns it at Kobarid
    back = post(api, "/api/checkin", {"barcode": "T1001", "branch": "kobarid"})

    # then: the loan ends and the copy is to be sent home
    assert back.status_code == 200, back.json()
    body = back.json()
    assert (body["loan"]["status"], body["transit_to"], body["status"]) == (
        "returned", "tolmin", "in_transit",
    )  # fmt: skip
    item = api.get("/api/items/T1001").json()
    assert (item["status"], item["branch"], item["transit_to"]) == (
        "in_transit",
        "tolmin",
        "tolmin",
    )
    coming = api.get("/api/branches/tolmin/transits").json()
    assert [(t["barcode"], t["from_branch"], t["reservation_id"]) for t in coming] == [
        ("T1001", "kobarid", None)
    ]
    assert api.get("/api/branches/kobarid/transits?direction=from").json() == coming

    # when: it is scanned at Tolmin
    home = post(api, "/api/checkin", {"barcode": "T1001", "branch": "tolmin"}).json()

    # then: the transit ends; the copy is on the shelf
    assert (home["loan"], home["transit_to"], home["status"]) == (None, None, "shelf")
    assert api.get("/api/items/T1001").json()["status"] == "shelf"
    assert api.get("/api/branches/tolmin/transits").json() == []


def test_a_hold_is_pulled_sent_trapped_and_ready_with_a_deadline(
    api, tolmin, make_member, make_item
):
    # given: a copy on Tolmin's shelf
    make_member(tolmin, "T0002")
    make_item(tolmin, "T1001", title="Na klancu", call_number="821.163.6 CANKAR I.")

    # when: Bor reserves it to pick up at Bovec
    asked = {"card_number": "T0002", "barcode": "T1001", "pickup_branch": "bovec"}
    placed = post(api, "/api/reservations", asked)

    # then: it is waiting, and on Tolmin's pull list
    assert placed.status_code == 200, placed.json()
    hold = placed.json()
    assert (hold["status"], hold["hold_expires"]) == ("waiting", None)
    pull = api.get("/api/branches/tolmin/pull-list").json()
    assert pull == [
        {"reservation_id": hold["id"], "barcode": "T1001", "call_number": "821.163.6 CANKAR I.",
         "title": "Na klancu", "pickup_branch": "bovec", "card_number": "T0002",
         "placed_date": hold["placed_date"]}
    ]  # fmt: skip
    assert api.get("/api/branches/bovec/pull-list").json() == []

    # when: Tolmin pulls it and scans it in
    sent = post(api, "/api/checkin", {"barcode": "T1001", "branch": "tolmin"}).json()

    # then: it is sent to Bovec
    assert (sent["loan"], sent["held_for"], sent["transit_to"]) == (None, None, "bovec")
    assert api.get("/api/branches/tolmin/pull-list").json() == []
    reservations = api.get("/api/members/T0002/reservations").json()
    assert [r["status"] for r in reservations] == ["in_transit"]

    # when: it is scanned at Bovec
    trapped = post(api, "/api/checkin", {"barcode": "T1001", "branch": "bovec"}).json()

    # then: it fills Bor's hold there, with a deadline
    held = trapped["held_for"]
    assert (trapped["status"], trapped["transit_to"]) == ("held", None)
    assert (held["id"], held["status"], held["pickup_branch"]) == (hold["id"], "held", "bovec")
    reservation = Reservation.objects.get(pk=hold["id"])
    assert held["hold_expires"] == reservation.hold_expires.isoformat()
    assert reservation.hold_expires > reservation.held_date
    assert api.get("/api/items/T1001").json()["status"] == "held"


def test_a_check_in_happens_at_the_keys_branch(tolmin, mojca, make_member, make_item):
    # given: the self-check machine of Kobarid
    kobarid = tolmin.branches.get(code="kobarid")
    key = api_token_create(staff=mojca, name="self-check Kobarid", branch=kobarid)[1]
    machine = Client(headers={"Authorization": f"Bearer {key}"})
    loan_checkout(member=make_member(tolmin, "T0001"), item=make_item(tolmin, "T1001"))
    # when: a Tolmin copy is returned there
    body = post(machine, "/api/checkin", {"barcode": "T1001"}).json()
    # then: it goes home
    assert body["transit_to"] == "tolmin"


@pytest.mark.parametrize("path", ["/api/branches/nowhere/pull-list", "/api/branches/x/transits"])
def test_an_unknown_branch_is_not_found(api, path):
    response = api.get(path)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_check_in_at_an_unknown_branch_is_not_found(api, tolmin, make_member, make_item):
    loan_checkout(member=make_member(tolmin, "T0001"), item=make_item(tolmin, "T1001"))
    response = post(api, "/api/checkin", {"barcode": "T1001", "branch": "nowhere"})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert api.get("/api/items/T1001").json()["status"] == "loan"  # nothing changed


def test_a_reservation_collected_from_the_parcel_locker(api, tolmin, make_member, make_item):
    # given: Tolmin's parcel locker and a book on its shelf
    from bukve.circulation.lockers import locker_add

    locker_add(branch=tolmin.branches.get(code="tolmin"), code="paketnik", name="Paketnik")
    make_member(tolmin, "T0002")
    make_item(tolmin, "T1001")

    # when: Bor reserves it for the locker, and the librarian puts it in
    asked = {"card_number": "T0002", "barcode": "T1001", "locker": "paketnik"}
    hold = post(api, "/api/reservations", asked).json()
    put = post(api, "/api/lockers/paketnik/deposit", {"barcode": "T1001"})

    # then: lent from today, with a code to open the compartment and 3 days to collect it
    assert (hold["status"], hold["pickup_branch"]) == ("held", "tolmin")
    assert put.status_code == 200, put.json()
    deposit = put.json()
    assert (deposit["locker"], deposit["card_number"], deposit["barcode"]) == (
        "paketnik", "T0002", "T1001",
    )  # fmt: skip
    assert len(deposit["code"]) == 6
    loans = api.get("/api/members/T0002/loans").json()
    assert [(x["barcode"], x["checkout_date"]) for x in loans] == [
        ("T1001", deposit["deposited_date"])
    ]
    # when: the locker reports it collected
    done = post(api, f"/api/lockers/deposits/{deposit['id']}/collected", {}).json()
    assert done["collected_date"] is not None
    # and: a copy not held for the locker is refused
    make_item(tolmin, "T1002")
    again = post(api, "/api/lockers/paketnik/deposit", {"barcode": "T1002"})
    assert (again.status_code, again.json()["code"]) == (409, "not_in_locker")
