"""Interlibrary loans in Moja knjižnica: the member sees the titles ordered for them from other
libraries on the page of their reservations, with the status, where to pick up and the due
date; read only, and only their own."""

from datetime import date

import pytest

from bukve.interlibrary.services import (
    ill_cancel,
    ill_lend_out,
    ill_receive,
    ill_request,
)

from .helpers import page, sl


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def test_the_member_sees_what_was_ordered_for_them(
    client, tolmin, make_portal_member, make_member, log_in, today
):
    # given: three titles ordered for Ana (one ready at Kobarid, one on loan), one
    # cancelled, and one for Bor
    ana = make_portal_member(tolmin, "TO0001", email="ana@example.org")
    kobarid = tolmin.branches.get(code="kobarid")
    ordered = ill_request(member=ana, title="Alamut", partner="Mestna knjižnica Ljubljana")
    ready = ill_request(member=ana, title="Sinji galeb", partner="Goriška knjižnica",
                        branch=kobarid)  # fmt: skip
    ill_receive(request=ready, due=date(2026, 7, 1))
    lent = ill_request(member=ana, title="Pod svobodnim soncem", partner="KOK")
    ill_receive(request=lent, due=date(2026, 7, 8))
    ill_lend_out(request=lent)
    ill_cancel(request=ill_request(member=ana, title="Preklicano", partner="KOK"))
    ill_request(member=make_member(tolmin, "TO0002"), title="Borova knjiga", partner="KOK")
    log_in(ana)

    # when
    html = page(client.get("/moja/reservations/"))

    # then: her three open ones, each with its status, in the order they were asked for
    assert sl("From other libraries") in html
    titles = ["Alamut", "Sinji galeb", "Pod svobodnim soncem"]
    assert [html.index(t) for t in titles] == sorted(html.index(t) for t in titles)
    assert "Preklicano" not in html and "Borova knjiga" not in html
    assert sl("ordered") in html and sl("ready to pick up") in html
    assert "Knjižnica Kobarid" in html and "Goriška knjižnica" in html
    assert "8. 7. 2026" in html  # due
    assert ordered.title in html
    assert "<form" not in html.split(sl("From other libraries"))[1]  # read only


def test_no_section_without_interlibrary_loans(client, tolmin, make_portal_member, log_in):
    log_in(make_portal_member(tolmin, "TO0001"))
    assert sl("From other libraries") not in page(client.get("/moja/reservations/"))
