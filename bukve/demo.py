"""The demo: the four preset libraries with members, a catalogue and four months of history.

Members and the catalogue are created directly (there are no services for them yet); every
circulation event after that goes through the services, day by day, as a library would have
written it, with the daily run after each day. Refusals are part of the story and are counted.
The history is played with a fixed random seed, so two loads on the same day are the same.
"""

from __future__ import annotations

import os
import random
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TextIO, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bukve.accounts.models import Charge, Payment
from bukve.accounts.services import SaleLine, open_debt, payment_take, sale_record
from bukve.catalog.models import Item, Record
from bukve.circulation import services as circulation
from bukve.circulation.daily import daily_run, daily_run_day
from bukve.circulation.models import Loan, Reservation
from bukve.libraries.models import Branch, Library, Staff
from bukve.libraries.services import (
    PRESET_IDS,
    calendar_for,
    closure_add,
    library_load,
    policy_for,
    preset_read,
)
from bukve.members.models import Member
from bukve.notices.models import Notice
from bukve.refusals import Refused
from bukve.rules.calendar import BranchCalendar

T = TypeVar("T")
HISTORY_DAYS = 120
VISIT_CHANCE = 0.03  # that a member comes to borrow on an open day of their branch
SEED = 1848  # the year of Zdravljica's first draft; any fixed number would do

# (username, password, library code or None for the site's administrator, desk role)
DEMO_USERS = [
    ("admin", "bukve-admin", None, None),
    *(
        (f"{code}-{name}", f"bukve-{name}", code, role)
        for code in PRESET_IDS
        for name, role in (("desk", Staff.CIRCULATION), ("admin", Staff.ADMINISTRATOR))
    ),
]
# The demo staff's names, so that the desk shows who is logged in (each user a person).
STAFF_NAMES = {
    "maribor-desk": ("Mojca", "Vidmar"), "maribor-admin": ("Andrej", "Kralj"),
    "velenje-desk": ("Petra", "Golob"), "velenje-admin": ("Tomaž", "Zupan"),
    "tolmin-desk": ("Nataša", "Kavčič"), "tolmin-admin": ("Boštjan", "Furlan"),
    "ravne-desk": ("Urška", "Lesjak"), "ravne-admin": ("Primož", "Kotnik"),
}  # fmt: skip
# Every demo member logs in to "Moja knjižnica" with their card number and this password.
DEMO_MEMBER_PASSWORD = "bukve-clan"

PREFIXES = {"maribor": "MB", "velenje": "VE", "tolmin": "TO", "ravne": "RA"}
# Where the copies stand and where the members mostly borrow (weights per branch code).
BRANCH_WEIGHTS = {
    "maribor": {"main": 80, "bibliobus": 20},
    "tolmin": {"tolmin": 50, "kobarid": 20, "bovec": 15, "mobile": 15},
}
NEWSPAPERS = {"maribor": "Večer", "velenje": "Naš čas", "tolmin": "Primorske novice",
              "ravne": "Koroške novice"}  # fmt: skip

# --- the catalogue ---------------------------------------------------------------------------

