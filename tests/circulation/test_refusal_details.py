"""`item_not_available` says what is really the matter: the code stays RULES.md's, the
sentence names it (already this member's, another member's, held for someone at a branch,
lost, back already), with dates in the locale's format, in Slovenian and English."""

from datetime import date

import pytest
from django.utils import translation

from bukve.circulation.holds import reservation_place
from bukve.circulation.services import (
    hold_pickup,
    loan_checkin,
    loan_checkout,
    loan_declare_lost,
    loan_renew,
)
from bukve.refusals import Refused


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def refused(service, **kwargs) -> Refused:
    with pytest.raises(Refused) as info:
        service(**kwargs)
    assert info.value.code == "item_not_available"
    return info.value


def said(refusal: Refused, language: str) -> str:
    with translation.override(language):
        return refusal.sentence


def test_it_says_the_item_is_already_on_loan_to_this_member(tolmin, make_member, make_item):
    # given: Ana borrowed the book on 2 March
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1")
    loan = loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    due = f"{loan.due_date:%-d. %-m. %Y}"

    # when: it is scanned for her again
    refusal = refused(loan_checkout, member=ana, item=book, today=date(2026, 3, 3))

    # then
    assert said(refusal, "sl") == (
        f"To gradivo je temu članu že izposojeno (od 2. 3. 2026, rok vrnitve {due})."
    )
    assert said(refusal, "en") == (
        f"This item is already on loan to this member (since 2. 3. 2026, due {due})."
    )
    with translation.override("en"):
        general = "This item is not available: it is on loan or held for someone."
        assert refusal.general == general


def test_it_says_the_item_is_on_loan_to_another_member(tolmin, make_member, make_item):
    # given: Ana has the book
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1")
    loan = loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    due = f"{loan.due_date:%-d. %-m. %Y}"

    # when: Bor wants to borrow it, or to renew it
    lend = refused(loan_checkout, member=bor, item=book, today=date(2026, 3, 3))
    renew = refused(loan_renew, member=bor, item=book, today=date(2026, 3, 3))

    # then: neither says who has it
    for refusal in (lend, renew):
        assert said(refusal, "sl") == f"To gradivo je izposojeno drugemu članu (rok vrnitve {due})."
        assert said(refusal, "en") == f"This item is on loan to another member (due {due})."


def test_it_says_the_item_is_held_for_another_member_at_a_branch(tolmin, make_member, make_item):
    # given: a copy on the shelf of Kobarid is held for Bor there at once
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", branch="kobarid")
    kobarid = tolmin.branches.get(name="Knjižnica Kobarid")
    hold = reservation_place(member=bor, item=book, today=date(2026, 3, 2), pickup_branch=kobarid)
    until = f"{hold.hold_expires:%-d. %-m. %Y}"

    # when: Ana wants it
    refusal = refused(loan_checkout, member=ana, item=book, today=date(2026, 3, 3))

    # then
    assert said(refusal, "sl") == (
        "To gradivo je rezervirano za drugega člana: čaka na polici rezervacij v enoti "
        f"Knjižnica Kobarid (do {until})."
    )
    assert said(refusal, "en") == (
        f"This item is held for another member at Knjižnica Kobarid (until {until})."
    )


def test_it_says_the_item_is_back_already_at_check_in(tolmin, make_member, make_item):
    # given: the book came back on 10 March; another was never lent
    ana = make_member(tolmin, "ana")
    book, new = make_item(tolmin, "b1"), make_item(tolmin, "b2")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    loan_checkin(item=book, today=date(2026, 3, 10))

    # when: both are scanned at the check-in desk, and the first renewed or declared lost
    back = refused(loan_checkin, item=book, today=date(2026, 3, 11))
    renew = refused(loan_renew, member=ana, item=book, today=date(2026, 3, 11))
    lost = refused(loan_declare_lost, item=book, today=date(2026, 3, 11))
    never = refused(loan_checkin, item=new, today=date(2026, 3, 11))

    # then
    for refusal in (back, renew, lost):
        assert said(refusal, "sl") == "To gradivo ni izposojeno: vrnjeno je bilo že 10. 3. 2026."
        assert said(refusal, "en") == (
            "This item is not on loan: it was already returned on 10. 3. 2026."
        )
    assert said(never, "sl") == "To gradivo ni izposojeno."
    assert said(never, "en") == "This item is not on loan."


def test_it_says_the_item_is_lost(tolmin, make_member, make_item):
    # given: Ana lost the book
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1", price="20.00")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    loan_declare_lost(item=book, today=date(2026, 3, 20))

    # when: it is scanned at the desk for Bor, or at check-in
    for refusal in (
        refused(loan_checkout, member=bor, item=book, today=date(2026, 3, 21)),
        refused(loan_checkin, item=book, today=date(2026, 3, 21)),
    ):
        # then
        assert said(refusal, "sl") == "To gradivo je evidentirano kot izgubljeno."
        assert said(refusal, "en") == "This item is recorded as lost."


def test_it_says_nothing_is_held_for_a_member_picking_up(tolmin, make_member, make_item):
    # given: a copy on the shelf, held for nobody
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1")

    # when
    refusal = refused(hold_pickup, member=ana, item=book, today=date(2026, 3, 2))

    # then
    assert said(refusal, "sl") == "To gradivo ni rezervirano za tega člana."
    assert said(refusal, "en") == "This item is not held for this member."


def test_other_refusals_keep_their_general_sentence(tolmin, make_member, make_item):
    # given: a newspaper, not for home loan in Tolmin
    ana = make_member(tolmin, "ana")
    paper = make_item(tolmin, "n1", material="newspaper")

    # when
    with pytest.raises(Refused) as info:
        loan_checkout(member=ana, item=paper, today=date(2026, 3, 2))

    # then
    assert info.value.code == "not_for_loan"
    assert info.value.precise is None
    assert info.value.sentence == info.value.general
