"""The channels a message goes out by: e-mail over SMTP, SMS through an HTTP gateway, and
letters as PDF files in a print queue folder for the library to print and post.

Each `send_*` returns a line for the delivery log, or raises: the worker logs the error and
tries again later (bukve/notices/services.py, outbox_send).
"""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from bukve.accounts.slips import upn_qr_png
from bukve.notices.letters import letter_pdf
from bukve.notices.models import Message

SMS_TIMEOUT = 10  # seconds
UPN_ATTACHMENT = "upn-qr.png"


class ChannelError(Exception):
    """A message its channel cannot send as configured."""


def send(message: Message, now: datetime) -> str:
    senders = {Message.EMAIL: send_email, Message.SMS: send_sms, Message.LETTER: send_letter}
    return senders[message.channel](message, now)


def send_email(message: Message, now: datetime) -> str:
    """Over SMTP with Django's e-mail framework (EMAIL_* settings, with EMAIL_TIMEOUT). A
    notice's UPN QR payment slip goes along as the attachment upn-qr.png."""
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
    if message.upn:
        email.attach(UPN_ATTACHMENT, upn_qr_png(message.upn), "image/png")
    email.send()
    return f"accepted for {message.to} by {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"


def send_sms(message: Message, now: datetime) -> str:
    """POST {"to", "text"} as JSON to the gateway at BUKVE_SMS_URL, with the bearer token
    BUKVE_SMS_TOKEN if there is one. Any answer but 2xx is a failure."""
    if not settings.BUKVE_SMS_URL:
        raise ChannelError("no SMS gateway: BUKVE_SMS_URL is not set")
    headers = {"Content-Type": "application/json"}
    if settings.BUKVE_SMS_TOKEN:
        headers["Authorization"] = f"Bearer {settings.BUKVE_SMS_TOKEN}"
    request = urllib.request.Request(
        settings.BUKVE_SMS_URL,
        data=json.dumps({"to": message.to, "text": message.body}).encode(),
        headers=headers,
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=SMS_TIMEOUT) as response:  # raises on 4xx/5xx
        return f"gateway took the SMS for {message.to}: HTTP {response.status}"


def letter_path(message: Message, now: datetime) -> Path:
    day = timezone.localdate(now)
    return Path(settings.BUKVE_LETTERS_DIR) / message.library.code / f"{day}-{message.pk}.pdf"


def send_letter(message: Message, now: datetime) -> str:
    """A letter is sent by writing its PDF to the library's print queue folder."""
    path = letter_path(message, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(letter_pdf(message))
    return f"letter to print: {path}"
