"""Paying online in Moja knjižnica, walked through the pages with the sandbox bank: pick the
charges, pay (or cancel) at the bank, come back to a page that waits for the confirmation,
see the receipt. The callback endpoint takes only signed callbacks. A parent pays for a
child; Maribor wants noticed items back first; Tolmin registers online only with the fee
paid online, and the welcome e-mail waits for the payment."""

import hashlib
import hmac
import json
import re
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from bukve.accounts.models import Charge, OnlinePayment, Payment, ProviderEvent
from bukve.accounts.services import open_debt
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkout
from bukve.libraries.models import Staff
from bukve.members.models import Member, Registration
from bukve.notices.services import outbox_send

from .helpers import page, sentence, sl

SANDBOX = re.compile(r"^/moja/pay/sandbox/(\w+)/$")


@pytest.fixture
def velenje(load_library):
    return load_library("velenje")


@pytest.fixture
def ana(velenje, make_portal_member):
    """Velenje: Ana owes a fine of 1.20 (1 June) and a notice fee of 2.50 (5 June)."""
    ana = make_portal_member(velenje, "0012345")
    charge_record(member=ana, day=date(2026, 6, 1), kind="fine", amount=Decimal("1.20"))
    charge_record(member=ana, day=date(2026, 6, 5), kind="notice", amount=Decimal("2.50"))
    return ana


def charges_of(member) -> list[Charge]:
    return list(Charge.objects.filter(member=member).order_by("date", "id"))


def pay_start(client, charges, purpose="debts"):
    """Press "Pay online" with these charges ticked; returns the order and the response."""
    response = client.post("/moja/pay/", {"charge": [c.pk for c in charges], "purpose": purpose})
    match = SANDBOX.match(response.url)
    assert match, response.url
    return OnlinePayment.objects.get(reference=match.group(1)), response


def test_a_member_pays_picked_charges_online(client, ana, log_in):
    # given: Ana on her account page sees both charges ticked
    log_in(ana)
    fine, notice = charges_of(ana)
    html = page(client.get("/moja/account/"))
    assert sl("Pay online") in html
    for charge in (fine, notice):
        assert f'name="charge" value="{charge.pk}" checked' in html

    # when: she pays only the notice fee
    order, response = pay_start(client, [notice])

    # then: the sandbox bank shows the amount and says it is a test
    bank = page(client.get(response.url))
    assert "2,50 €" in bank and ana.library.name in bank
    assert sl("This is the sandbox, a pretend bank for testing: no money is taken.") in bank

    # and until the bank confirms, the return page waits (and looks again)
    waiting = page(client.get(f"/moja/pay/return/{order.reference}/"))
    assert '<meta http-equiv="refresh"' in waiting
    assert (
        sl(
            "Waiting for the payment provider to confirm the payment. This page looks again "
            "every few seconds."
        )
        in waiting
    )
    assert Payment.objects.count() == 0

    # when: she presses Pay at the bank
    response = client.post(response.url, {"action": "pay"})

    # then: back on the return page, paid, with the receipt number and what it paid
    assert response.url == f"/moja/pay/return/{order.reference}/"
    paid = page(client.get(response.url))
    order.refresh_from_db()
    number = order.payment.receipt_number
    assert f'<strong data-testid="receipt-number">{number}</strong>' in paid
    assert '<meta http-equiv="refresh"' not in paid
    assert f'href="/moja/account/receipts/{order.payment.pk}.pdf"' in paid
    assert "5. 6. 2026" in paid
    assert [c.open_amount for c in charges_of(ana)] == [Decimal("1.20"), Decimal("0.00")]
    assert order.payment.method == "online"
    assert ProviderEvent.objects.get().outcome == "confirmed"
    # and the account page offers the fine only
    html = page(client.get("/moja/account/"))
    assert f'value="{notice.pk}"' not in html and f'value="{fine.pk}" checked' in html


def test_a_member_cancels_at_the_bank(client, ana, log_in):
    log_in(ana)
    order, response = pay_start(client, charges_of(ana))

    response = client.post(response.url, {"action": "cancel"})

    html = page(client.get(response.url))
    assert sl("The payment was not completed: the order is %(status)s.",
              status=sl("cancelled")) in html  # fmt: skip
    order.refresh_from_db()
    assert order.status == OnlinePayment.CANCELLED
    assert open_debt(ana) == Decimal("3.70")
    assert ProviderEvent.objects.get().outcome == "cancelled"


def test_it_asks_to_pick_something(client, ana, log_in):
    log_in(ana)

    response = client.post("/moja/pay/", {"purpose": "debts"}, follow=True)

    assert sl("Choose at least one charge to pay.") in page(response)
    assert not OnlinePayment.objects.exists()