# (author, title, copies) of books for adults and young people.
BOOKS = [
    ("France Prešeren", "Poezije", 3),
    ("France Prešeren", "Krst pri Savici", 1),
    ("Ivan Cankar", "Na klancu", 3),
    ("Ivan Cankar", "Hlapec Jernej in njegova pravica", 3),
    ("Ivan Cankar", "Martin Kačur", 2),
    ("Ivan Cankar", "Moje življenje", 1),
    ("Ivan Cankar", "Hiša Marije Pomočnice", 1),
    ("Prežihov Voranc", "Samorastniki", 3),
    ("Prežihov Voranc", "Doberdob", 2),
    ("Prežihov Voranc", "Požganica", 1),
    ("Prežihov Voranc", "Jamnica", 1),
    ("Josip Jurčič", "Deseti brat", 2),
    ("Josip Jurčič", "Jurij Kozjak, slovenski janičar", 2),
    ("Fran Saleški Finžgar", "Pod svobodnim soncem", 2),
    ("Ivan Tavčar", "Visoška kronika", 3),
    ("Ivan Tavčar", "Cvetje v jeseni", 2),
    ("Simon Gregorčič", "Poezije", 1),
    ("Srečko Kosovel", "Integrali", 1),
    ("Ciril Kosmač", "Tantadruj", 2),
    ("Ciril Kosmač", "Pomladni dan", 2),
    ("Ciril Kosmač", "Balada o trobenti in oblaku", 1),
    ("Vladimir Bartol", "Alamut", 3),
    ("Boris Pahor", "Nekropola", 2),
    ("Lojze Kovačič", "Prišleki", 1),
    ("Drago Jančar", "To noč sem jo videl", 3),
    ("Drago Jančar", "Severni sij", 1),
    ("Drago Jančar", "Galjot", 1),
    ("Miško Kranjec", "Povest o dobrih ljudeh", 1),
    ("Anton Ingolič", "Gimnazijka", 2),
    ("Tone Seliškar", "Bratovščina Sinjega galeba", 2),
    ("Vitomil Zupan", "Menuet za kitaro", 1),
    ("Edvard Kocbek", "Strah in pogum", 1),
    ("Feri Lainšček", "Petelinji zajtrk", 2),
    ("Feri Lainšček", "Ki jo je megla prinesla", 1),
    ("Goran Vojnović", "Čefurji raus!", 3),
    ("Goran Vojnović", "Jugoslavija, moja dežela", 2),
    ("Suzana Tratnik", "Ime mi je Damjan", 1),
    ("Janja Vidmar", "Princeska z napako", 2),
    ("Tone Partljič", "Moj ata, socialistični kulak", 1),
    ("Alojz Rebula", "V Sibilinem vetru", 1),
    ("Tomaž Šalamun", "Poker", 1),
    ("Karel Destovnik Kajuh", "Pesmi", 1),
    ("Julius Kugy", "Iz življenja gornika", 1),
    ("Tine Mihelič", "Julijske Alpe: planinski vodnik", 1),
]
CHILDREN_BOOKS = [
    ("Svetlana Makarovič", "Pekarna Mišmaš", 3),
    ("Svetlana Makarovič", "Sapramiška", 3),
    ("Svetlana Makarovič", "Kosovirja na leteči žlici", 2),
    ("Svetlana Makarovič", "Veveriček posebne sorte", 2),
    ("Svetlana Makarovič", "Coprnica Zofka", 2),
    ("Kajetan Kovič", "Maček Muri", 3),
    ("Tone Pavček", "Juri Muri v Afriki", 2),
    ("Oton Župančič", "Ciciban", 2),
    ("Ela Peroci", "Moj dežnik je lahko balon", 2),
    ("Ela Peroci", "Hišica iz kock", 1),
    ("Leopold Suhodolčan", "Naočnik in Očalnik", 2),
    ("Leopold Suhodolčan", "Krojaček Hlaček", 1),
    ("Desa Muck", "Anica in grozovitež", 2),
    ("Fran Levstik", "Martin Krpan", 3),
    ("Fran Levstik", "Kdo je napravil Vidku srajčico", 2),
    ("Josip Vandot", "Kekec nad samotnim breznom", 2),
]
REFERENCE = [  # not for home loan
    ("", "Slovar slovenskega knjižnega jezika"),
    ("", "Enciklopedija Slovenije"),
    ("", "Krajevni leksikon Slovenije"),
]
DVDS = [  # director, title
    ("France Štiglic", "Ne joči, Peter"),
    ("France Štiglic", "Dolina miru"),
    ("Jože Gale", "Kekec"),
    ("Matjaž Klopčič", "Cvetje v jeseni"),
    ("Marko Naberšnik", "Petelinji zajtrk"),
    ("Branko Đurić", "Kajmak in marmelada"),
    ("Damjan Kozole", "Rezervni deli"),
    ("František Čap", "Vesna"),
    ("Jane Kavčič", "Sreča na vrvici"),
    ("Tugo Štiglic", "Poletje v školjki"),
]
MUSIC_CDS = [
    ("Laibach", "Opus Dei"),
    ("Vlado Kreslin", "Namesto koga roža cveti"),
    ("Ansambel bratov Avsenik", "Na Golici"),
    ("Siddharta", "Id"),
    ("Pankrti", "Dolgcajt"),
]
MAGAZINES = ["Ciciban", "Gea", "Planinski vestnik"]
TOYS = ["Lego Duplo: živalski vrt", "Družabna igra Človek, ne jezi se",
        "Lesena sestavljanka Kmetija"]  # fmt: skip
