"""Loans in the portal: due dates, notices, what renewing would do, renewing online."""

from datetime import date

from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkout
from bukve.members.models import Member

from .helpers import page, sentence, sl


def test_it_shows_a_loan_and_what_renewing_would_do(
    client, load_library, make_portal_member, make_item, log_in
):
    # given: a Maribor book borrowed on 1 June, due on Monday 22 June; today is 10 June
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    loan_checkout(member=ana, item=make_item(maribor, "b1"), today=date(2026, 6, 1))
    log_in(ana)

    # when
    html = page(client.get("/moja/"))

    # then: 22 June + 21 days
    assert "22. 6. 2026" in html
    assert sl("Renewing would move the due date to %(due)s.", due="13. 7. 2026") in html
    assert f'aria-current="page">{sl("Loans")}<' in html


def test_it_renews_a_loan(client, load_library, make_portal_member, make_item, log_in):
    # given
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    loan = loan_checkout(member=ana, item=make_item(maribor, "b1"), today=date(2026, 6, 1))
    log_in(ana)

    # when
    response = client.post(f"/moja/loans/{loan.pk}/renew/", follow=True)

    # then
    assert sl(
        "%(title)s is renewed; it is now due on %(due)s.", title="b1", due="13. 7. 2026"
    ) in page(response)
    loan.refresh_from_db()
    assert (loan.due_date, loan.renewals) == (date(2026, 7, 13), 1)


def test_it_shows_why_a_loan_cannot_be_renewed(
    client, load_library, make_portal_member, make_item, log_in
):
    # given: Bor has reserved the title Ana has on loan
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    bor = make_portal_member(maribor, "0067890")
    book = make_item(maribor, "b1")
    loan = loan_checkout(member=ana, item=book, today=date(2026, 6, 1))
    reservation_place(member=bor, item=book, today=date(2026, 6, 2))
    log_in(ana)

    # when: the page, then renewing anyway (a form sent before the reservation)
    html = page(client.get("/moja/"))
    response = client.post(f"/moja/loans/{loan.pk}/renew/", follow=True)

    # then: the sentence, no renew button, nothing renewed
    assert sentence("reserved_by_other") in html
    assert f"/moja/loans/{loan.pk}/renew/" not in html
    assert sentence("reserved_by_other") in page(response)
    assert sl("%(title)s was not renewed. %(reason)s", title="b1", reason="").strip() in page(
        response
    )
    loan.refresh_from_db()
    assert (loan.due_date, loan.renewals) == (date(2026, 6, 22), 0)


def test_it_flags_an_overdue_loan_with_its_notice_and_fine_so_far(
    client, load_library, make_portal_member, make_item, log_in
):
    # given: a Velenje book due on 30 May with a first notice (0.30 per day, no tolerance)
    velenje = load_library("velenje")
    ana = make_portal_member(velenje, "0012345")
    loan = loan_checkout(
        member=ana, item=make_item(velenje, "b1"), today=date(2026, 5, 1), due=date(2026, 5, 30)
    )
    Loan.objects.filter(pk=loan.pk).update(notice_level=1, last_notice_date=date(2026, 6, 7))
    log_in(ana)

    # when
    html = page(client.get("/moja/"))

    # then: 31 May to 10 June less the Sundays 31 May and 7 June: 9 days
    assert 'class="card overdue"' in html
    assert sl("notice no. %(level)s, sent on %(day)s", level=1, day="7. 6. 2026") in html
    assert "2,70 €" in html
    assert sentence("after_notice") in html


def test_it_shows_what_blocks_borrowing(client, load_library, make_portal_member, log_in):
    # given: Ana's membership ran out
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345", expires=date(2026, 5, 31))
    log_in(ana)

    # when
    html = page(client.get("/moja/"))

    # then
    assert sentence("membership_expired") in html


def test_it_renews_only_the_members_own_loans(
    client, load_library, make_portal_member, make_item, log_in
):
    # given: Bor's loan
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    bor = make_portal_member(maribor, "0067890")
    loan = loan_checkout(member=bor, item=make_item(maribor, "b1"), today=date(2026, 6, 1))
    log_in(ana)

    # when
    response = client.post(f"/moja/loans/{loan.pk}/renew/")

    # then
    assert response.status_code == 404
    assert Loan.objects.get(pk=loan.pk).renewals == 0
    assert sl("Nothing is on loan.") in page(client.get("/moja/"))
    assert Member.objects.get(pk=bor.pk).loans.count() == 1
