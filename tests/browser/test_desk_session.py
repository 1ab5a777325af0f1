"""A desk session in the browser: log in, find a member by a scanned card, check out three
items (one refused, with its reason shown), check one in, take a payment."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone, translation
from playwright.sync_api import expect

from bukve.accounts.models import Payment
from bukve.accounts.settlement import charge_record
from bukve.circulation.models import Loan
from bukve.libraries.models import Staff
from bukve.refusals import Refused


def test_a_desk_session(page, load_library, make_member, make_item):
    # given: Tolmin, a librarian, a member with a 2.50 debt, two books and a reference book
    tolmin = load_library("tolmin")
    user = User.objects.create_user("mojca", password="knjiznica-2026", first_name="Mojca")
    Staff.objects.create(user=user, library=tolmin, role=Staff.CIRCULATION)
    ana = make_member(tolmin, "TO0042", first_name="Ana", last_name="Kralj")
    charge_record(member=ana, day=timezone.localdate() - timedelta(days=3), kind="card",
                  amount=Decimal("2.50"))  # fmt: skip
    make_item(tolmin, "30001", record="alamut")
    make_item(tolmin, "30002", record="integrali")
    make_item(tolmin, "30003", record="slovar", not_for_loan=True)

    # when: the librarian logs in
    page.go("/desk/")
    page.get_by_label("Uporabniško ime").fill("mojca")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()
    page.shot("logged-in")

    # and scans the member's card: the scanner types the number and Enter
    page.get_by_label("Številka izkaznice, ime ali datum rojstva").fill("TO0042")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ana Kralj")

    # and scans three items one after another
    barcode = page.get_by_label("Črtna koda gradiva", exact=True)
    for code in ["30001", "30003", "30002"]:
        barcode.fill(code)
        barcode.press("Enter")
        if code == "30003":
            with translation.override("sl"):
                refusal = Refused("not_for_loan").sentence
            expect(page.get_by_role("status")).to_contain_text(f"30003 (slovar): {refusal}")
            page.shot("refused")
    page.shot("two-lent")

    # then: two loans, the refused one named with its reason
    assert sorted(Loan.objects.filter(member=ana).values_list("item__barcode", flat=True)) == [
        "30001", "30002",
    ]  # fmt: skip
    expect(page.locator("#loans")).to_contain_text("30002")

    # when: one comes back at the check-in desk, without a card
    page.get_by_role("link", name="Vračilo").first.click()
    page.get_by_label("Črtna koda gradiva", exact=True).fill("30001")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("30001")
    page.shot("checked-in")
    assert Loan.objects.get(item__barcode="30001").status == Loan.RETURNED

    # when: back at the member, the librarian takes the 2.50 in cash
    page.get_by_role("link", name="Člani").first.click()
    page.get_by_label("Številka izkaznice, ime ali datum rojstva").fill("TO0042")
    page.keyboard.press("Enter")
    page.get_by_label("Znesek (€)").fill("2.50")
    page.get_by_role("button", name="Sprejmi plačilo").click()

    # then: the receipt shows the payment
    expect(page.get_by_role("heading", level=1)).to_contain_text("Potrdilo")
    expect(page.locator("article")).to_contain_text("2,50 €")
    page.shot("receipt")
    assert Payment.objects.get(member=ana).amount == Decimal("2.50")
