"""Staff logins: the Django admin's login is locked like the desk's, with one counter per user
name for both (the same staff accounts); a staff user's other sessions end when their
password changes or is reset."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from bukve.libraries.models import Staff

from .portal.helpers import sl

PASSWORD = "knjiznica-2026"
NEW_PASSWORD = "nova-knjiznica-2027"
WRONG = "narobe"
LOCKED = sl("Too many failed attempts for this user name. Try again in 15 minutes.")
ADMIN_LOGIN, DESK_LOGIN = "/admin/login/", "/desk/login/"


@pytest.fixture(autouse=True)
def no_failed_logins(db):
    """Failed logins are counted in the cache (a database table)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mojca(load_library):
    """Mojca directs Tolmin's library and is the site's administrator too."""
    user = User.objects.create_superuser("mojca", password=PASSWORD)
    Staff.objects.create(user=user, library=load_library("tolmin"), role=Staff.ADMINISTRATOR)
    return user


def log_in(client, url, username="mojca", password=PASSWORD):
    return client.post(url, {"username": username, "password": password})


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def browser(url=ADMIN_LOGIN, password=PASSWORD) -> Client:
    """A browser logged in as Mojca."""
    client = Client()
    assert log_in(client, url, password=password).status_code == 302
    return client


# --- the lock -------------------------------------------------------------------------------


def test_it_locks_the_admin_login_after_five_failures(client, mojca):
    # given: five wrong passwords for Mojca
    for _ in range(5):
        assert log_in(client, ADMIN_LOGIN, password=WRONG).status_code == 200

    # when: the right one
    response = log_in(client, ADMIN_LOGIN)

    # then: refused, and told why
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not logged_in(client)


def test_the_lock_is_per_user_name(client, mojca):
    # given: five wrong passwords for a user name nobody has
    User.objects.create_superuser("bojan", password=PASSWORD)
    for _ in range(5):
        log_in(client, ADMIN_LOGIN, username="mojca-tolmin", password=WRONG)

    # when, then: that one is locked, another user name is not
    assert LOCKED in log_in(client, ADMIN_LOGIN, username="mojca-tolmin").content.decode()
    assert log_in(client, ADMIN_LOGIN, username="bojan").status_code == 302


def test_the_desk_and_the_admin_share_one_counter(client, mojca):
    # given: an attacker alternates the desk's login and the admin's
    for url in (DESK_LOGIN, ADMIN_LOGIN, DESK_LOGIN, ADMIN_LOGIN, DESK_LOGIN):
        assert log_in(client, url, password=WRONG).status_code == 200

    # when, then: Mojca is locked out of both
    for url in (ADMIN_LOGIN, DESK_LOGIN):
        response = log_in(client, url)
        assert response.status_code == 200
        assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


# --- other sessions end with a new password ----------------------------------------------------


def test_changing_the_password_in_the_admin_ends_the_other_sessions(mojca):
    # given: Mojca logged in at the desk and in the admin on another computer
    desk, admin = browser(DESK_LOGIN), browser(ADMIN_LOGIN)

    # when: she changes her password in the admin
    response = admin.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    # then: the admin goes on, the desk's session has ended
    assert response.status_code == 302
    assert logged_in(admin)
    assert desk.get("/desk/").status_code == 302
    assert "_auth_user_id" not in desk.session


def test_a_password_reset_by_the_administrator_ends_every_session(mojca, load_library):
    # given: a librarian logged in at the desk
    user = User.objects.create_user("bojan", password=PASSWORD)
    Staff.objects.create(user=user, library=Staff.objects.get().library, role=Staff.CIRCULATION)
    desk = Client()
    assert log_in(desk, DESK_LOGIN, username="bojan").status_code == 302
    assert desk.get("/desk/").status_code == 200

    # when: the administrator gives him a new password in the admin
    response = browser().post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    # then: his session has ended
    assert response.status_code == 302
    assert desk.get("/desk/").status_code == 302


def test_a_password_set_on_the_command_line_ends_every_session(mojca):
    # given
    admin = browser()

    # when: what `bukve manage changepassword` does
    mojca.set_password(NEW_PASSWORD)
    mojca.save()

    # then
    assert not logged_in(admin)
    assert logged_in(browser(password=NEW_PASSWORD))
