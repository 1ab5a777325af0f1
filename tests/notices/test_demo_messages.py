"""The demo tells where its messages go (issue 21): e-mail as .eml files and SMS as text files
under var/, one per message and per library, so a newcomer reads what members would get
without a mail server or an SMS gateway; production keeps SMTP and the gateway."""

from __future__ import annotations

import email
import email.policy
import io
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from bukve.circulation.daily import daily_run
from bukve.circulation.holds import reservation_place
from bukve.circulation.services import loan_checkout
from bukve.notices.channels import kept_files
from bukve.notices.models import Delivery, Message, Notice
from bukve.notices.services import outbox_send, outbox_send_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def kept(settings, tmp_path):
    """E-mail and SMS kept in folders of the test's own, as `bukve demo` keeps them in var/."""
    settings.BUKVE_MAIL_DIR = str(tmp_path / "mail")
    settings.BUKVE_SMS_DIR = str(tmp_path / "sms")
    settings.EMAIL_HOST, settings.EMAIL_PORT = "192.0.2.1", 9  # nothing may be sent over SMTP
    return tmp_path


def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def test_it_keeps_an_e_mail_as_an_eml_file_a_mail_program_opens(
    kept, load_library, make_member, make_item
):
    # given: Tinkara, 10, borrowed a book on 1 April; her mother Mojca gets her notices
    tolmin = load_library("tolmin")
    mojca = make_member(tolmin, "T-mojca", first_name="Mojca", last_name="Kos",
                        email="mojca@example.org")  # fmt: skip
    tinkara = make_member(tolmin, "T-tinkara", first_name="Tinkara", last_name="Kos",
                          category="child", born=date(2016, 2, 1), guardian=mojca)  # fmt: skip
    book = make_item(tolmin, "T-1", title="Čarobni šal")
    loan_checkout(member=tinkara, item=book, today=date(2026, 4, 1))
    daily_run(library=tolmin, until=date(2026, 5, 4))  # the 1st notice
    notice_mail = Message.objects.get(notice=Notice.objects.get(member=tinkara, level=1))

    # when
    outbox_send(now=timezone.now() + timedelta(minutes=1))

    # then: one .eml per message in mail/tolmin/, with the sender, the addressee, the subject,
    # the text and the payment slip as a mail program shows them
    notice_mail.refresh_from_db()
    assert notice_mail.status == Message.SENT
    path = Path(Delivery.objects.get(message=notice_mail).detail.split(" kept in ")[1])
    assert path.parent == kept / "mail" / "tolmin" and path.name.endswith(f"-{notice_mail.pk}.eml")
    mail = read_eml(path)
    assert mail["To"] == "mojca@example.org"
    assert mail["From"] == "Bukve <bukve@localhost>"
    assert mail["Subject"].strip() == notice_mail.subject  # the bytes SMTP would carry, folded
    text = mail.get_body(preferencelist=("plain",)).get_content()
    for expected in ("Mojca Kos", "Tinkara Kos", "Čarobni šal", "T-1"):
        assert expected in text
    if notice_mail.upn:
        [slip] = [part for part in mail.iter_attachments()]
        assert slip.get_filename() == "upn-qr.png"
        assert slip.get_content().startswith(b"\x89PNG")


def test_it_keeps_an_sms_as_a_text_file(kept, load_library, make_member, make_item):
    # given: Bor wants SMS; a copy he reserves is on the shelf at Kobarid
    tolmin = load_library("tolmin")
    bor = make_member(tolmin, "T-bor", first_name="Bor", phone="+386 41 123 456",
                      notify_by="sms")  # fmt: skip
    item = make_item(tolmin, "K1", title="Alamut", branch="kobarid")
    reservation_place(member=bor, item=item, today=date(2026, 4, 1))

    # when
    counts = outbox_send(now=timezone.now() + timedelta(minutes=1))

    # then
    assert counts == {"sent": 1, "retry": 0, "failed": 0}
    [path] = (kept / "sms" / "tolmin").glob("*.txt")
    text = path.read_text("utf-8")
    assert text.startswith("To: +386 41 123 456\n\n")
    assert "Alamut" in text and "Knjižnica Kobarid" in text
    assert f"kept in {path}" in Delivery.objects.get().detail


def test_the_demos_outbox_pass_delivers_every_message_into_files(db, kept, settings):
    # given: the demo's four libraries, with their history of notices, reminders and holds
    from bukve.demo import demo_load

    settings.BUKVE_LETTERS_DIR = kept / "letters"
    demo_load(out=io.StringIO())
    queued = Message.objects.count()
    assert queued > 100  # more than one batch

    # when: the pass `bukve demo` makes when it starts
    counts = outbox_send_all()

    # then: every message is delivered, none waits for a server, and each is a file
    assert counts == {"sent": queued, "retry": 0, "failed": 0}
    found = {what: (folder, count) for what, folder, count in kept_files()}
    emails = Message.objects.filter(channel=Message.EMAIL).count()
    sms = Message.objects.filter(channel=Message.SMS).count()
    letters = Message.objects.filter(channel=Message.LETTER).count()
    assert found == {
        "e-mail": (kept / "mail", emails),
        "SMS": (kept / "sms", sms),
        "letters to print": (kept / "letters", letters),
    }
    libraries = {p.name for p in (kept / "mail").iterdir()}
    assert libraries == {"maribor", "velenje", "tolmin", "ravne"}
    some = read_eml(next((kept / "mail" / "tolmin").glob("*.eml")))
    assert some["To"].endswith("@example.org") and some["Subject"]
    assert outbox_send_all() == {"sent": 0, "retry": 0, "failed": 0}  # nothing sent twice


def settings_of(**env: str) -> subprocess.CompletedProcess[str]:
    """Load bukve.settings in a fresh Python with `env` and print the message folders."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("BUKVE_") and k != "DJANGO_SETTINGS_MODULE"}  # fmt: skip
    code = ("from bukve import settings as s; "
            "print(repr(s.BUKVE_MAIL_DIR), repr(s.BUKVE_SMS_DIR))")  # fmt: skip
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**clean, "BUKVE_SECRET_KEY": "x" * 50, **env}, cwd=ROOT)  # fmt: skip


def test_the_demo_keeps_messages_under_var_and_production_sends_them():
    var = ROOT / "var"
    demo = settings_of(BUKVE_DEMO="true")
    assert demo.stdout.split() == [repr(str(var / "mail")), repr(str(var / "sms"))], demo.stderr
    assert settings_of().stdout.split() == ["''", "''"]  # production: SMTP and the gateway
    asked = settings_of(BUKVE_DEBUG="true", BUKVE_MAIL_DIR="/tmp/mail")
    assert asked.stdout.split() == ["'/tmp/mail'", "''"]
    refused = settings_of(BUKVE_MAIL_DIR="/tmp/mail")
    assert refused.returncode != 0
    assert "only with BUKVE_DEBUG=true or in `bukve demo`" in refused.stderr
