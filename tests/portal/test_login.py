"""Logging in to "Moja knjižnica": card number or e-mail, one message for any mistake, a lock
after repeated failures, the library remembered."""

from bukve.portal.views import LIBRARY_COOKIE

from .conftest import PASSWORD
from .helpers import sl

WRONG = sl("The card number or e-mail and the password do not match. Check them and try again.")
LOCKED = sl(
    "Too many failed attempts to log in with this card number or e-mail. Try again in 15 "
    "minutes, or ask at the library."
)


def logged_in(client) -> bool:
    return client.get("/moja/").status_code == 200


def test_it_logs_in_with_the_card_number(client, load_library, make_portal_member, log_in):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")

    # when
    response = log_in(ana)

    # then
    assert response.status_code == 302
    assert response.url == "/moja/"
    assert client.session["member_id"] == ana.pk
    assert logged_in(client)


def test_it_logs_in_with_the_email(client, load_library, make_portal_member, log_in):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345", email="ana@example.si")

    # when: the e-mail in other letter case
    log_in(ana, login="Ana@Example.si")

    # then
    assert client.session["member_id"] == ana.pk


def test_it_refuses_a_wrong_password_without_telling_which_part_was_wrong(
    client, load_library, make_portal_member, log_in
):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")

    # when: a wrong password, then a card number nobody has
    wrong_password = log_in(ana, password="napacno-geslo")
    wrong_card = log_in(ana, login="9999999")

    # then: the same message, and no login
    for response in (wrong_password, wrong_card):
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    assert "member_id" not in client.session
    assert not logged_in(client)


def test_it_locks_a_login_after_five_failures(client, load_library, make_portal_member, log_in):
    # given: five wrong passwords for Ana's card
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    bor = make_portal_member(maribor, "0067890")
    for _ in range(5):
        assert WRONG in log_in(ana, password="napacno-geslo").content.decode()

    # when: the right password now
    response = log_in(ana)

    # then: refused with its own message; another card is not locked
    assert LOCKED in response.content.decode()
    assert "member_id" not in client.session
    log_in(bor)
    assert client.session["member_id"] == bor.pk


def test_it_counts_failures_per_member_whether_by_card_or_e_mail(
    client, load_library, make_portal_member, log_in
):
    # given: an attacker alternates Ana's card number and her e-mail, five failures in all
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345", email="ana@example.si")
    for login in ["0012345", "ana@example.si", "0012345", "ANA@example.si", "0012345"]:
        assert WRONG in log_in(ana, login=login, password="napacno-geslo").content.decode()

    # when: the right password, by e-mail and by card
    by_email = log_in(ana, login="ana@example.si")
    by_card = log_in(ana)

    # then: Ana is locked whichever she types
    assert LOCKED in by_email.content.decode()
    assert LOCKED in by_card.content.decode()
    assert "member_id" not in client.session


def test_it_counts_a_login_that_names_nobody_under_what_was_typed(
    client, load_library, make_portal_member, log_in
):
    # given: five failures for a card number nobody has
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    for _ in range(5):
        assert WRONG in log_in(ana, login="9999999").content.decode()

    # when, then: that login is locked, Ana is not
    assert LOCKED in log_in(ana, login="9999999").content.decode()
    log_in(ana)
    assert client.session["member_id"] == ana.pk


def test_it_forgets_failures_after_a_successful_login(
    client, load_library, make_portal_member, log_in
):
    # given: four failures, then a login
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    for _ in range(4):
        log_in(ana, password="napacno-geslo")
    log_in(ana)
    client.post("/moja/logout/")

    # when: four more failures
    for _ in range(4):
        log_in(ana, password="napacno-geslo")

    # then: not locked
    log_in(ana)
    assert client.session["member_id"] == ana.pk