LOCAL = {  # (author, title, material, not for loan)
    "tolmin": [
        ("Vasja Klavora", "Koraki skozi meglo: Soška fronta Kobarid–Bovec 1915–1917", "book", True)
    ],  # fmt: skip
    "velenje": [("", "Velenjske zgodbe", "book", False)],
    "ravne": [("Prežihov Voranc", "Solzice", "book", False)],
    "maribor": [("Rudolf Maister", "Kitica mojih", "book", False)],
}
MONTHS = ["januar", "februar", "marec", "april", "maj", "junij", "julij", "avgust",
          "september", "oktober", "november", "december"]  # fmt: skip
PRICES = {"book": (14, 38), "dvd": (9, 19), "music_cd": (11, 18), "magazine": (4, 7),
          "toy": (19, 45), "newspaper": (1, 2)}  # fmt: skip

# --- the members -----------------------------------------------------------------------------

MEN = ["Janez", "Marko", "Luka", "Matej", "Andrej", "Jure", "Tomaž", "Gregor", "Primož",
       "Aleš", "Rok", "Miha", "Boštjan", "Uroš", "Jožef", "Franc", "Anton", "Žiga", "Nejc",
       "Blaž", "Matic", "Tadej", "Stanko", "Dušan", "Igor", "Vid", "Jakob", "Filip"]  # fmt: skip
WOMEN = ["Marija", "Ana", "Maja", "Irena", "Mojca", "Nina", "Petra", "Katja", "Mateja",
         "Barbara", "Tjaša", "Urška", "Špela", "Nataša", "Alenka", "Helena", "Sara", "Eva",
         "Zala", "Lara", "Neža", "Ema", "Vesna", "Jožica", "Zdenka", "Brigita"]  # fmt: skip
CHILDREN = ["Lan", "Tim", "Jaka", "Gal", "Val", "Mark", "Lana", "Zoja", "Julija", "Ajda",
            "Klara", "Brina", "Mia", "Pia"]  # fmt: skip
SURNAMES = ["Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kovač", "Mlakar",
            "Kos", "Vidmar", "Golob", "Turk", "Božič", "Kralj", "Zupan", "Bizjak", "Hribar",
            "Korošec", "Rozman", "Kotnik", "Oblak", "Petek", "Kolar", "Žagar", "Kastelic",
            "Košir", "Koren", "Klemenčič", "Zajc", "Knez", "Medved", "Pirc", "Hrovat", "Furlan",
            "Jerman", "Kavčič", "Sever", "Lesjak", "Dolenc", "Petrič"]  # fmt: skip


@dataclass
class Person:
    first: str
    last: str
    category: str
    born: date
    guardian: int | None = None  # index of the guardian in the list
    restricted: bool = False
    expired: bool = False


