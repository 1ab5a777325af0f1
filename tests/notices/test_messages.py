"""What goes into the outbox and when: reminders before the due date and before a notice
(Tolmin art. 27), the hold shelf, a membership about to run out; in the addressee's language,
to the guardian for a child; once per day however often the day is run."""

from datetime import date

import pytest
from django.utils import translation

from bukve.circulation.daily import daily_run_day
from bukve.circulation.holds import reservation_place
from bukve.circulation.services import loan_checkout
from bukve.notices.models import Message


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


@pytest.fixture
def cast(tolmin, make_member):
    """Ana reads Slovenian, Eve English; Pia wants letters; Tim, 9, is Ana's son."""
    ana = make_member(tolmin, "T-ana", first_name="Ana", last_name="Novak",
                      email="ana@example.org")  # fmt: skip
    eve = make_member(tolmin, "T-eve", first_name="Eve", last_name="Smith",
                      email="eve@example.org", language="en")  # fmt: skip
    pia = make_member(tolmin, "T-pia", first_name="Pia", phone="+386 40 111 222",
                      notify_by="letter", address="Ledina 1, Bovec")  # fmt: skip
    tim = make_member(tolmin, "T-tim", first_name="Tim", last_name="Novak", category="child",
                      born=date(2017, 5, 5), guardian=ana)  # fmt: skip
    return ana, eve, pia, tim


def lend(tolmin, make_item, member, title, day=date(2026, 4, 1)):
    item = make_item(tolmin, f"{member.card_number}-{title[:3]}", title=title)
    return loan_checkout(member=member, item=item, today=day)


def messages(kind):
    return list(Message.objects.filter(kind=kind).order_by("to", "member_id"))


def test_a_reminder_goes_three_days_before_the_due_date_in_the_members_language(
    tolmin, cast, make_item
):
    # given: loans due on 29 April (Tolmin: 28 days)
    ana, eve, pia, tim = cast
    for member in cast:
        lend(tolmin, make_item, member, "Martin Krpan")
    lend(tolmin, make_item, eve, "Alamut")

    # when: the daily run of 25 and 26 April
    daily_run_day(library=tolmin, day=date(2026, 4, 25))
    assert messages("reminder_due") == []
    daily_run_day(library=tolmin, day=date(2026, 4, 26))

    # then: one reminder each, by e-mail; Tim's goes to Ana; Pia (letters) gets none
    ana_own, ana_tim, eve_msg = messages("reminder_due")
    assert [(m.member, m.to, m.channel) for m in (ana_own, ana_tim, eve_msg)] == [
        (ana, "ana@example.org", "email"),
        (tim, "ana@example.org", "email"),
        (eve, "eve@example.org", "email"),
    ]
    # Eve reads English; the items are listed
    assert eve_msg.language == "en"
    assert eve_msg.subject.startswith("Your loan period ends on 29. 4. 2026")
    assert "Martin Krpan" in eve_msg.body and "Alamut" in eve_msg.body
    assert "Dear Eve Smith" in eve_msg.body
    # Ana's are in Slovenian
    with translation.override("sl"):
        subject = translation.gettext("Your loan period ends on %(due)s") % {"due": "29. 4. 2026"}
    assert ana_own.language == "sl" and ana_own.subject.startswith(subject)
    assert subject != "Your loan period ends on 29. 4. 2026"
    assert "Tim Novak" in Message.objects.get(member=tim).body

    # running the day again queues nothing
    assert daily_run_day(library=tolmin, day=date(2026, 4, 26)) is None
    assert Message.objects.count() == 3


def test_a_reminder_goes_three_days_before_a_notice_falls_due(tolmin, cast, make_item):
    # given: Eve's book was due on 29 April; the 1st notice falls due on 4 May
    _, eve, _, _ = cast
    lend(tolmin, make_item, eve, "Alamut")

    # when
    daily_run_day(library=tolmin, day=date(2026, 5, 1))

    # then
    [reminder] = messages("reminder_notice")
    assert reminder.to == "eve@example.org"
    assert reminder.subject.startswith("Notice no. 1 on 4. 5. 2026")
    assert "Alamut" in reminder.body
    assert messages("reminder_due") == []


def test_the_hold_shelf_tells_the_member_where_and_until_when(tolmin, cast, make_item):
    # given: a copy of Alamut on the shelf at Kobarid
    _, eve, pia, _ = cast
    item = make_item(tolmin, "K1", title="Alamut", branch="kobarid")

    # when: Eve reserves it on Wednesday 1 April
    reservation = reservation_place(member=eve, item=item, today=date(2026, 4, 1))

    # then: she is told to collect it at Kobarid by the 5th open day (6 April is Easter Monday)
    [ready] = messages("hold_ready")
    assert (ready.member, ready.to, ready.language) == (eve, "eve@example.org", "en")
    assert reservation.hold_expires == date(2026, 4, 9)
    assert "Alamut" in ready.body and "Knjižnica Kobarid" in ready.body
    assert "9. 4. 2026" in ready.body and "Gregorčičeva 20, Kobarid" in ready.body

    # and Pia, who gets no e-mail or SMS, gets a letter
    reservation_place(
        member=pia, item=make_item(tolmin, "K2", title="Kekec"), today=date(2026, 4, 1)
    )
    letter = Message.objects.get(member=pia, kind="hold_ready")
    assert (letter.channel, letter.to) == ("letter", "Pia\nLedina 1, Bovec")


def test_a_membership_about_to_run_out_is_told_two_weeks_before(tolmin, cast):
    # given: Eve's membership is paid until 15 May; Tim's until 16 May
    ana, eve, _, tim = cast
    eve.expires, tim.expires = date(2026, 5, 15), date(2026, 5, 16)
    eve.save(update_fields=["expires"])
    tim.save(update_fields=["expires"])

    # when
    daily_run_day(library=tolmin, day=date(2026, 5, 1))
    daily_run_day(library=tolmin, day=date(2026, 5, 2))
    daily_run_day(library=tolmin, day=date(2026, 5, 2))

    # then: one message each, on the 14th day before; Tim's to his mother
    eve_msg, tim_msg = Message.objects.filter(kind="membership_expiring").order_by("id")
    assert (eve_msg.member, eve_msg.to) == (eve, "eve@example.org")
    assert "15. 5. 2026" in eve_msg.body
    assert (tim_msg.member, tim_msg.to, tim_msg.language) == (tim, "ana@example.org", "sl")
