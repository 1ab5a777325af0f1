"""Reads of loans, reservations and the catalogue that pages, the API and the command line
share. Reads only; writes are the services'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from bukve.accounts.models import Charge
from bukve.catalog.models import Item, Record
from bukve.catalog.selectors import CataloguePage, catalogue_find
from bukve.circulation.fines import is_exempt, loan_fine
from bukve.circulation.models import DailyRun, Loan, Locker, Reservation, Transit
from bukve.circulation.services import Renewal, member_blocks, renewal_preview
from bukve.libraries.models import Branch, Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member


def member_loans_out(member: Member) -> list[Loan]:
    """The member's loans not returned yet, the first due first."""
    return list(
        member.loans.filter(status=Loan.OUT)
        .select_related("item__record", "branch")
        .order_by("due_date", "id")
    )


def member_reservations_open(member: Member) -> QuerySet[Reservation]:
    """The member's reservations waiting for a copy or on the hold shelf, the oldest first."""
    return (
        member.reservations.filter(status__in=Reservation.OPEN)
        .select_related("record", "pickup_branch")
        .order_by("placed_date", "id")
    )


def hold_shelf_of(branch: Branch | None) -> QuerySet[Reservation]:
    """The copies on a branch's hold shelf, the first to expire first."""
    return (
        Reservation.objects.filter(pickup_branch=branch, status=Reservation.HELD)
        .select_related("member", "item__record", "locker")
        .order_by("hold_expires", "id")
    )


def pull_list(branch: Branch) -> QuerySet[Reservation]:
    """The copies on the branch's shelves wanted for holds at other branches: to take from
    the shelf and scan in, which sends them on. Oldest reservation first."""
    return (
        Reservation.objects.filter(
            status=Reservation.WAITING, item__branch=branch, item__status=Item.SHELF
        )  # fmt: skip
        .select_related("item__record", "pickup_branch", "member")
        .order_by("placed_date", "id")
    )


def transits_open(*, start: Branch | None = None, to: Branch | None = None) -> QuerySet[Transit]:
    """The copies on their way from the branch `start`, or to the branch `to`, oldest first."""
    transits = Transit.objects.filter(received_date__isnull=True)
    if start is not None:
        transits = transits.filter(from_branch=start)
    if to is not None:
        transits = transits.filter(to_branch=to)
    return transits.select_related("item__record", "from_branch", "to_branch",
                                   "reservation").order_by("sent_date", "id")  # fmt: skip


def lockers_offered(library: Library, today: date) -> list[Locker]:
    """The parcel lockers a member may choose to collect from, where the rules allow them."""
    if policy_for(library, today).locker_days is None:
        return []
    return list(Locker.objects.filter(library=library).select_related("branch").order_by("name"))


def locker_hold(locker: Locker, item: Item) -> Reservation | None:
    """The reservation the copy is held for, to be collected from the locker."""
    return Reservation.objects.filter(locker=locker, item=item, status=Reservation.HELD).first()


def return_fine(loan: Loan) -> Charge | None:
    """The fine charged when the loan was returned, if one was."""
    if loan.closed_date is None:  # not returned
        return None
    return loan.member.charges.filter(loan=loan, kind="fine", date=loan.closed_date).first()


@dataclass(frozen=True)
class LoanRow:
    loan: Loan
    overdue: bool
    renewal: Renewal  # what renewing online today would do
    accruing: Decimal  # the fine so far of an overdue loan, not yet a debt (RULES.md 1)


def loan_rows(member: Member, today: date) -> list[LoanRow]:
    """A member's loans out, by due date, with what renewing online would do."""
    loans = (
        Loan.objects.filter(member=member, status=Loan.OUT)
        .select_related("item__record", "branch", "library", "member__library")
        .order_by("due_date", "id")
    )
    policy = policy_for(member.library, today)
    rows = []
    for loan in loans:
        overdue = loan.due_date < today
        accruing = Decimal("0.00")
        if overdue and not loan.fine_closed and not is_exempt(member, policy):
            accruing = loan_fine(loan, today).amount
        renewal = renewal_preview(loan=loan, channel="online", today=today)
        rows.append(LoanRow(loan, overdue, renewal, accruing))
    return rows


def queue_position(reservation: Reservation) -> int:
    """1 for the first member waiting for the title; in the order copies are held in
    (placed date, then id)."""
    before = Reservation.objects.filter(
        record=reservation.record_id, status=Reservation.WAITING
    ).filter(
        Q(placed_date__lt=reservation.placed_date)
        | Q(placed_date=reservation.placed_date, id__lt=reservation.pk)
    )
    return before.count() + 1


@dataclass(frozen=True)
class ReservationRow:
    reservation: Reservation
    position: int | None  # in the queue, while waiting


def reservation_rows(member: Member) -> list[ReservationRow]:
    """A member's reservations waiting or on the hold shelf, with their place in the queue."""
    reservations = (
        Reservation.objects.filter(member=member, status__in=Reservation.OPEN)
        .select_related("record", "pickup_branch", "item", "locker")
        .order_by("placed_date", "id")
    )
    return [  # a copy on its way has no place in the queue
        ReservationRow(r, queue_position(r) if r.status == r.WAITING and not r.item_id else None)
        for r in reservations
    ]


