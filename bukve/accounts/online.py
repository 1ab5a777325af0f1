"""Online payment in Moja knjižnica: an order sent to a payment provider, confirmed only by
the provider's signed callback (bukve/accounts/providers.py).

The member (or a parent for a child) picks open charges, or pays the whole open debt, or a
new member pays the membership fee of an online registration. The order goes to the
provider; the member pays there and comes back to a page that waits for the confirmation.
The provider's callback is verified, logged (ProviderEvent, every one, also a forged one)
and booked once as a payment (method "online") with a receipt number. Money taken for debts
that were paid meanwhile (at the desk, say) is booked too and owed back: the desk lists the
refunds owed, and a director refunds through the provider with one click
(`online_payment_refund`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from django.db.models import Sum
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
from bukve.accounts.services import payment_refund, payment_take, return_first_refusal
from bukve.accounts.settlement import ZERO
from bukve.members.models import Member
from bukve.members.services import member_lock
from bukve.refusals import Refused

log = logging.getLogger(__name__)

ORDER_VALID = timedelta(minutes=40)  # then the order expires, unless the provider confirmed it
PURPOSES = ("debts", "membership")
BODY_KEPT = 10_000  # characters of a callback's body kept in the log

# What a callback came to (ProviderEvent.outcome). The endpoint answers 200 to all (the
# provider stops sending them) except the REJECTED ones, answered with 400.
CONFIRMED, DUPLICATE, LATE = "confirmed", "duplicate", "late"
ALREADY_PAID, ERROR = "already_paid", "error"
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
    changes). Money the provider confirms it took, for the order's amount, is booked once as
    a payment (method "online", with a receipt number) that settles the order's charges still
    open first: `confirmed`, or `late` when the order had been given up (cancelled, expired)
    meanwhile. When less than the order's amount was still open (the debt was paid at the
    desk meanwhile), the payment is booked all the same, for the money was taken, and
    flagged `already_paid`: what was not needed stays a credit and is owed back to the member
    (`OnlinePayment.overpaid`, the desk's list of refunds owed, a REFUND line in the log).
    Again for a paid order: `duplicate`. Another amount: `amount_mismatch`, nothing booked.
    A cancellation or expiry of a waiting order ends it.

    When the database fails (it is busy, say), the callback is still logged, as `error`,
    and the error is raised so that the provider is answered 503 and sends it again.
    Locks: the order, then the member (and, in payment_take, the charges and the receipt
    sequence)."""
    try:
        callback = provider_named(provider).verify(body, headers)
    except KeyError:
        return _log(provider, None, BAD_SIGNATURE, f"no provider {provider!r}", body)
    except (BadSignature, BadCallback) as error:
        outcome = MALFORMED if isinstance(error, BadCallback) else BAD_SIGNATURE
        return _log(provider, None, outcome, str(error), body)
    if callback is None:
        return _log(provider, None, IGNORED, "an event Bukve does not act on", body)
    try:
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
    except DatabaseError as error:
        log.exception("payment callback from %s could not be booked", provider)
        try:
            _log(provider, None, ERROR, f"not booked, to be sent again ({error}) "
                 f"for order {callback.reference!r}", body)  # fmt: skip
        except DatabaseError:
            log.error("payment callback from %s not logged: %r", provider, body[:BODY_KEPT])
        raise


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
    if callback.amount != order.amount or callback.currency.lower() != "eur":
        return AMOUNT_MISMATCH, (f"the provider took {said} ({callback.provider_ref}) for an "
                                 f"order of {order.amount} EUR; nothing was booked")  # fmt: skip
    given_up = order.status if order.status != OnlinePayment.CREATED else ""
    still_open = list(order.charges.filter(open_amount__gt=0).order_by("date", "id"))
    needed = sum((charge.open_amount for charge in still_open), ZERO)
    payment = payment_take(
        member=order.member, day=timezone.localdate(), amount=order.amount, method="online",
        charges=still_open, note=f"online {order.reference}", enforce_return_first=False,
    )  # fmt: skip
    order.status, order.paid_at, order.payment = OnlinePayment.PAID, timezone.now(), payment
    order.overpaid = max(ZERO, order.amount - needed)
    order.provider_payment = callback.provider_payment[:200]
    if callback.provider_ref and not order.provider_ref:
        order.provider_ref = callback.provider_ref[:200]
    order.save(update_fields=["status", "paid_at", "payment", "provider_ref", "overpaid",
                              "provider_payment"])  # fmt: skip
    if order.overpaid:
        return ALREADY_PAID, (f"REFUND {order.overpaid} EUR: the provider took {said} "
                              f"({callback.provider_ref}) for charges paid meanwhile; booked "
                              f"as receipt {payment.receipt_number}, the rest is a credit "
                              "owed back to the member")  # fmt: skip
    if given_up:
        return LATE, f"booked as receipt {payment.receipt_number}, the order was {given_up}"
    return CONFIRMED, f"receipt {payment.receipt_number}"


