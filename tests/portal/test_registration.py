"""Online registration (seed 000) walked through the pages, with the e-mails delivered by a
real SMTP server: the form, the activation e-mail and link, the card number, the welcome
e-mail, the restrictions in force, and lifted at the desk."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from bukve.catalog.models import Item
from bukve.circulation.services import loan_checkout
from bukve.members.models import Member, Registration
from bukve.notices.services import outbox_send
from bukve.refusals import Refused

from .helpers import page, sentence, sl

FORM = {
    "first_name": "Maja",
    "last_name": "Horvat",
    "born": "14. 2. 1990",
    "category": "adult",
    "address": "Prežihova ulica 24, Ravne na Koroškem",
    "email": "maja.horvat@example.org",
    "password": "knjige-za-vse",
    "password_again": "knjige-za-vse",
}
LINK = re.compile(r"http://\S+/moja/register/activate/\S+/")


@pytest.fixture
def ravne(load_library):
    return load_library("ravne")


def register(client, library, **changes):
    return client.post("/moja/register/", {**FORM, "library": library.pk, **changes})


def delivered(smtp_server, to):
    """The bodies of the e-mails the SMTP server received for `to`, after a worker's pass."""
    outbox_send()
    return smtp_server.bodies(to)


def test_it_walks_the_whole_registration(client, ravne, smtp_server, make_item):
    # when: Maja fills in the form
    assert client.get("/moja/register/").status_code == 200
    response = register(client, ravne)

    # then: she is told an e-mail is on its way, and it arrives with the link
    assert response.url == "/moja/register/sent/"
    assert FORM["email"] in page(client.get(response.url))
    [activation] = delivered(smtp_server, FORM["email"])
    link = LINK.search(activation).group(0)
    assert not Member.objects.exists()

    # when: she opens the link
    html = page(client.get(link.removeprefix("http://127.0.0.1:8000")))

    # then: she is a member with a card number, restricted until she signs
    maja = Member.objects.get()
    assert maja.card_number in html and maja.restricted
    assert (maja.first_name, maja.born, maja.address) == ("Maja", date(1990, 2, 14),
                                                          FORM["address"])  # fmt: skip
    # and the second e-mail confirms it with her data and the restrictions
    [welcome] = delivered(smtp_server, FORM["email"])[1:]
    assert maja.card_number in welcome and "Maja Horvat" in welcome

    # and no home loans until she signs
    book = make_item(ravne, "b1")
    with pytest.raises(Refused) as refused:
        loan_checkout(member=maja, item=book)
    assert refused.value.code == "membership_restricted"

    # but she can log in to Moja knjižnica at once
    client.post("/moja/login/", {"library": ravne.pk, "login": maja.card_number,
                                 "password": FORM["password"]})  # fmt: skip
    assert client.session.get("member_id") == maja.pk

    # when: she signs at the desk
    from bukve.membership.services import member_sign

    member_sign(member=maja, by=None, today=timezone.localdate())

    # then: she borrows
    assert loan_checkout(member=maja, item=Item.objects.get(barcode="b1")).member == maja

    # and the link cannot be used again
    response = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 410
    assert sentence("link_used") in page_any(response)


def page_any(response):
    return response.content.decode()


def test_it_refuses_an_expired_link_and_sends_a_new_one(client, ravne, smtp_server):
    # given: a link sent 25 hours ago
    register(client, ravne)
    [first] = delivered(smtp_server, FORM["email"])
    old = LINK.search(first).group(0)
    Registration.objects.update(link_sent_at=timezone.now() - timedelta(hours=25))

    # when / then: the old link has expired
    response = client.get(old.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 410
    assert sentence("link_expired") in page_any(response)

    # when: she asks for a new one
    client.post("/moja/register/new-link/", {"library": ravne.pk, "email": FORM["email"]})
    [second] = delivered(smtp_server, FORM["email"])[1:]
    new = LINK.search(second).group(0)

    # then: the new link works
    assert client.get(new.removeprefix("http://127.0.0.1:8000")).status_code == 200
    assert Member.objects.filter(email=FORM["email"]).count() == 1


@pytest.mark.parametrize(
    ("first", "last"), [("maja", "Horvat"), ("ŠPELA", "KOŠIR"), ("Spela", "Kosir")]
)
def test_it_keeps_a_likely_duplicate_for_the_library(client, ravne, make_member, smtp_server,
                                                     first, last):  # fmt: skip
    # given: Maja and Špela are members already
    make_member(ravne, "RA0001", first_name="Maja", last_name="Horvat", born=date(1990, 2, 14))
    make_member(ravne, "RA0002", first_name="Špela", last_name="Košir", born=date(1990, 2, 14))

    # when: one of them registers again, whatever the case and diacritics
    response = register(client, ravne, first_name=first, last_name=last)

    # then: told to contact the library; nothing sent, no second member
    assert response.status_code == 200
    assert sl("You may be a member already") in page(response)
    assert Registration.objects.get().status == Registration.DUPLICATE
    assert delivered(smtp_server, FORM["email"]) == []
    assert Member.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "1234567", "password_again": "1234567"}, "password"),
        ({"password": "12345678", "password_again": "12345678"}, "password"),
        ({"password_again": "drugo-geslo"}, "password_again"),
        ({"born": "31. 2. 1990"}, "born"),
        ({"born": "kdaj"}, "born"),
        ({"email": "maja@"}, "email"),
        ({"email": "maja horvat@example.org"}, "email"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_it_explains_bad_input_and_creates_nothing(client, ravne, changes, field):
    response = register(client, ravne, **changes)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("days", [1, -366 * 200])
def test_it_refuses_a_birth_date_in_the_future_or_before_1900(client, ravne, days):
    born = timezone.localdate() + timedelta(days=days)

    response = register(client, ravne, born=born.strftime("%d. %m. %Y"))

    assert sentence("birth_date_implausible") in page(response)
    assert not Registration.objects.exists()


def test_it_sends_tolmins_free_categories_to_the_library(client, load_library):
    # Tolmin art. 13.a: the free categories register in person
    tolmin = load_library("tolmin")

    response = register(client, tolmin, category="pupil")

    assert sentence("register_in_person") in page(response)
    assert not Registration.objects.exists()


def test_it_refuses_a_forged_link(client, ravne):
    response = client.get("/moja/register/activate/not-a-token/")

    assert response.status_code == 400
    assert sentence("link_invalid") in page_any(response)
