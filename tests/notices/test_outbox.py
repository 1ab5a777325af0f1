"""The outbox: the daily run's notices reach a real SMTP server, addressed to the guardian of
a child; a mail server that is down is tried again with backoff; no message goes out twice;
SMS through an HTTP gateway; letters as PDF for the post (Tolmin art. 34)."""

import os
import shutil
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from bukve.circulation.daily import daily_run
from bukve.circulation.holds import reservation_place
from bukve.circulation.services import loan_checkout
from bukve.notices import channels
from bukve.notices.models import Delivery, Message, Notice
from bukve.notices.services import (
    BACKOFF,
    LEASE,
    MAX_ATTEMPTS,
    message_channel,
    message_queue,
    outbox_send,
)


@pytest.fixture
def t0():
    """The worker's clock: a little after the messages of the test were queued."""
    return timezone.now() + timedelta(minutes=1)


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def family(tolmin, make_member):
    """Mojca and her daughter Tinkara, 10, who has no e-mail of her own."""
    mojca = make_member(tolmin, "T-mojca", first_name="Mojca", last_name="Kos",
                        email="mojca@example.org", address="Gregorčičeva 3, Kobarid")  # fmt: skip
    tinkara = make_member(tolmin, "T-tinkara", first_name="Tinkara", last_name="Kos",
                          category="child", born=date(2016, 2, 1), guardian=mojca)  # fmt: skip
    return mojca, tinkara


def borrow(member, library, make_item, *titles, day=date(2026, 4, 1)):
    for n, title in enumerate(titles, start=1):
        item = make_item(library, f"{member.card_number}-{n}", title=title)
        loan_checkout(member=member, item=item, today=day)


def queue(library, to="ana@example.org", channel="email", **fields):
    context = {"expires": date(2026, 6, 1)}
    return message_queue(library=library, kind="membership_expiring", channel=channel, to=to,
                         language="en", context=context, **fields)  # fmt: skip


def test_it_sends_a_childs_notice_to_the_guardian_listing_the_items(
    t0, tolmin, family, make_item, smtp_server
):
    # given: Tinkara borrowed two books on 1 April, due 29 April
    mojca, tinkara = family
    borrow(tinkara, tolmin, make_item, "Čarobni šal", "Pika Nogavička")

    # when: the 1st notice falls due on 4 May (the 5th day after the due date)
    daily_run(library=tolmin, until=date(2026, 5, 4))
    counts = outbox_send(now=t0)

    # then: one e-mail, to Mojca, naming Tinkara and both books with their barcodes
    assert counts == {"sent": 1, "retry": 0, "failed": 0}
    notice = Notice.objects.get(member=tinkara)
    message = Message.objects.get(notice=notice)
    assert (message.channel, message.to, message.status) == ("email", "mojca@example.org", "sent")
    [(rcpt, email)] = smtp_server.received
    assert rcpt == ["mojca@example.org"]
    assert "1" in email["Subject"] and tolmin.name in email["Subject"]
    body = email.get_content()
    for text in ("Mojca Kos", "Tinkara Kos", "Čarobni šal", "T-tinkara-1", "Pika Nogavička",
                 "T-tinkara-2"):  # fmt: skip
        assert text in body
    assert Delivery.objects.get(message=message).ok


