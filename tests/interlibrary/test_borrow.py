"""Borrowing a title from another library for a member: each step, the fees of each library's
price list, the charge when it is not collected, and the refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from bukve.accounts.models import Charge
from bukve.accounts.services import payment_take
from bukve.accounts.settlement import charge_record
from bukve.interlibrary.models import IllRequest
from bukve.interlibrary.selectors import (
    ill_overdue,
    ill_requests_open,
    ill_waiting,
    member_ill_requests,
)
from bukve.interlibrary.services import (
    ill_cancel,
    ill_lend_out,
    ill_not_collected,
    ill_receive,
    ill_request,
    ill_return,
    ill_send_back,
)
from bukve.notices.models import Message
from bukve.refusals import Refused

DAY = date(2026, 4, 7)  # a Tuesday, after every preset's price list took effect


@pytest.fixture
def desk(db):
    return User.objects.create_user("desk", password="x")


def ordered(member, desk, **fields):
    fields.setdefault("title", "Alamut")
    fields.setdefault("partner", "Mestna knjižnica Ljubljana")
    return ill_request(member=member, staff_user=desk, today=DAY, **fields)


def charges_of(member):
    return list(
        Charge.objects.filter(member=member).order_by("id").values_list("date", "kind", "amount")
    )


def refusal(service, **kwargs):
    with pytest.raises(Refused) as info:
        service(**kwargs)
    return info.value


def test_it_takes_a_title_through_every_step_and_charges_maribors_fee(
    load_library, make_member, desk
):
    # given: Ana asks Maribor's desk for a title from Ljubljana
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana", email="ana@example.org")

    # when: it is ordered, arrives, is collected, brought back and sent back
    request = ordered(ana, desk, author="Vladimir Bartol", isbn="9789610104", partner_code="LJMK")
    received = ill_receive(request=request, due=date(2026, 5, 5), today=date(2026, 4, 10))
    collected = ill_lend_out(request=request, staff_user=desk, today=date(2026, 4, 13))
    returned = ill_return(request=request, staff_user=desk, today=date(2026, 5, 4))
    sent = ill_send_back(request=request, staff_user=desk, today=date(2026, 5, 5))

    # then: each step has its day and who took it
    assert request.status == IllRequest.REQUESTED and request.requested_on == DAY
    assert (request.created_by, request.partner_code) == (desk, "LJMK")
    assert (received.status, received.received_on, received.due_date) == (
        IllRequest.RECEIVED, date(2026, 4, 10), date(2026, 5, 5),
    )  # fmt: skip
    assert (collected.status, collected.loaned_on) == (IllRequest.ON_LOAN, date(2026, 4, 13))
    assert (returned.status, returned.returned_on) == (IllRequest.RETURNED, date(2026, 5, 4))
    assert (sent.status, sent.sent_back_on, sent.updated_by) == (
        IllRequest.SENT_BACK, date(2026, 5, 5), desk,
    )  # fmt: skip

    # and Ana paid 7.00 per unit (Maribor's price list, point 7) when she collected it
    assert charges_of(ana) == [(date(2026, 4, 13), "ill", Decimal("7.00"))]
    fee = Charge.objects.get(member=ana)
    assert (fee.price_code, fee.unit_price, fee.units, fee.created_by) == (
        "ill", Decimal("7.00"), 1, desk,
    )  # fmt: skip
    assert sent.fee == fee and fee.note == "Alamut"


def test_the_member_is_told_the_title_is_ready(load_library, make_member, desk):
    # given: Eve reads English and is told by e-mail
    tolmin = load_library("tolmin")
    eve = make_member(tolmin, "eve", first_name="Eve", email="eve@example.org", language="en")
    kobarid = tolmin.branches.get(code="kobarid")
    request = ordered(eve, desk, branch=kobarid, partner="Goriška knjižnica")

    # when
    ill_receive(request=request, due=date(2026, 5, 5), staff_user=desk, today=DAY)

    # then: one e-mail, in English, naming the title, the partner and where to collect it
    [ready] = Message.objects.filter(kind="ill_ready")
    assert (ready.member, ready.channel, ready.to, ready.language) == (
        eve, "email", "eve@example.org", "en",
    )  # fmt: skip
    assert "Alamut" in ready.body and "Goriška knjižnica" in ready.body
    assert "Knjižnica Kobarid" in ready.body and "arrived" in ready.subject


def test_the_message_is_slovenian_for_a_slovenian_reader(load_library, make_member, desk):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana", email="ana@example.org")

    # when
    ill_receive(request=ordered(ana, desk), due=date(2026, 5, 5), today=DAY)

    # then: Maribor's price list charges nothing for a title not collected, so none is named
    [ready] = Message.objects.filter(kind="ill_ready")
    assert ready.language == "sl" and "po medknjižnični izposoji" in ready.subject + ready.body
    assert "Prispelo" not in ready.body and "zaračunamo" not in ready.body


def test_the_message_names_what_not_collecting_costs(load_library, make_member, desk):
    # given: Velenje charges 8.00 for an interlibrary loan not picked up
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana", email="ana@example.org")
    eve = make_member(velenje, "eve", email="eve@example.org", language="en")

    # when
    for member in (ana, eve):
        ill_receive(request=ordered(member, desk), due=date(2026, 5, 5), today=DAY)

    # then: in each reader's language
    assert "zaračunamo 8,00 €" in Message.objects.get(member=ana).body
    assert "€8.00 is charged" in Message.objects.get(member=eve).body


@pytest.mark.parametrize(
    ("library", "collected", "not_collected"),
    [
        ("maribor", "7.00", None),  # point 7; nothing said of an item not collected
        ("velenje", "8.00", "8.00"),  # "8.00 per unit"; "not picked up 8.00"
        ("tolmin", "7.00", "7.00"),  # art. 47: pays even if not collected (amount assumed)
        ("ravne", "7.00", None),  # Maribor's rules (RULES.md 5), assumed
    ],
)
def test_each_library_charges_per_its_price_list(
    load_library, make_member, desk, library, collected, not_collected
):
    # given: two members each ordered a title, and both titles arrived
    lib = load_library(library)
    ana, bor = make_member(lib, "ana"), make_member(lib, "bor")
    first, second = ordered(ana, desk), ordered(bor, desk)
    for request in (first, second):
        ill_receive(request=request, due=date(2026, 5, 5), today=DAY)

    # when: Ana collects hers, Bor never does
    ill_lend_out(request=first, today=date(2026, 4, 8))
    closed = ill_not_collected(request=second, staff_user=desk, today=date(2026, 4, 20))

    # then
    assert charges_of(ana) == [(date(2026, 4, 8), "ill", Decimal(collected))]
    expected = [(date(2026, 4, 20), "ill", Decimal(not_collected))] if not_collected else []
    assert charges_of(bor) == expected
    assert (closed.status, closed.closed_on) == (IllRequest.NOT_COLLECTED, date(2026, 4, 20))
    assert (closed.fee is None) == (not_collected is None)

    # and the title not collected still goes back to the partner
    assert ill_send_back(request=closed, today=date(2026, 4, 21)).status == IllRequest.SENT_BACK


def test_a_free_partner_costs_the_member_nothing(load_library, make_member, desk):
    # given: Velenje's interlibrary loans from libraries in the Celje area are free
    velenje = load_library("velenje")
    ana, bor = make_member(velenje, "ana"), make_member(velenje, "bor")
    first = ordered(ana, desk, partner="Osrednja knjižnica Celje", free=True)
    second = ordered(bor, desk, partner="Osrednja knjižnica Celje", free=True)
    for request in (first, second):
        ill_receive(request=request, due=date(2026, 5, 5), today=DAY)

    # when
    ill_lend_out(request=first, today=DAY)
    ill_not_collected(request=second, today=date(2026, 4, 20))

    # then
    assert charges_of(ana) == charges_of(bor) == []


def test_the_fee_is_paid_from_the_members_credit(load_library, make_member, desk):
    # given: Ana has 10.00 of credit at Velenje
    velenje = load_library("velenje")
    ana = make_member(velenje, "ana")
    payment_take(member=ana, amount=Decimal("10.00"), method="cash", day=DAY)
    request = ordered(ana, desk)
    ill_receive(request=request, due=date(2026, 5, 5), today=DAY)

    # when
    ill_lend_out(request=request, today=DAY)

    # then
    assert Charge.objects.get(member=ana, kind="ill").open_amount == Decimal("0.00")


def test_a_member_registered_online_and_not_signed_has_no_interlibrary_loans(
    load_library, make_member, desk
):
    # given: Ravne's member registered online and has not signed yet (seed 000)
    ravne = load_library("ravne")
    nina = make_member(ravne, "nina", restricted=True)

    # when
    refused = refusal(ill_request, member=nina, title="Alamut", partner="KOK", today=DAY)

    # then
    assert refused.code == "membership_restricted"
    with translation.override("en"):
        assert "interlibrary loans are not possible" in refused.sentence
    with translation.override("sl"):
        assert "medknjižnična izposoja" in refused.sentence
    assert not IllRequest.objects.exists()


def test_a_member_in_collection_can_order_nothing(load_library, make_member, desk):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana", in_collection_since=date(2026, 3, 1))

    # when
    refused = refusal(ill_request, member=ana, title="Alamut", partner="MKL", today=DAY)

    # then
    assert refused.code == "in_collection"


def test_a_block_that_arises_meanwhile_stops_the_collection(load_library, make_member, desk):
    # given: Tolmin blocks a debt older than a month; Ana's title arrived
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "ana")
    request = ordered(ana, desk)
    ill_receive(request=request, due=date(2026, 5, 20), today=DAY)
    charge_record(member=ana, day=DAY, kind="service", amount=Decimal("2.00"))

    # when: she comes for it a month later
    refused = refusal(ill_lend_out, request=request, today=date(2026, 5, 7))

    # then: nothing changed; she pays first
    assert refused.code == "debt_overdue"
    request.refresh_from_db()
    assert request.status == IllRequest.RECEIVED and request.fee is None


def test_a_step_out_of_order_is_refused(load_library, make_member, desk):
    # given: a title ordered and not arrived yet
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    request = ordered(ana, desk)

    # when: the desk tries to lend it out or send it back
    refused = refusal(ill_lend_out, request=request, today=DAY)
    also = refusal(ill_send_back, request=request, today=DAY)

    # then
    assert refused.code == also.code == "ill_wrong_step"
    with translation.override("en"):
        assert refused.sentence.endswith("its status: requested.")
    assert charges_of(ana) == []


def test_a_due_date_in_the_past_is_refused(load_library, make_member, desk):
    maribor = load_library("maribor")
    request = ordered(make_member(maribor, "ana"), desk)

    assert refusal(ill_receive, request=request, due=date(2026, 4, 6), today=DAY).code == (
        "date_in_past"
    )


def test_a_request_is_cancelled_before_it_arrives_and_not_after(load_library, make_member, desk):
    # given
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")
    first, second = ordered(ana, desk), ordered(ana, desk, title="Kekec")
    ill_receive(request=second, due=date(2026, 5, 5), today=DAY)

    # when
    cancelled = ill_cancel(request=first, staff_user=desk, today=date(2026, 4, 8))

    # then: the one that arrived is collected or not collected, not cancelled
    assert (cancelled.status, cancelled.closed_on) == (IllRequest.CANCELLED, date(2026, 4, 8))
    assert refusal(ill_cancel, request=second, today=DAY).code == "ill_wrong_step"
    assert charges_of(ana) == []


def test_an_empty_title_is_refused(load_library, make_member, desk):
    maribor = load_library("maribor")
    ana = make_member(maribor, "ana")

    assert refusal(ill_request, member=ana, title=" ", partner="MKL", today=DAY).code == (
        "title_required"
    )


def test_the_lists_of_the_desk(load_library, make_member, desk):
    # given: Ana's title waits for her, Bor's is on loan past its due date, Cene's was sent back
    maribor = load_library("maribor")
    ana, bor, cene = (make_member(maribor, card) for card in ("ana", "bor", "cene"))
    waiting, late, done = ordered(ana, desk), ordered(bor, desk), ordered(cene, desk)
    for request in (waiting, late, done):
        ill_receive(request=request, due=date(2026, 4, 20), today=DAY)
    ill_lend_out(request=late, today=DAY)
    ill_not_collected(request=done, today=DAY)
    ill_send_back(request=done, today=DAY)

    # then
    assert list(ill_waiting(maribor)) == [waiting]
    assert list(ill_overdue(maribor, date(2026, 4, 21))) == [late]
    assert list(ill_overdue(maribor, date(2026, 4, 20))) == []
    assert list(ill_requests_open(maribor)) == [waiting, late]
    assert list(member_ill_requests(bor)) == [late] and list(member_ill_requests(cene)) == []
