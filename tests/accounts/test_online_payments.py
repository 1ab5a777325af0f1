"""Online payment: an order goes to the provider, and only the provider's signed callback
books it, once. Repeated, late, forged and wrong callbacks change nothing, and every one of
them is in the log. Stripe's webhooks are verified the way Stripe signs them."""

import hashlib
import hmac
import json
import threading
import time
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError
from django.utils import timezone

from bukve.accounts.ledger import ledger_check
from bukve.accounts.models import Charge, OnlinePayment, Payment, ProviderEvent
from bukve.accounts.online import (
    ORDER_VALID,
    online_payment_callback,
    online_payment_refund,
    online_payment_start,
    online_payments_expire,
    refunds_owed,
)
from bukve.accounts.providers import BadSignature, ProviderCallback, Sandbox, Stripe
from bukve.accounts.services import balance, credit, open_debt, payment_take, takings
from bukve.accounts.settlement import ZERO, charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.refusals import Refused

DAY = date(2026, 3, 10)


def sandbox() -> Sandbox:
    return Sandbox(settings.BUKVE_SANDBOX_SECRET)


def sign(body: dict, secret: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A sandbox callback body signed in the test, as the sandbox bank signs it."""
    raw = json.dumps(body).encode()
    key = (secret or settings.BUKVE_SANDBOX_SECRET).encode()
    return raw, {"X-Sandbox-Signature": hmac.new(key, raw, hashlib.sha256).hexdigest()}


def bank(order: OnlinePayment, status: str) -> str:
    """The sandbox bank tells Bukve the order is paid or cancelled."""
    body, headers = sandbox().callback(order, status)
    return online_payment_callback(provider="sandbox", body=body, headers=headers)


@pytest.fixture
def ana(load_library, make_member):
    """Velenje: Ana owes a fine of 1.20 (1 March) and a notice fee of 2.50 (5 March)."""
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    charge_record(member=ana, day=date(2026, 3, 1), kind="fine", amount=Decimal("1.20"))
    charge_record(member=ana, day=date(2026, 3, 5), kind="notice", amount=Decimal("2.50"))
    return ana


def charges_of(member) -> list[Charge]:
    return list(Charge.objects.filter(member=member).order_by("date", "id"))


def test_it_books_a_confirmed_payment_once(ana):
    # given: Ana picks the notice fee
    fine, notice = charges_of(ana)
    order, url = online_payment_start(member=ana, charges=[notice], day=DAY)
    assert url == f"/moja/pay/sandbox/{order.reference}/"
    assert (order.amount, order.status, list(order.charges.all())) == (
        Decimal("2.50"), OnlinePayment.CREATED, [notice]
    )  # fmt: skip

    # when: the bank confirms it
    outcome = bank(order, "paid")

    # then: paid once, with a receipt number, the notice fee settled, the fine still open
    assert outcome == "confirmed"
    order.refresh_from_db()
    payment = order.payment
    assert (order.status, payment.method, payment.amount) == ("paid", "online", Decimal("2.50"))
    assert payment.receipt_number.startswith(f"{timezone.localdate().year}-")
    assert payment.note == f"online {order.reference}"
    assert order.paid_at is not None
    assert [c.open_amount for c in charges_of(ana)] == [Decimal("1.20"), Decimal("0.00")]
    event = ProviderEvent.objects.get()
    assert (event.outcome, event.online_payment, event.provider) == ("confirmed", order, "sandbox")
    assert payment.receipt_number in event.detail

    # when: the bank sends the same confirmation again
    assert bank(order, "paid") == "duplicate"

    # then: nothing more is booked, and the repeat is logged
    assert Payment.objects.count() == 1
    assert open_debt(ana) == Decimal("1.20")
    assert list(ProviderEvent.objects.order_by("id").values_list("outcome", flat=True)) == [
        "confirmed", "duplicate"
    ]  # fmt: skip


def test_it_pays_the_whole_open_debt_when_nothing_is_picked(ana):
    order, _ = online_payment_start(member=ana, day=DAY)

    assert order.amount == Decimal("3.70")
    assert order.charges.count() == 2
    assert bank(order, "paid") == "confirmed"
    assert open_debt(ana) == Decimal("0.00")


def test_a_confirmation_for_a_cancelled_order_is_booked_all_the_same(ana):
    # given: Ana cancels at the bank
    order, _ = online_payment_start(member=ana, day=DAY)
    assert bank(order, "cancelled") == "cancelled"
    order.refresh_from_db()
    assert order.status == OnlinePayment.CANCELLED

    # when: a confirmation arrives after all: the bank took the money
    body, headers = sign({"reference": order.reference, "id": "x1", "status": "paid",
                          "amount": "3.70", "currency": "eur"})  # fmt: skip
    outcome = online_payment_callback(provider="sandbox", body=body, headers=headers)

    # then: the money is booked and pays the debts it was meant for; nothing is owed back
    assert outcome == "late"
    order.refresh_from_db()
    assert order.status == OnlinePayment.PAID and order.payment.amount == Decimal("3.70")
    assert open_debt(ana) == Decimal("0.00") and order.overpaid == 0
    late = ProviderEvent.objects.get(outcome="late")
    assert late.online_payment == order and order.payment.receipt_number in late.detail
    assert ledger_check() == []


def test_a_confirmation_for_an_expired_order_is_booked_all_the_same(ana):
    # given: an order nobody paid within its time
    order, _ = online_payment_start(member=ana, day=DAY)
    assert online_payments_expire(timezone.now() + ORDER_VALID - timedelta(minutes=1)) == 0
    assert online_payments_expire(timezone.now() + ORDER_VALID) == 1
    order.refresh_from_db()
    assert order.status == OnlinePayment.EXPIRED

    # when / then: the bank's confirmation comes late, and is booked
    assert bank(order, "paid") == "late"
    assert Payment.objects.get().amount == Decimal("3.70")
    assert open_debt(ana) == Decimal("0.00")


def test_it_refuses_another_amount(ana):
    order, _ = online_payment_start(member=ana, day=DAY)
    body, headers = sign({"reference": order.reference, "id": "x1", "status": "paid",
                          "amount": "1.00", "currency": "eur"})  # fmt: skip

    assert online_payment_callback(provider="sandbox", body=body, headers=headers) == (
        "amount_mismatch"
    )
    order.refresh_from_db()
    assert order.status == OnlinePayment.CREATED
    assert Payment.objects.count() == 0
    assert "1.00" in ProviderEvent.objects.get().detail


def test_it_refuses_a_forged_callback_and_logs_it(ana):
    # given: someone signs a confirmation with a key of their own
    order, _ = online_payment_start(member=ana, day=DAY)
    body, headers = sign({"reference": order.reference, "id": "x1", "status": "paid",
                          "amount": "3.70", "currency": "eur"}, secret="guessed")  # fmt: skip

    # when
    outcome = online_payment_callback(provider="sandbox", body=body, headers=headers)

    # then: nothing changes, but the attempt is in the log with its body
    assert outcome == "bad_signature"
    order.refresh_from_db()
    assert order.status == OnlinePayment.CREATED
    assert Payment.objects.count() == 0
    event = ProviderEvent.objects.get()
    assert (event.outcome, event.online_payment) == ("bad_signature", None)
    assert order.reference in event.body
    # and without any signature at all
    unsigned = online_payment_callback(provider="sandbox", body=body, headers={})
    assert unsigned == "bad_signature"


def test_it_logs_a_callback_for_an_order_it_does_not_know(ana):
    body, headers = sign({"reference": "nobodys", "id": "x1", "status": "paid",
                          "amount": "3.70", "currency": "eur"})  # fmt: skip

    assert online_payment_callback(provider="sandbox", body=body, headers=headers) == (
        "unknown_order"
    )
    assert ProviderEvent.objects.get().outcome == "unknown_order"
    assert Payment.objects.count() == 0


def test_it_refuses_a_charge_that_is_not_open(ana, make_member):
    fine, notice = charges_of(ana)
    payment_take(member=ana, day=DAY, charges=[fine])
    bor = make_member(ana.library, "bor")
    bors = charge_record(member=bor, day=DAY, kind="fine", amount=Decimal("1.00"))

    for charges in ([fine], [notice, bors]):
        with pytest.raises(Refused) as refused:
            online_payment_start(member=ana, charges=charges, day=DAY)
        assert refused.value.code == "charge_not_open"
    assert not OnlinePayment.objects.exists()


def test_it_refuses_when_there_is_nothing_to_pay(load_library, make_member):
    bor = make_member(load_library("velenje"), "bor")

    with pytest.raises(Refused) as refused:
        online_payment_start(member=bor, day=DAY)

    assert refused.value.code == "amount_not_positive"


def test_maribor_wants_noticed_items_back_before_paying_online(
    load_library, make_member, make_item
):
    # given: a book due 23 March has its 1st notice (2.00) on 2 April (seed 001)
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1")
    loan_checkout(member=ana, item=book, today=date(2026, 3, 2))
    daily_run(library=maribor, until=date(2026, 4, 8))
    assert open_debt(ana) > 0

    # when / then: no online payment while the book is out
    with pytest.raises(Refused) as refused:
        online_payment_start(member=ana, day=date(2026, 4, 8))
    assert refused.value.code == "return_items_first"

    # when: the book is back
    loan_checkin(item=book, today=date(2026, 4, 9))

    # then: the notice fee and the fine can be paid online
    order, _ = online_payment_start(member=ana, day=date(2026, 4, 9))
    assert order.amount == open_debt(ana)


def test_a_debt_paid_at_the_desk_meanwhile_is_not_paid_twice_but_owed_back(ana):
    # given: Ana orders the whole debt online, and pays it in cash at the desk meanwhile
    order, _ = online_payment_start(member=ana, day=DAY)
    cash = payment_take(member=ana, day=DAY, method="cash")
    assert open_debt(ana) == Decimal("0.00")

    # when: the bank confirms the online payment
    outcome = bank(order, "paid")

    # then: the money is booked (it was taken) and flagged: a credit owed back
    assert outcome == "already_paid"
    order.refresh_from_db()
    assert order.payment.amount == Decimal("3.70") and order.overpaid == Decimal("3.70")
    assert (credit(ana), open_debt(ana)) == (Decimal("3.70"), Decimal("0.00"))
    event = ProviderEvent.objects.get(online_payment=order)
    assert event.outcome == "already_paid" and event.detail.startswith("REFUND 3.70 EUR")
    assert refunds_owed(ana.library_id) == [(order, Decimal("3.70"))]
    assert cash.amount == Decimal("3.70")

    # when: a director refunds it through the provider, twice (a double click)
    director, today = User.objects.create_user("director"), timezone.localdate()
    refund = online_payment_refund(order=order, by=director, day=today)
    with pytest.raises(Refused) as again:
        online_payment_refund(order=order, by=director, day=today)

    # then: booked once; the credit is gone, the takings count it back, the ledger adds up
    assert again.value.code == "nothing_to_refund"
    assert (refund.kind, refund.amount, refund.refund_of) == ("refund", Decimal("3.70"),
                                                               order.payment)  # fmt: skip
    assert "sandbox-refund-" in refund.note and refund.created_by == director
    assert (credit(ana), open_debt(ana), balance(ana)) == (ZERO, ZERO, ZERO)
    assert refunds_owed(ana.library_id) == []
    assert takings(ana.library, today)["online"] == ZERO  # booked today, refunded today
    assert ledger_check() == []


def test_what_was_paid_twice_settles_a_newer_debt_before_it_is_owed_back(ana):
    # given: an order for the fine, which is then paid at the desk meanwhile
    fine, notice = charges_of(ana)
    order, _ = online_payment_start(member=ana, charges=[fine], day=DAY)
    payment_take(member=ana, day=DAY, charges=[fine])

    # when
    assert bank(order, "paid") == "already_paid"

    # then: the money goes to the next open charge, oldest first: nothing is left to refund
    notice.refresh_from_db()
    order.refresh_from_db()
    assert notice.open_amount == Decimal("1.30")
    assert order.payment.amount == Decimal("1.20") and order.overpaid == Decimal("1.20")
    assert refunds_owed(ana.library_id) == []


def test_a_callback_the_database_cannot_take_is_logged_and_raised(ana, monkeypatch):
    # given: the database fails while the payment is booked (SQLite busy, say)
    order, _ = online_payment_start(member=ana, day=DAY)

    def busy(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("bukve.accounts.online.payment_take", busy)

    # when / then: the error reaches the endpoint (503, the provider sends it again) ...
    with pytest.raises(OperationalError):
        bank(order, "paid")

    # ... and the callback is in the log, with nothing booked
    event = ProviderEvent.objects.get()
    assert event.outcome == "error" and order.reference in event.detail
    assert Payment.objects.count() == 0
    monkeypatch.undo()
    assert bank(order, "paid") == "confirmed"


# --- Stripe ------------------------------------------------------------------------------------

WEBHOOK_SECRET = "whsec_test_bukve"


def stripe_event(kind: str, reference: str, cents: int, payment_status: str = "paid") -> bytes:
    """A Checkout Session event as Stripe sends it (the fields Bukve reads, and a few more)."""
    return json.dumps({
        "id": "evt_1", "object": "event", "type": kind,
        "data": {"object": {
            "id": "cs_test_1", "object": "checkout.session", "client_reference_id": reference,
            "amount_total": cents, "currency": "eur", "payment_status": payment_status,
            "status": "complete", "mode": "payment",
        }},
    }).encode()  # fmt: skip


def stripe_signature(body: bytes, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header: t=<time>,v1=<HMAC-SHA256 of "<time>.<body>">."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={at},v1={digest}"


def test_stripe_verifies_a_signed_checkout_event():
    stripe = Stripe("sk_test_x", WEBHOOK_SECRET)
    body = stripe_event("checkout.session.completed", "ref1", 1800)

    callback = stripe.verify(body, {"Stripe-Signature": stripe_signature(body)})

    assert callback == ProviderCallback(
        reference="ref1", provider_ref="cs_test_1", status="paid", amount=Decimal("18.00")
    )


def test_stripe_accepts_any_matching_v1_signature_of_several():
    # Stripe sends one v1 per secret while a secret is being rolled
    stripe = Stripe("sk_test_x", WEBHOOK_SECRET)
    body = stripe_event("checkout.session.expired", "ref1", 1800, payment_status="unpaid")
    good = stripe_signature(body)
    old = stripe_signature(body, secret="whsec_old").split(",")[1]

    callback = stripe.verify(body, {"stripe-signature": f"{good.split(',')[0]},{old},"
                                                          f"{good.split(',')[1]}"})  # fmt: skip

    assert callback is not None and callback.status == "expired"


@pytest.mark.parametrize(
    "header",
    [
        lambda body: stripe_signature(body, secret="whsec_someone_else"),
        lambda body: stripe_signature(body, at=int(time.time()) - 301),  # too old: a replay
        lambda body: stripe_signature(body, at=int(time.time()) + 301),
        lambda body: stripe_signature(body + b" "),  # the body was changed
        lambda body: "v1=" + stripe_signature(body).split("v1=")[1],  # no timestamp
        lambda body: "",
    ],
)
def test_stripe_refuses_what_it_did_not_sign(header):
    stripe = Stripe("sk_test_x", WEBHOOK_SECRET)
    body = stripe_event("checkout.session.completed", "ref1", 1800)

    with pytest.raises(BadSignature):
        stripe.verify(body, {"Stripe-Signature": header(body)})


def test_stripe_events_bukve_does_not_act_on_are_ignored():
    stripe = Stripe("sk_test_x", WEBHOOK_SECRET)
    unpaid = stripe_event("checkout.session.completed", "ref1", 1800, payment_status="unpaid")
    other = stripe_event("payment_intent.created", "ref1", 1800)

    for body in (unpaid, other):
        assert stripe.verify(body, {"Stripe-Signature": stripe_signature(body)}) is None


class FakeStripeApi(BaseHTTPRequestHandler):
    """A stand-in for api.stripe.com's refunds endpoint, over real HTTP: it keeps what it
    was sent and answers as Stripe documents (https://docs.stripe.com/api/refunds/create)."""

    seen: list[tuple[str, dict[str, str], dict[str, list[str]]]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.seen.append((self.path, dict(self.headers), parse_qs(body)))
        answer = json.dumps({"id": "re_123", "object": "refund", "status": "succeeded"})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args):
        pass


def test_stripe_refunds_the_payment_intent_of_the_session(ana):
    # given: a Stripe order whose webhook named its PaymentIntent
    event = json.loads(stripe_event("checkout.session.completed", "ref1", 370))
    event["data"]["object"]["payment_intent"] = "pi_42"
    callback = Stripe("sk_test_x", WEBHOOK_SECRET)._read(event)
    assert callback.provider_payment == "pi_42"
    order = OnlinePayment(reference="ref1", provider="stripe", provider_payment="pi_42",
                          amount=Decimal("3.70"))  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stripe = Stripe("sk_test_x", WEBHOOK_SECRET)
    stripe.REFUNDS = f"http://127.0.0.1:{server.server_port}/v1/refunds"

    # when
    try:
        refund_id = stripe.refund(order, Decimal("3.70"), key="ref1-refund-1")
    finally:
        server.shutdown()

    # then: one refund of 370 cents of that PaymentIntent, with the key against repeats
    assert refund_id == "re_123"
    [(path, headers, form)] = FakeStripeApi.seen
    assert path == "/v1/refunds"
    assert form["payment_intent"] == ["pi_42"] and form["amount"] == ["370"]
    assert headers["Idempotency-Key"] == "ref1-refund-1"
    assert headers["Authorization"] == "Bearer sk_test_x"
