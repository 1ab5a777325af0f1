"""Payment providers: where a member pays online, and how their callbacks are trusted.

A provider does two things. `start` opens an order at the provider and gives the address to
send the member to. `verify` reads a callback (the raw body and the headers of a POST to
`/moja/pay/callback/<provider>/`) and says what happened to which order, but only when its
signature checks out; otherwise it raises BadSignature. Nothing else may confirm a payment
(bukve/accounts/online.py).

Two providers ship: Stripe Checkout, and a sandbox that plays a bank inside Bukve for
development, the demo and the tests. Which one is used is `BUKVE_PAYMENT_PROVIDER`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from bukve.accounts.models import OnlinePayment

PAID, CANCELLED, EXPIRED = "paid", "cancelled", "expired"


class BadSignature(Exception):
    """The callback is not signed by the provider (or not signed at all, or too old)."""


class BadCallback(Exception):
    """The callback is signed, but Bukve cannot read it."""


class ProviderError(Exception):
    """The provider could not be reached, or refused to open the order."""


@dataclass(frozen=True)
class Started:
    """An order opened at the provider: where to send the member, and the provider's id."""

    url: str
    provider_ref: str = ""


@dataclass(frozen=True)
class ProviderCallback:
    """What a verified callback says: the order (our reference), the provider's id of it, its
    status ("paid", "cancelled" or "expired") and the amount the provider took."""

    reference: str
    provider_ref: str
    status: str
    amount: Decimal
    currency: str = "eur"
    provider_payment: str = ""  # the provider's id of the money taken, to refund it


