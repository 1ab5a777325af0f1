"""Reservations in the portal: finding a title, reserving it, the queue, the pick-up deadline,
cancelling."""

from datetime import date

import pytest
from django.utils.html import escape

from bukve.catalog.models import Record
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Reservation
from bukve.circulation.services import loan_checkout

from .helpers import page, sentence, sl


@pytest.fixture
def velenje(load_library):
    return load_library("velenje")


def titled(item, title: str, author: str = ""):
    record = Record.objects.get(pk=item.record_id)
    record.title, record.author = title, author
    record.save(update_fields=["title", "author"])  # also its folded copy, for the search
    return item


def test_it_finds_a_title_with_its_copies_on_the_shelf(
    client, velenje, make_portal_member, make_item, log_in
):
    # given: two copies of a title, one on loan; another title
    ana = make_portal_member(velenje, "0012345")
    c1 = titled(make_item(velenje, "c1", record="kajuh"), "Zbrane pesmi", "Karel Destovnik Kajuh")
    make_item(velenje, "c2", record="kajuh")
    titled(make_item(velenje, "d1", record="drugo"), "Drugo")
    loan_checkout(member=make_portal_member(velenje, "0099999"), item=c1, today=date(2026, 6, 1))
    log_in(ana)

    # when
    html = page(client.get("/moja/search/", {"q": "kajuh"}))

    # then
    assert "Zbrane pesmi" in html
    assert "Drugo" not in html
    assert sl("Copies: %(copies)s, on the shelf now: %(available)s", copies=2, available=1) in html
    assert f'action="/moja/search/{c1.record_id}/reserve/"' in html


def test_it_reserves_a_title_on_loan_and_shows_the_place_in_the_queue(
    client, velenje, make_portal_member, make_item, log_in
):
    # given: Hana has the only copy; Ivo reserved it first
    ana = make_portal_member(velenje, "0012345")
    hana = make_portal_member(velenje, "hana")
    ivo = make_portal_member(velenje, "ivo")
    copy = titled(make_item(velenje, "c1", record="potter"), "Harry Potter")
    loan_checkout(member=hana, item=copy, today=date(2026, 6, 1))
    first = reservation_place(member=ivo, item=copy, today=date(2026, 6, 2))
    log_in(ana)

    # when
    main = velenje.branches.get(code="main")
    response = client.post(
        f"/moja/search/{copy.record_id}/reserve/", {"pickup_branch": main.pk}, follow=True
    )

    # then: second in the queue; first once Ivo cancels
    html = page(response)
    assert (
        sl(
            "%(title)s is reserved; you are number %(position)s in the queue.",
            title="Harry Potter",
            position=2,
        )
        in html
    )
    assert sl("number %(position)s", position=2) in html
    reservation = Reservation.objects.get(member=ana)
    assert (reservation.status, reservation.pickup_branch) == (Reservation.WAITING, main)
    first.status = Reservation.CANCELLED
    first.save(update_fields=["status"])
    assert sl("number %(position)s", position=1) in page(client.get("/moja/reservations/"))


def test_it_holds_a_copy_on_the_shelf_and_shows_the_pickup_deadline(
    client, velenje, make_portal_member, make_item, log_in
):
    # given: a copy on the shelf; today is Wednesday 10 June
    ana = make_portal_member(velenje, "0012345")
    copy = titled(make_item(velenje, "c1", record="potter"), "Harry Potter")
    log_in(ana)

    # when
    response = client.post(
        f"/moja/search/{copy.record_id}/reserve/", {"pickup_branch": copy.branch_id}, follow=True
    )

    # then: the 5th open day after today is Tuesday 16 June
    html = page(response)
    assert "16. 6. 2026" in html and "Knjižnica Velenje" in html
    assert "Knjižnica Velenje" in html
    assert Reservation.objects.get(member=ana).hold_expires == date(2026, 6, 16)


def test_it_cancels_a_reservation(client, velenje, make_portal_member, make_item, log_in):
    # given: a copy held for Ana
    ana = make_portal_member(velenje, "0012345")
    copy = titled(make_item(velenje, "c1", record="potter"), "Harry Potter")
    reservation = reservation_place(member=ana, item=copy, today=date(2026, 6, 10))
    log_in(ana)
    assert f"/moja/reservations/{reservation.pk}/cancel/" in page(client.get("/moja/reservations/"))

    # when
    response = client.post(f"/moja/reservations/{reservation.pk}/cancel/", follow=True)

    # then: gone from the list, the copy back on the shelf
    html = page(response)
    assert sl("The reservation of %(title)s is cancelled.", title="Harry Potter") in html
    assert f"/moja/reservations/{reservation.pk}/cancel/" not in html
    reservation.refresh_from_db()
    copy.refresh_from_db()
    assert (reservation.status, copy.status) == (Reservation.CANCELLED, "shelf")


