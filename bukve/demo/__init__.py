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
from datetime import date, timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from bukve.accounts.models import Charge, Payment
from bukve.catalog.models import Item
from bukve.circulation.lockers import locker_add
from bukve.circulation.models import Loan, Reservation
from bukve.demo.data import catalogue_create, members_create
from bukve.demo.history import History
from bukve.libraries.models import Library, Staff
from bukve.libraries.services import PRESET_IDS, closure_add, library_load, preset_read
from bukve.members.models import Member
from bukve.notices.models import Notice

HISTORY_DAYS = 120
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
        exists = Staff.objects.filter(user=user).exists()
        if library is not None and role is not None and not exists:  # the site's admin: no desk
            # at the library's main branch (the first): its desk and keys scan in there
            branch = library.branches.order_by("pk").first()
            Staff.objects.create(user=user, library=library, role=role, branch=branch)
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
                # art. 22.b: the parcel locker in front of Knjižnica Tolmin
                locker_add(branch=branches[0], code="paketnik",
                           name="Paketnik pred Knjižnico Tolmin")  # fmt: skip
            prefix = PREFIXES[code]
            home = members_create(rng, library, branches, today, start, prefix)
            _, children = catalogue_create(rng, library, branches, today, prefix)
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