def _log(provider: str, order: OnlinePayment | None, outcome: str, detail: str, body: bytes
         ) -> str:  # fmt: skip
    def text(value: str, length: int) -> str:  # PostgreSQL keeps no NUL characters
        return value[:length].replace("\x00", "\ufffd")

    ProviderEvent.objects.create(
        provider=text(provider, 20), online_payment=order, outcome=outcome,
        detail=text(detail, 300), body=text(body.decode("utf-8", "replace"), BODY_KEPT),
    )  # fmt: skip
    if outcome in (ALREADY_PAID, AMOUNT_MISMATCH, UNKNOWN_ORDER, ERROR, *REJECTED):
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


# --- refunds ---------------------------------------------------------------------------------


def refund_owed(order: OnlinePayment) -> Decimal:
    """What is still owed back of an order's money: what it took beyond the debts it found
    open, as far as it is still a credit (a credit settles debts charged since) and has not
    been refunded yet."""
    if not order.overpaid or order.payment is None:
        return ZERO
    refunded = order.payment.refunds.aggregate(s=Sum("amount"))["s"] or ZERO
    return max(ZERO, min(order.overpaid - refunded, order.payment.unallocated))


def refunds_owed(
    library_id: int, member: Member | None = None
) -> list[tuple[OnlinePayment, Decimal]]:
    """The library's (or a member's) online payments with money owed back, oldest first."""
    orders = OnlinePayment.objects.filter(library_id=library_id, overpaid__gt=0)
    if member is not None:
        orders = orders.filter(member=member)
    orders = orders.select_related("member", "payment").order_by("paid_at", "id")
    owed = ((order, refund_owed(order)) for order in orders)
    return [(order, amount) for order, amount in owed if amount > 0]


def online_payment_refund(*, order: OnlinePayment, by: User, day: date) -> Charge:
    """Give back through the provider what an order took twice, and book it
    (`payment_refund`). The provider is asked first, with a key made of the order and what
    was refunded before, so that a second click refunds nothing twice: the provider answers
    the same refund again, and the ledger refuses a second booking beyond the credit.
    Refuses `nothing_to_refund`, and `refund_unavailable` when the provider cannot refund."""
    owed = refund_owed(order)
    if owed <= 0 or order.payment is None:
        raise Refused("nothing_to_refund")
    try:
        provider = provider_named(order.provider)
        done = order.payment.refunds.count()
        refund_id = provider.refund(order, owed, key=f"{order.reference}-refund-{done + 1}")
    except (KeyError, ProviderError) as error:
        log.warning("refund of online payment %s failed: %s", order.reference, error)
        raise Refused("refund_unavailable") from None
    reason = f"{order.provider} refund {refund_id} of online {order.reference}"
    return payment_refund(payment=order.payment, amount=owed, reason=reason, by=by, day=day)
