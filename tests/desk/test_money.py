"""The desk's money pages: price-list sales, corrections with reasons, installment plans,
the day's takings, and Maribor's rule explained where the payment form would be."""

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from bukve.accounts.ledger import ledger_check
from bukve.accounts.models import Charge, Payment
from bukve.accounts.services import SaleLine, open_debt, payment_take, sale_record
from bukve.accounts.settlement import charge_record
from bukve.circulation.daily import daily_run
from bukve.circulation.services import loan_checkout, member_blocks
from bukve.libraries.models import Staff
from bukve.libraries.services import policy_value_set
from bukve.members.models import Member


def page(response):
    return response.content.decode()


def last_message(response):
    return str(list(response.context["messages"])[-1])


@pytest.fixture
def velenje(load_library):
    return load_library("velenje")


@pytest.fixture
def tolmin(load_library):
    return load_library("tolmin")


SALE = reverse("desk:money_sale")


# --- price-list sales -----------------------------------------------------------------------


def test_it_shows_the_price_list_by_group(staff_client, velenje):
    text = page(staff_client(velenje).get(SALE))

    assert "Najem avle, začeta ura" in text and "40,00 €" in text
    assert "Pika Nogavička, lahko branje" in text
    assert "61 min = 2 h" in text  # how a room is charged
    assert "DDV ni obračunan" in text  # Velenje is not a VAT payer


def test_it_says_plainly_when_a_library_has_no_price_list(staff_client, tolmin):
    response = staff_client(tolmin).get(SALE)

    assert response.status_code == 200
    assert 'data-testid="no-price-list"' in page(response)


def test_it_sells_to_a_members_account(staff_client, velenje, make_member):
    # given
    ana = make_member(velenje, "ana")
    desk = staff_client(velenje)
    assert f'value="{ana.card_number}"' in page(desk.get(f"{SALE}?member={ana.pk}"))

    # when: two cloth bags, to Ana's account
    response = desk.post(SALE, {"q_bag": "2", "pay": "account", "card": "ana", "token": "t1"})

    # then: a debt of 4.00, and no payment
    assert response.url == reverse("desk:member", args=[ana.pk]) + "#account"
    charge = Charge.objects.get(member=ana)
    assert (charge.kind, charge.price_code, charge.units, charge.amount) == (
        "sale", "bag", 2, Decimal("4.00"),
    )  # fmt: skip
    assert open_debt(ana) == Decimal("4.00")
    assert Payment.objects.count() == 0


def test_it_sells_to_someone_who_is_not_a_member_for_cash(staff_client, velenje):
    # given
    desk = staff_client(velenje)

    # when: a book of the library's publications, paid in cash, no card
    response = desk.post(SALE, {"q_pub_pika": "1", "pay": "cash", "card": "", "token": "t2"})

    # then: a receipt for 10.00 with no member
    payment = Payment.objects.get()
    assert response.url == reverse("desk:receipt", args=[payment.pk])
    assert (payment.member, payment.method, payment.amount) == (None, "cash", Decimal("10.00"))
    assert payment.receipt_number
    assert Charge.objects.get().open_amount == Decimal("0.00")
    assert "Pika Nogavička" in page(desk.get(response.url))
    assert ledger_check() == []


