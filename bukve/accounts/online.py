"""Online payment in Moja knjižnica: an order sent to a payment provider, confirmed only by
the provider's signed callback (bukve/accounts/providers.py).

The member (or a parent for a child) picks open charges, or pays the whole open debt, or a
new member pays the membership fee of an online registration. The order goes to the
provider; the member pays there and comes back to a page that waits for the confirmation.
The provider's callback is verified, logged (ProviderEvent, every one, also a forged one)
and booked once as a payment (method "online") with a receipt number. A confirmation for an
order given up already (cancelled, expired) books nothing: the money must be refunded by
staff, and the log says so.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.models import Charge, OnlinePayment, ProviderEvent
from bukve.accounts.providers import (
    BadCallback,
    BadSignature,
    Provider,
    ProviderCallback,
    ProviderError,
    payment_provider,
    provider_named,
)
from bukve.accounts.services import ZERO, payment_take, return_first_refusal
from bukve.members.models import Member
from bukve.refusals import Refused

log = logging.getLogger(__name__)

ORDER_VALID = timedelta(minutes=40)  # then the order expires, unless the provider confirmed it
PURPOSES = ("debts", "membership")
BODY_KEPT = 10_000  # characters of a callback's body kept in the log

# What a callback came to (ProviderEvent.outcome). The endpoint answers 200 to all (the
# provider stops sending them) except the REJECTED ones, answered with 400.
CONFIRMED, DUPLICATE, LATE = "confirmed", "duplicate", "late"
CANCELLED, EXPIRED, IGNORED = "cancelled", "expired", "ignored"
AMOUNT_MISMATCH, UNKNOWN_ORDER = "amount_mismatch", "unknown_order"
BAD_SIGNATURE, MALFORMED = "bad_signature", "malformed"
REJECTED = (BAD_SIGNATURE, MALFORMED)


def online_payment_start(
    *,
    member: Member,
    charges: Sequence[Charge] = (),
    purpose: str = "debts",
    day: date,
    provider: Provider | None = None,
) -> tuple[OnlinePayment, str]:
    """Open an order for the picked charges' open amounts, or for the whole open debt, and
    return it with the address of the provider's payment page.

    Refuses: Maribor's `return_items_first` (seed 001: online payment of notice fees is
    offered only once the noticed items are back), `charge_not_open` for a picked charge
    that is paid or not the member's, `amount_not_positive` when there is nothing to pay,
    and `payment_unavailable` when no provider is configured or it cannot be reached.
    The provider is called after the order is committed, outside any transaction."""
    if purpose not in PURPOSES:
        raise ValueError(f"not a purpose of an online payment: {purpose!r}")
    provider = provider or payment_provider()
    if provider is None:
        raise Refused("payment_unavailable")
    if reason := return_first_refusal(member, day):
        raise Refused(reason)
    with transaction.atomic():
        open_charges = Charge.objects.filter(member=member, open_amount__gt=0)
        wanted = {charge.pk for charge in charges}
        picked = list(open_charges.filter(pk__in=wanted) if wanted else open_charges)
        if wanted and len(picked) != len(wanted):
            raise Refused("charge_not_open")
        if purpose == "membership" and any(c.kind != "membership" for c in picked):
            raise ValueError("a membership payment pays membership fees only")
        amount = sum((charge.open_amount for charge in picked), ZERO)
        if amount <= 0:
            raise Refused("amount_not_positive")
        order = OnlinePayment.objects.create(
            library_id=member.library_id, member=member, reference=secrets.token_hex(16),
            provider=provider.name, amount=amount, purpose=purpose,
            expires_at=timezone.now() + ORDER_VALID,
        )  # fmt: skip
        order.charges.set(picked)
    base = settings.BUKVE_BASE_URL
    try:
        started = provider.start(
            order,
            return_url=base + reverse("portal:pay_return", args=[order.reference]),
            callback_url=base + reverse("portal:pay_callback", args=[provider.name]),
        )
    except ProviderError as error:
        log.warning("online payment %s could not start: %s", order.reference, error)
        OnlinePayment.objects.filter(pk=order.pk, status=OnlinePayment.CREATED).update(
            status=OnlinePayment.CANCELLED
        )
        raise Refused("payment_unavailable") from None
    order.provider_ref = started.provider_ref[:200]
    order.save(update_fields=["provider_ref"])
    return order, started.url


def online_payment_callback(*, provider: str, body: bytes, headers: Mapping[str, str]) -> str:
    """Take a provider's callback and return its outcome; every callback is logged as a
    ProviderEvent, whatever it comes to.

    Only a callback whose signature checks out counts (else `bad_signature`, and nothing
    changes). A payment confirmed for an order still waiting, for the order's amount, is
    booked once: a payment (method "online", with a receipt number) of the order's amount
    that settles the order's charges still open first (`confirmed`). Again for a paid order:
    `duplicate`. For a cancelled or expired order: `late`, nothing booked, and the log asks
    staff to refund it. Another amount: `amount_mismatch`, nothing booked. A cancellation or
    expiry of a waiting order ends it. Locks: the order, then the member (and, in
    payment_take, the charges and the receipt sequence)."""
    from bukve.circulation.services import member_lock

    try:
        callback = provider_named(provider).verify(body, headers)
    except KeyError:
        return _log(provider, None, BAD_SIGNATURE, f"no provider {provider!r}", body)
    except (BadSignature, BadCallback) as error:
        outcome = MALFORMED if isinstance(error, BadCallback) else BAD_SIGNATURE
        return _log(provider, None, outcome, str(error), body)
    if callback is None:
        return _log(provider, None, IGNORED, "an event Bukve does not act on", body)
    with transaction.atomic():
        order = (
            OnlinePayment.objects.select_for_update()
            .filter(reference=callback.reference, provider=provider)
            .first()
        )
        if order is None:
            detail = f"no order {callback.reference!r} ({callback.provider_ref})"
            return _log(provider, None, UNKNOWN_ORDER, detail, body)
        member_lock(order.member_id)
        outcome, detail = _apply(order, callback)
        return _log(provider, order, outcome, detail, body)


def _apply(order: OnlinePayment, callback: ProviderCallback) -> tuple[str, str]:
    """What a verified callback does to its order. Caller holds the order and member locks."""
    said = f"{callback.amount:.2f} {callback.currency.upper()}"
    if callback.status != "paid":
        if order.status == OnlinePayment.CREATED:
            order.status = callback.status
            order.save(update_fields=["status"])
            return (EXPIRED if callback.status == "expired" else CANCELLED), ""
        if order.status == callback.status:
            return DUPLICATE, f"the order is {order.status} already"
        return IGNORED, f"{callback.status} for an order {order.status} already"
    if order.status == OnlinePayment.PAID:
        assert order.payment is not None
        return DUPLICATE, f"paid already, receipt {order.payment.receipt_number}"
    if order.status != OnlinePayment.CREATED:
        return LATE, (f"REFUND: the provider took {said} ({callback.provider_ref}) for an order "
                      f"{order.status} already; nothing was booked")  # fmt: skip
    if callback.amount != order.amount or callback.currency.lower() != "eur":
        return AMOUNT_MISMATCH, (f"the provider took {said} ({callback.provider_ref}) for an "
                                 f"order of {order.amount} EUR; nothing was booked")  # fmt: skip
    still_open = list(order.charges.filter(open_amount__gt=0).order_by("date", "id"))
    payment = payment_take(
        member=order.member, day=timezone.localdate(), amount=order.amount, method="online",
        charges=still_open, note=f"online {order.reference}", enforce_return_first=False,
    )  # fmt: skip
    order.status, order.paid_at, order.payment = OnlinePayment.PAID, timezone.now(), payment
    if callback.provider_ref and not order.provider_ref:
        order.provider_ref = callback.provider_ref[:200]
    order.save(update_fields=["status", "paid_at", "payment", "provider_ref"])
    return CONFIRMED, f"receipt {payment.receipt_number}"


def _log(provider: str, order: OnlinePayment | None, outcome: str, detail: str, body: bytes
         ) -> str:  # fmt: skip
    def text(value: str, length: int) -> str:  # PostgreSQL keeps no NUL characters
        return value[:length].replace("\x00", "\ufffd")

    ProviderEvent.objects.create(
        provider=text(provider, 20), online_payment=order, outcome=outcome,
        detail=text(detail, 300), body=text(body.decode("utf-8", "replace"), BODY_KEPT),
    )  # fmt: skip
    if outcome in (LATE, AMOUNT_MISMATCH, UNKNOWN_ORDER, *REJECTED):
        log.warning("payment callback from %s: %s %s", provider, outcome, detail)
    return outcome


def online_payments_expire(now: datetime | None = None) -> int:
    """Give up orders still waiting after ORDER_VALID; returns how many. A conditional
    UPDATE, so it is safe beside a callback confirming the same order (the callback holds the
    row; a paid order is no longer "created"). Run by the outbox worker, which runs often."""
    now = now or timezone.now()
    return OnlinePayment.objects.filter(status=OnlinePayment.CREATED, expires_at__lte=now).update(
        status=OnlinePayment.EXPIRED
    )
