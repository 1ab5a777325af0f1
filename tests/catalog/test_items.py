"""Copies are created, changed, moved and withdrawn through services, with who and when."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from bukve import refusals
from bukve.catalog.models import Item, Record
from bukve.catalog.services import ItemFields, item_create, item_update, item_withdraw
from bukve.libraries.models import Branch, Library
from bukve.refusals import Refused

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.fixture
def setting() -> tuple[Record, Branch, Branch, User]:
    library = Library.objects.create(code="tst", name="Test")
    main = Branch.objects.create(library=library, code="main", name="Main")
    east = Branch.objects.create(library=library, code="east", name="East")
    record = Record.objects.create(library=library, key="1", title="Alamut")
    return record, main, east, User.objects.create(username="cataloguer")


def test_a_copy_is_created_moved_and_withdrawn(setting) -> None:
    record, main, east, user = setting
    values = ItemFields(barcode=" TST1 ", branch=main, call_number="821 BARTOL",
                        price=Decimal("19.90"), rfid="E2801160")  # fmt: skip
    item = item_create(record=record, values=values, by=user)
    assert (item.barcode, item.status, item.created_by) == ("TST1", Item.SHELF, user)
    item = item_update(item=item, values=ItemFields(barcode="TST1", branch=east), by=user)
    assert item.branch == east and item.updated_by == user
    item = item_withdraw(item=item, today=TODAY, by=user)
    assert (item.status, item.withdrawn_on) == (Item.WITHDRAWN, TODAY)
    with pytest.raises(Refused) as refused:
        item_withdraw(item=item, today=TODAY, by=user)
    assert refused.value.code == "item_withdrawn"


def test_a_barcode_is_the_librarys_once(setting) -> None:
    record, main, _east, user = setting
    item_create(record=record, values=ItemFields(barcode="TST1", branch=main), by=user)
    with pytest.raises(Refused) as refused:
        item_create(record=record, values=ItemFields(barcode="TST1", branch=main), by=user)
    assert refused.value.code == "barcode_taken"
    assert Item.objects.count() == 1


@pytest.mark.parametrize("status,code", [(Item.LOAN, "item_on_loan"), (Item.HELD, "item_held")])
def test_a_copy_out_or_held_is_not_withdrawn(setting, status: str, code: str) -> None:
    record, main, _east, user = setting
    item = item_create(record=record, values=ItemFields(barcode="TST1", branch=main), by=user)
    Item.objects.filter(pk=item.pk).update(status=status)
    with pytest.raises(Refused) as refused:
        item_withdraw(item=item, today=TODAY, by=user)
    assert refused.value.code == code
    item.refresh_from_db()
    assert item.status == status


def test_a_withdrawn_copy_is_neither_lent_nor_reserved(load_library, make_member, make_item):
    from bukve.circulation.holds import reservation_place
    from bukve.circulation.services import loan_checkout

    tolmin = load_library("tolmin")
    member = make_member(tolmin, "T0001")
    item = make_item(tolmin, "T1")
    item_withdraw(item=item, today=TODAY, by=None)
    with pytest.raises(Refused) as refused:
        loan_checkout(member=member, item=item, today=TODAY)
    assert refused.value.code == "item_not_available"
    assert refused.value.precise == refusals.WITHDRAWN
    with pytest.raises(Refused) as refused:
        reservation_place(member=member, item=item, today=TODAY)
    assert refused.value.code == "item_withdrawn"
