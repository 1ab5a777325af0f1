"""A member's other sessions end when their password changes: changed by the member in
Moja knjižnica (the session they changed it in goes on) or given anew at the desk."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from bukve.libraries.models import Staff
from bukve.members.services import member_password_set

from .conftest import PASSWORD
from .helpers import sl

NEW_PASSWORD = "nove-knjige-2026"


def logged_in(client) -> bool:
    return client.get("/moja/").status_code == 200


def browser_of(member, password: str = PASSWORD) -> Client:
    """A browser of the member's, logged in to the portal."""
    browser = Client()
    response = browser.post(
        "/moja/login/",
        {"library": member.library_id, "login": member.card_number, "password": password},
    )
    assert response.status_code == 302
    return browser


def test_changing_the_password_ends_the_members_other_sessions(load_library, make_portal_member):
    # given: Ana is logged in on her phone and on a library computer she forgot to log out of
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    phone, library_computer = browser_of(ana), browser_of(ana)

    # when: she changes her password on her phone
    response = phone.post(
        "/moja/settings/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then: the phone goes on, the library computer is sent to the login page
    assert response.url == "/moja/settings/"
    assert sl("Your password is changed.") in phone.get(response.url).content.decode()
    assert logged_in(phone)
    gone = library_computer.get("/moja/account/")
    assert gone.status_code == 302
    assert gone.url.startswith("/moja/login/")
    assert "member_id" not in library_computer.session
    # and it stays out, while the new password opens a new session there
    assert not logged_in(library_computer)
    assert logged_in(browser_of(ana, NEW_PASSWORD))


def test_a_password_given_at_the_desk_ends_every_session_of_the_member(
    load_library, make_portal_member
):
    # given: somebody has Ana's password and is logged in as her
    tolmin = load_library("tolmin")
    ana = make_portal_member(tolmin, "TO0001")
    intruder = browser_of(ana)
    desk = Client()
    user = User.objects.create_user("mojca", password="x")
    Staff.objects.create(user=user, library=tolmin, role=Staff.CIRCULATION)
    desk.force_login(user)

    # when: Ana asks at the desk for a new password
    desk.post(reverse("desk:portal_password", args=[ana.pk]), {"password": NEW_PASSWORD})

    # then: the intruder is logged out, and the old password no longer opens the portal
    assert not logged_in(intruder)
    assert logged_in(browser_of(ana, NEW_PASSWORD))
    response = Client().post(
        "/moja/login/", {"library": tolmin.pk, "login": "TO0001", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_a_session_that_kept_no_version_ends_too(load_library, make_member):
    # given: Ana's password was set when she registered, and her session keeps no version
    # (opened before versions were kept)
    maribor = load_library("maribor")
    ana = make_member(maribor, "0012345", password=make_password(PASSWORD))
    browser = browser_of(ana)
    session = browser.session
    del session["member_version"]
    session.save()
    assert logged_in(browser)

    # when
    member_password_set(member=ana, password=NEW_PASSWORD)

    # then
    assert not logged_in(browser)