def test_it_charges_a_room_per_started_hour(staff_client, velenje):
    # when: the foyer for 61 minutes, paid by card
    response = staff_client(velenje).post(
        SALE, {"q_room_foyer": "61", "pay": "card", "token": "t3"}, follow=True
    )

    # then: two started hours of 40.00
    payment = Payment.objects.get()
    assert payment.amount == Decimal("80.00")
    assert Charge.objects.get().units == 2
    assert "61 min = 2 h" in last_message(response)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"pay": "cash"}, "__all__"),  # nothing sold
        ({"q_bag": "0", "pay": "cash"}, "q_bag"),
        ({"q_bag": "x", "pay": "cash"}, "q_bag"),
        ({"q_bag": "10001", "pay": "cash"}, "q_bag"),
        ({"q_pub_silih": "10000", "pay": "cash"}, "__all__"),  # 250 000.00: too much
        ({"q_bag": "1", "pay": "account"}, "card"),  # whose account?
        ({"q_bag": "1", "pay": "cash", "card": "nobody"}, "card"),
        ({"q_bag": "1", "pay": "transfer"}, "pay"),
    ],
)
def test_it_refuses_a_sale_it_cannot_record(staff_client, velenje, data, field):
    response = staff_client(velenje).post(SALE, {**data, "token": "t1"})

    assert response.status_code == 200  # the form again, with its errors
    assert list(response.context["form"].errors) == [field]
    assert Charge.objects.count() == 0 and Payment.objects.count() == 0


def test_it_sells_at_the_price_valid_on_the_day(staff_client, velenje, django_user_model):
    # given: from next week the foyer costs 45.00 an hour
    today = timezone.localdate()
    policy_value_set(library=velenje, path="prices.rooms.items.0.amount", value="45.00",
                     valid_from=today + timedelta(days=7), by=None)  # fmt: skip
    clerk = django_user_model.objects.create_user("clerk")

    # when: an hour sold today, the day before the change and on the day of the change
    def hour(day):
        sold = sale_record(library=velenje, day=day, lines=[SaleLine("room_foyer", 60)],
                           by=clerk, method="cash")  # fmt: skip
        return sold.payment.amount

    # then
    assert hour(today) == Decimal("40.00")
    assert hour(today + timedelta(days=6)) == Decimal("40.00")
    assert hour(today + timedelta(days=7)) == Decimal("45.00")
    # and the desk shows today's price
    assert "45,00 €" not in page(staff_client(velenje).get(SALE))


# --- corrections ----------------------------------------------------------------------------


def test_it_lets_only_a_director_write_off(staff_client, tolmin, make_member):
    # given: a 10.00 charge
    ana = make_member(tolmin, "ana")
    charge = charge_record(member=ana, day=timezone.localdate(), kind="service",
                           amount=Decimal("10.00"))  # fmt: skip
    url = reverse("desk:money_write_off", args=[charge.pk])
    data = {"write_off-amount": "4.00", "write_off-reason": "The debtor cannot be found"}

    # circulation staff and a branch head may not
    assert staff_client(tolmin).post(url, data).status_code == 403
    assert staff_client(tolmin, Staff.BRANCH_HEAD).post(url, data).status_code == 403
    assert "write_off-amount" not in page(
        staff_client(tolmin, Staff.BRANCH_HEAD, username="head2").get(
            reverse("desk:charge", args=[charge.pk])
        )
    )

    # a director must give a reason, and then may
    director = staff_client(tolmin, Staff.DIRECTOR)
    director.post(url, {**data, "write_off-reason": " "})
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("10.00")
    director.post(url, data)

    # then
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("6.00")
    entry = Payment.objects.get(method=Payment.WRITE_OFF)
    assert entry.note == "The debtor cannot be found"
    assert entry.taken_by.username == "tolmin-director"
    text = page(director.get(reverse("desk:charge", args=[charge.pk])))
    assert "The debtor cannot be found" in text and "tolmin-director" in text
    assert ledger_check() == []