def _people(rng: random.Random, code: str, today: date) -> list[Person]:
    """About 40 members: families with children under 15, a youth, a pupil, students,
    pensioners, one registered online and not signed yet, one whose membership expired."""
    surnames = rng.sample(SURNAMES, len(SURNAMES))
    year = today.year

    def born(age_from: int, age_to: int) -> date:
        return date(year - rng.randint(age_from, age_to), rng.randint(1, 12), rng.randint(1, 28))

    def first(woman: bool | None = None) -> str:
        woman = rng.random() < 0.55 if woman is None else woman
        return rng.choice(WOMEN if woman else MEN)

    people: list[Person] = []
    for _ in range(4):  # families: a parent and one or two children under 15
        last = surnames.pop()
        people.append(Person(first(), last, "adult", born(32, 48)))
        parent = len(people) - 1
        for _ in range(rng.choice([1, 2])):
            people.append(Person(rng.choice(CHILDREN), last, "child", born(5, 13), parent))
    people.append(Person(first(), surnames.pop(), "youth", born(16, 17)))
    people.append(Person(first(), surnames.pop(), "pupil", born(16, 17)))
    for _ in range(3):
        people.append(Person(first(), surnames.pop(), "student", born(19, 25)))
    for _ in range(5):
        people.append(Person(first(), surnames.pop(), "pensioner", born(66, 84)))
    people.append(Person(first(), surnames.pop(), "unemployed", born(28, 55)))
    people.append(Person(first(), surnames.pop(), "adult", born(25, 60), restricted=True))
    people.append(Person(first(), surnames.pop(), "adult", born(25, 60), expired=True))
    if code == "tolmin":  # the library's own staff borrow too, without fines
        people.append(Person(first(), surnames.pop(), "staff", born(30, 60)))
        people.append(Person(first(), surnames.pop(), "retired_staff", born(66, 80)))
    while len(people) < 40:
        people.append(Person(first(), surnames.pop(), "adult", born(20, 65)))
    return people


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _members(
    rng: random.Random, library: Library, branches: list[Branch], today: date, start: date
) -> dict[int, Branch]:
    """Create the members; returns the home branch of each member (by pk)."""
    prefix = PREFIXES[library.code]
    weights = BRANCH_WEIGHTS.get(library.code, {})
    created: list[Member] = []
    home: dict[int, Branch] = {}
    emails: set[str] = set()
    for n, p in enumerate(_people(rng, library.code, today), start=1):
        email = f"{_ascii(p.first)}.{_ascii(p.last)}@example.org"
        if email in emails:
            email = f"{_ascii(p.first)}.{_ascii(p.last)}{n}@example.org"
        emails.add(email)
        free = p.category in ("child", "youth", "pupil", "staff", "retired_staff", "unemployed")
        if p.expired:
            expires: date | None = start + timedelta(days=rng.randint(35, 50))
        elif free:
            expires = None
        else:
            expires = today + timedelta(days=rng.randint(20, 340))
        member = Member.objects.create(
            library=library,
            card_number=f"{prefix}{n:04d}",
            first_name=p.first,
            last_name=p.last,
            born=p.born,
            category=p.category,
            guardian=created[p.guardian] if p.guardian is not None else None,
            expires=expires,
            restricted=p.restricted,
            email="" if p.category == "child" else email,
            phone=f"+386 {rng.choice(['31', '40', '41', '51', '70'])} "
                  f"{rng.randint(100, 999)} {rng.randint(100, 999)}",
        )  # fmt: skip
        created.append(member)
        if p.guardian is not None:  # a child borrows where the family does
            home[member.pk] = home[created[p.guardian].pk]
        else:
            home[member.pk] = _weighted_branch(rng, branches, weights)
    return home


def _weighted_branch(rng: random.Random, branches: list[Branch], weights: dict[str, int]) -> Branch:
    if not weights:
        return branches[0]
    return rng.choices(branches, [weights.get(b.code, 0) for b in branches])[0]


def _price(rng: random.Random, material: str) -> Decimal:
    low, high = PRICES[material]
    return Decimal(rng.randint(low, high)) + Decimal(rng.choice(["0.00", "0.50", "0.90"]))


