"""Made-up but realistic catalogue records for the catalogue benchmarks (not a test; see
bench/README.md): Slovenian-looking titles made of real Slovenian words in several
inflected forms, drawn with a Zipf-like skew (a few words are in many titles, most in few),
rare names made of syllables (each in a handful of records), authors with diacritics,
subjects, series, publishers, valid ISBN-13s and 1-3 copies per record with barcodes, call
numbers and branches.

Record `n` (1, 2, ...) is the same for the same seed whatever else is generated, so the
records can be made in parallel (`descriptions(first, count, seed)`) and a query can name a
record's words (`description(n, seed)`).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from bukve.catalog.marc import Copy, Description

SEED = 20261122
BRANCHES = ["main", "bibliobus", "tezno", "pobrezje", "studenci"]  # main and bibliobus: preset
BRANCH_WEIGHTS = [50, 5, 20, 15, 10]

# Content words, in the forms titles use them (several forms of one lemma on purpose:
# "knjiga", "knjige", "knjigi"...). Earlier words are drawn more often (Zipf-like).
WORDS = """
zgodbe zgodba življenje svet slovenija slovenske slovenski ljudje čas dan noč ljubezen
knjiga knjige otroci otrok mesto hiša pot zgodovina zgodovine voda gora gore morje sonce
pravljice pravljica pesmi pesem dežela domovina mati oče sin hči brat sestra prijatelj
prijatelji leto let zima poletje pomlad jesen reka reke gozd gozdovi drevo drevesa luna
zvezde zvezda nebo zemlja ogenj veter kruh vino sreča smrt vojna mir upanje sanje spomin
spomini kralj kraljica princesa zmaj vitez čarovnik skrivnost skrivnosti otok otoki cesta
vas vasi dom domovi šola učitelj učiteljica jezik jezika besede beseda glas glasovi luč
senca sence ptice ptica konj konji pes psi mačka mačke medved volk lisica zajec miška
vrt vrtovi cvetje roža rože kamen kamni most mostovi grad gradovi cerkev trg ulica ulice
knjižnica knjigami knjigah otroki otrocih zgodbah pravljicah pesmih ljudeh gorah morju
slovenskih slovenskem slovenskega mladi mladih stari starih novi nove novih lepa lepe
mali mala male velika veliki velike dolga dolgi temna temni bela beli črna črni rdeča
zelena zeleni modra zlata zlati srebrni tihi tiha skrivni zadnji zadnja prvi prva
kuharica kuhinja recepti zdravje narava živali rastline vrtnarjenje potovanje potovanja
vodnik vodič priročnik slovar atlas zemljevid zbirka izbor antologija roman romani
povest povesti novele kratke eseji dnevnik pisma spomini pogovori razprave študije
filozofija psihologija sociologija ekonomija pravo politika umetnost glasba arhitektura
fotografija film gledališče ples šport nogomet smučanje planinstvo alpinizem kolesarjenje
matematika fizika kemija biologija geografija astronomija računalništvo programiranje
medicina zdravila prehrana vzgoja družina starši odraščanje mladostniki babica dedek
""".split()  # noqa: SIM905 - easier to read and edit as text
FUNCTION_WORDS = ["in", "v", "na", "z", "s", "za", "o", "pod", "med", "od", "do", "pri", "ob"]
SUBTITLES = ["roman", "povest", "zbirka pesmi", "kratke zgodbe", "priročnik", "slikanica",
             "izbrani spisi", "pravljice za otroke", "zgodovinski roman", "kriminalni roman",
             "vodnik", "esej", "spomini", "monografija", "učbenik za osnovne šole"]  # fmt: skip
SURNAMES = """
Novak Horvat Kovačič Krajnc Zupančič Potočnik Kovač Mlakar Kos Vidmar Golob Turk Božič
Kralj Zupan Bizjak Hribar Korošec Rozman Kotnik Oblak Petek Kolar Košir Žagar Kastelic
Medved Zajc Pirc Kočevar Jerman Šinkovec Žnidaršič Hočevar Černe Rupnik Lesjak Dolenc
Cankar Prešeren Kosovel Jurčič Levstik Tavčar Bevk Kette Murn Gregorčič Aškerc Trdina
Kersnik Prežihov Voranc Kocbek Bartol Pahor Rebula Šalamun Zajc Menart Minatti Vidmar
Štefan Ferk Mihelič Lainšček Möderndorfer Jančar Kovačič Tomšič Vipotnik Makarovič Peršak
Šuklje Gradnik Golia Suhodolčan Vandot Milčinski Kosmač Ingolič Bor Sever Hieng Pregelj
Smith Müller Rossi Dupont García Nowak Petrović Jovanović Horváth Schneider Brown
""".split()  # noqa: SIM905 - easier to read and edit as text
FIRST_NAMES = """
Janez Marko Matej Andrej Jože Tomaž Peter Luka Anže Žiga Miha Rok Boštjan Primož Gregor
Marija Ana Maja Irena Mojca Nina Petra Katarina Urška Špela Tanja Barbara Nataša Alenka
Ivan France Srečko Oton Simon Ciril Vitomir Boris Alojz Svetlana Neža Tina Vesna Zala
John Anna Hans Giulia Pierre Carmen Ewa Milan Dragana István Klaus Emily
""".split()  # noqa: SIM905 - easier to read and edit as text
SUBJECTS = [
    "Slovenska književnost", "Slovenska poezija", "Romani", "Kratka proza", "Otroške knjige",
    "Mladinska književnost", "Zgodovina -- Slovenija", "Druga svetovna vojna",
    "Kuharstvo -- Recepti", "Zdravje", "Vzgoja otrok", "Psihologija", "Filozofija",
    "Umetnost -- Slovenija", "Arhitektura", "Glasba", "Planinstvo -- Julijske Alpe",
    "Potovanja -- Vodniki", "Narava -- Varstvo", "Vrtnarjenje", "Ekonomija", "Politika",
    "Pravo -- Slovenija", "Računalništvo", "Matematika -- Učbeniki", "Fizika", "Biologija",
    "Astronomija", "Šport", "Nogomet", "Smučanje", "Etnologija -- Slovenija", "Pravljice",
    "Ljudske pesmi", "Biografije", "Spomini", "Kriminalni romani", "Fantastika", "Stripi",
    "Slikanice", "Jezikoslovje -- Slovenščina", "Slovarji", "Geografija -- Slovenija",
    "Maribor -- Zgodovina", "Ljubljana -- Vodniki", "Štajerska", "Prekmurje", "Koroška",
]  # fmt: skip
SERIES = ["Zbirka Sto romanov", "Knjižnica Kondor", "Zbirka Moderni klasiki",
          "Cicibanova knjižnica", "Zbirka Čebelica", "Knjižnica Sinjega galeba",
          "Zbirka Beletrina", "Zbirka Žepnice",
          "Zbirka Zlata ptica", "Zbirka Odisej"]  # fmt: skip
PUBLISHERS = [("Mladinska knjiga", "Ljubljana"), ("Cankarjeva založba", "Ljubljana"),
              ("Beletrina", "Ljubljana"), ("Modrijan", "Ljubljana"), ("Založba ZRC", "Ljubljana"),
              ("Založba Obzorja", "Maribor"), ("Mohorjeva družba", "Celje"),
              ("Goga", "Novo mesto"), ("Litera", "Maribor"), ("Študentska založba", "Ljubljana"),
              ("Penguin Books", "London"), ("Hanser", "München")]  # fmt: skip
LANGUAGES = [("slv", 75), ("eng", 12), ("ger", 4), ("hrv", 3), ("srp", 2), ("ita", 2),
             ("fre", 2)]  # fmt: skip
MATERIALS = [("book", 86), ("audio", 3), ("video", 4), ("music_cd", 3), ("map", 1),
             ("magazine", 2), ("cdrom", 1)]  # fmt: skip
_SYLLABLES = [
    "ka",
    "ro",
    "vi",
    "le",
    "mo",
    "za",
    "tr",
    "šk",
    "dol",
    "gor",
    "nik",
    "jan",
    "bre",
    "ško",
    "ljan",
    "va",
    "če",
    "rn",
    "ož",
    "pe",
    "ti",
    "sla",
    "mir",
    "bo",
    "du",
    "ri",
]
_ENDINGS = ["", "a", "e", "i", "o", "ski", "ska", "ška", "ec", "ica", "ovo", "je", "ah"]
RARE_WORDS = 60_000  # made-up names, each in about 4 records per million with a share of 0.25


@lru_cache(maxsize=4)
def _rare_words(seed: int) -> tuple[str, ...]:
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < RARE_WORDS:
        parts = [rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))]
        word = "".join(parts) + rng.choice(_ENDINGS)
        words[word.capitalize()] = None
    return tuple(words)


@lru_cache(maxsize=1)
def _zipf(n: int) -> list[float]:
    """Cumulative weights 1/(rank + 5): the first word is about 5% of the words drawn (in
    about 13% of the titles), the 300th about 0.07%."""
    total, cumulative = 0.0, []
    for rank in range(n):
        total += 1 / (rank + 5)
        cumulative.append(total)
    return cumulative


def _weights(pairs: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


def isbn13(n: int) -> str:
    """A valid ISBN-13 of the Slovenian group (978-961-..., then 979-961-...), digits only."""
    body = f"97{8 + n // 1_000_000 % 2}961{n % 1_000_000:06d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def hyphenated(isbn: str) -> str:
    return f"{isbn[:3]}-{isbn[3:6]}-{isbn[6:8]}-{isbn[8:12]}-{isbn[12:]}"  # as printed


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)}, {rng.choice(FIRST_NAMES)}"


def _title(rng: random.Random, seed: int) -> str:
    cumulative = _zipf(len(WORDS))
    words = rng.choices(WORDS, cum_weights=cumulative, k=rng.choice((1, 2, 2, 3, 3, 4, 5)))
    if len(words) > 1 and rng.random() < 0.4:
        words.insert(rng.randrange(1, len(words)), rng.choice(FUNCTION_WORDS))
    if rng.random() < 0.25:
        words.insert(rng.randrange(len(words) + 1), rng.choice(_rare_words(seed)))
    return " ".join(words).capitalize()


def description(n: int, seed: int = SEED) -> Description:
    """Record n of the made-up catalogue (n = 1, 2, ...)."""
    rng = random.Random(seed * 10_000_019 + n)
    authors = [_person(rng) for _ in range(rng.choice((0, 1, 1, 1, 1, 2, 3)))]
    year = min(2025, 1950 + int(75 * rng.random() ** 0.5))
    materials, material_weights = _weights(MATERIALS)
    languages, language_weights = _weights(LANGUAGES)
    material = rng.choices(materials, material_weights)[0]
    publisher, place = rng.choice(PUBLISHERS)
    subjects = tuple(dict.fromkeys(rng.choice(SUBJECTS) for _ in range(rng.randint(0, 3))))
    surname = authors[0].split(",")[0].upper()[:3] if authors else "ZB"
    call_number = f"821.163.6-{rng.choice((31, 32, 1, 93, 4))} {surname}"
    copies = []
    for c in range(rng.choices((1, 2, 3), (60, 30, 10))[0]):
        acquired = date(max(year, 1995), 1, 1) + timedelta(days=rng.randrange(365 * 3))
        copies.append(
            Copy(
                barcode=f"MB{n:08d}{c}",
                call_number=call_number,
                branch=rng.choices(BRANCHES, BRANCH_WEIGHTS)[0],
                location=rng.choice(("odrasli", "mladinski oddelek", "študijska čitalnica")),
                price=Decimal(rng.randrange(800, 4500)) / 100,
                acquired=min(acquired, date(2026, 11, 1)),
                not_for_loan=rng.random() < 0.05,
            )
        )
    return Description(
        control_number=f"MB{n:08d}",
        title=_title(rng, seed),
        subtitle=rng.choice(SUBTITLES) if rng.random() < 0.3 else "",
        responsibility=" ; ".join(a.split(", ")[1] + " " + a.split(", ")[0] for a in authors),
        authors=tuple(authors),
        publisher=publisher,
        place=place,
        year=year,
        edition=rng.choice(("", "", "", "1. izd.", "2. izd.", "3. natis")),
        isbns=(isbn13(n),) if rng.random() < 0.85 else (),
        language=rng.choices(languages, language_weights)[0],
        subjects=subjects,
        classification=call_number.split(" ")[0],
        series=rng.choice(SERIES) if rng.random() < 0.15 else "",
        notes="",
        material=material,
        copies=tuple(copies),
    )


def descriptions(first: int, count: int, seed: int = SEED) -> list[Description]:
    return [description(n, seed) for n in range(first, first + count)]
