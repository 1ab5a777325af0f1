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
