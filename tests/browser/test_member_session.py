"""A member session on a phone: log in to Moja knjižnica, renew a loan, reserve a title and
open a fine's day-by-day explanation."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bukve.accounts.models import Charge
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.members.services import member_password_set


@pytest.mark.phone
def test_a_member_session(page, load_library, make_member, make_item):
    # given: Ana in Maribor with a book due in a week, a fine from a book returned after
    # the May holidays, and a title whose only copy Bor has
    today = timezone.localdate()
    maribor = load_library("maribor")
    ana = make_member(maribor, "MB0007", first_name="Ana", last_name="Kralj")
    bor = make_member(maribor, "MB0008", first_name="Bor", last_name="Zupan")
    member_password_set(member=ana, password="knjiznica-2026")
    make_item(maribor, "40001", record="Alamut")
    make_item(maribor, "40002", record="Pod svobodnim soncem")
    make_item(maribor, "40003", record="tavcar-1", title="Visoška kronika")
    loan = loan_checkout(member=ana, item=make_item(maribor, "40004", record="Na klancu"),
                         today=today - timedelta(days=14))  # fmt: skip
    loan_checkout(member=ana, item=maribor.item_set.get(barcode="40001"),
                  today=date(2026, 3, 20), due=date(2026, 4, 28))  # fmt: skip
    loan_checkin(item=maribor.item_set.get(barcode="40001"), today=date(2026, 5, 6))
    loan_checkout(member=bor, item=maribor.item_set.get(barcode="40003"), today=today)

    # when: Ana logs in with her card number
    page.go("/moja/")
    page.locator("select[name=library]").select_option(label=maribor.name)
    page.get_by_label("Številka izkaznice ali e-pošta").fill("MB0007")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()
    page.shot("loans")

    # and renews the book due soon
    due_before = loan.due_date
    page.get_by_role("button", name="Podaljšaj").first.click()
    expect(page.get_by_role("status")).to_be_visible()
    page.shot("renewed")
    loan.refresh_from_db()
    assert loan.renewals == 1 and loan.due_date > due_before
    expect(page.get_by_role("status")).to_contain_text(loan.due_date.strftime("%-d. %-m. %Y"))

    # and reserves the title Bor has
    page.get_by_role("link", name="Katalog").click()
    page.get_by_role("searchbox").or_(page.locator("input[name=q]")).first.fill("Visoška")
    page.get_by_role("button", name="Išči").click()
    page.get_by_role("button", name="Rezerviraj").first.click()
    page.shot("reserved")
    reservation = Reservation.objects.get(member=ana)
    assert reservation.status == Reservation.WAITING

    # and opens her fine's explanation
    page.get_by_role("link", name="Račun").click()
    page.shot("account")
    page.locator("a[href*='/moja/account/fines/']").first.click()

    # then: the days are explained, the May holidays named
    fine = Charge.objects.get(member=ana, kind="fine")
    expect(page.locator("table.fine-explain")).to_contain_text("praznik dela")
    expect(page.locator("table.fine-explain")).to_contain_text(
        f"{fine.amount:.2f}".replace(".", ",")
    )
    page.shot("fine")
    assert Loan.objects.filter(member=ana, status=Loan.OUT).count() == 1


@pytest.mark.phone
def test_the_card_on_the_phone_can_be_scanned(page, load_library, make_member):
    # given
    tolmin = load_library("tolmin")
    ana = make_member(tolmin, "TO0042")
    member_password_set(member=ana, password="knjiznica-2026")
    page.go("/moja/")
    page.locator("select[name=library]").select_option(label=tolmin.name)
    page.get_by_label("Številka izkaznice ali e-pošta").fill("TO0042")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()

    # when: the card page is shown on the phone's screen
    page.get_by_role("link", name="Izkaznica").click()
    screen = page.shot("card")

    # then: a barcode reader reads the card number from both codes
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.fail("zbarimg is not installed (apt-get install zbar-tools)")
    read = subprocess.run([zbarimg, "--quiet", str(screen)], capture_output=True, text=True)
    assert sorted(read.stdout.split()) == ["CODE-128:TO0042", "QR-Code:TO0042"]


@pytest.mark.phone
def test_a_member_pays_a_fine_online(page, load_library, make_member):
    # given: Eva in Velenje owes a 1.20 fine and a 3.00 notice fee
    from decimal import Decimal

    from bukve.accounts.models import Payment
    from bukve.accounts.services import open_debt
    from bukve.accounts.settlement import charge_record

    today = timezone.localdate()
    velenje = load_library("velenje")
    eva = make_member(velenje, "VE0042", first_name="Eva", last_name="Horvat")
    member_password_set(member=eva, password="knjiznica-2026")
    fine = charge_record(member=eva, day=today, kind="fine", amount=Decimal("1.20"))
    charge_record(member=eva, day=today, kind="notice", amount=Decimal("3.00"))
    page.go("/moja/")
    page.locator("select[name=library]").select_option(label=velenje.name)
    page.get_by_label("Številka izkaznice ali e-pošta").fill("VE0042")
    page.get_by_label("Geslo").fill("knjiznica-2026")
    page.get_by_role("button", name="Prijava").click()

    # when: she ticks only the fine and pays it at the (sandbox) bank
    page.get_by_role("link", name="Račun").click()
    page.locator(f"input[name=charge]:not([value='{fine.pk}'])").uncheck()
    page.shot("pay-choose")
    page.get_by_role("button", name="Plačaj prek spleta").last.click()
    expect(page.get_by_text("1,20 €").first).to_be_visible()
    page.shot("pay-bank")
    page.get_by_role("button", name="Plačaj").click()

    # then: back in Moja knjižnica the payment is confirmed with its receipt
    expect(page.get_by_text("Plačano, hvala.")).to_be_visible()
    page.shot("pay-done")
    payment = Payment.objects.get(member=eva)
    assert (payment.method, payment.amount) == ("online", Decimal("1.20"))
    expect(page.get_by_text(payment.receipt_number)).to_be_visible()
    assert open_debt(eva) == Decimal("3.00")
