"""The landing page: where to go (desk, portal, API) and, in the demo, how to log in."""

import io

from django.urls import reverse

from bukve import demo
from bukve.libraries.services import PRESET_IDS


def test_it_links_to_the_desk_and_the_portal_and_shows_the_demo_logins(
    client, load_library, make_member, monkeypatch
):
    # given: the four libraries with the demo's users, and a parent with a child
    for code in PRESET_IDS:
        load_library(code)
    tolmin = demo.Library.objects.get(code="tolmin")
    parent = make_member(tolmin, "TO0001")
    make_member(tolmin, "TO0002", guardian=parent)
    demo._users(io.StringIO())
    monkeypatch.setenv("BUKVE_DEMO", "true")

    # when
    text = client.get(reverse("home")).content.decode()

    # then
    assert f'href="{reverse("desk:home")}"' in text
    assert f'href="{reverse("portal:home")}"' in text
    for username, password, _code, _role in demo.DEMO_USERS:
        assert f"<code>{username}</code>" in text and f"<code>{password}</code>" in text
    assert "<code>TO0001</code>" in text and demo.DEMO_MEMBER_PASSWORD in text


def test_it_hides_the_logins_outside_the_demo(client, load_library, monkeypatch):
    for code in PRESET_IDS:
        load_library(code)
    demo._users(io.StringIO())
    monkeypatch.delenv("BUKVE_DEMO", raising=False)

    text = client.get(reverse("home")).content.decode()

    assert "bukve-desk" not in text


def test_it_speaks_slovenian_unless_english_was_chosen(client, db):
    # an English browser still gets Slovenian
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sl">' in response.content.decode()

    # the language switcher sets the cookie
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()


def test_the_demo_lists_items_to_try_and_a_member_to_lend_them_to(
    client, load_library, make_member, make_item, monkeypatch
):
    # given: Tolmin with a book on the shelf, one lent, one for the reading room only, one
    # waited for, one at another branch; Ana may borrow, Bor's membership has run out
    from datetime import timedelta

    from django.utils import timezone

    from bukve.circulation.holds import reservation_place
    from bukve.circulation.services import loan_checkout

    today = timezone.localdate()
    tolmin = load_library("tolmin")
    ana = make_member(
        tolmin, "TO0001", first_name="Ana", password="x", expires=today + timedelta(days=90)
    )
    make_member(tolmin, "TO0002", first_name="Bor", password="x", expires=today - timedelta(days=1))
    make_item(tolmin, "TO10001", title="Poezije")
    loan_checkout(member=ana, item=make_item(tolmin, "TO10002", title="Na klancu"), today=today)
    make_item(tolmin, "TO10003", title="Slovar", not_for_loan=True)
    waited = make_item(tolmin, "TO10004", record="alamut", title="Alamut")
    loan_checkout(member=ana, item=make_item(tolmin, "TO10005", record="alamut"), today=today)
    make_item(tolmin, "TO10006", title="Doberdob", branch="kobarid")
    carla = make_member(tolmin, "TO0003", password="x", expires=today + timedelta(days=90))
    reservation_place(member=carla, item=waited, today=today)
    monkeypatch.setenv("BUKVE_DEMO", "true")

    # when
    text = client.get(reverse("home")).content.decode()

    # then: only the book on the main branch's shelf that nobody waits for, and Ana to lend it to
    assert "<code>TO10001</code>" in text
    for barcode in ("TO10002", "TO10003", "TO10004", "TO10005", "TO10006"):
        assert f"<code>{barcode}</code>" not in text, barcode
    assert "<code>TO0001</code>" in text and "<code>TO0002</code>" not in text


def test_the_demo_staff_have_names_of_their_own(load_library):
    # given
    for code in PRESET_IDS:
        load_library(code)

    # when
    demo._users(io.StringIO())

    # then: the desk's header tells the desk of Tolmin from its administrator
    from django.contrib.auth.models import User

    staff = User.objects.filter(staff__isnull=False)
    names = [user.get_full_name() for user in staff]
    assert len(names) == 8 and all(names) and len(set(names)) == 8
    assert User.objects.get(username="tolmin-desk").get_full_name() == "Nataša Kavčič"