def test_it_reverses_a_payment_and_a_charge_with_their_reasons(staff_client, velenje, make_member):
    # given: Ana paid a 10.00 charge by card
    ana = make_member(velenje, "ana")
    today = timezone.localdate()
    charge = charge_record(member=ana, day=today, kind="service", amount=Decimal("10.00"))
    clerk = staff_client(velenje)
    clerk.post(
        reverse("desk:pay", args=[ana.pk]), {"amount": "10.00", "method": "card", "token": "t1"}
    )
    paid = Payment.objects.get()
    pay_back = reverse("desk:money_payment_reverse", args=[paid.pk])
    cancel = reverse("desk:money_charge_reverse", args=[charge.pk])

    # circulation staff may not reverse
    assert clerk.post(pay_back, {"reason": "x"}).status_code == 403
    assert clerk.post(cancel, {"reverse-reason": "x"}).status_code == 403

    # when: a branch head reverses the payment (the card was declined)
    head = staff_client(velenje, Staff.BRANCH_HEAD)
    assert "Storniraj plačilo" in page(head.get(reverse("desk:member", args=[ana.pk])))
    head.post(pay_back, {"reason": "The card was declined"})

    # then: the charge is open again
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("10.00")
    assert Payment.objects.get(reverses=paid).amount == Decimal("-10.00")
    # and a payment is reversed once only
    head.post(pay_back, {"reason": "again"})
    assert Payment.objects.filter(method=Payment.REVERSAL).count() == 1

    # when: the charge itself turns out to be a mistake, and a reason is required
    head.post(cancel, {"reverse-reason": ""})
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("10.00")
    head.post(cancel, {"reverse-reason": "Recorded twice"})

    # then
    charge.refresh_from_db()
    assert charge.open_amount == Decimal("0.00")
    assert open_debt(ana) == Decimal("0.00")
    assert ledger_check() == []
    text = page(head.get(reverse("desk:charge", args=[charge.pk])))
    for words in ("The card was declined", "Recorded twice", "velenje-branch_head",
                  "velenje-circulation", paid.receipt_number):  # fmt: skip
        assert words in text
    assert "Storniraj terjatev" not in text  # done already


def test_it_gives_a_reversed_charges_payment_back_as_credit(staff_client, velenje, make_member):
    # given: Ana paid 10.00 for a charge recorded by mistake, and owes 4.00 besides
    ana = make_member(velenje, "ana")
    today = timezone.localdate()
    wrong = charge_record(member=ana, day=today, kind="service", amount=Decimal("10.00"))
    payment_take(member=ana, day=today, amount=Decimal("10.00"), charges=[wrong])
    other = charge_record(member=ana, day=today, kind="service", amount=Decimal("4.00"))

    # when
    head = staff_client(velenje, Staff.BRANCH_HEAD)
    head.post(reverse("desk:money_charge_reverse", args=[wrong.pk]),
              {"reverse-reason": "Not ours"})  # fmt: skip

    # then: the money pays the other charge, and the rest is a credit
    other.refresh_from_db()
    assert other.open_amount == Decimal("0.00")
    assert ledger_check() == []
    text = page(head.get(reverse("desk:charge", args=[wrong.pk])))
    assert "sproščeno kot dobroimetje" in text and "Not ours" in text


# --- installment plans ----------------------------------------------------------------------


def test_an_installment_plan_keeps_a_member_borrowing_until_it_is_late(
    staff_client, tolmin, make_member, make_item
):
    # given: Tina owes 30.00 for two months, so she cannot borrow (Tolmin art. 35)
    today = timezone.localdate()
    tina = make_member(tolmin, "tina")
    debt = charge_record(member=tina, day=today - relativedelta(months=2), kind="service",
                         amount=Decimal("30.00"))  # fmt: skip
    assert "debt_overdue" in member_blocks(tina, today)
    url = reverse("desk:money_plan", args=[tina.pk])
    data = {"charges": [debt.pk], "installments": "3", "first_due": today.isoformat(),
            "reason": "Social hardship, art. 36"}  # fmt: skip

    # circulation staff may not agree a plan
    assert staff_client(tolmin).post(url, data).status_code == 403

    # when: the director agrees three monthly installments of 10.00 from today
    director = staff_client(tolmin, Staff.DIRECTOR)
    director.post(url, data)

    # then: she borrows while the plan is kept
    assert "debt_overdue" not in member_blocks(tina, today)
    loan_checkout(member=tina, item=make_item(tolmin, "b1"), today=today)
    text = page(director.get(reverse("desk:member", args=[tina.pk])))
    assert 'data-testid="plan"' in text and "Social hardship, art. 36" in text
    assert "10,00 €" in text

    # and once the first installment is a month late, she is blocked until she pays it
    month_later = today + relativedelta(months=1)
    assert "debt_overdue" not in member_blocks(tina, month_later - timedelta(days=1))
    assert "debt_overdue" in member_blocks(tina, month_later)
    payment_take(member=tina, day=month_later, amount=Decimal("10.00"))
    assert "debt_overdue" not in member_blocks(tina, month_later)


