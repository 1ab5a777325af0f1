"""Settings: how to be notified, the language of the portal, the password."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import escape

from bukve.members.models import Member

from .conftest import PASSWORD
from .helpers import page, sl


def refusals_of(password: str) -> list[str]:
    """The password validators' messages on a Slovenian page."""
    with translation.override("sl"), pytest.raises(ValidationError) as info:
        validate_password(password)
    return [escape(message) for message in info.value.messages]


def test_it_saves_the_preferences_and_switches_the_language(
    client, load_library, make_portal_member, log_in
):
    # given: a Slovenian page
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    log_in(ana)
    html = page(client.get("/moja/settings/"))
    assert '<html lang="sl">' in html
    assert "Preskoči na vsebino" in html

    # when
    response = client.post("/moja/settings/", {"notify_by": "sms", "language": "en"})

    # then: saved, and the portal speaks English from now on
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    ana.refresh_from_db()
    assert (ana.notify_by, ana.language) == ("sms", "en")
    html = page(client.get(response.url))
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Your settings are saved." in html


def test_it_shows_the_portal_in_the_members_language_after_login(
    client, load_library, make_portal_member, log_in
):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345", language="en")

    # when
    log_in(ana)

    # then
    assert '<html lang="en">' in page(client.get("/moja/"))


def test_it_refuses_an_unknown_choice(client, load_library, make_portal_member, log_in):
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    log_in(ana)
    html = page(client.post("/moja/settings/", {"notify_by": "pigeon", "language": "en"}))
    assert 'aria-invalid="true"' in html
    assert Member.objects.get(pk=ana.pk).notify_by == "email"


def test_it_changes_the_password(client, load_library, make_portal_member, log_in):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    log_in(ana)

    # when
    response = client.post(
        "/moja/settings/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "nova-knjiga-7",
            "new_password2": "nova-knjiga-7",
        },
        follow=True,
    )

    # then: still logged in; the new password works, the old one not
    assert sl("Your password is changed.") in page(response)
    client.post("/moja/logout/")
    log_in(ana, password=PASSWORD)
    assert "member_id" not in client.session
    log_in(ana, password="nova-knjiga-7")
    assert client.session["member_id"] == ana.pk


def test_it_explains_why_a_password_is_not_changed(
    client, load_library, make_portal_member, log_in
):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    log_in(ana)

    def change(old, new1, new2):
        return page(
            client.post(
                "/moja/settings/password/",
                {"old_password": old, "new_password1": new1, "new_password2": new2},
            )
        )

    # when, then
    assert sl("This is not your current password.") in change(
        "napacno", "nova-knjiga-7", "nova-knjiga-7"
    )
    assert sl("The two new passwords are not the same.") in change(
        PASSWORD, "nova-knjiga-7", "nova-knjiga-8"
    )
    for weak in ("kratko", "password123", "20260610"):
        html = change(PASSWORD, weak, weak)
        for message in refusals_of(weak):
            assert message in html
    log_in(ana)
    assert client.session["member_id"] == ana.pk


def test_it_offers_only_the_channels_that_are_delivered(
    client, load_library, make_portal_member, log_in
):
    # given: nobody at the library phones members; a message goes by e-mail, SMS or letter
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    log_in(ana)

    # when
    html = page(client.get("/moja/settings/"))
    refused = page(client.post("/moja/settings/", {"notify_by": "phone", "language": "sl"}))
    client.post("/moja/settings/", {"notify_by": "letter", "language": "sl"})

    # then: no phone call offered or taken; a letter is
    assert 'value="email"' in html and 'value="sms"' in html and 'value="letter"' in html
    assert 'value="phone"' not in html and sl("phone call") not in html
    assert 'aria-invalid="true"' in refused
    assert Member.objects.get(pk=ana.pk).notify_by == "letter"


def test_members_who_chose_phone_calls_are_shown_the_letters_they_get(load_library, make_member):
    # given: a member from before, with the channel nobody delivered
    import importlib

    from django.apps import apps

    from bukve.notices.services import member_contact

    pia = make_member(load_library("tolmin"), "TO0042", address="Ledina 1, Bovec")
    Member.objects.filter(pk=pia.pk).update(notify_by="phone")
    assert member_contact(Member.objects.get(pk=pia.pk))[0] == "letter"

    # when: the migration runs
    importlib.import_module("bukve.members.migrations.0011_notify_by_letter").phone_to_letter(
        apps, None
    )

    # then: the channel says what she gets
    pia.refresh_from_db()
    assert pia.notify_by == "letter" and member_contact(pia)[0] == "letter"