def test_it_does_not_pay_another_members_charge(client, ana, make_portal_member, log_in):
    bor = make_portal_member(ana.library, "0067890")
    bors = charge_record(member=bor, day=date(2026, 6, 1), kind="fine", amount=Decimal("1.00"))
    log_in(ana)

    response = client.post("/moja/pay/", {"charge": [bors.pk]}, follow=True)

    assert sentence("charge_not_open") in page(response)
    assert not OnlinePayment.objects.exists()


def test_it_shows_nobody_elses_order(client, ana, make_portal_member, log_in):
    # given: Ana's order
    log_in(ana)
    order, _ = pay_start(client, charges_of(ana))

    # when: Bor looks at it
    client.post("/moja/logout/")
    log_in(make_portal_member(ana.library, "0067890"))

    # then: there is no such order, nor a bank page for it
    assert client.get(f"/moja/pay/return/{order.reference}/").status_code == 404
    assert client.post(f"/moja/pay/sandbox/{order.reference}/", {"action": "pay"}).status_code == (
        404
    )
    assert Payment.objects.count() == 0


# --- the callback endpoint ---------------------------------------------------------------------


def signed(body: dict, secret: str | None = None) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    key = (secret or settings.BUKVE_SANDBOX_SECRET).encode()
    return raw, hmac.new(key, raw, hashlib.sha256).hexdigest()


def post_callback(client, provider, body: bytes, **headers):
    return client.post(f"/moja/pay/callback/{provider}/", body,
                       content_type="application/json", headers=headers)  # fmt: skip


def test_the_callback_takes_signed_callbacks_only(client, ana, log_in):
    # given: an order waiting for the bank
    log_in(ana)
    order, _ = pay_start(client, charges_of(ana))
    news = {"reference": order.reference, "id": order.provider_ref, "status": "paid",
            "amount": "3.70", "currency": "eur"}  # fmt: skip
    callback = Client()  # the bank has no session and no CSRF token

    # when: a forged confirmation comes
    body, _ = signed(news)
    _, forged = signed(news, secret="not-the-secret")
    response = post_callback(callback, "sandbox", body, x_sandbox_signature=forged)

    # then: 400, logged, nothing booked
    assert response.status_code == 400
    assert ProviderEvent.objects.get().outcome == "bad_signature"
    order.refresh_from_db()
    assert order.status == OnlinePayment.CREATED and Payment.objects.count() == 0

    # when: the real one comes, twice
    body, signature = signed(news)
    first = post_callback(callback, "sandbox", body, x_sandbox_signature=signature)
    again = post_callback(callback, "sandbox", body, x_sandbox_signature=signature)

    # then: 200 both times, booked once
    assert (first.status_code, first.content) == (200, b"confirmed")
    assert (again.status_code, again.content) == (200, b"duplicate")
    assert Payment.objects.count() == 1
    assert open_debt(ana) == Decimal("0.00")

    # and a body that is not even JSON, a GET and an unknown provider get no traceback
    assert post_callback(callback, "sandbox", b"\xff\x00").status_code == 400
    assert callback.get("/moja/pay/callback/sandbox/").status_code == 405
    assert post_callback(callback, "paypal", body).status_code == 404


WEBHOOK_SECRET = "whsec_test_bukve"