class Provider(Protocol):
    name: str

    def configured(self) -> bool: ...

    def start(self, order: OnlinePayment, return_url: str, callback_url: str) -> Started: ...

    def verify(self, body: bytes, headers: Mapping[str, str]) -> ProviderCallback | None:
        """The callback's news, or None for an event Bukve does not act on."""
        ...

    def refund(self, order: OnlinePayment, amount: Decimal, key: str) -> str:
        """Give `amount` of the order's money back to the payer; returns the provider's id of
        the refund. `key` makes a retried request refund once. Raises ProviderError."""
        ...


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value, whatever its case (Django's request.headers or a plain dict)."""
    name = name.lower()
    return next((value for key, value in headers.items() if key.lower() == name), "")


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise BadCallback(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise BadCallback(f"not an amount: {value!r}")
    return amount


def _json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise BadCallback("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadCallback("the body is not a JSON object")
    return data


# --- the sandbox -----------------------------------------------------------------------------


class Sandbox:
    """A pretend bank in Bukve itself: `start` sends the member to the sandbox page
    (/moja/pay/sandbox/<reference>/), whose Pay and Cancel buttons sign a callback with
    BUKVE_SANDBOX_SECRET and hand it to the same service a real provider's callback goes
    to. It takes no money, so settings leave its secret empty outside debug and the demo."""

    name = "sandbox"
    HEADER = "X-Sandbox-Signature"

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def configured(self) -> bool:
        return bool(self.secret)

    def start(self, order: OnlinePayment, return_url: str, callback_url: str) -> Started:
        return Started(reverse("portal:pay_sandbox", args=[order.reference]),
                       provider_ref=f"sandbox-{order.reference}")  # fmt: skip

    def callback(self, order: OnlinePayment, status: str) -> tuple[bytes, dict[str, str]]:
        """The body and headers the sandbox bank sends when the member pays or cancels."""
        body = json.dumps({"reference": order.reference, "id": order.provider_ref,
                           "status": status, "amount": str(order.amount),
                           "currency": "eur"}).encode()  # fmt: skip
        return body, {self.HEADER: _hmac(self.secret, body)}

    def verify(self, body: bytes, headers: Mapping[str, str]) -> ProviderCallback | None:
        if not self.secret:
            raise BadSignature("the sandbox is off (no BUKVE_SANDBOX_SECRET)")
        signature = header(headers, self.HEADER)
        if not signature or not hmac.compare_digest(_hmac(self.secret, body), signature):
            raise BadSignature(f"{self.HEADER} does not match the body")
        data = _json(body)
        if data.get("status") not in (PAID, CANCELLED):
            raise BadCallback(f"unknown status {data.get('status')!r}")
        return ProviderCallback(
            reference=str(data.get("reference", "")),
            provider_ref=str(data.get("id", "")),
            status=data["status"],
            amount=_amount(data.get("amount")),
            currency=str(data.get("currency", "")),
            provider_payment=str(data.get("id", "")),
        )

    def refund(self, order: OnlinePayment, amount: Decimal, key: str) -> str:
        return f"sandbox-refund-{key}"


# --- Stripe Checkout -------------------------------------------------------------------------


class Stripe:
    """Stripe Checkout (https://docs.stripe.com/api/checkout/sessions).

    `start` creates a Checkout Session over the REST API: one line of the order's amount in
    euro cents, our reference as `client_reference_id`, the return page as both success and
    cancel URL (the member sees "waiting" until the webhook arrives). The webhook endpoint is
    set in Stripe's dashboard to /moja/pay/callback/stripe/ with the events
    checkout.session.completed, checkout.session.async_payment_succeeded,
    checkout.session.async_payment_failed and checkout.session.expired.

    Webhooks are verified as Stripe documents it: the `Stripe-Signature` header carries
    `t=<unix time>` and one or more `v1=<hex>`; v1 is HMAC-SHA256 of "<t>.<raw body>" with the
    endpoint's signing secret, and t must be within TOLERANCE of now (against replays)."""

    name = "stripe"
    API = "https://api.stripe.com/v1/checkout/sessions"
    REFUNDS = "https://api.stripe.com/v1/refunds"
    TOLERANCE = 300  # seconds, Stripe's own default
    # Stripe closes its session this long before our order expires (it must be 30 minutes to
    # 24 hours after the session is created), so that a payment made at the last moment is
    # confirmed before our expiry pass gives the order up.
    CLOSE_EARLY = 5 * 60
    TIMEOUT = 20  # seconds to wait for the API

    def __init__(self, secret_key: str, webhook_secret: str) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret

    def configured(self) -> bool:
        return bool(self.secret_key and self.webhook_secret)

    def start(self, order: OnlinePayment, return_url: str, callback_url: str) -> Started:
        cents = int((order.amount * 100).to_integral_value())
        params = {
            "mode": "payment",
            "client_reference_id": order.reference,
            "metadata[reference]": order.reference,
            "success_url": return_url,
            "cancel_url": return_url,
            "expires_at": int(order.expires_at.timestamp()) - self.CLOSE_EARLY,
            "line_items[0][quantity]": 1,
            "line_items[0][price_data][currency]": "eur",
            "line_items[0][price_data][unit_amount]": cents,
            "line_items[0][price_data][product_data][name]": f"{order.library} {order.reference}",
        }
        # The reference as the key: a retried request opens no second session.
        session = self._post(self.API, params, key=order.reference)
        if not session.get("url") or not session.get("id"):
            raise ProviderError("Stripe's answer has no session url")
        return Started(url=session["url"], provider_ref=session["id"])

    def refund(self, order: OnlinePayment, amount: Decimal, key: str) -> str:
        """A Refund of the session's PaymentIntent (https://docs.stripe.com/api/refunds)."""
        if not order.provider_payment:
            raise ProviderError("Stripe's payment of this order is not known")
        params = {"payment_intent": order.provider_payment,
                  "amount": int((amount * 100).to_integral_value()),
                  "metadata[reference]": order.reference}  # fmt: skip
        refund = self._post(self.REFUNDS, params, key=key)
        if not refund.get("id") or refund.get("status") in ("failed", "canceled"):
            raise ProviderError(f"Stripe did not refund: {refund.get('status')!r}")
        return str(refund["id"])

    def _post(self, url: str, params: Mapping[str, object], key: str) -> dict[str, Any]:
        request = urllib.request.Request(
            url,
            data=urlencode(params).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.secret_key}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            raise ProviderError(f"Stripe answered {error.code}: {error.read()[:300]!r}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise ProviderError(f"Stripe could not be reached: {error}") from None
        if not isinstance(answer, dict):
            raise ProviderError("Stripe's answer is not a JSON object")
        return answer

    def verify(
        self, body: bytes, headers: Mapping[str, str], now: float | None = None
    ) -> ProviderCallback | None:
        if not self.webhook_secret:
            raise BadSignature("no BUKVE_STRIPE_WEBHOOK_SECRET")
        timestamp, signatures = "", []
        for part in header(headers, "Stripe-Signature").split(","):
            key, _, value = part.strip().partition("=")
            if key == "t":
                timestamp = value
            elif key == "v1":
                signatures.append(value)
        if not timestamp.isdigit() or not signatures:
            raise BadSignature("no t and v1 in Stripe-Signature")
        expected = _hmac(self.webhook_secret, timestamp.encode() + b"." + body)
        if not any(hmac.compare_digest(expected, signature) for signature in signatures):
            raise BadSignature("Stripe-Signature does not match the body")
        now = time.time() if now is None else now
        if abs(now - int(timestamp)) > self.TOLERANCE:
            raise BadSignature("Stripe-Signature is too old (or from the future)")
        return self._read(_json(body))

    @staticmethod
    def _read(event: dict[str, Any]) -> ProviderCallback | None:
        kind = event.get("type")
        session = (event.get("data") or {}).get("object")
        if not isinstance(session, dict) or session.get("object") != "checkout.session":
            return None
        if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
            if session.get("payment_status") != "paid":
                return None  # a delayed payment method: async_payment_succeeded follows
            status = PAID
        elif kind == "checkout.session.async_payment_failed":
            status = CANCELLED
        elif kind == "checkout.session.expired":
            status = EXPIRED
        else:
            return None
        cents = session.get("amount_total")
        if not isinstance(cents, int):
            raise BadCallback("the session has no amount_total")
        return ProviderCallback(
            reference=str(session.get("client_reference_id") or ""),
            provider_ref=str(session.get("id", "")),
            status=status,
            amount=Decimal(cents) / 100,
            currency=str(session.get("currency", "")),
            provider_payment=str(session.get("payment_intent") or ""),
        )


# --- the registry ----------------------------------------------------------------------------

NAMES = ("sandbox", "stripe")


def provider_named(name: str) -> Provider:
    """The provider called `name`, with its secrets from the settings (KeyError if none)."""
    if name == "sandbox":
        return Sandbox(settings.BUKVE_SANDBOX_SECRET)
    if name == "stripe":
        return Stripe(settings.BUKVE_STRIPE_SECRET_KEY, settings.BUKVE_STRIPE_WEBHOOK_SECRET)
    raise KeyError(name)


def payment_provider() -> Provider | None:
    """The provider members pay through (BUKVE_PAYMENT_PROVIDER), or None when it is not
    configured (the sandbox outside debug and the demo): then no online payment is offered."""
    provider = provider_named(settings.BUKVE_PAYMENT_PROVIDER)
    return provider if provider.configured() else None