def test_it_refuses_a_plan_without_a_reason_or_debts(staff_client, tolmin, make_member):
    today = timezone.localdate()
    tina = make_member(tolmin, "tina")
    debt = charge_record(member=tina, day=today, kind="service", amount=Decimal("30.00"))
    director = staff_client(tolmin, Staff.DIRECTOR)
    url = reverse("desk:money_plan", args=[tina.pk])

    director.post(url, {"charges": [debt.pk], "installments": "3",
                        "first_due": today.isoformat(), "reason": " "})  # fmt: skip
    director.post(url, {"charges": [], "installments": "3", "first_due": today.isoformat(),
                        "reason": "x"})  # fmt: skip
    director.post(url, {"charges": [debt.pk], "installments": "30",
                        "first_due": today.isoformat(), "reason": "x"})  # fmt: skip
    yesterday = (today - timedelta(days=1)).isoformat()
    director.post(url, {"charges": [debt.pk], "installments": "3", "first_due": yesterday,
                        "reason": "x"})  # fmt: skip
    director.post(url, {"charges": [debt.pk], "installments": "3", "first_due": "9999-12-31",
                        "reason": "x"})  # fmt: skip

    assert not tina.plans.exists()


# --- takings --------------------------------------------------------------------------------


def test_it_sums_the_days_takings_per_method(staff_client, velenje, make_member):
    # given: 5.00 cash, 3.00 by card and 2.00 cash taken by mistake and reversed, today;
    # 7.00 still owed
    today = timezone.localdate()
    ana = make_member(velenje, "ana")
    charge_record(member=ana, day=today, kind="service", amount=Decimal("17.00"))
    clerk = staff_client(velenje)
    for amount, method in (("5.00", "cash"), ("3.00", "card"), ("2.00", "cash")):
        clerk.post(
            reverse("desk:pay", args=[ana.pk]),
            {"amount": amount, "method": method, "token": amount + method},
        )
    assert clerk.get(reverse("desk:money_takings")).status_code == 403
    head = staff_client(velenje, Staff.BRANCH_HEAD)
    wrong = Payment.objects.get(amount=Decimal("2.00"))
    head.post(reverse("desk:money_payment_reverse", args=[wrong.pk]), {"reason": "Wrong amount"})

    # when
    response = head.get(reverse("desk:money_takings"), {"date": today.isoformat()})

    # then
    text = page(response)
    per_method = {method: amount for method, _label, amount in response.context["per_method"]}
    assert per_method == {"cash": Decimal("5.00"), "card": Decimal("3.00"),
                          "online": Decimal("0.00"), "transfer": Decimal("0.00")}  # fmt: skip
    assert response.context["total"] == Decimal("8.00")
    assert '<strong data-testid="takings-total">8,00 €</strong>' in text
    assert '<strong data-testid="outstanding">9,00 €</strong>' in text
    assert wrong.receipt_number in text and "Wrong amount" in text
    # another day took nothing; a bad date shows today
    other = head.get(reverse("desk:money_takings"), {"date": "2020-01-01"})
    assert other.context["total"] == Decimal("0.00")
    for nonsense in ("nonsense", "0001-01-01", "9999-12-31"):
        assert head.get(reverse("desk:money_takings"), {"date": nonsense}).status_code == 200