def test_it_shows_why_a_reservation_is_refused(
    client, velenje, make_portal_member, make_item, log_in
):
    # given: Ana's debts are in collection
    ana = make_portal_member(velenje, "0012345", in_collection_since=date(2026, 5, 1))
    copy = titled(make_item(velenje, "c1", record="potter"), "Harry Potter")
    log_in(ana)

    # when
    response = client.post(
        f"/moja/search/{copy.record_id}/reserve/",
        {"pickup_branch": copy.branch_id, "q": "potter"},
        follow=True,
    )

    # then: back on the search, with the sentence
    assert response.redirect_chain[-1][0] == "/moja/search/?q=potter"
    assert sentence("in_collection") in page(response)
    assert not Reservation.objects.filter(member=ana).exists()


def test_it_reserves_and_cancels_only_within_the_members_own_library_and_reservations(
    client, load_library, velenje, make_portal_member, make_item, log_in
):
    # given: Bor's reservation; a title and a branch of another library
    ana = make_portal_member(velenje, "0012345")
    bor = make_portal_member(velenje, "0067890")
    copy = make_item(velenje, "c1", record="potter")
    bors = reservation_place(member=bor, item=copy, today=date(2026, 6, 10))
    maribor = load_library("maribor")
    elsewhere = make_item(maribor, "m1")
    log_in(ana)

    # when, then
    assert client.post(f"/moja/reservations/{bors.pk}/cancel/").status_code == 404
    assert (
        client.post(
            f"/moja/search/{elsewhere.record_id}/reserve/", {"pickup_branch": elsewhere.branch_id}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/moja/search/{copy.record_id}/reserve/", {"pickup_branch": elsewhere.branch_id}
        ).status_code
        == 404
    )
    assert (
        client.post(f"/moja/search/{copy.record_id}/reserve/", {"pickup_branch": "x"}).status_code
        == 404
    )
    bors.refresh_from_db()
    assert bors.status == Reservation.HELD
    assert not Reservation.objects.filter(member=ana).exists()


def test_it_says_the_member_already_waits_for_a_title_reserved_twice(
    client, velenje, make_portal_member, make_item, log_in
):
    # given: Ana waits for Harry Potter since 2 June; Hana has the only copy
    ana = make_portal_member(velenje, "0012345")
    copy = titled(make_item(velenje, "c1", record="potter"), "Harry Potter")
    loan_checkout(member=make_portal_member(velenje, "hana"), item=copy, today=date(2026, 6, 1))
    reservation_place(member=ana, item=copy, today=date(2026, 6, 2))
    log_in(ana)

    # when: she reserves it again
    response = client.post(
        f"/moja/search/{copy.record_id}/reserve/",
        {"pickup_branch": copy.branch_id, "q": "potter"},
        follow=True,
    )

    # then: one reservation, and she is told why (RULES.md 1, Holds in detail)
    html = page(response)
    assert sl("%(title)s was not reserved. %(reason)s", title="Harry Potter", reason="") in html
    assert "2. 6. 2026" in html
    assert Reservation.objects.filter(member=ana).count() == 1


def test_a_member_of_tolmin_reserves_for_the_parcel_locker(
    client, load_library, make_portal_member, make_item, log_in
):
    # given: Tolmin's parcel locker, and a title on the shelf of Kobarid only
    from bukve.circulation.lockers import locker_add

    tolmin = load_library("tolmin")
    locker = locker_add(branch=tolmin.branches.get(code="tolmin"), code="paketnik",
                        name="Paketnik pred Knjižnico Tolmin")  # fmt: skip
    ana = make_portal_member(tolmin, "T0001")
    copy = titled(make_item(tolmin, "k1", branch="kobarid"), "Alamut", "Vladimir Bartol")
    log_in(ana)

    # when: she searches it; the locker is one of the places to pick it up
    html = page(client.get("/moja/search/", {"q": "alamut"}))
    assert f'value="locker-{locker.pk}"' in html and "Paketnik pred Knjižnico Tolmin" in html

    # when: she reserves it for the locker
    reserved = client.post(f"/moja/search/{copy.record_id}/reserve/",
                           {"pickup_branch": f"locker-{locker.pk}"}, follow=True)  # fmt: skip

    # then: it is sent from Kobarid to Tolmin, which fills the locker
    reservation = Reservation.objects.get(member=ana)
    assert (reservation.locker, reservation.pickup_branch.code) == (locker, "tolmin")
    assert (reservation.status, reservation.item) == (Reservation.WAITING, copy)
    told = sl("A copy of %(title)s is on its way to %(branch)s; you will be told when it is "
              "ready.", title="Alamut", branch=reservation.pickup_branch)  # fmt: skip
    assert escape(told) in page(reserved)