def test_it_preselects_the_only_library_and_then_the_last_one_chosen(
    client, load_library, make_portal_member, log_in
):
    # given: one library
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    page = client.get("/moja/login/").content.decode()
    assert f'<option value="{maribor.pk}" selected>' in page

    # when: a second library is loaded, and Ana logs in at Maribor
    velenje = load_library("velenje")
    assert (
        f'<option value="{maribor.pk}" selected>' not in client.get("/moja/login/").content.decode()
    )
    response = log_in(ana)

    # then: Maribor is remembered after logging out
    assert response.cookies[LIBRARY_COOKIE].value == "maribor"
    client.post("/moja/logout/")
    page = client.get("/moja/login/").content.decode()
    assert f'<option value="{maribor.pk}" selected>' in page
    assert f'<option value="{velenje.pk}" selected>' not in page


def test_it_sends_a_visitor_to_the_login_page_and_back(client, load_library, make_portal_member):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")

    # when
    response = client.get("/moja/account/")

    # then
    assert response.status_code == 302
    assert response.url == "/moja/login/?next=%2Fmoja%2Faccount%2F"
    response = client.post(
        response.url,
        {
            "library": maribor.pk,
            "login": ana.card_number,
            "password": PASSWORD,
            "next": "/moja/account/",
        },
    )
    assert response.url == "/moja/account/"


def test_it_does_not_follow_a_next_to_another_site(client, load_library, make_portal_member):
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    response = client.post(
        "/moja/login/",
        {
            "library": maribor.pk,
            "login": ana.card_number,
            "password": PASSWORD,
            "next": "https://example.com/",
        },
    )
    assert response.url == "/moja/"


def test_it_gives_the_session_a_new_key_at_login(client, load_library, make_portal_member, log_in):
    # given: a visitor with a session
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    log_in(ana, password="napacno-geslo")
    client.session.save()
    before = client.session.session_key

    # when
    log_in(ana)

    # then
    assert client.session.session_key != before


def test_it_logs_out_only_by_post(client, load_library, make_portal_member, log_in):
    # given
    maribor = load_library("maribor")
    log_in(make_portal_member(maribor, "0012345"))

    # when, then
    assert client.get("/moja/logout/").status_code == 405
    assert logged_in(client)
    assert client.post("/moja/logout/").url == "/moja/login/"
    assert not logged_in(client)


def test_it_tells_the_library_from_the_card_number_when_none_is_chosen(
    client, load_library, make_portal_member
):
    # given: the four libraries, each with its own card prefix (MB, VE, TO, RA)
    for code in ("maribor", "velenje", "ravne"):
        load_library(code)
    tolmin = load_library("tolmin")
    ana = make_portal_member(tolmin, "TO0042")

    # when: Ana leaves the library out and types her card number in small letters
    response = client.post("/moja/login/", {"library": "", "login": "to0042", "password": PASSWORD})

    # then: she is in, and Tolmin is remembered for the next time
    assert response.status_code == 302
    assert client.session["member_id"] == ana.pk
    assert response.cookies[LIBRARY_COOKIE].value == "tolmin"


def test_it_asks_for_the_library_when_the_login_does_not_tell_it(
    client, load_library, make_portal_member
):
    # given
    load_library("maribor")
    tolmin = load_library("tolmin")
    make_portal_member(tolmin, "TO0042", email="ana@example.si")

    # when: an e-mail address, or a card number of no library's form, and no library
    by_email = client.post("/moja/login/", {"login": "ana@example.si", "password": PASSWORD})
    by_odd_card = client.post("/moja/login/", {"login": "X-42", "password": PASSWORD})

    # then: the library field says why it is needed, and nobody is logged in
    for response in (by_email, by_odd_card):
        assert response.status_code == 200
        html = response.content.decode()
        assert sl("Choose your library: it cannot be told from an e-mail address or this card "
                  "number.") in html  # fmt: skip
        assert "member_id" not in client.session


def test_the_library_chosen_wins_over_the_card_prefix(client, load_library, make_portal_member):
    # given: a Maribor member whose card number happens to look like Tolmin's
    maribor = load_library("maribor")
    load_library("tolmin")
    bor = make_portal_member(maribor, "TO0001")

    # when
    response = client.post(
        "/moja/login/", {"library": maribor.pk, "login": "TO0001", "password": PASSWORD}
    )

    # then
    assert response.status_code == 302 and client.session["member_id"] == bor.pk
