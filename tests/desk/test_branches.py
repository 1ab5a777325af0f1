"""The desk at a branch: the branch it works at (chosen for the session), check-in there
sending a copy home or to a hold, and the page of what travels: to pull, coming, sent."""

from datetime import date

import pytest
from django.urls import reverse

from bukve.catalog.models import Item
from bukve.circulation.holds import reservation_place
from bukve.circulation.lockers import locker_add
from bukve.circulation.models import LockerDeposit
from bukve.circulation.services import loan_checkout


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def shown(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_the_desk_works_at_the_branch_chosen_and_sends_a_copy_home(
    tolmin, staff_client, make_member, make_item
):
    # given: Mojca of Tolmin works at the Kobarid desk today
    desk = staff_client(tolmin, branch=tolmin.branches.get(code="tolmin"))
    kobarid = tolmin.branches.get(code="kobarid")
    chosen = desk.post(reverse("desk:branch"), {"branch": kobarid.pk}, follow=True)
    assert "Kobarid" in shown(chosen)
    book = make_item(tolmin, "b1", title="Alamut", branch="tolmin")
    loan_checkout(member=make_member(tolmin, "ana"), item=book, today=date(2026, 3, 2))

    # when: a Tolmin copy is returned there
    back = desk.post(reverse("desk:checkin"), {"barcode": "b1"}, follow=True)

    # then: she is told to send it home, and it is on the list of what was sent
    assert "Pošljite ga v enoto Knjižnica Tolmin" in shown(back)
    assert Item.objects.get(pk=book.pk).status == Item.IN_TRANSIT
    page = desk.get(reverse("desk:branch"))
    assert [t.item for t in page.context["sent"]] == [book]
    assert "Alamut" in page.content.decode()


def test_the_pull_list_of_the_desks_branch(tolmin, staff_client, make_member, make_item):
    desk = staff_client(tolmin, branch=tolmin.branches.get(code="tolmin"))
    book = make_item(tolmin, "b1", title="Alamut", branch="tolmin", call_number="821 BARTOL")
    bor = make_member(tolmin, "bor")
    reservation_place(member=bor, item=book, pickup_branch=tolmin.branches.get(code="bovec"))
    page = desk.get(reverse("desk:branch"))
    assert [r.item for r in page.context["pulls"]] == [book]
    assert "821 BARTOL" in page.content.decode()
    # and: scanned in, it is sent to Bovec
    sent = desk.post(reverse("desk:checkin"), {"barcode": "b1"}, follow=True)
    assert "Pošljite ga v enoto Knjižnica Bovec" in shown(sent)


def test_a_branch_of_another_library_cannot_be_chosen(tolmin, load_library, staff_client):
    desk = staff_client(tolmin)
    other = load_library("maribor").branches.first()
    response = desk.post(reverse("desk:branch"), {"branch": other.pk}, follow=True)
    assert "Izberite eno od enot knjižnice." in shown(response)
    assert response.context["branch"].library == tolmin


def test_a_locker_hold_is_put_in_the_locker_from_the_hold_shelf(
    tolmin, staff_client, make_member, make_item
):
    desk = staff_client(tolmin, branch=tolmin.branches.get(code="tolmin"))
    locker = locker_add(branch=tolmin.branches.get(code="tolmin"), code="paketnik",
                        name="Paketnik pred Knjižnico Tolmin")  # fmt: skip
    book = make_item(tolmin, "b1", title="Alamut", branch="tolmin")
    hold = reservation_place(member=make_member(tolmin, "bor"), item=book, locker=locker)
    shelf = desk.get(reverse("desk:hold_shelf")).content.decode()
    assert "Vloži v Paketnik pred Knjižnico Tolmin" in shelf
    done = desk.post(reverse("desk:locker_put", args=[hold.pk]), follow=True)
    assert "koda je bila poslana članu" in shown(done)
    assert LockerDeposit.objects.get().reservation == hold
