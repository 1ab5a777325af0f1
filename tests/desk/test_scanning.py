"""Scanning at the desk: after each scan the page comes back with the cursor in the field
that was used (an address without a fragment, and one autofocus per page); a refused scan
says what is really the matter, in Slovenian and English."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkin, loan_checkout


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def day(value) -> str:
    return f"{value:%-d. %-m. %Y}"


def autofocused(html: str) -> list[str]:
    """The ids of the fields with autofocus."""
    return re.findall(r'<input[^>]*\bautofocus\b[^>]*\bid="([^"]+)"', html)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def desk(staff_client, tolmin):
    return staff_client(tolmin)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_checkout_comes_back_without_a_fragment_with_the_cursor_in_the_field(
    desk, tolmin, make_member, make_item
):
    # given
    ana = make_member(tolmin, "ana")
    make_item(tolmin, "b1")
    member_url = reverse("desk:member", args=[ana.pk])

    # when: a scan, and a scan of nothing (Enter on an empty field)
    lent = desk.post(reverse("desk:checkout", args=[ana.pk]), {"barcode": "b1"})
    empty = desk.post(reverse("desk:checkout", args=[ana.pk]), {"barcode": ""})

    # then: the member page, with no #fragment (Chromium would not autofocus then)
    assert lent.status_code == empty.status_code == 302
    assert lent.url == empty.url == member_url
    html = page(desk.get(member_url))
    assert autofocused(html) == ["id_barcode"]
    assert html.count('id="id_barcode"') == 1  # the renew and reserve fields have their own


def test_it_renews_the_scanned_items_and_keeps_the_cursor_in_the_renewal_field(
    desk, tolmin, make_member, make_item
):
    # given: two loans of Ana's
    ana = make_member(tolmin, "ana")
    today = timezone.localdate()
    for barcode in ("b1", "b2"):
        loan_checkout(member=ana, item=make_item(tolmin, barcode), today=today - timedelta(3))
    url = reverse("desk:checkout", args=[ana.pk])

    # when: both are scanned in the renewal field
    responses = [desk.post(url, {"barcode": code, "renew": "1"}) for code in ("b1", "b2")]

    # then: renewed, and back at the renewal field
    assert list(Loan.objects.filter(member=ana).values_list("renewals", flat=True)) == [1, 1]
    assert Loan.objects.filter(member=ana, status=Loan.OUT).count() == 2
    for response in responses:
        assert response.url == reverse("desk:member", args=[ana.pk]) + "?scan=renew"
    html = page(desk.get(responses[-1].url))
    assert autofocused(html) == ["id_renew_barcode"]


def test_a_renew_button_comes_back_to_the_renewal_field(desk, tolmin, make_member, make_item):
    ana = make_member(tolmin, "ana")
    loan = loan_checkout(member=ana, item=make_item(tolmin, "b1"))

    response = desk.post(reverse("desk:renew", args=[ana.pk, loan.pk]))

    assert response.url == reverse("desk:member", args=[ana.pk]) + "?scan=renew"


def test_a_reservation_comes_back_to_the_checkout_field(desk, tolmin, make_member, make_item):
    ana = make_member(tolmin, "ana")
    make_item(tolmin, "b1")
    branch = tolmin.branches.order_by("id").first()

    response = desk.post(
        reverse("desk:reserve", args=[ana.pk]), {"barcode": "b1", "pickup_branch": branch.pk}
    )

    assert response.url == reverse("desk:member", args=[ana.pk])
    assert ana.reservations.count() == 1


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_second_scan_of_the_members_own_loan_says_so(
    desk, tolmin, make_member, make_item, language
):
    # given: Ana borrowed the book three days ago
    ana = make_member(tolmin, "ana")
    today = timezone.localdate()
    loan = loan_checkout(member=ana, item=make_item(tolmin, "b1", title="Alamut"),
                         today=today - timedelta(days=3))  # fmt: skip
    if language == "en":
        english(desk)

    # when: it is scanned for her again
    response = desk.post(reverse("desk:checkout", args=[ana.pk]), {"barcode": "b1"}, follow=True)

    # then
    since, due = day(loan.checkout_date), day(loan.due_date)
    expected = {
        "sl": f"b1 (Alamut): To gradivo je temu članu že izposojeno (od {since}, "
        f"rok vrnitve {due}).",
        "en": f"b1 (Alamut): This item is already on loan to this member (since {since}, "
        f"due {due}).",
    }[language]
    assert expected in page(response)
    assert Loan.objects.count() == 1


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_copy_held_for_someone_else_names_the_branch(
    desk, tolmin, make_member, make_item, language
):
    # given: the copy waits for Bor at Kobarid
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", title="Alamut", branch="kobarid")
    kobarid = tolmin.branches.get(name="Knjižnica Kobarid")
    hold = reservation_place(member=bor, item=book, pickup_branch=kobarid)
    if language == "en":
        english(desk)

    # when: it is scanned for Ana
    response = desk.post(reverse("desk:checkout", args=[ana.pk]), {"barcode": "b1"}, follow=True)

    # then
    until = day(hold.hold_expires)
    expected = {
        "sl": "To gradivo je rezervirano za drugega člana: čaka na polici rezervacij v enoti "
        f"Knjižnica Kobarid (do {until}).",
        "en": f"This item is held for another member at Knjižnica Kobarid (until {until}).",
    }[language]
    assert expected in page(response)
    assert not Loan.objects.exists()


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_copy_on_loan_to_someone_else_says_so(desk, tolmin, make_member, make_item, language):
    # given: Bor has the copy
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    loan = loan_checkout(member=bor, item=make_item(tolmin, "b1", title="Alamut"))
    if language == "en":
        english(desk)

    # when: it is scanned for Ana
    response = desk.post(reverse("desk:checkout", args=[ana.pk]), {"barcode": "b1"}, follow=True)

    # then: Bor is not named
    expected = {
        "sl": f"To gradivo je izposojeno drugemu članu (rok vrnitve {day(loan.due_date)}).",
        "en": f"This item is on loan to another member (due {day(loan.due_date)}).",
    }[language]
    html = page(response)
    assert expected in html
    assert "bor" not in html.split("<main", 1)[1].split("<h1", 1)[0]


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_copy_back_already_says_since_when_at_check_in(
    desk, tolmin, make_member, make_item, language
):
    # given: the book came back yesterday
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1", title="Alamut")
    today = timezone.localdate()
    loan_checkout(member=ana, item=book, today=today - timedelta(days=5))
    loan_checkin(item=book, today=today - timedelta(days=1))
    if language == "en":
        english(desk)

    # when: it is scanned again at the check-in desk
    response = desk.post(reverse("desk:checkin"), {"barcode": "b1"})

    # then: back at the check-in page (no fragment), the cursor in the field, the reason shown
    assert response.url == reverse("desk:checkin")
    html = page(desk.get(response.url))
    returned = day(today - timedelta(days=1))
    expected = {
        "sl": f"b1 (Alamut): To gradivo ni izposojeno: vrnjeno je bilo že {returned}.",
        "en": f"b1 (Alamut): This item is not on loan: it was already returned on {returned}.",
    }[language]
    assert expected in html
    assert autofocused(html) == ["id_barcode"]
