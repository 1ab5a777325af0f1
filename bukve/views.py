"""Site-wide pages: the landing page."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bukve.catalog.models import Item
from bukve.circulation.models import Loan, Reservation
from bukve.circulation.services import member_blocks
from bukve.demo import DEMO_MEMBER_PASSWORD, DEMO_USERS, demo_enabled
from bukve.libraries.models import Branch, Library
from bukve.members.models import Member


def home(request: HttpRequest) -> HttpResponse:
    """What Bukve is, the libraries it holds with a few numbers, and where to go next."""
    today = timezone.localdate()
    people = Member.objects.filter(age_group="")  # not the purged members' statistics
    members = dict(people.values_list("library").annotate(n=Count("id")))
    items = dict(Item.objects.values_list("library").annotate(n=Count("id")))
    loans = {
        row["library"]: row
        for row in Loan.objects.filter(status=Loan.OUT)
        .values("library")
        .annotate(out=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)))
    }
    branches: dict[int, list[Branch]] = {}
    for branch in Branch.objects.annotate(items=Count("item")).order_by("library", "id"):
        branches.setdefault(branch.library_id, []).append(branch)
    libraries = [
        {
            "library": library,
            "branches": branches.get(library.pk, []),
            "members": members.get(library.pk, 0),
            "items": items.get(library.pk, 0),
            "out": loans.get(library.pk, {}).get("out", 0),
            "overdue": loans.get(library.pk, {}).get("overdue", 0),
        }
        for library in Library.objects.order_by("name")
    ]
    names = {row["library"].code: row["library"].name for row in libraries}
    logins: list[dict[str, object]] = []
    members_: list[dict[str, object]] = []
    items_: list[dict[str, object]] = []
    if demo_enabled():
        existing = set(
            get_user_model()
            .objects.filter(username__in=[u for u, *_ in DEMO_USERS])
            .values_list("username", flat=True)
        )
        logins = [
            {
                "username": username,
                "password": password,
                "library": names.get(code or ""),
                "role": role,
            }
            for username, password, code, role in DEMO_USERS
            if username in existing
        ]
        members_ = _demo_members(today)
        items_ = _demo_items()
    return render(
        request,
        "home.html",
        {
            "libraries": libraries,
            "logins": logins,
            "member_logins": members_,
            "demo_items": items_,
            "member_password": DEMO_MEMBER_PASSWORD,
        },
    )


def _demo_members(today: date) -> list[dict[str, object]]:
    """Per library, a member with a fine to look at, a parent with a child and a member who
    may borrow (no block) to lend the demo items to."""
    rows: list[dict[str, object]] = []
    for library in Library.objects.order_by("name"):
        members = Member.objects.filter(library=library).exclude(password="").order_by("id")
        fined = members.filter(charges__kind="fine", charges__open_amount__gt=0).first()
        parent = members.filter(wards__isnull=False).first()
        if fined is not None:
            rows.append({"member": fined, "library": library, "why": "fine"})
        if parent is not None and parent != fined:
            rows.append({"member": parent, "library": library, "why": "parent"})
        adults = members.filter(category="adult", guardian=None, restricted=False)
        for member in adults.exclude(pk__in=[m.pk for m in (fined, parent) if m])[:10]:
            if not member_blocks(member, today):
                rows.append({"member": member, "library": library, "why": "borrow"})
                break
    return rows


def _demo_items(per_library: int = 3) -> list[dict[str, object]]:
    """Per library, a few books (different titles) on the shelf of its main branch that anyone
    may take home and nobody is waiting for: barcodes to scan at the desk or for the API."""
    waited_for = Reservation.objects.filter(status__in=[Reservation.WAITING, Reservation.HELD])
    rows: list[dict[str, object]] = []
    for library in Library.objects.order_by("name"):
        main = library.branches.order_by("id").first()
        items = (
            Item.objects.filter(library=library, branch=main, status=Item.SHELF, material="book")
            .filter(not_for_loan=False)
            .exclude(record__in=waited_for.values("record"))
            .select_related("record")
            .order_by("barcode")[: per_library * 10]
        )
        titles: dict[int, Item] = {}  # one copy of each title
        for item in items:
            titles.setdefault(item.record_id, item)
        rows.append({"library": library, "items": list(titles.values())[:per_library]})
    return [row for row in rows if row["items"]]
