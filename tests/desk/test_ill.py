"""Interlibrary loan at the desk: a title ordered for a member from their page, received with
the lending library's due date, collected, returned and sent back; our copy lent by scanning
it, sent and back; refusals as messages; another library's requests not found."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.models import Charge
from bukve.catalog.models import Item
from bukve.interlibrary.models import IllRequest
from bukve.interlibrary.services import ill_request


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def ana(tolmin, make_member):
    return make_member(tolmin, "TO0001", first_name="Ana", last_name="Kralj", email="a@x.si")


def shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def step(desk, request, name, **data):
    return desk.post(reverse("desk:ill_step", args=[request.pk, name]), data, follow=True)


def test_it_orders_a_title_for_a_member_and_takes_it_through_every_step(tolmin, ana, staff_client):
    # given: Mojca has Ana's page open; it links to her interlibrary loans
    desk = staff_client(tolmin)
    member_page = desk.get(reverse("desk:member", args=[ana.pk])).content.decode()
    order_url = reverse("desk:ill_order", args=[ana.pk])
    assert f'href="{order_url}"' in member_page

    # when: she orders Alamut from Ljubljana for Ana
    ordered = desk.post(order_url, {
        "title": "Alamut", "author": "Vladimir Bartol", "isbn": "9789610104",
        "partner": "Mestna knjižnica Ljubljana", "partner_code": "LJMK",
        "branch": tolmin.branches.get(code="kobarid").pk,
    }, follow=True)  # fmt: skip

    # then: it is ordered, and Ana's page of interlibrary loans lists it
    assert "Alamut: naročeno. Posoja Mestna knjižnica Ljubljana." in shown(ordered)
    request = IllRequest.objects.get()
    assert (request.member, request.branch.code, request.partner_code, request.status) == (
        ana, "kobarid", "LJMK", IllRequest.REQUESTED,
    )  # fmt: skip
    assert list(ordered.context["requests"]) == [request]

    # when: it arrives, with Ljubljana's due date, and Ana collects it
    due = timezone.localdate() + timedelta(days=21)
    received = step(desk, request, "receive", due=due.isoformat(), back="member")
    collected = step(desk, request, "lend-out")

    # then: Ana was told; she is charged Tolmin's fee (assumed 7.00)
    assert received.request["PATH_INFO"] == order_url
    assert "Član (Ana Kralj) dobi obvestilo" in shown(received)
    assert "Zaračunano 7,00 €" in shown(collected)
    assert Charge.objects.get(member=ana).amount == Decimal("7.00")
    assert collected.request["PATH_INFO"] == reverse("desk:ill")

    # when: Ana brings it back and it is sent back
    step(desk, request, "return")
    step(desk, request, "send-back")

    # then: it is finished, no longer on the list
    request.refresh_from_db()
    assert (request.status, request.due_date, request.updated_by.username) == (
        IllRequest.SENT_BACK, due, "tolmin-circulation",
    )  # fmt: skip
    assert list(desk.get(reverse("desk:ill")).context["borrowing"]) == []


def test_the_list_shows_each_requests_next_step(tolmin, ana, staff_client):
    # given: one title ordered, another received
    desk = staff_client(tolmin)
    waiting = ill_request(member=ana, title="Alamut", partner="MKL")
    arrived = ill_request(member=ana, title="Sinji galeb", partner="KOK")
    step(desk, arrived, "receive", due=(timezone.localdate() + timedelta(days=14)).isoformat())

    # when
    page = desk.get(reverse("desk:ill"))
    html = page.content.decode()

    # then: the first can be received or cancelled, the second collected or not collected
    assert list(page.context["borrowing"]) == [waiting, arrived]
    for request, steps in ((waiting, ["receive", "cancel"]),
                           (arrived, ["lend-out", "not-collected"])):  # fmt: skip
        for name in steps:
            assert f'action="{reverse("desk:ill_step", args=[request.pk, name])}"' in html
    assert reverse("desk:ill_step", args=[waiting.pk, "lend-out"]) not in html
    assert f'href="{reverse("desk:ill")}" aria-current="page"' in html  # the desk's menu


def test_a_refusal_is_shown_as_a_message(tolmin, ana, staff_client):
    # given: a title already collected
    desk = staff_client(tolmin)
    request = ill_request(member=ana, title="Alamut", partner="MKL")

    # when: it is marked not collected before it has arrived
    refused = step(desk, request, "not-collected")

    # then: the step is refused with its status; nothing changed
    assert "Alamut: Medknjižnična izposoja ni v koraku" in shown(refused)
    assert "naročeno" in shown(refused)
    assert IllRequest.objects.get().status == IllRequest.REQUESTED


def test_a_title_is_received_only_with_a_due_date_not_in_the_past(tolmin, ana, staff_client):
    desk = staff_client(tolmin)
    request = ill_request(member=ana, title="Alamut", partner="MKL")
    missing = step(desk, request, "receive")
    past = step(desk, request, "receive", due=date(2020, 1, 1).isoformat())
    assert "To polje je obvezno." in shown(missing)
    assert "Datum ne sme biti v preteklosti." in shown(past)
    assert IllRequest.objects.get().status == IllRequest.REQUESTED


def test_a_member_who_may_not_borrow_gets_no_interlibrary_loan(tolmin, ana, staff_client):
    # given: Ana's debts are in collection
    ana.in_collection_since = date(2026, 1, 5)
    ana.save(update_fields=["in_collection_since"])
    desk = staff_client(tolmin)

    # when
    response = desk.post(reverse("desk:ill_order", args=[ana.pk]),
                         {"title": "Alamut", "partner": "MKL",
                          "branch": tolmin.branches.first().pk}, follow=True)  # fmt: skip

    # then
    assert "izterjavo" in shown(response)
    assert not IllRequest.objects.exists()


def test_the_order_form_needs_a_title_and_a_partner(tolmin, ana, staff_client):
    desk = staff_client(tolmin)
    response = desk.post(reverse("desk:ill_order", args=[ana.pk]),
                         {"title": "  ", "branch": tolmin.branches.first().pk})  # fmt: skip
    assert response.status_code == 200
    assert shown(response) == "To polje je obvezno. To polje je obvezno."  # title, partner
    assert not IllRequest.objects.exists()


def test_it_lends_a_scanned_copy_sends_it_and_takes_it_back(tolmin, staff_client, make_item):
    # given: Tolmin's copy of Alamut on the shelf
    desk = staff_client(tolmin)
    book = make_item(tolmin, "TO10001", title="Alamut")
    lend_url = reverse("desk:ill_lend")

    # when: Idrija asks for it and Mojca scans it
    lent = desk.post(lend_url, {"partner": "Mestna knjižnica Idrija", "partner_code": "IDRIJA",
                                "barcode": "TO10001"}, follow=True)  # fmt: skip

    # then: it is set aside, Idrija owes the fee, and the partner stays for the next scan
    assert "TO10001 (Alamut)" in shown(lent) and "7,00 €" in shown(lent)
    assert Item.objects.get(pk=book.pk).status == Item.LOAN
    assert lent.context["form"]["partner"].value() == "Mestna knjižnica Idrija"
    html = lent.content.decode()
    assert 'autofocus required id="id_lend_barcode"' in html and "aria-invalid" not in html

    # when: it is sent, to come back in a month, and comes back
    request = IllRequest.objects.get()
    due = timezone.localdate() + timedelta(days=30)
    sent = step(desk, request, "sent", due=due.isoformat(), back="lend")
    back = step(desk, request, "returned")

    # then
    assert sent.request["PATH_INFO"] == lend_url
    assert "Alamut: poslano (Mestna knjižnica Idrija)." in shown(sent)
    assert "Alamut: vrnjeno iz druge knjižnice (Mestna knjižnica Idrija)." in shown(back)
    request.refresh_from_db()
    assert (request.status, request.due_date) == (IllRequest.RETURNED, due)
    assert Item.objects.get(pk=book.pk).status == Item.SHELF


def test_a_copy_not_on_the_shelf_is_not_lent(tolmin, staff_client, make_item):
    desk = staff_client(tolmin)
    make_item(tolmin, "TO10001", title="Alamut", status=Item.LOST)
    refused = desk.post(reverse("desk:ill_lend"), {"partner": "Idrija", "barcode": "TO10001"},
                        follow=True)  # fmt: skip
    unknown = desk.post(reverse("desk:ill_lend"), {"partner": "Idrija", "barcode": "nič"},
                        follow=True)  # fmt: skip
    assert "TO10001 (Alamut): To gradivo je evidentirano kot izgubljeno." in shown(refused)
    assert "nič: gradiva s to črtno kodo ni." in shown(unknown)
    assert not IllRequest.objects.exists()


def test_another_librarys_request_is_not_found(tolmin, load_library, make_member, staff_client):
    maribor = load_library("maribor")
    theirs = ill_request(member=make_member(maribor, "MB0001"), title="Alamut", partner="MKL")
    desk = staff_client(tolmin)
    assert step(desk, theirs, "cancel").status_code == 404
    assert IllRequest.objects.get().status == IllRequest.REQUESTED


def test_an_unknown_step_is_not_found(tolmin, ana, staff_client):
    desk = staff_client(tolmin)
    request = ill_request(member=ana, title="Alamut", partner="MKL")
    assert step(desk, request, "teleport").status_code == 404
