"""A parent acts for their children under 18 (Tolmin art. 22), and for nobody else."""

from datetime import date

import pytest

from bukve.catalog.models import Item
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import loan_checkout

from .helpers import page, sl


@pytest.fixture
def family(load_library, make_portal_member, make_member, make_item):
    """Tolmin: Mira with her son Luka (11) and her daughter Eva (19); Tim (11) is no kin.
    Each has a book on loan since 1 June (due 29 June)."""
    tolmin = load_library("tolmin")
    mira = make_portal_member(tolmin, "mira")
    luka = make_member(tolmin, "luka", born=date(2015, 2, 1), guardian=mira)
    eva = make_member(tolmin, "eva", born=date(2007, 1, 5), guardian=mira)
    tim = make_member(tolmin, "tim", born=date(2015, 2, 1))
    for member in (mira, luka, eva, tim):
        item = make_item(tolmin, f"book-of-{member.card_number}")
        loan_checkout(member=member, item=item, today=date(2026, 6, 1))
    return tolmin, mira, luka, eva, tim


def loan_of(member) -> Loan:
    return Loan.objects.get(member=member)


def test_it_offers_only_children_under_18(client, family, log_in):
    # given
    _, mira, luka, eva, tim = family
    log_in(mira)

    # when
    html = page(client.get("/moja/"))

    # then
    assert f'<option value="{luka.pk}"' in html
    assert f'<option value="{eva.pk}"' not in html
    assert f'<option value="{tim.pk}"' not in html


def test_a_parent_acts_for_a_child(client, family, log_in):
    # given
    _, mira, luka, _, _ = family
    log_in(mira)

    # when: Mira switches to Luka on the card page
    response = client.post("/moja/acting-for/", {"member": luka.pk, "next": "/moja/card/"})

    # then: the card, the loans and renewing are Luka's
    assert response.url == "/moja/card/"
    card = page(client.get("/moja/card/"))
    assert (
        sl(
            "You are acting for <strong>%(name)s</strong>: what you see and do here is theirs.",
            name="luka",
        )
        in card
    )
    assert 'class="portal-card-number">luka<' in card
    html = page(client.get("/moja/"))
    assert "book-of-luka" in html
    assert "book-of-mira" not in html
    client.post(f"/moja/loans/{loan_of(luka).pk}/renew/")
    assert loan_of(luka).renewals == 1
    # Mira's own loan is not reachable while acting for Luka
    assert client.post(f"/moja/loans/{loan_of(mira).pk}/renew/").status_code == 404
    book = Item.objects.get(barcode="book-of-eva")
    client.post(f"/moja/search/{book.record_id}/reserve/", {"pickup_branch": book.branch_id})
    assert Reservation.objects.get().member == luka
    assert "book-of-eva" in page(client.get("/moja/reservations/"))

    # when: back to herself
    client.post("/moja/acting-for/", {"member": mira.pk})

    # then
    assert "book-of-mira" in page(client.get("/moja/"))


def test_a_parent_cannot_act_for_a_stranger_or_an_adult_child(client, family, log_in):
    # given
    _, mira, _, eva, tim = family
    log_in(mira)

    # when, then: a forged id is a 404 and changes nothing
    for forged in (tim.pk, eva.pk, "x", 999999):
        assert client.post("/moja/acting-for/", {"member": forged}).status_code == 404
    assert "acting_for" not in client.session
    assert client.post(f"/moja/loans/{loan_of(tim).pk}/renew/").status_code == 404
    assert loan_of(tim).renewals == 0


def test_it_does_not_trust_the_session_either(client, family, log_in):
    # given: a session that says Mira acts for Tim
    _, mira, _, _, tim = family
    log_in(mira)
    session = client.session
    session["acting_for"] = tim.pk
    session.save()

    # when
    html = page(client.get("/moja/"))

    # then: Mira's own page
    assert "book-of-mira" in html
    assert "book-of-tim" not in html


def test_it_stops_acting_for_a_child_who_turned_18(client, family, log_in):
    # given: Mira acts for Luka
    _, mira, luka, _, _ = family
    log_in(mira)
    client.post("/moja/acting-for/", {"member": luka.pk})
    luka.born = date(2008, 6, 10)  # 18 today
    luka.save(update_fields=["born"])

    # when
    html = page(client.get("/moja/"))

    # then
    assert "book-of-mira" in html
    assert "book-of-luka" not in html