def test_it_reverses_a_walk_in_sale_from_the_days_takings(staff_client, velenje):
    # given: a cloth bag sold for cash to someone who is not a member
    staff_client(velenje).post(SALE, {"q_bag": "1", "pay": "cash", "token": "t4"})
    paid = Payment.objects.get()
    head = staff_client(velenje, Staff.BRANCH_HEAD)
    takings = reverse("desk:money_takings")
    undo = reverse("desk:money_payment_reverse", args=[paid.pk])
    assert undo in page(head.get(takings))

    # when
    response = head.post(undo, {"reason": "The bag was torn"})

    # then: the money and the sale are both undone
    assert response.url.startswith(takings)
    assert head.get(takings).context["total"] == Decimal("0.00")
    assert Charge.objects.get().open_amount == Decimal("0.00")
    assert ledger_check() == []


# --- Maribor: items with a notice come back first --------------------------------------------


def test_it_explains_maribors_rule_instead_of_the_payment_form(
    staff_client, load_library, make_member, make_item
):
    # given: Ana's book has its 1st notice (2.00)
    maribor = load_library("maribor")
    today = timezone.localdate()
    ana = make_member(maribor, "ana")
    book = make_item(maribor, "b1", title="Alamut")
    loan_checkout(member=ana, item=book, today=today - timedelta(days=40),
                  due=today - timedelta(days=19))  # fmt: skip
    daily_run(library=maribor, until=today)
    desk = staff_client(maribor)

    # when
    text = page(desk.get(reverse("desk:member", args=[ana.pk])))

    # then: the rule and the book to return, instead of the payment form
    assert 'data-testid="return-first"' in text
    assert "Alamut" in text and "b1" in text
    assert reverse("desk:pay", args=[ana.pk]) not in text


# --- collection -----------------------------------------------------------------------------


def test_the_director_hands_over_from_the_desk_after_confirming(
    staff_client, load_library, make_member, make_item
):
    # given: Tina's book has had its 4th notice by today
    tolmin = load_library("tolmin")
    today = timezone.localdate()
    tina = make_member(tolmin, "TO1", first_name="Tina")
    loan_checkout(member=tina, item=make_item(tolmin, "t1", title="Bela krizantema"),
                  today=today - timedelta(days=100), due=today - timedelta(days=80))  # fmt: skip
    daily_run(library=tolmin, until=today)
    url = reverse("desk:money_collection")
    assert staff_client(tolmin, Staff.BRANCH_HEAD).get(url).status_code == 403
    director = staff_client(tolmin, Staff.DIRECTOR)
    text = director.get(url).content.decode()
    assert 'data-testid="candidates"' in text and "Bela krizantema" in text

    # when: without the confirmation nothing happens; with it, she is handed over
    director.post(reverse("desk:money_hand_over"), {})
    assert Member.objects.get(pk=tina.pk).in_collection_since is None
    director.post(reverse("desk:money_hand_over"), {"confirm": "on"})

    # then
    assert Member.objects.get(pk=tina.pk).in_collection_since == today
    text = director.get(url).content.decode()
    assert 'data-testid="in-collection"' in text and "Bela krizantema" in text
    export = director.get(reverse("desk:money_collection_export"))
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in export["Content-Disposition"]
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\nTO1;Tina;" in text


def test_maribor_has_no_hand_over_button(staff_client, load_library):
    maribor = load_library("maribor")

    text = staff_client(maribor, Staff.DIRECTOR).get(reverse("desk:money_collection"))

    assert reverse("desk:money_hand_over") not in text.content.decode()


def test_a_sale_sent_twice_is_sold_once(staff_client, velenje, make_member):
    ana = make_member(velenje, "ana")
    desk = staff_client(velenje)
    sale = {"q_bag": "2", "pay": "account", "card": "ana", "token": "once"}

    desk.post(SALE, sale)
    desk.post(SALE, sale)
    desk.post(SALE, {"q_pub_pika": "1", "pay": "cash", "token": "walk-in"})
    desk.post(SALE, {"q_pub_pika": "1", "pay": "cash", "token": "walk-in"})

    assert Charge.objects.filter(member=ana, kind="sale").count() == 1
    assert Payment.objects.filter(member=None).count() == 1
    assert ledger_check() == []