def _catalogue(
    rng: random.Random, library: Library, branches: list[Branch], today: date
) -> tuple[int, set[int]]:
    """About 150 copies; returns the number of copies and the pks of the children's records."""
    weights = BRANCH_WEIGHTS.get(library.code, {})
    standard = [b for b in branches if b.profile != "mobile"] or branches
    entries: list[tuple[str, str, str, int, bool, bool]] = []  # ..., copies, nfl, children
    for author, title, copies in BOOKS:
        entries.append((author, title, "book", copies, False, False))
    for author, title, copies in CHILDREN_BOOKS:
        entries.append((author, title, "book", copies, False, True))
    for author, title in REFERENCE:
        entries.append((author, title, "book", 1, True, False))
    for author, title in DVDS:
        entries.append((author, title, "dvd", rng.choice([1, 1, 2]), False, False))
    for author, title in MUSIC_CDS:
        entries.append((author, title, "music_cd", 1, False, False))
    for toy in TOYS:
        entries.append(("", toy, "toy", 1, False, True))
    for author, title, material, nfl in LOCAL.get(library.code, []):
        entries.append((author, title, material, 2, nfl, False))
    # Magazines: the issues of the last four months; the latest issue stays in the library.
    for back in range(4):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        for name in MAGAZINES:
            title = f"{name}, {MONTHS[month]} {year}"
            entries.append(("", title, "magazine", 1, back == 0, name == "Ciciban"))
    entries.append(("", f"{NEWSPAPERS[library.code]}, {today:%d. %m. %Y}", "newspaper", 1, True,
                    False))  # fmt: skip

    children: set[int] = set()
    count = 0
    for key, (author, title, material, copies, nfl, for_children) in enumerate(entries, 1):
        record = Record.objects.create(library=library, key=f"{key:06d}", title=title,
                                       author=author)  # fmt: skip
        if for_children:
            children.add(record.pk)
        if material == "book" and copies > 1:
            copies = max(1, copies + rng.choice([-1, 0, 0, 1]))
        for _ in range(copies):
            count += 1
            # Reference works, magazines and toys stay in the buildings, not on the bus.
            movable = material in ("book", "dvd") and not nfl
            branch = _weighted_branch(rng, branches if movable else standard, weights)
            Item.objects.create(
                library=library, record=record, barcode=f"{PREFIXES[library.code]}{10000 + count}",
                material=material, branch=branch, not_for_loan=nfl, price=_price(rng, material),
            )  # fmt: skip
    return count, children


# --- the history -----------------------------------------------------------------------------


@dataclass
class Plan:
    """What the member will do with a loan: return it on a day, renew it, or lose it."""

    loan: Loan
    return_on: date | None
    renew_on: date | None = None
    renew_channel: str = "desk"
    renew_again: bool = False
    lost_on: date | None = None


