"""Two recorded fines whose days have every reason not to be charged, shared by the tests of
the explanation (the service, the desk, the portal, the API)."""

from __future__ import annotations

from datetime import date

from bukve.accounts.models import Charge
from bukve.circulation.services import loan_checkin, loan_checkout
from bukve.libraries.services import closure_add

# Tolmin (RULES.md 4): a book due Thursday 30 April 2026, back Monday 11 May; the Tolmin
# branch, open on Saturdays, was closed on Tuesday 5 May for an inventory. (day, code, sl, en)
TOLMIN_DAYS = [
    (date(2026, 5, 1), "holiday", "praznik: praznik dela", "holiday: Labor Day"),
    (date(2026, 5, 2), "holiday", "praznik: praznik dela", "holiday: Labor Day"),
    (date(2026, 5, 3), "sunday", "nedelja", "Sunday"),
    (date(2026, 5, 4), "charged", "zaračunano", "charged"),
    (date(2026, 5, 5), "closure", "izredno zaprtje: popis gradiva",
     "extraordinary closure: popis gradiva"),
    (date(2026, 5, 6), "charged", "zaračunano", "charged"),
    (date(2026, 5, 7), "charged", "zaračunano", "charged"),
    (date(2026, 5, 8), "charged", "zaračunano", "charged"),
    (date(2026, 5, 9), "not_working_day",
     "ni delovni dan (sobota): zaračunajo se le delovni dnevi",
     "not a working day (Saturday): only working days are charged"),
    (date(2026, 5, 10), "sunday", "nedelja", "Sunday"),
    (date(2026, 5, 11), "charged", "zaračunano", "charged"),
]  # fmt: skip

# Maribor (RULES.md 2): a book due Wednesday 1 July 2026, back Monday 13 July: three tolerance
# days, Sundays, and a Saturday closed under the summer schedule.
MARIBOR_DAYS = [
    (date(2026, 7, 2), "tolerance", "tolerančni dan", "tolerance"),
    (date(2026, 7, 3), "tolerance", "tolerančni dan", "tolerance"),
    (date(2026, 7, 4), "tolerance", "tolerančni dan", "tolerance"),
    (date(2026, 7, 5), "sunday", "nedelja", "Sunday"),
    *[(date(2026, 7, n), "charged", "zaračunano", "charged") for n in range(6, 11)],
    (date(2026, 7, 11), "seasonal_schedule", "poletni urnik: ob sobotah zaprto",
     "summer schedule: closed on Saturdays"),
    (date(2026, 7, 12), "sunday", "nedelja", "Sunday"),
    (date(2026, 7, 13), "charged", "zaračunano", "charged"),
]  # fmt: skip

# Words of one language that must not show in the other's explanation.
ENGLISH_WORDS = ("Saturday", "Sunday", "closed", "closure", "holiday", "Labor", "working",
                 "tolerance", "charged", "summer")  # fmt: skip
SLOVENIAN_WORDS = ("sobota", "nedelja", "zaprto", "zaprtje", "praznik", "delovni", "tolerančn",
                   "zaračun", "poletni")  # fmt: skip


def tolmin_fine(load_library, make_member, make_item) -> Charge:
    tolmin = load_library("tolmin")
    closure_add(branch=tolmin.branches.get(code="tolmin"), start=date(2026, 5, 5),
                end=date(2026, 5, 5), reason="popis gradiva")  # fmt: skip
    ana = make_member(tolmin, "TO0001", first_name="Ana", last_name="Kralj")
    book = make_item(tolmin, "TO10001", title="Na klancu", branch="tolmin")
    loan = loan_checkout(member=ana, item=book, today=date(2026, 4, 2))
    assert loan.due_date == date(2026, 4, 30)
    loan_checkin(item=book, today=date(2026, 5, 11))
    return Charge.objects.get(member=ana, kind="fine")


def maribor_fine(load_library, make_member, make_item) -> Charge:
    maribor = load_library("maribor")
    bor = make_member(maribor, "0012345", first_name="Bor", last_name="Kos")
    book = make_item(maribor, "MB1001", title="Visoška kronika", branch="main")
    loan = loan_checkout(member=bor, item=book, today=date(2026, 6, 10))
    assert loan.due_date == date(2026, 7, 1)
    loan_checkin(item=book, today=date(2026, 7, 13))
    return Charge.objects.get(member=bor, kind="fine")
