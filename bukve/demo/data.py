"""The demo's people and catalogue: members of every category (parents with children, a
restricted and an expired membership, the library's staff), and about 150 copies of books,
films, music, magazines, toys and local studies, spread over the library's branches. Each
member and card number starts with the library's prefix."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from bukve.catalog.models import Item, Record
from bukve.libraries.models import Branch, Library
from bukve.members.models import Member

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


def members_create(
    rng: random.Random,
    library: Library,
    branches: list[Branch],
    today: date,
    start: date,
    prefix: str,
) -> dict[int, Branch]:
    """Create the members; returns the home branch of each member (by pk)."""
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


def catalogue_create(
    rng: random.Random, library: Library, branches: list[Branch], today: date, prefix: str
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
                                       author=author, material=material,
                                       language="slv")  # fmt: skip
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
                library=library, record=record, barcode=f"{prefix}{10000 + count}",
                material=material, branch=branch, not_for_loan=nfl, price=_price(rng, material),
                call_number=call_number(author, title, material, for_children),
            )  # fmt: skip
    return count, children


def call_number(author: str, title: str, material: str, for_children: bool) -> str:
    """A call number (signatura) as Slovenian public libraries write them: the shelf for
    children (C), the UDC of Slovenian fiction, the author's surname and initial; the kind of
    material and the first word of the title where there is no author."""
    if material in ("magazine", "newspaper", "toy"):
        return ""
    shelf = {"dvd": "DVD", "music_cd": "CD"}.get(material, "C" if for_children else "821.163.6")
    *given, surname = author.split() or [title.split()[0]]
    initial = f" {given[0][0]}." if given else ""
    return f"{shelf} {surname.upper()}{initial}"