class History:
    """Plays one library's history day by day through the services."""

    def __init__(
        self,
        rng: random.Random,
        library: Library,
        home: dict[int, Branch],
        children_records: set[int],
        start: date,
        today: date,
    ) -> None:
        self.rng = rng
        self.library = library
        self.start = start
        self.today = today
        self.branches = list(library.branches.order_by("id"))
        self.calendars: dict[int, BranchCalendar] = {b.pk: calendar_for(b) for b in self.branches}
        # What the desk sells from the price list (damage to items is charged, not sold).
        self.for_sale = [p for p in policy_for(library, today).prices.values() if p.group != "lost"]
        self.members = {m.pk: m for m in Member.objects.filter(library=library)}
        self.home = home
        self.children_records = children_records
        self.plans: list[Plan] = []
        self.pickups: dict[int, date | None] = {}  # reservation pk -> the day it is collected
        self.lost_planned = False
        self.refusals: Counter[str] = Counter()

    def is_open(self, branch_id: int, day: date) -> bool:
        return self.calendars[branch_id].is_open(day)

    def play(self) -> None:
        day = self.start
        while day <= self.today:
            self.play_day(day)
            if day < self.today:
                daily_run_day(library=self.library, day=day)
            day += timedelta(days=1)
        daily_run(library=self.library, until=self.today)

    def play_day(self, day: date) -> None:
        self.plan_pickups(day)
        self.returns_and_renewals(day)
        self.collect_holds(day)
        for branch in self.branches:
            if self.is_open(branch.pk, day):
                self.visits(branch, day)
        if self.rng.random() < 0.4:
            self.reserve(day)
        if self.rng.random() < 0.3:
            self.pay_someone(day)
        if self.for_sale and self.rng.random() < 0.3:
            self.sell(day)

    # events

    def plan_pickups(self, day: date) -> None:
        """Held copies (held at once, at a return or passed on by the daily run): most members
        collect within a few days, some never come."""
        for reservation in Reservation.objects.filter(library=self.library,
                                                      status=Reservation.HELD):  # fmt: skip
            if reservation.pk not in self.pickups:
                late = self.rng.random() < 0.15
                self.pickups[reservation.pk] = (
                    None if late else day + timedelta(days=self.rng.choice([0, 1, 1, 2, 3, 4]))
                )

    def collect_holds(self, day: date) -> None:
        due = [pk for pk, on in self.pickups.items() if on is not None and on <= day]
        for reservation in Reservation.objects.filter(pk__in=due).select_related("item"):
            if reservation.status != Reservation.HELD:
                self.pickups.pop(reservation.pk)
                continue
            if not self.is_open(reservation.pickup_branch_id, day):
                continue
            self.pickups.pop(reservation.pk)
            member = self.members[reservation.member_id]
            assert reservation.item is not None
            self.attempt(self.lend, member, reservation.item, day, pickup=True)

    def returns_and_renewals(self, day: date) -> None:
        for plan in list(self.plans):
            loan = plan.loan
            if plan.lost_on is not None and day >= plan.lost_on:
                self.plans.remove(plan)
                if self.attempt(circulation.loan_declare_lost, item=loan.item, today=day):
                    self.maybe_pay(loan.member_id, day, chance=0.6)
            elif plan.renew_on is not None and day >= plan.renew_on:
                self.renew(plan, day)
            elif (plan.return_on is not None and day >= plan.return_on
                  and self.is_open(loan.branch_id, day)):  # fmt: skip
                self.plans.remove(plan)
                if self.attempt(circulation.loan_checkin, item=loan.item, today=day):
                    self.maybe_pay(loan.member_id, day, chance=0.5)

    def renew(self, plan: Plan, day: date) -> None:
        loan = plan.loan
        member = self.members[loan.member_id]
        renewed = self.attempt(circulation.loan_renew, member=member, item=loan.item,
                               channel=plan.renew_channel, today=day)  # fmt: skip
        if renewed is None:  # refused: the member brings it back, on time or a little late
            plan.renew_on = None
            plan.return_on = max(day, loan.due_date) + timedelta(days=self.rng.randint(0, 6))
            return
        plan.loan = renewed
        if plan.renew_again:
            plan.renew_again = self.rng.random() < 0.3
            plan.renew_on = renewed.due_date - timedelta(days=self.rng.randint(0, 3))
            plan.renew_channel = self.channel()
        else:
            plan.renew_on = None
            plan.return_on = self.return_day(day, renewed.due_date)

    def visits(self, branch: Branch, day: date) -> None:
        """Each member comes to their branch on an open day now and then."""
        visitors = [
            pk
            for pk, home in self.home.items()
            if home.pk == branch.pk and self.rng.random() < VISIT_CHANCE
        ]
        if not visitors:
            return
        shelf = list(Item.objects.filter(branch=branch, status=Item.SHELF).order_by("pk"))
        for pk in visitors:
            member = self.members[pk]
            for _ in range(self.rng.choices([1, 2, 3], [55, 35, 10])[0]):
                item = self.choose(member, shelf)
                if item is None:
                    break
                shelf.remove(item)
                if self.attempt(self.lend, member, item, day, branch=branch) is None:
                    break  # refused: the member leaves the rest on the shelf
            if self.rng.random() < 0.2:
                self.maybe_pay(pk, day, chance=1.0)

    def choose(self, member: Member, shelf: list[Item]) -> Item | None:
        if not shelf:
            return None
        if self.rng.random() < 0.03:  # now and then someone tries a reference book
            return self.rng.choice(shelf)
        loanable = [i for i in shelf if not i.not_for_loan and i.material != "newspaper"]
        if member.category == "child":
            preferred = [i for i in loanable if i.record_id in self.children_records]
            loanable = preferred if preferred and self.rng.random() < 0.85 else loanable
        return self.rng.choice(loanable) if loanable else None

    def lend(
        self,
        member: Member,
        item: Item,
        day: date,
        branch: Branch | None = None,
        pickup: bool = False,
    ) -> Loan:
        if pickup:
            loan = circulation.hold_pickup(member=member, item=item, today=day)
        else:
            loan = circulation.loan_checkout(member=member, item=item, branch=branch, today=day)
        self.plans.append(self.plan(loan, day))
        return loan

    def plan(self, loan: Loan, day: date) -> Plan:
        rng = self.rng
        if (not self.lost_planned and day >= self.start + timedelta(days=20)
                and loan.item.material == "book" and loan.item.price):  # fmt: skip
            self.lost_planned = True
            return Plan(loan, None, lost_on=loan.due_date + timedelta(days=rng.randint(12, 25)))
        r = rng.random()
        if r < 0.62:
            return Plan(loan, self.return_day(day, loan.due_date))
        if r < 0.80:  # renewed before the due date
            return Plan(
                loan,
                None,
                renew_on=loan.due_date - timedelta(days=rng.randint(0, 3)),
                renew_channel=self.channel(),
                renew_again=rng.random() < 0.25,
            )
        if r < 0.83:  # renewed a few days late: fine on the renewal day, or refused online
            return Plan(
                loan,
                None,
                renew_on=loan.due_date + timedelta(days=rng.randint(1, 4)),
                renew_channel=rng.choice(["desk", "phone", "online"]),
            )
        if r < 0.95:  # back late
            return Plan(loan, loan.due_date + timedelta(days=rng.randint(1, 20)))
        if r < 0.99:  # back very late, after several notices
            return Plan(loan, loan.due_date + timedelta(days=rng.randint(21, 45)))
        return Plan(loan, None)  # never comes back

    def return_day(self, checkout: date, due: date) -> date:
        span = max(1, (due - checkout).days)
        return checkout + timedelta(days=self.rng.randint(min(3, span), span))

    def channel(self) -> str:
        return self.rng.choices(["desk", "phone", "online", "selfcheck"], [30, 20, 40, 10])[0]

    def reserve(self, day: date) -> None:
        """A member reserves a title: one with every copy out (the queue) or one on the shelf
        of another branch (held at once for the member's branch)."""
        member = self.members[self.rng.choice(list(self.members))]
        if member.restricted:
            return
        out = list(
            Record.objects.filter(library=self.library, items__status=Item.LOAN)
            .exclude(items__status=Item.SHELF)
            .distinct()
            .values_list("pk", flat=True)
        )
        if not out:
            return
        item = Item.objects.filter(record_id=self.rng.choice(out)).first()
        assert item is not None
        self.attempt(circulation.reservation_place, member=member, item=item,
                     pickup_branch=self.home[member.pk], today=day)  # fmt: skip

    def pay_someone(self, day: date) -> None:
        debtors = list(
            Charge.objects.filter(library=self.library, open_amount__gt=0)
            .values_list("member_id", flat=True)
            .distinct()
        )
        if debtors:
            self.maybe_pay(self.rng.choice(debtors), day, chance=1.0)

    def sell(self, day: date) -> None:
        """A sale at the desk: copies by the page, a room by the minute, to a walk-in customer
        paying at once or to a member, who may have it put on their account."""
        price = self.rng.choice(self.for_sale)
        quantity = {"page": self.rng.randint(1, 30), "started_hour": self.rng.randint(30, 200)}
        member = self.rng.choice(list(self.members.values())) if self.rng.random() < 0.4 else None
        on_account = member is not None and self.rng.random() < 0.5
        method = None if on_account else self.rng.choice(["cash", "cash", "card"])
        self.attempt(sale_record, library=self.library, day=day, by=None, member=member,
                     lines=[SaleLine(price.code, quantity.get(price.unit, 1))],
                     method=method)  # fmt: skip

    def maybe_pay(self, member_pk: int, day: date, chance: float) -> None:
        member = self.members[member_pk]
        if self.rng.random() >= chance or open_debt(member) <= 0:
            return
        method = self.rng.choices(["cash", "card", "transfer"], [50, 35, 15])[0]
        self.attempt(payment_take, member=member, day=day, method=method)

    def attempt(self, service: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Call a service; a refusal is normal and only counted."""
        try:
            return service(*args, **kwargs)
        except Refused as refusal:
            self.refusals[refusal.code] += 1
            return None


# --- loading ---------------------------------------------------------------------------------


def demo_enabled() -> bool:
    """Whether to show the demo logins (on `bukve demo`, which sets BUKVE_DEMO=true)."""
    return os.environ.get("BUKVE_DEMO") == "true"


def _first_monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _users(out: TextIO) -> None:
    """The demo logins, and a portal password for every member without one. An existing user
    of the same name keeps its password; it gets its desk role if it has none."""
    User = get_user_model()
    hashes: dict[str, str] = {}  # hash each password once: hashing is slow on purpose
    for username, password, code, role in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is not None:
            out.write(f"  user {username} exists already; its password is left as it is\n")
        else:
            if password not in hashes:
                hashes[password] = make_password(password)
            user = User.objects.create(
                username=username,
                email=f"{username}@example.org",
                password=hashes[password],
                first_name=STAFF_NAMES.get(username, ("", ""))[0],
                last_name=STAFF_NAMES.get(username, ("", ""))[1],
                is_staff=code is None,
                is_superuser=code is None,
            )
            out.write(f"  user {username} / {password}\n")
        library = Library.objects.filter(code=code).first()
        if library is not None and not Staff.objects.filter(user=user).exists():
            Staff.objects.create(user=user, library=library, role=role)
    Member.objects.filter(password="").update(password=make_password(DEMO_MEMBER_PASSWORD))
    out.write(f"  members: card number / {DEMO_MEMBER_PASSWORD}\n")


def library_summary(library: Library, today: date) -> dict[str, int]:
    loans = Loan.objects.filter(library=library)
    return {
        "members": Member.objects.filter(library=library).count(),
        "items": Item.objects.filter(library=library).count(),
        "loans": loans.count(),
        "out": loans.filter(status=Loan.OUT).count(),
        "overdue": loans.filter(status=Loan.OUT, due_date__lt=today).count(),
        "reservations": Reservation.objects.filter(library=library).count(),
        "notices": Notice.objects.filter(library=library).count(),
        "charges": Charge.objects.filter(library=library).count(),
        "payments": Payment.objects.filter(library=library).count(),
        "in_collection": Member.objects.filter(
            library=library, in_collection_since__isnull=False
        ).count(),
        "lost": loans.filter(status=Loan.LOST).count(),
    }


def demo_load(*, out: TextIO) -> None:
    """Load the demo libraries unless the database already holds libraries."""
    if Library.objects.exists():
        out.write("bukve demo: the database already holds libraries; nothing loaded.\n")
        with transaction.atomic():
            _users(out)
        return
    started, cpu = time.monotonic(), time.process_time()
    today = timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS)
    out.write(f"bukve demo: loading four libraries with history {start} to {today} ...\n")
    # One transaction: a failed load leaves nothing behind, so the next start loads again.
    with transaction.atomic():
        for index, code in enumerate(PRESET_IDS):
            rng = random.Random(SEED + index)
            library = library_load(policy=preset_read(code))
            branches = list(library.branches.order_by("id"))
            if code == "tolmin":
                monday = _first_monday_after(start + timedelta(days=35))
                closure_add(branch=library.branches.get(code="kobarid"), start=monday,
                            end=monday + timedelta(days=3), reason="Inventura")  # fmt: skip
            home = _members(rng, library, branches, today, start)
            _, children = _catalogue(rng, library, branches, today)
            history = History(rng, library, home, children, start, today)
            history.play()
            s = library_summary(library, today)
            refusals = ", ".join(f"{k} {v}" for k, v in history.refusals.most_common())
            out.write(
                f"  {code}: {s['members']} members, {s['items']} items, {s['loans']} loans "
                f"({s['out']} out, {s['overdue']} overdue, {s['lost']} lost), "
                f"{s['reservations']} reservations, {s['notices']} notices, "
                f"{s['charges']} charges, {s['payments']} payments, "
                f"{s['in_collection']} in collection\n"
                f"    refusals: {refusals or 'none'}\n"
            )
        _users(out)
    out.write(
        f"bukve demo: loaded in {time.monotonic() - started:.1f} s "
        f"({time.process_time() - cpu:.1f} s of CPU)\n"
    )
