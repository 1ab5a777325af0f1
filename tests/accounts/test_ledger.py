"""The ledger is append-only and adds up: corrections are entries of their own, a payment
can pick charges, and any sequence of charges, payments, reversals, waivers and write-offs
keeps every balance equal to its entries and never settles more than was charged."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bukve.accounts.ledger import ledger_check
from bukve.accounts.models import Allocation, Charge, Payment
from bukve.accounts.services import (
    balance,
    charge_correct,
    charge_reverse,
    credit,
    has_old_debt,
    installment_plan_create,
    open_debt,
    payment_reverse,
    payment_take,
    plan_arrears,
    takings,
)
from bukve.accounts.settlement import charge_record
from bukve.refusals import Refused

DAY = date(2026, 3, 2)


@pytest.fixture
def velenje(load_library):
    return load_library("velenje")


@pytest.fixture
def ana(velenje, make_member):
    return make_member(velenje, "ana")


@pytest.fixture
def director(db):
    return User.objects.create_user("director")


def owe(member, day, amount, kind="service"):
    return charge_record(member=member, day=day, kind=kind, amount=Decimal(amount))


def test_it_settles_the_picked_charges_first(ana):
    # given: three charges, the newest picked
    old = owe(ana, DAY, "2.00")
    mid = owe(ana, DAY + timedelta(days=1), "3.00")
    new = owe(ana, DAY + timedelta(days=2), "4.00")

    # when: 5.00 with the newest picked
    payment = payment_take(member=ana, day=DAY + timedelta(days=3), amount=Decimal("5.00"),
                           charges=[new])  # fmt: skip

    # then: the newest is paid, the rest of the money goes oldest first
    opens = {c.pk: c.open_amount for c in Charge.objects.filter(member=ana)}
    assert opens == {old.pk: Decimal("1.00"), mid.pk: Decimal("3.00"), new.pk: Decimal("0.00")}
    assert payment.receipt_number == "2026-000001"
    assert ledger_check() == []


def test_it_pays_exactly_the_picked_charges_without_an_amount(ana):
    owe(ana, DAY, "2.00")
    picked = owe(ana, DAY, "3.50")

    payment = payment_take(member=ana, day=DAY, charges=[picked])

    assert payment.amount == Decimal("3.50")
    assert open_debt(ana) == Decimal("2.00")


def test_it_refuses_a_picked_charge_that_is_paid_or_someone_elses(ana, velenje, make_member):
    bor = make_member(velenje, "bor")
    theirs = owe(bor, DAY, "1.00")

    with pytest.raises(Refused) as refused:
        payment_take(member=ana, day=DAY, amount=Decimal("1.00"), charges=[theirs])

    assert refused.value.code == "charge_not_open"
    assert not Payment.objects.exists()


def test_it_numbers_receipts_per_library_and_year(ana, velenje, make_member, load_library):
    owe(ana, DAY, "9.00")
    maribor_member = make_member(load_library("maribor"), "mb")
    owe(maribor_member, DAY, "1.00")

    numbers = [
        payment_take(member=ana, day=DAY, amount=Decimal("1.00")).receipt_number,
        payment_take(member=ana, day=DAY, amount=Decimal("1.00")).receipt_number,
        payment_take(member=maribor_member, day=DAY).receipt_number,
        payment_take(member=ana, day=date(2027, 1, 4), amount=Decimal("1.00")).receipt_number,
    ]

    assert numbers == ["2026-000001", "2026-000002", "2026-000001", "2027-000001"]


def test_a_reversed_charge_gives_its_payment_back_as_credit_for_other_debts(ana, director):
    # given: a wrong charge paid in full, and another debt recorded after it
    wrong = owe(ana, DAY, "5.00")
    paid = payment_take(member=ana, day=DAY)
    other = owe(ana, DAY + timedelta(days=1), "2.00")

    # when
    reversal = charge_reverse(charge=wrong, reason="recorded twice", by=director,
                              day=DAY + timedelta(days=2))  # fmt: skip

    # then: the 5.00 pays the other debt and 3.00 stays as credit
    other.refresh_from_db()
    paid.refresh_from_db()
    assert (reversal.method, reversal.amount, reversal.note) == ("reversal", Decimal("5.00"),
                                                                 "recorded twice")  # fmt: skip
    assert other.open_amount == Decimal("0.00")
    assert credit(ana) == Decimal("3.00") == -balance(ana)
    assert ledger_check() == []

    # and a second reversal is refused
    with pytest.raises(Refused) as refused:
        charge_reverse(charge=wrong, reason="again", by=director, day=DAY)
    assert refused.value.code == "already_reversed"


def test_a_reversed_payment_reopens_what_it_paid(ana, director):
    fine = owe(ana, DAY, "4.00", kind="fine")
    payment = payment_take(member=ana, day=DAY, method="card")

    reversal = payment_reverse(payment=payment, reason="card declined", by=director, day=DAY)

    fine.refresh_from_db()
    assert fine.open_amount == Decimal("4.00")
    assert reversal.amount == Decimal("-4.00") and reversal.reverses == payment
    assert open_debt(ana) == balance(ana) == Decimal("4.00")
    assert takings(ana.library, DAY)["card"] == Decimal("0.00")
    assert ledger_check() == []
    # the original entries are all still there
    assert Allocation.objects.filter(payment=payment).count() == 2


def test_a_correction_needs_a_reason_and_cannot_be_reversed(ana, director):
    fine = owe(ana, DAY, "4.00", kind="fine")

    with pytest.raises(Refused) as no_reason:
        charge_correct(charge=fine, kind="write_off", amount=Decimal("4.00"), reason=" ",
                       by=director, day=DAY)  # fmt: skip
    write_off = charge_correct(charge=fine, kind="write_off", amount=Decimal("4.00"),
                               reason="member deceased", by=director, day=DAY)  # fmt: skip
    with pytest.raises(Refused) as final:
        payment_reverse(payment=write_off, reason="oops", by=director, day=DAY)

    assert (no_reason.value.code, final.value.code) == ("reason_required", "not_a_payment")
    assert open_debt(ana) == Decimal("0.00")
    assert takings(ana.library, DAY) == {m: Decimal("0.00") for m in Payment.MONEY}


def test_the_check_finds_a_running_sum_that_does_not_match_its_entries(ana):
    charge = owe(ana, DAY, "3.00")
    Charge.objects.filter(pk=charge.pk).update(open_amount=Decimal("2.00"))

    assert ledger_check() == [f"charge {charge.pk}: open 2.00, entries say 3.00"]


def test_an_installment_plan_keeps_old_debts_from_blocking_while_it_is_kept(
    load_library, make_member, director
):
    # given: Tolmin blocks on a debt older than a month (art. 35)
    tolmin = load_library("tolmin")
    eva = make_member(tolmin, "eva")
    debt = owe(eva, DAY, "30.00")
    assert has_old_debt(eva, DAY + timedelta(days=40), 1)

    # when: the director allows three installments from 1 April (art. 36)
    plan = installment_plan_create(member=eva, charges=[debt], installments=3,
                                   first_due=date(2026, 4, 1), reason="social circumstances",
                                   by=director, day=date(2026, 3, 20))  # fmt: skip

    # then: no block while the installments are paid, a block once one is a month late
    assert [i.amount for i in plan.installments.all()] == [Decimal("10.00")] * 3
    assert not has_old_debt(eva, date(2026, 4, 30), 1)
    assert has_old_debt(eva, date(2026, 5, 1), 1)
    assert plan_arrears(plan, date(2026, 5, 1), 1) == Decimal("10.00")
    payment_take(member=eva, day=date(2026, 5, 1), amount=Decimal("10.00"))
    assert not has_old_debt(eva, date(2026, 5, 31), 1)
    assert has_old_debt(eva, date(2026, 6, 1), 1)


def test_an_installment_plan_splits_odd_cents_into_the_first(ana, director):
    debt = owe(ana, DAY, "10.00")

    plan = installment_plan_create(member=ana, charges=[debt], installments=3, first_due=DAY,
                                   reason="request", by=director, day=DAY)  # fmt: skip

    assert [i.amount for i in plan.installments.all()] == [
        Decimal("3.34"), Decimal("3.33"), Decimal("3.33")
    ]  # fmt: skip


# --- any sequence keeps the ledger whole --------------------------------------------------------

cents = st.integers(min_value=1, max_value=5000).map(lambda c: Decimal(c) / 100)
step = st.one_of(
    st.tuples(st.just("charge"), st.sampled_from(["ana", "bor"]), cents),
    st.tuples(st.just("pay"), st.sampled_from(["ana", "bor"]), st.none() | cents),
    st.tuples(st.just("pay_picked"), st.integers(0, 20), st.none() | cents),
    st.tuples(st.just("waive"), st.integers(0, 20), cents),
    st.tuples(st.just("write_off"), st.integers(0, 20), cents),
    st.tuples(st.just("reverse_charge"), st.integers(0, 20), st.none()),
    st.tuples(st.just("reverse_payment"), st.integers(0, 20), st.none()),
)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(steps=st.lists(step, max_size=14))
def test_any_sequence_keeps_every_balance_equal_to_its_entries(
    velenje, make_member, director, steps
):
    with transaction.atomic():
        members = {name: make_member(velenje, f"p-{name}") for name in ("ana", "bor")}
        for n, (op, who, value) in enumerate(steps):
            day = DAY + timedelta(days=n)
            charges = list(Charge.objects.order_by("pk"))
            payments = list(Payment.objects.filter(method__in=Payment.MONEY).order_by("pk"))
            try:
                if op == "charge":
                    owe(members[who], day, value)
                elif op == "pay":
                    payment_take(member=members[who], day=day, amount=value)
                elif op == "pay_picked" and charges:
                    picked = charges[who % len(charges)]
                    payment_take(member=picked.member, day=day, amount=value, charges=[picked])
                elif op in ("waive", "write_off") and charges:
                    kind = "waiver" if op == "waive" else "write_off"
                    charge_correct(charge=charges[who % len(charges)], kind=kind, amount=value,
                                   reason="test", by=director, day=day)  # fmt: skip
                elif op == "reverse_charge" and charges:
                    charge_reverse(charge=charges[who % len(charges)], reason="test",
                                   by=director, day=day)  # fmt: skip
                elif op == "reverse_payment" and payments:
                    payment_reverse(payment=payments[who % len(payments)], reason="test",
                                    by=director, day=day)  # fmt: skip
            except Refused:
                pass
            assert ledger_check() == []
            for member in members.values():
                assert balance(member) == open_debt(member) - credit(member)
                assert open_debt(member) >= 0 and credit(member) >= 0
            # summed in Python: SQLite adds decimals as floats
            charged = sum(Charge.objects.values_list("amount", flat=True), Decimal(0))
            settled = sum(Allocation.objects.values_list("amount", flat=True), Decimal(0))
            assert 0 <= settled <= charged
        transaction.set_rollback(True)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="PostgreSQL's numeric(9, 2) refuses such an amount itself",
)
def test_the_check_names_an_amount_the_ledger_cannot_hold_instead_of_crashing(velenje, ana):
    # given: a charge of a thousand million, written by hand into SQLite, which keeps it
    charge = charge_record(member=ana, day=DAY, kind="fine", amount=Decimal("1.00"))
    payment_take(member=ana, day=DAY, amount=Decimal("1.00"))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_charge SET amount = 1000000000, open_amount = 1000000000"
                       " WHERE id = %s", [charge.pk])  # fmt: skip

    # when
    problems = ledger_check()

    # then: it is named, and the rest is still checked
    assert f"charge {charge.pk}: an amount beyond what the ledger holds" in problems
