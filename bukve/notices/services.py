"""The outbox: messages queued in the transaction of the event that causes them, sent after
commit (ARCHITECTURE.md).

`message_queue` renders a message from bukve/templates/messages/<kind>.subject.txt and
<kind>.txt in the addressee's language and stores it; it does no I/O, so it belongs inside the
caller's transaction. `outbox_send` is the worker (`bukve outbox send`): it claims due messages
with a conditional UPDATE, sends each through its channel (bukve/notices/channels.py) and logs
every attempt as a Delivery.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.template import Context, Template
from django.template.loader import get_template
from django.utils import timezone, translation

from bukve.accounts.slips import notice_payments, payment_text
from bukve.libraries.models import Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.members.selectors import members_with
from bukve.notices import channels
from bukve.notices.models import Delivery, Message, Notice
from bukve.rules import notices

# A failed message is tried again after these pauses; after the last it is given up.
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
# A message claimed by a worker that died before it finished is claimed again after this.
LEASE = timedelta(minutes=15)


# --- queueing --------------------------------------------------------------------------------


def _render(name: str, context: dict[str, Any]) -> str:
    # Plain text, not HTML: nothing is escaped.
    # The backend's template (a django.template.Template) renders a Context; the stubs know
    # only the backend's wrapper.
    template: Template = get_template(name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


def message_build(
    *,
    library: Library,
    kind: str,
    channel: str,
    to: str,
    language: str,
    context: dict[str, Any],
    member: Member | None = None,
    notice: Notice | None = None,
) -> Message:
    """The message rendered and not yet saved (the daily run saves its messages in bulk).

    The templates see `context` with `library` and `channel` added; `items` in the context
    ({"barcode", "title", "due"}) are also kept on the message for a letter's table. A
    `payment` in the context (bukve/accounts/slips.py, `notice_payments`) puts its UPN QR
    slip on a letter or an e-mail: the e-mail's text gets the payment details before the
    signature and the QR code goes as an attachment; the letter prints both (letters.py)."""
    if channel not in dict(Message.CHANNELS):
        raise ValueError(f"unknown channel {channel!r}")
    context = {"library": library, "channel": channel, **context}
    payment = context.get("payment") if channel != Message.SMS else None
    with translation.override(language):
        subject = " ".join(_render(f"messages/{kind}.subject.txt", context).split())
        body = _render(f"messages/{kind}.txt", context)
        if payment and channel == Message.EMAIL:
            signature = _render("messages/_signature.txt", context).strip()
            text = "\n".join(payment_text(payment["slip"], attached=True,
                                           return_first=payment["return_first"]))  # fmt: skip
            head, mark, tail = body.rpartition(signature) if signature else ("", "", "")
            body = f"{head.rstrip()}\n\n{text}\n\n{mark}{tail}" if mark else f"{body}\n\n{text}"
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in body.splitlines()))
    items = [
        {"barcode": i["barcode"], "title": i["title"], "due": i["due"].isoformat()}
        for i in context.get("items", ())
    ]
    return Message(library=library, member=member, notice=notice, kind=kind, channel=channel,
                   to=to, language=language, subject=subject[:300], body=body.strip() + "\n",
                   items=items, upn=payment["upn"] if payment else "")  # fmt: skip


def message_queue(
    *,
    library: Library,
    kind: str,
    channel: str,
    to: str,
    language: str,
    context: dict[str, Any],
    member: Member | None = None,
    notice: Notice | None = None,
) -> Message:
    """Queue a message: rendered now, in `language`, sent by the worker after commit.
    No I/O: call it inside the transaction of the event."""
    message = message_build(library=library, kind=kind, channel=channel, to=to,
                            language=language, context=context, member=member,
                            notice=notice)  # fmt: skip
    message.save()
    return message


def loan_items(loans: Iterable[Any]) -> list[dict[str, Any]]:
    """The items a message lists, from loans with their item and record loaded."""
    return [
        {"barcode": loan.item.barcode, "title": loan.item.record.title, "due": loan.due_date}
        for loan in loans
    ]


# --- whom and how ----------------------------------------------------------------------------


def message_addressee(member: Member, day: date | None = None) -> Member:
    """The member, or the parent or guardian of a member under the library's guardian age
    (15; Tolmin art. 34: notices to a child go to the parents' address or e-mail)."""
    if member.guardian_id is None:
        return member
    day = day or timezone.localdate()
    age = policy_for(member.library, day).guardian_age
    to = notices.addressee(member.pk, member.born, member.guardian_id, day, age)
    return member if to == member.pk else member.guardian  # type: ignore[return-value]


def postal_address(member: Member) -> str:
    return "\n".join(line for line in (member.name or member.card_number, member.address) if line)


def member_contact(addressee: Member) -> tuple[str, str]:
    """(channel, to) for the way the addressee chose: e-mail or SMS when there is an address
    or a number for it, otherwise a letter by post."""
    if addressee.notify_by == "email" and addressee.email:
        return Message.EMAIL, addressee.email
    if addressee.notify_by == "sms" and addressee.phone:
        return Message.SMS, addressee.phone
    return Message.LETTER, postal_address(addressee)


def message_channel(member: Member, *, day: date | None = None) -> tuple[str, str]:
    """How to reach a member (through the guardian for a child): (channel, to)."""
    return member_contact(message_addressee(member, day))


def member_messages(
    *,
    library: Library,
    member: Member,
    addressee: Member,
    kind: str,
    context: dict[str, Any],
    electronic_only: bool = False,
    registered_mail: bool = False,
    notice: Notice | None = None,
) -> list[Message]:
    """The messages (not saved) that tell `member` something through `addressee`, in the
    addressee's language. A notice by registered mail is always a letter too (Tolmin art. 34);
    `electronic_only` messages (the reminders of Tolmin art. 27) go by e-mail or SMS or not
    at all."""
    routes = [(Message.LETTER, postal_address(addressee))] if registered_mail else []
    contact = member_contact(addressee)
    if contact not in routes and not (electronic_only and contact[0] == Message.LETTER):
        routes.append(contact)
    context = {"member": member, "addressee": addressee, **context}
    return [
        message_build(
            library=library,
            kind=kind,
            channel=channel,
            to=to,
            language=addressee.language,
            context=context,
            member=member,
            notice=notice,
        )
        for channel, to in routes
    ]


# --- sending ---------------------------------------------------------------------------------


def outbox_send(*, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send up to `limit` messages that are due: {"sent", "retry", "failed"} counts.

    Safe to run in several processes at once (STYLE.md 5, healthchecks' sendalerts): each
    message is claimed with a conditional UPDATE on the values just read, and only the worker
    whose UPDATE changed the row sends it. A failed attempt is tried again after BACKOFF;
    after MAX_ATTEMPTS the message is marked failed. Every attempt is logged as a Delivery.
    Call it outside a transaction: the claim must be committed before the slow sending.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(
        Message.objects.filter(status__in=[Message.QUEUED, Message.SENDING],
                               next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", "next_attempt_at")[:limit]
    )  # fmt: skip
    for pk, seen in due:
        claimed = Message.objects.filter(
            pk=pk, status__in=[Message.QUEUED, Message.SENDING], next_attempt_at=seen
        ).update(status=Message.SENDING, next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
        if claimed != 1:
            continue  # another worker has it
        message = Message.objects.select_related("library", "notice").get(pk=pk)
        try:
            ok, detail = True, channels.send(message, now)
        except Exception as error:  # noqa: BLE001 - any failure is logged and retried
            ok, detail = False, f"{type(error).__name__}: {error}"
        counts[_settle(message, ok, detail, now)] += 1
    return counts


def outbox_send_all(*, now: datetime | None = None, batch: int = 100) -> dict[str, int]:
    """Send every message that is due, batch after batch (`bukve outbox send` sends one
    batch): what `bukve demo` does when it starts and every 30 seconds while it serves."""
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = outbox_send(now=now, limit=batch)
        for key in totals:
            totals[key] += counts[key]
        if sum(counts.values()) < batch:
            return totals


def _settle(message: Message, ok: bool, detail: str, now: datetime) -> str:
    with transaction.atomic():
        Delivery.objects.create(message=message, at=now, ok=ok, detail=detail[:2000])
        if ok:
            message.status, message.sent_at, outcome = Message.SENT, now, "sent"
        elif message.attempts >= MAX_ATTEMPTS:
            message.status, outcome = Message.FAILED, "failed"
        else:
            message.status, outcome = Message.QUEUED, "retry"
            message.next_attempt_at = now + BACKOFF[message.attempts - 1]
        message.save(update_fields=["status", "sent_at", "next_attempt_at"])
    return outcome


# --- the messages of notices issued in bulk (the daily run, hand-overs to collection) ----------


def notice_messages(
    library: Library,
    members: dict[int, Member],
    issued: list[Notice],
    loans_of: list[list[Any]],
) -> None:
    """One message per notice (or hand-over to collection) to its addressee, listing its
    items, with a UPN QR slip of the member's open debt where the library takes bank
    transfers; a notice by registered mail is always a letter too (Tolmin art. 34)."""
    people = members_with(library, members, {n.addressee_id for n in issued})
    payments = notice_payments(library=library, issued=issued, people=people)
    messages: list[Message] = []
    for notice, group in zip(issued, loans_of, strict=True):
        messages += member_messages(
            library=library, member=people[notice.member_id],
            addressee=people[notice.addressee_id],
            kind="collection" if notice.collection else "notice",
            context={"level": notice.level, "date": notice.date, "items": loan_items(group),
                     "registered_mail": notice.registered_mail,
                     "payment": payments.get(notice.member_id)},
            registered_mail=notice.registered_mail, notice=notice,
        )  # fmt: skip
    Message.objects.bulk_create(messages)