def catalogue_search(
    member: Member, text: str, *, filters: dict[str, str] | None = None, page: int = 1
) -> CataloguePage:
    """A page of the search of the member's library's catalogue (catalogue_find): every
    word in any of its Slovenian forms, case and diacritics ignored, an exact title first;
    a typing slip ("Presern" for Prešeren) forgiven when nothing matches exactly."""
    return catalogue_find(member.library_id, text, filters=filters, page=page)


def copy_to_reserve(record: Record) -> Item | None:
    """The copy to reserve a title through: one for home loan, on the shelf if there is one,
    a withdrawn one last. A reservation is for the title; the copy names the default pick-up
    branch."""
    copies = sorted(
        record.items.all(),
        key=lambda c: (
            c.status == Item.WITHDRAWN,
            c.not_for_loan,
            c.status != Item.SHELF,
            c.barcode,
        ),
    )
    return copies[0] if copies else None


def noticed_loans(member: Member) -> list[Loan]:
    """The member's loans out with a notice sent, by due date: the items to return first."""
    noticed = member.loans.filter(status=Loan.OUT, notice_level__gt=0)
    return list(noticed.select_related("item__record").order_by("due_date", "id"))


def loans_out_count(member: Member) -> int:
    return member.loans.filter(status=Loan.OUT).count()


def library_loans(library_id: int) -> QuerySet[Loan]:
    """A library's loans, with what the API shows of each."""
    return Loan.objects.filter(library=library_id).select_related(
        "member", "item__record", "branch"
    )


def loans_of(library_id: int, member: Member, status: str) -> QuerySet[Loan]:
    """A member's loans with `status` (or all: "all"), the latest first."""
    loans = library_loans(library_id).filter(member=member)
    if status != "all":
        loans = loans.filter(status=status)
    return loans.order_by("-checkout_date", "-id")


def loans_by_due_date(library_id: int, status: str, due_before: date | None) -> QuerySet[Loan]:
    """A library's loans with `status` (or all: "all"), due before `due_before` if given."""
    loans = library_loans(library_id)
    if status != "all":
        loans = loans.filter(status=status)
    if due_before is not None:
        loans = loans.filter(due_date__lt=due_before)
    return loans.order_by("due_date", "id")


def library_reservations(library_id: int) -> QuerySet[Reservation]:
    """A library's reservations, with what the API shows of each."""
    return Reservation.objects.filter(library=library_id).select_related(
        "member", "record", "pickup_branch", "item"
    )


def reservations_of(library_id: int, member: Member, status: str) -> QuerySet[Reservation]:
    """A member's reservations waiting or on the hold shelf ("active") or all of them ("all"),
    the latest first."""
    reservations = library_reservations(library_id).filter(member=member)
    if status == "active":
        reservations = reservations.filter(status__in=Reservation.OPEN)
    return reservations.order_by("-placed_date", "-id")


def daily_runs_latest(library: Library, limit: int) -> list[DailyRun]:
    """The library's latest days of the daily run, the latest first."""
    return list(DailyRun.objects.filter(library=library).order_by("-date")[:limit])


@dataclass(frozen=True)
class LibraryFigures:
    library: Library
    branches: list[Branch]
    members: int
    items: int
    out: int  # loans out
    overdue: int  # of those, overdue


def library_figures(today: date) -> list[LibraryFigures]:
    """Each library, by name, with its branches and how many members, items, loans out and
    overdue loans it has: a few queries for all libraries together."""
    people = Member.objects.filter(age_group="")  # not the purged members' statistics
    members = dict(people.values_list("library").annotate(n=Count("id")))
    items = dict(Item.objects.values_list("library").annotate(n=Count("id")))
    loans: dict[int, tuple[int, int]] = {
        row["library"]: (row["out"], row["overdue"])
        for row in Loan.objects.filter(status=Loan.OUT)
        .values("library")
        .annotate(out=Count("id"), overdue=Count("id", filter=Q(due_date__lt=today)))
    }
    branches: dict[int, list[Branch]] = {}
    for branch in Branch.objects.annotate(items=Count("item")).order_by("library", "id"):
        branches.setdefault(branch.library_id, []).append(branch)
    return [
        LibraryFigures(
            library,
            branches.get(library.pk, []),
            members.get(library.pk, 0),
            items.get(library.pk, 0),
            *loans.get(library.pk, (0, 0)),
        )
        for library in Library.objects.order_by("name")
    ]


def demo_members(today: date) -> list[dict[str, object]]:
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


def demo_items(per_library: int = 3) -> list[dict[str, object]]:
    """Per library, a few books (different titles) on the shelf of its main branch that anyone
    may take home and nobody is waiting for: barcodes to scan at the desk or for the API."""
    waited_for = Reservation.objects.filter(status__in=Reservation.OPEN)
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
