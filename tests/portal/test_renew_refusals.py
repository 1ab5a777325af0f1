"""Renewing in Moja knjižnica a loan that came back since the page was opened: the member
is told it was returned and when (not a 404), in Slovenian and English."""

from datetime import date

import pytest
from django.conf import settings

from bukve.circulation.models import Loan
from bukve.circulation.services import loan_checkin, loan_checkout

from .helpers import page


@pytest.mark.parametrize("language", ["sl", "en"])
def test_a_loan_returned_meanwhile_says_when_it_came_back(
    client, load_library, make_portal_member, make_item, log_in, language
):
    # given: Ana's page shows her loan; then the book is returned at the library on 9 June
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    book = make_item(maribor, "b1", title="Alamut")
    loan = loan_checkout(member=ana, item=book, today=date(2026, 6, 1))
    log_in(ana)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    loan_checkin(item=book, today=date(2026, 6, 9))

    # when: she presses "Renew" on the page she had open
    response = client.post(f"/moja/loans/{loan.pk}/renew/", follow=True)

    # then
    expected = {
        "sl": "Alamut: podaljšanje ni mogoče. To gradivo ni izposojeno: vrnjeno je bilo že "
        "9. 6. 2026.",
        "en": "Alamut was not renewed. This item is not on loan: it was already returned on "
        "9. 6. 2026.",
    }[language]
    assert expected in page(response)
    assert Loan.objects.get(pk=loan.pk).renewals == 0
