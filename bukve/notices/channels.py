"""The channels a message goes out by: e-mail over SMTP, SMS through an HTTP gateway, and
letters as PDF files in a print queue folder for the library to print and post.

The demo, and development when asked, keep e-mail and SMS as files to read instead (one per
message: BUKVE_MAIL_DIR/<library>/<day>-<id>.eml, BUKVE_SMS_DIR/<library>/<day>-<id>.txt), so
a newcomer sees what members would get without a mail server or an SMS gateway.

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
    """Over SMTP with Django's e-mail framework (EMAIL_* settings, with EMAIL_TIMEOUT), or as
    an .eml file in BUKVE_MAIL_DIR (demo, development). A notice's UPN QR payment slip goes
    along as the attachment upn-qr.png."""
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to])
    if message.upn:
        email.attach(UPN_ATTACHMENT, upn_qr_png(message.upn), "image/png")
    if settings.BUKVE_MAIL_DIR:
        path = message_path(settings.BUKVE_MAIL_DIR, message, now, "eml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(email.message().as_bytes())
        return f"e-mail to {message.to} kept in {path}"
    email.send()
    return f"accepted for {message.to} by {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"


def send_sms(message: Message, now: datetime) -> str:
    """POST {"to", "text"} as JSON to the gateway at BUKVE_SMS_URL, with the bearer token
    BUKVE_SMS_TOKEN if there is one. Any answer but 2xx is a failure. In the demo (and
    development with BUKVE_SMS_DIR) the text is kept in a file instead."""
    if settings.BUKVE_SMS_DIR:
        path = message_path(settings.BUKVE_SMS_DIR, message, now, "txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"To: {message.to}\n\n{message.body}\n", "utf-8")
        return f"SMS to {message.to} kept in {path}"
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


def message_path(folder: str | Path, message: Message, now: datetime, suffix: str) -> Path:
    """One file per message, in the library's subfolder: <folder>/<library>/<day>-<id>.<suffix>."""
    day = timezone.localdate(now)
    return Path(folder) / message.library.code / f"{day}-{message.pk}.{suffix}"


def letter_path(message: Message, now: datetime) -> Path:
    return message_path(settings.BUKVE_LETTERS_DIR, message, now, "pdf")


def send_letter(message: Message, now: datetime) -> str:
    """A letter is sent by writing its PDF to the library's print queue folder."""
    path = letter_path(message, now)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(letter_pdf(message))
    return f"letter to print: {path}"


def kept_files() -> list[tuple[str, Path, int]]:
    """Where messages are kept as files on this machine, and how many there are: (what,
    folder, count) for e-mail and SMS kept by the demo or development, and letters to print."""
    folders: list[tuple[str, str | Path, str]] = [
        ("e-mail", settings.BUKVE_MAIL_DIR, "eml"), ("SMS", settings.BUKVE_SMS_DIR, "txt"),
        ("letters to print", settings.BUKVE_LETTERS_DIR, "pdf"),
    ]  # fmt: skip
    return [(what, Path(folder), len(list(Path(folder).glob(f"*/*.{suffix}"))))
            for what, folder, suffix in folders if folder]  # fmt: skip
