"""The circulation desk: staff find members, lend, return, renew, reserve and take payments
through the services; refusals are shown in words and the desk carries on."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.models import Charge, Payment
from bukve.circulation.holds import reservation_place
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.libraries.models import Staff
from bukve.refusals import Refused
from tests.portal.helpers import sentence, sl


def page(response):
    return response.content.decode()


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


def test_it_sends_strangers_to_the_login_page(client, tolmin):
    response = client.get(reverse("desk:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("desk:login"))


def test_it_refuses_a_user_who_is_not_staff(client, tolmin, django_user_model):
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get(reverse("desk:home")).status_code == 403


def test_it_opens_the_member_of_a_scanned_card(staff_client, tolmin, make_member):
    # given
    ana = make_member(tolmin, "TO0001", last_name="Novak")
    desk = staff_client(tolmin)

    # when
    response = desk.get(reverse("desk:home"), {"q": "TO0001"})

    # then
    assert response.status_code == 302
    assert response.url == reverse("desk:member", args=[ana.pk])


def test_it_finds_members_by_name_and_date_of_birth(staff_client, tolmin, make_member):
    from datetime import date

    make_member(tolmin, "a", last_name="Novak", first_name="Ana", born=date(1990, 5, 4))
    make_member(tolmin, "b", last_name="Novak", first_name="Bor", born=date(1991, 1, 1))
    desk = staff_client(tolmin)

    assert "2 " in page(desk.get(reverse("desk:home"), {"q": "novak"}))
    response = desk.get(reverse("desk:home"), {"q": "4. 5. 1990"})
    assert response.status_code == 302  # exactly one: opened at once


def test_it_never_shows_another_librarys_member(staff_client, tolmin, load_library, make_member):
    # given
    velenje = load_library("velenje")
    vid = make_member(velenje, "VE0001")
    desk = staff_client(tolmin)

    # then
    assert desk.get(reverse("desk:member", args=[vid.pk])).status_code == 404
    response = desk.get(reverse("desk:home"), {"q": "VE0001"})
    assert response.status_code == 200
    assert reverse("desk:member", args=[vid.pk]) not in page(response)


def test_it_lends_scanned_items_and_shows_a_refusal_with_its_reason(
    staff_client, tolmin, make_member, make_item
):
    # given: two books and a reference book
    ana = make_member(tolmin, "ana")
    make_item(tolmin, "b1")
    make_item(tolmin, "b2")
    make_item(tolmin, "ref", not_for_loan=True)
    desk = staff_client(tolmin)
    url = reverse("desk:checkout", args=[ana.pk])

    # when
    for barcode in ["b1", "ref", "b2", "nope"]:
        desk.post(url, {"barcode": barcode})

    # then
    assert Loan.objects.filter(member=ana, status=Loan.OUT).count() == 2
    assert sorted(Loan.objects.values_list("item__barcode", flat=True)) == ["b1", "b2"]


def test_it_shows_the_refusal_sentence_after_a_refused_checkout(
    staff_client, tolmin, make_member, make_item
):
    ana = make_member(tolmin, "ana")
    make_item(tolmin, "ref", not_for_loan=True)
    desk = staff_client(tolmin)

    response = desk.post(reverse("desk:checkout", args=[ana.pk]), {"barcode": "ref"}, follow=True)

    assert f"ref (ref): {Refused('not_for_loan').sentence}" in page(response)


def test_it_announces_a_returned_copy_someone_reserved(
    staff_client, tolmin, make_member, make_item
):
    # given: Ana has the only copy; Bor reserved the title
    today = timezone.localdate()
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor", last_name="Bor")
    book = make_item(tolmin, "b1")
    loan_checkout(member=ana, item=book, today=today - timedelta(days=3))
    reservation_place(member=bor, item=book, today=today - timedelta(days=1))
    desk = staff_client(tolmin)

    # when: returned without a card
    response = desk.post(reverse("desk:checkin"), {"barcode": "b1"}, follow=True)

    # then
    held = Reservation.objects.get(member=bor)
    assert held.status == Reservation.HELD
    assert str(bor) in page(response)
    assert held.hold_expires.strftime("%-d. %-m. %Y") in page(response)


def test_it_renews_by_phone_and_explains_a_refusal(staff_client, tolmin, make_member, make_item):
    # given: a loan someone else waits for
    today = timezone.localdate()
    ana, bor = make_member(tolmin, "ana"), make_member(tolmin, "bor")
    book = make_item(tolmin, "b1")
    loan = loan_checkout(member=ana, item=book, today=today - timedelta(days=3))
    desk = staff_client(tolmin)
    url = reverse("desk:renew", args=[ana.pk, loan.pk])

    # when / then: renewed
    desk.post(url, {"channel": "phone"})
    loan.refresh_from_db()
    assert loan.renewals == 1

    # when / then: refused once Bor waits
    reservation_place(member=bor, item=book, today=today)
    response = desk.post(url, {"channel": "phone"}, follow=True)
    loan.refresh_from_db()
    assert loan.renewals == 1
    assert response.context["messages"]._loaded_messages[-1].level_tag == "error"


def test_it_renews_an_overdue_loan_asked_for_by_e_mail(
    staff_client, tolmin, make_member, make_item
):
    # given: Ana's book was due yesterday; she asks by e-mail (Tolmin art. 28)
    today = timezone.localdate()
    ana = make_member(tolmin, "ana")
    yesterday = today - timedelta(days=1)
    loan = loan_checkout(member=ana, item=make_item(tolmin, "b1"),
                         today=today - timedelta(days=20), due=yesterday)  # fmt: skip
    desk = staff_client(tolmin)
    assert 'name="channel" value="email"' in page(desk.get(reverse("desk:member", args=[ana.pk])))

    # when: staff record it as asked by e-mail
    response = desk.post(reverse("desk:renew", args=[ana.pk, loan.pk]), {"channel": "email"},
                         follow=True)  # fmt: skip

    # then: renewed as by phone, where online it would be refused
    loan.refresh_from_db()
    assert loan.renewals == 1
    assert response.context["messages"]._loaded_messages[-1].level_tag == "success"


def test_it_tells_a_mobile_only_member_that_the_annual_fee_opens_every_branch(
    staff_client, tolmin, make_member, make_item
):
    # given: the librarian lends at Tolmin; Mia uses only the mobile library (art. 17, 22)
    mia = make_member(tolmin, "mia", category="mobile_only")
    make_item(tolmin, "b1", title="Na klancu")
    desk = staff_client(tolmin, branch=tolmin.branches.get(code="tolmin"))

    # when
    response = desk.post(reverse("desk:checkout", args=[mia.pk]), {"barcode": "b1"}, follow=True)

    # then
    assert "s plačilom letne članarine si ga lahko izposoja v vseh enotah" in page(response)
    assert not Loan.objects.filter(member=mia).exists()


def test_it_takes_a_payment_and_prints_a_receipt(staff_client, load_library, make_member):
    # given: a 3.00 debt
    from bukve.accounts.settlement import charge_record

    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    charge_record(member=ana, day=timezone.localdate(), kind="card", amount=Decimal("3.00"))
    desk = staff_client(velenje)

    # when
    response = desk.post(
        reverse("desk:pay", args=[ana.pk]), {"amount": "5.00", "method": "cash", "token": "t1"}
    )

    # then: the receipt lists the charge paid and the credit left
    payment = Payment.objects.get(member=ana)
    assert response.url == reverse("desk:receipt", args=[payment.pk])
    receipt = page(desk.get(response.url))
    assert "3,00 €" in receipt and "2,00 €" in receipt and "5,00 €" in receipt
    assert payment.taken_by.username == "velenje-circulation"


def test_the_member_picks_the_charges_a_payment_settles(staff_client, load_library, make_member):
    # given: an older fine and a newer card charge
    from bukve.accounts.settlement import charge_record

    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    today = timezone.localdate()
    fine = charge_record(member=ana, day=today, kind="fine", amount=Decimal("2.00"))
    card = charge_record(member=ana, day=today, kind="card", amount=Decimal("3.00"))
    desk = staff_client(velenje)
    assert f'name="charges" value="{card.pk}"' in page(desk.get(reverse("desk:member",
                                                                   args=[ana.pk])))  # fmt: skip

    # when: the card is picked and no amount given
    desk.post(
        reverse("desk:pay", args=[ana.pk]), {"method": "card", "charges": [card.pk], "token": "t1"}
    )

    # then: exactly the card is paid
    fine.refresh_from_db()
    card.refresh_from_db()
    assert (fine.open_amount, card.open_amount) == (Decimal("2.00"), Decimal("0.00"))
    assert Payment.objects.get(member=ana).amount == Decimal("3.00")


def test_a_double_click_takes_one_payment_and_shows_its_receipt_again(
    staff_client, tolmin, make_member
):
    # given: Ana owes 3.00; the payment form as the desk shows it
    from bukve.accounts.settlement import charge_record

    ana = make_member(tolmin, "ana")
    charge_record(member=ana, day=timezone.localdate(), kind="card", amount=Decimal("3.00"))
    desk = staff_client(tolmin)
    form = page(desk.get(reverse("desk:member", args=[ana.pk])))
    token = re.search(r'name="token" value="(\w+)"', form).group(1)
    seen = re.search(r'name="debt_seen" value="([\d,.]+)"', form).group(1)
    data = {"amount": "3,00", "method": "cash", "token": token, "debt_seen": seen}

    # when: the librarian clicks Take payment twice
    first = desk.post(reverse("desk:pay", args=[ana.pk]), data)
    second = desk.post(reverse("desk:pay", args=[ana.pk]), data)

    # then: one payment, and both clicks show its receipt
    payment = Payment.objects.get(member=ana)
    assert payment.amount == Decimal("3.00")
    assert first.url == second.url == reverse("desk:receipt", args=[payment.pk])


def test_two_desks_paying_the_same_debt_take_it_once(staff_client, tolmin, make_member):
    # given: two desks opened Ana's account while she owed 3.00
    from bukve.accounts.settlement import charge_record

    ana = make_member(tolmin, "ana")
    charge_record(member=ana, day=timezone.localdate(), kind="card", amount=Decimal("3.00"))
    desk = staff_client(tolmin)
    pay = {"amount": "3.00", "method": "cash", "debt_seen": "3.00"}

    # when: both take the 3.00
    desk.post(reverse("desk:pay", args=[ana.pk]), {**pay, "token": "desk-1"})
    response = desk.post(reverse("desk:pay", args=[ana.pk]), {**pay, "token": "desk-2"},
                         follow=True)  # fmt: skip

    # then: the second desk is told the debt changed, and nothing more is booked
    assert Payment.objects.filter(member=ana).count() == 1
    assert sentence("debt_changed") in page(response)


@pytest.mark.parametrize("amount", ["1,50", "1.50", "1,5", " 1,50 €"])
def test_it_takes_an_amount_as_people_type_it(staff_client, tolmin, make_member, amount):
    ana = make_member(tolmin, "ana")

    staff_client(tolmin).post(reverse("desk:pay", args=[ana.pk]),
                              {"amount": amount, "method": "cash", "token": "t1"})  # fmt: skip

    assert Payment.objects.get(member=ana).amount == Decimal("1.50")


@pytest.mark.parametrize(
    "amount", ["", "abc", "-1", "0", "1.234", "1e9", "1E2", "١٢", "٣", "1,505", "100000", "NaN"]
)
def test_it_refuses_a_bad_amount_without_taking_anything(staff_client, tolmin, make_member, amount):
    ana = make_member(tolmin, "ana")
    desk = staff_client(tolmin)

    response = desk.post(
        reverse("desk:pay", args=[ana.pk]), {"amount": amount, "method": "cash", "token": "t1"}
    )

    assert response.status_code == 302
    assert Payment.objects.count() == 0


def test_it_lets_only_a_director_waive_with_a_reason(
    staff_client, client, load_library, make_member, django_user_model
):
    # given: a 10.00 charge
    from bukve.accounts.settlement import charge_record

    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana")
    charge = charge_record(
        member=ana, day=timezone.localdate(), kind="membership", amount=Decimal("10.00")
    )
    url = reverse("desk:waive", args=[charge.pk])

    # circulation staff may not
    desk = staff_client(tolmin)
    assert desk.post(url, {"amount": "10.00", "reason": "x"}).status_code == 403

    # a director must give a reason, and then may
    director = django_user_model.objects.create_user("director", password="x")
    Staff.objects.create(user=director, library=tolmin, role=Staff.DIRECTOR)
    client.force_login(director)
    client.post(url, {"amount": "4.00", "reason": " "})
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("10.00")
    client.post(url, {"amount": "4.00", "reason": "Social hardship, art. 36"})
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("6.00")
    waiver = Payment.objects.get(method=Payment.WAIVER)
    assert (waiver.note, waiver.taken_by) == ("Social hardship, art. 36", director)
    # and not more than is owed
    client.post(url, {"amount": "7.00", "reason": "too much"})
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("6.00")


def test_it_explains_a_fine_day_by_day(staff_client, load_library, make_member, make_item):
    # given: a Maribor book due before Christmas, returned after New Year
    from datetime import date

    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2025, 11, 20), due=date(2025, 12, 20))
    loan_checkin(item=book, today=date(2026, 1, 10))
    fine = Charge.objects.get(kind="fine")
    desk = staff_client(maribor)

    # when
    text = page(desk.get(reverse("desk:charge", args=[fine.pk])))

    # then: charged days, Sundays and the named holidays
    assert "božič" in text and "novo leto" in text
    assert fine.amount.to_eng_string().replace(".", ",") in text


def test_it_shows_the_hold_shelf_with_expired_holds_flagged(
    staff_client, tolmin, make_member, make_item
):
    today = timezone.localdate()
    ana = make_member(tolmin, "ana", last_name="Novak")
    book = make_item(tolmin, "b1")
    reservation_place(member=ana, item=book, today=today - timedelta(days=30))
    desk = staff_client(tolmin)

    text = page(desk.get(reverse("desk:hold_shelf")))

    assert "b1" in text and "Novak" in text
    assert "expired" in text or "poteklo" in text or "potekl" in text


def test_it_prints_the_members_loans_and_debts(staff_client, tolmin, make_member, make_item):
    ana = make_member(tolmin, "ana")
    book = make_item(tolmin, "b1")
    loan_checkout(member=ana, item=book)
    desk = staff_client(tolmin)

    text = page(desk.get(reverse("desk:statement", args=[ana.pk])))

    assert "b1" in text


@pytest.mark.parametrize("text", ["1.1.2147483648", "31. 2. 2000", "²", "x" * 100])
def test_it_finds_nobody_for_odd_searches(staff_client, tolmin, text):
    response = staff_client(tolmin).get(reverse("desk:home"), {"q": text})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/desk/?q=ana%00", "/desk/members/1%00/", "/desk/holds/?branch=%C2%B2",
     "/desk/money/sale/?member=%C2%B2", "/desk/members/9223372036854775808/",
     "/desk/charges/99999999999999999999999999/", "/desk/payments/0/receipt/"],
)  # fmt: skip
def test_odd_characters_and_ids_are_a_clear_4xx(staff_client, tolmin, path):
    response = staff_client(tolmin).get(path)

    assert response.status_code in (200, 400, 404)
    assert response.status_code != 200 or path.endswith("%C2%B2")  # "²": no branch, no member
    if response.status_code == 400:
        assert sl("The request cannot be read") in page(response)


def test_it_locks_a_desk_login_after_five_failures(client, tolmin, django_user_model):
    # given
    from django.core.cache import cache

    cache.clear()
    django_user_model.objects.create_user("mojca", password="knjiznica-2026")
    url = reverse("desk:login")

    # when: five wrong passwords
    for _ in range(5):
        client.post(url, {"username": "mojca", "password": "narobe"})

    # then: even the right one is refused for a while
    response = client.post(url, {"username": "mojca", "password": "knjiznica-2026"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_it_gives_a_member_a_portal_password(staff_client, tolmin, make_member):
    # given
    from bukve.members.services import member_authenticate

    ana = make_member(tolmin, "TO0001")
    desk = staff_client(tolmin)
    url = reverse("desk:portal_password", args=[ana.pk])

    # when: a weak one is refused, a good one is set
    desk.post(url, {"password": "1234"})
    assert member_authenticate(library=tolmin, login="TO0001", password="1234") is None
    desk.post(url, {"password": "knjiznica-2026"})

    # then
    assert member_authenticate(library=tolmin, login="TO0001", password="knjiznica-2026") == ana