def test_a_stripe_webhook_confirms_a_stripe_order(client, ana, settings):
    # given: an order opened at Stripe (session cs_test_1), and the webhook's signing secret
    settings.BUKVE_STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    order = OnlinePayment.objects.create(
        library=ana.library, member=ana, reference="a" * 32, provider="stripe",
        provider_ref="cs_test_1", amount=Decimal("3.70"),
        expires_at=timezone.now() + timedelta(minutes=40),
    )  # fmt: skip
    order.charges.set(charges_of(ana))
    body = json.dumps({
        "id": "evt_1", "object": "event", "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "object": "checkout.session",
                            "client_reference_id": order.reference, "amount_total": 370,
                            "currency": "eur", "payment_status": "paid"}},
    }).encode()  # fmt: skip
    at = int(time.time())
    v1 = hmac.new(WEBHOOK_SECRET.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()

    # when: Stripe sends checkout.session.completed
    response = post_callback(Client(), "stripe", body, stripe_signature=f"t={at},v1={v1}")

    # then
    assert (response.status_code, response.content) == (200, b"confirmed")
    order.refresh_from_db()
    assert order.status == OnlinePayment.PAID and order.payment.amount == Decimal("3.70")
    assert open_debt(ana) == Decimal("0.00")
    # and the same body signed with another secret is refused
    wrong = hmac.new(b"whsec_x", f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    refused = post_callback(Client(), "stripe", body, stripe_signature=f"t={at},v1={wrong}")
    assert refused.status_code == 400


# --- a parent, Maribor, English ----------------------------------------------------------------


def test_a_parent_pays_a_childs_debts(client, load_library, make_portal_member, make_member,
                                      log_in):  # fmt: skip
    # given: Mira and her son Luka (11), who owes 0.60 for a late book
    tolmin = load_library("tolmin")
    mira = make_portal_member(tolmin, "mira")
    luka = make_member(tolmin, "luka", born=date(2015, 2, 1), guardian=mira)
    charge_record(member=luka, day=date(2026, 6, 1), kind="fine", amount=Decimal("0.60"))
    log_in(mira)
    client.post("/moja/acting-for/", {"member": luka.pk, "next": "/moja/account/"})

    # when: she pays on Luka's account page
    html = page(client.get("/moja/account/"))
    [fine] = charges_of(luka)
    assert f'value="{fine.pk}" checked' in html
    order, response = pay_start(client, [fine])
    client.post(response.url, {"action": "pay"})

    # then: Luka's debt is paid, with Luka's receipt
    order.refresh_from_db()
    assert order.member == luka and order.payment.member == luka
    assert open_debt(luka) == Decimal("0.00")
    assert order.payment.receipt_number in page(client.get(f"/moja/pay/return/{order.reference}/"))


def test_maribor_explains_which_items_to_return_before_paying(
    client, load_library, make_portal_member, make_item, log_in, today
):
    # given: a book due 19 May with its 1st notice, still out
    maribor = load_library("maribor")
    ana = make_portal_member(maribor, "0012345")
    book = make_item(maribor, "3420012345", title="Cvetje v jeseni")
    loan_checkout(member=ana, item=book, today=date(2026, 4, 28))
    daily_run(library=maribor, until=today)
    assert open_debt(ana) > 0
    log_in(ana)

    # when
    html = page(client.get("/moja/account/"))

    # then: no Pay button, but the rule and the book to return
    assert sentence("return_items_first") in html
    assert "Cvetje v jeseni" in html and "3420012345" in html
    assert 'action="/moja/pay/"' not in html
    # and paying anyway is refused
    charge = Charge.objects.filter(member=ana).first()
    response = client.post("/moja/pay/", {"charge": [charge.pk]}, follow=True)
    assert sentence("return_items_first") in page(response)
    assert not OnlinePayment.objects.exists()


def test_the_payment_pages_speak_english(client, ana, log_in):
    log_in(ana)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    account = page(client.get("/moja/account/"))
    order, response = pay_start(client, charges_of(ana))
    bank = page(client.get(response.url))
    waiting = page(client.get(f"/moja/pay/return/{order.reference}/"))
    client.post(response.url, {"action": "pay"})
    paid = page(client.get(f"/moja/pay/return/{order.reference}/"))

    assert "Pay online" in account and "€3.70" in account
    assert "This is the sandbox, a pretend bank for testing: no money is taken." in bank
    assert "Waiting for the payment provider to confirm the payment." in waiting
    assert "Paid, thank you. Receipt number" in paid


# --- online registration with the fee ------------------------------------------------------------

FORM = {
    "first_name": "Maja",
    "last_name": "Kos",
    "born": "14. 2. 1990",
    "category": "adult",
    "address": "Padlih borcev 1, Tolmin",
    "email": "maja.kos@example.org",
    "password": "knjige-za-vse",
    "password_again": "knjige-za-vse",
}
LINK = re.compile(r"http://\S+/moja/register/activate/\S+/")


def registration_link(client, library, smtp_server) -> str:
    """Fill in the registration form and return the path of the activation link e-mailed."""
    response = client.post("/moja/register/", {**FORM, "library": library.pk})
    assert response.url == "/moja/register/sent/"
    outbox_send()
    [activation] = smtp_server.bodies(FORM["email"])
    return LINK.search(activation).group(0).removeprefix("http://127.0.0.1:8000")


def desk_pending(library) -> str:
    user, new = User.objects.get_or_create(username=f"{library.code}-desk")
    if new:
        Staff.objects.create(user=user, library=library, role=Staff.CIRCULATION)
    desk = Client()
    desk.force_login(user)
    return page(desk.get("/desk/members/pending/"))


def test_tolmin_registers_online_only_with_the_fee_paid_online(client, load_library,
                                                               smtp_server):  # fmt: skip
    # given: Maja registers at Tolmin (art. 13.a: online registration with online payment)
    tolmin = load_library("tolmin")
    link = registration_link(client, tolmin, smtp_server)

    # when: she opens the activation link
    response = client.get(link)

    # then: she goes straight to pay the fee of 18.00
    order = OnlinePayment.objects.get(reference=SANDBOX.match(response.url).group(1))
    maja = Member.objects.get(email=FORM["email"])
    assert (order.member, order.purpose, order.amount) == (maja, "membership", Decimal("18.00"))
    assert maja.restricted
    # and the registration waits for the payment: no welcome e-mail, the desk sees it waiting
    registration = Registration.objects.get()
    assert registration.status == Registration.UNPAID
    outbox_send()
    assert len(smtp_server.bodies(FORM["email"])) == 1  # the activation e-mail only
    pending = desk_pending(tolmin)
    assert 'id="unpaid-heading"' in pending and maja.card_number in pending

    # when: she cancels at the bank, and opens the link again
    client.post(response.url, {"action": "cancel"})
    cancelled = page(client.get(f"/moja/pay/return/{order.reference}/"))
    assert sl("Your registration is complete once the membership fee is paid.") in cancelled
    response = client.get(link)

    # then: off to pay again (no second member)
    second = OnlinePayment.objects.get(reference=SANDBOX.match(response.url).group(1))
    assert Member.objects.count() == 1

    # when: she pays
    client.post(response.url, {"action": "pay"})

    # then: the registration is complete, and the welcome e-mail goes
    registration.refresh_from_db()
    assert registration.status == Registration.ACTIVATED
    done = page(client.get(f"/moja/pay/return/{second.reference}/"))
    assert maja.card_number in done
    assert Charge.objects.get(member=maja, kind="membership").open_amount == 0
    outbox_send()
    [_, welcome] = smtp_server.bodies(FORM["email"])
    assert maja.card_number in welcome and "Maja Kos" in welcome
    # and at the desk she now waits only to sign in person
    pending = desk_pending(tolmin)
    assert 'id="unpaid-heading"' not in pending and maja.card_number in pending


def test_other_libraries_offer_the_fee_online_or_at_the_library(client, velenje, smtp_server):
    # given: Velenje's adult fee is 15.00
    link = registration_link(client, velenje, smtp_server)

    # when: Maja opens the link
    html = page(client.get(link))

    # then: she is a member at once, welcomed, and may pay now or at the library
    maja = Member.objects.get(email=FORM["email"])
    assert Registration.objects.get().status == Registration.ACTIVATED
    assert sl("Pay the membership fee online") in html
    assert sl("Or pay it at the library when you come to sign.") in html
    outbox_send()
    assert len(smtp_server.bodies(FORM["email"])) == 2

    # when: she pays online from there (she is logged in to Moja knjižnica)
    [fee] = charges_of(maja)
    order, response = pay_start(client, [fee], purpose="membership")
    client.post(response.url, {"action": "pay"})

    # then
    order.refresh_from_db()
    assert order.status == OnlinePayment.PAID
    assert open_debt(maja) == Decimal("0.00")


def test_a_debt_paid_at_the_desk_while_paying_online_is_refunded_not_paid_twice(
    client, ana, log_in, velenje
):
    # given: Ana is at the sandbox bank for her whole debt, and pays it at the desk meanwhile
    log_in(ana)
    order, response = pay_start(client, charges_of(ana))
    desk = Client()
    director = User.objects.create_user("director")
    Staff.objects.create(user=director, library=velenje, role=Staff.DIRECTOR)
    desk.force_login(director)
    account = page(desk.get(f"/desk/members/{ana.pk}/"))
    token = re.search(r'name="token" value="(\w+)"', account).group(1)
    desk.post(f"/desk/members/{ana.pk}/pay/", {"method": "cash", "token": token})
    assert open_debt(ana) == Decimal("0.00")

    # when: she presses Pay at the bank
    client.post(response.url, {"action": "pay"})

    # then: the money is booked and shown to her as a credit the library owes back
    order.refresh_from_db()
    assert ProviderEvent.objects.get().outcome == "already_paid"
    html = page(client.get("/moja/account/"))
    assert f"{sl('Credit on the account')}: <strong>3,70 €</strong>" in html
    assert "3,70 €" in html.split('data-testid="credit"')[1].split("</p>")[0]

    # and the desk lists the refund owed; the director refunds it with one click
    refunds = page(desk.get("/desk/money/refunds/"))
    assert order.payment.receipt_number in refunds and "3,70 €" in refunds
    desk.post(f"/desk/money/refunds/{order.pk}/")
    desk.post(f"/desk/money/refunds/{order.pk}/")  # a double click refunds nothing more
    refund = Charge.objects.get(kind="refund")
    assert (refund.amount, refund.refund_of, refund.created_by) == (
        Decimal("3.70"), order.payment, director
    )  # fmt: skip
    assert order.reference not in page(desk.get("/desk/money/refunds/"))
    assert 'data-testid="credit"' not in page(client.get("/moja/account/"))
    takings = page(desk.get("/desk/money/takings/"))
    assert 'data-testid="refunds-paid"' in takings and "−3,70 €" in takings