def test_it_tries_again_with_backoff_while_the_mail_server_is_down(t0, tolmin, smtp_server):
    # given: a queued e-mail and a mail server that is down
    message = queue(tolmin)
    smtp_server.stop()

    # when: the worker runs
    counts = outbox_send(now=t0)

    # then: the attempt is logged and the message waits 5 minutes
    assert counts == {"sent": 0, "retry": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.next_attempt_at == t0 + BACKOFF[0]
    [failed] = Delivery.objects.filter(message=message)
    assert not failed.ok and "Connection" in failed.detail

    # nothing is tried before then
    assert outbox_send(now=t0 + timedelta(minutes=4)) == {"sent": 0, "retry": 0, "failed": 0}

    # when the server is back, the next pass delivers it
    smtp_server.start()
    assert outbox_send(now=t0 + BACKOFF[0])["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert [d.ok for d in Delivery.objects.filter(message=message).order_by("id")] == [False, True]
    assert len(smtp_server.received) == 1


def test_it_gives_up_after_the_last_attempt(tolmin, settings):
    # given: an SMS and no SMS gateway configured
    settings.BUKVE_SMS_URL = ""
    message = queue(tolmin, to="+386 41 000 000", channel="sms")

    # when: the worker runs each time the message falls due again
    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        message.refresh_from_db()
        outcomes.append(outbox_send(now=message.next_attempt_at))

    # then: four retries after 5 min, 30 min, 2 h and 12 h, then it is marked failed
    assert [o["retry"] for o in outcomes] == [1, 1, 1, 1, 0]
    assert outcomes[-1]["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    details = Delivery.objects.filter(message=message).values_list("detail", flat=True)
    assert all("BUKVE_SMS_URL is not set" in d for d in details)
    assert outbox_send(now=message.next_attempt_at + timedelta(days=1))["failed"] == 0


def test_it_never_sends_a_message_twice_when_a_second_worker_runs_meanwhile(
    t0, tolmin, smtp_server, monkeypatch
):
    # given: two queued e-mails; while the first worker sends, a second worker runs
    queue(tolmin, to="ana@example.org")
    queue(tolmin, to="bor@example.org")
    send, second = channels.send, {}

    def send_while_another_worker_runs(message, now):
        if "counts" not in second:
            second["counts"] = None
            second["counts"] = outbox_send(now=now)
        return send(message, now)

    monkeypatch.setattr(channels, "send", send_while_another_worker_runs)

    # when
    first = outbox_send(now=t0)

    # then: the second worker sent only the message the first had not claimed yet
    assert (first["sent"], second["counts"]["sent"]) == (1, 1)
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.received) == [
        "ana@example.org",
        "bor@example.org",
    ]
    assert Delivery.objects.count() == 2


def test_a_message_left_by_a_worker_that_died_is_sent_after_its_lease(t0, tolmin, smtp_server):
    # given: a message claimed by a worker that died before sending it
    message = queue(tolmin)
    Message.objects.filter(pk=message.pk).update(status="sending", next_attempt_at=t0 + LEASE,
                                                 attempts=1)  # fmt: skip

    # then: it waits for the lease, and is sent after it
    assert outbox_send(now=t0)["sent"] == 0
    assert outbox_send(now=t0 + LEASE)["sent"] == 1
    assert len(smtp_server.received) == 1


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="concurrent transactions need PostgreSQL; SQLite runs one writer at a time",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(t0, tolmin, smtp_server):
    # given: 20 queued e-mails and two workers starting at the same moment
    for n in range(20):
        queue(tolmin, to=f"member{n}@example.org")
    barrier, results, errors = threading.Barrier(2), [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(outbox_send(now=t0))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then: every message was sent once, by one of them
    assert not errors
    assert sum(r["sent"] for r in results) == 20
    assert sorted(rcpt[0] for rcpt, _ in smtp_server.received) == sorted(
        f"member{n}@example.org" for n in range(20)
    )
    assert Delivery.objects.count() == 20


def test_it_sends_an_sms_through_the_gateway(t0, tolmin, make_member, make_item, sms_gateway):
    # given: Bor wants SMS; a copy he reserves is on the shelf at Kobarid
    bor = make_member(tolmin, "T-bor", first_name="Bor", phone="+386 41 123 456",
                      notify_by="sms")  # fmt: skip
    item = make_item(tolmin, "K1", title="Alamut", branch="kobarid")
    reservation_place(member=bor, item=item, today=date(2026, 4, 1))

    # when
    counts = outbox_send(now=t0)

    # then: the gateway got the text as JSON, with the bearer token
    assert counts["sent"] == 1
    [(payload, auth)] = sms_gateway.received
    assert payload["to"] == "+386 41 123 456"
    assert "Alamut" in payload["text"] and "Knjižnica Kobarid" in payload["text"]
    assert auth == "Bearer s3cret"
    assert "HTTP 200" in Delivery.objects.get().detail


def test_a_gateway_error_is_retried(t0, tolmin, sms_gateway):
    sms_gateway.status = 503
    message = queue(tolmin, to="+386 41 123 456", channel="sms")

    assert outbox_send(now=t0)["retry"] == 1
    assert "503" in Delivery.objects.get(message=message).detail


@pytest.mark.skipif(
    not shutil.which("pdftoppm") and not os.environ.get("CI"),
    reason="pdftoppm and pdftotext (poppler-utils, installed by scripts/setup) are missing",
)
def test_it_prints_a_registered_letter_with_the_items_not_returned(
    t0, tolmin, make_member, make_item, letters_dir
):
    # given: Žan has no e-mail; his two books reach the 3rd notice, by registered mail
    zan = make_member(tolmin, "T-zan", first_name="Žan", last_name="Čuk",
                      address="Trg maršala Tita 7, Tolmin")  # fmt: skip
    assert message_channel(zan, day=date(2026, 5, 1)) == (
        "letter", "Žan Čuk\nTrg maršala Tita 7, Tolmin"
    )  # fmt: skip
    borrow(zan, tolmin, make_item, "Čarobni šal in žaba", "Ščepec soli")
    daily_run(library=tolmin, until=date(2026, 5, 24))
    third = Notice.objects.get(member=zan, level=3)
    assert third.registered_mail

    # when
    outbox_send(now=t0 + timedelta(days=20))

    # then: each notice was printed as a letter; the 3rd is marked registered mail
    letter = Message.objects.get(notice=third)
    assert (letter.channel, letter.status) == ("letter", "sent")
    path = Path(Delivery.objects.get(message=letter).detail.removeprefix("letter to print: "))
    assert path.parent == letters_dir / "tolmin" and path.name.endswith(f"-{letter.pk}.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for expected in ("Knjižnica Cirila Kosmača Tolmin", "Tumov drevored 6, Tolmin",
                     "PRIPOROČENO", "Žan Čuk", "Trg maršala Tita 7", "Čarobni šal in žaba",
                     "Ščepec soli", "T-zan-1", "T-zan-2"):  # fmt: skip
        assert expected in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),
                    str(path.with_suffix(""))], check=True)  # fmt: skip
    [png] = path.parent.glob(f"{path.stem}*.png")
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5_000
    first = Message.objects.get(notice__member=zan, notice__level=1)
    assert "PRIPOROČENO" not in subprocess.run(
        ["pdftotext", next(letters_dir.glob(f"tolmin/*-{first.pk}.pdf")), "-"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
