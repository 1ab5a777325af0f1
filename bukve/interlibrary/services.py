"""Interlibrary loan services (medknjižnična izposoja): the steps of a title asked of another
library for a member, and of a copy of ours lent to another library.

Each service is one transaction and records who took the step and when. Locks follow the
documented order: the copy (lending), or the member (borrowing), then the request itself.

Borrowing (Tolmin art. 47: "ordered on the member's request, loaned under the lending
library's rules"): `ill_request` → `ill_receive` (the member is told it is ready) →
`ill_lend_out` (the member collects it and is charged the fee per unit) → `ill_return` →
`ill_send_back`; or `ill_cancel` before it arrives, or `ill_not_collected`.
Lending (Tolmin art. 48): `ill_lend_request` (our copy is set aside) → `ill_lend_send` →
`ill_lend_return`; or `ill_cancel` before it is sent.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy

from bukve import refusals
from bukve.accounts.settlement import charge_record
from bukve.catalog.models import Item
from bukve.catalog.services import item_lock
from bukve.circulation.holds import copy_route
from bukve.circulation.services import member_blocks
from bukve.formatting import money
from bukve.interlibrary import fees
from bukve.interlibrary.models import IllRequest
from bukve.libraries.models import Branch, Library
from bukve.libraries.services import policy_for
from bukve.members.models import Member
from bukve.members.services import member_lock
from bukve.notices.models import Message
from bukve.notices.services import member_messages, message_addressee
from bukve.refusals import Refused

STATUS_LABELS = dict(IllRequest.STATUSES)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _lock(request: IllRequest) -> IllRequest:
    """The request, locked and read afresh (after the member or the copy); its related rows
    are read with it, not locked (PostgreSQL locks no nullable side of an outer join)."""
    return (
        IllRequest.objects.select_for_update(of=("self",))
        .select_related("library", "member", "branch", "item")
        .get(pk=request.pk)
    )


def _at(request: IllRequest, direction: str, *statuses: str) -> None:
    """Refuse unless the request goes in `direction` and is at one of `statuses`."""
    if request.direction != direction or request.status not in statuses:
        raise Refused("ill_wrong_step", refusals.ILL_AT_STEP,
                      status=STATUS_LABELS[request.status])  # fmt: skip


def _check_member(member: Member, today: date) -> None:
    """The member may borrow: the blocks of a checkout, in RULES.md's order. A member
    registered online and not yet signed has no interlibrary loans (seed 000, Ravne:
    `membership_restricted`); one in collection can use no service (`in_collection`)."""
    blocks = member_blocks(member, today)
    if not blocks:
        return
    if blocks[0] == "membership_restricted":
        raise Refused("membership_restricted", refusals.ILL_RESTRICTED)
    raise Refused(blocks[0])


def _step(request: IllRequest, by: User | None, **values: object) -> IllRequest:
    """Set the step's fields and who took it; save just those."""
    for name, value in values.items():
        setattr(request, name, value)
    request.updated_by = by
    request.save(update_fields=[*values, "updated_by", "updated_at"])
    return request


def _charge(request: IllRequest, member: Member, code: str, day: date, by: User | None) -> None:
    """Charge the member the price-list item `code` valid on `day` (fees.py: the library's
    price, else an assumed one, else nothing), unless the request is free. Caller holds the
    member lock."""
    if request.free:
        return
    policy = policy_for(request.library, day)
    price = fees.ill_price(policy, code)
    if price is None or price.amount <= 0:
        return
    request.fee = charge_record(
        member=member, day=day, kind="ill", amount=price.amount, created_by=by,
        note=request.title[:300], **fees.charge_links(price, policy, day),
    )  # fmt: skip


# --- borrowing from another library for a member ----------------------------------------------


def ill_request(
    *,
    member: Member,
    title: str,
    partner: str,
    author: str = "",
    isbn: str = "",
    partner_code: str = "",
    branch: Branch | None = None,
    free: bool = False,
    note: str = "",
    staff_user: User | None = None,
    today: date | None = None,
) -> IllRequest:
    """Order a title from another library on the member's request (Tolmin art. 47). Refused
    like a checkout for a member who may not borrow: in collection, restricted until signed
    (seed 000, Ravne), membership expired or ended, a debt too old (Tolmin). `free`: the
    library's price list makes this partner free (Velenje: "from libraries in the Celje area
    free"; the seed does not list them, so staff decide). `branch`: where the member collects
    it, by default the library's first. Locks: member."""
    today = _today(today)
    if not title.strip():
        raise Refused("title_required")
    if not partner.strip():
        raise ValueError("name the partner library")
    with transaction.atomic():
        member = member_lock(member.pk)
        _check_member(member, today)
        if branch is None:
            branch = member.library.branches.order_by("id").first()
        elif branch.library_id != member.library_id:
            raise ValueError("the branch is another library's")
        return IllRequest.objects.create(
            library_id=member.library_id, direction=IllRequest.BORROW, member=member,
            branch=branch, partner=partner.strip(), partner_code=partner_code.strip(),
            title=title.strip(), author=author.strip(), isbn=isbn.strip(), free=free,
            note=note, requested_on=today, created_by=staff_user, updated_by=staff_user,
        )  # fmt: skip


def ill_receive(
    *, request: IllRequest, due: date, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """The title arrived from the partner library; `due` is the member's due date under the
    lending library's rules (Tolmin art. 47: "loan period, renewal, fines ... of the library
    that lends it"), given by staff. The member is told it is ready, the way they chose
    (Tolmin art. 47: by phone or e-mail; here as a hold on the shelf is: e-mail, SMS or
    letter). Locks: member, request."""
    today = _today(today)
    if due < today:
        raise Refused("date_in_past")
    with transaction.atomic():
        member = member_lock(request.member_id) if request.member_id else None
        request = _lock(request)
        _at(request, IllRequest.BORROW, IllRequest.REQUESTED)
        _step(request, staff_user, status=IllRequest.RECEIVED, received_on=today, due_date=due)
        if member is not None:
            _tell_ready(request, member, today)
        return request


def _tell_ready(request: IllRequest, member: Member, today: date) -> None:
    """Queue the message that the title is ready, with what not collecting it would cost."""
    price = None if request.free else fees.ill_price(policy_for(request.library, today),
                                                     fees.NOT_COLLECTED)  # fmt: skip
    context = {
        "title": request.title,
        "partner": request.partner,
        "branch": request.branch,
        # Written when the message is rendered, in the addressee's language.
        "not_collected_fee": lazy(money, str)(price.amount) if price else None,
    }
    Message.objects.bulk_create(member_messages(
        library=request.library, member=member, kind="ill_ready", context=context,
        addressee=message_addressee(member, today),
    ))  # fmt: skip


def ill_lend_out(
    *, request: IllRequest, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """The member collects the title: the interlibrary loan fee per unit of the price list
    valid today is charged (Maribor point 7: 7.00; Velenje: 8.00; Tolmin art. 47 "per the
    price list", amount assumed, see fees.py), unless the request is free. Refused as a
    checkout is for a member who may not borrow now. Locks: member, request."""
    today = _today(today)
    with transaction.atomic():
        member = member_lock(request.member_id) if request.member_id else None
        request = _lock(request)
        _at(request, IllRequest.BORROW, IllRequest.RECEIVED)
        if member is None:
            raise Refused("not_a_member")
        _check_member(member, today)
        _charge(request, member, fees.ILL, today, staff_user)
        return _step(request, staff_user, status=IllRequest.ON_LOAN, loaned_on=today,
                     fee=request.fee)  # fmt: skip


def ill_return(
    *, request: IllRequest, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """The member brings the title back; it waits to be sent back to the partner library.
    Fines and notices of the lending library (Maribor point 7, Velenje "at the supplying
    library's prices") are not computed here; staff record them as a charge. Locks: request."""
    today = _today(today)
    with transaction.atomic():
        request = _lock(request)
        _at(request, IllRequest.BORROW, IllRequest.ON_LOAN)
        return _step(request, staff_user, status=IllRequest.RETURNED, returned_on=today)


def ill_send_back(
    *, request: IllRequest, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """The title goes back to the partner library, returned by the member or never collected.
    Locks: request."""
    today = _today(today)
    with transaction.atomic():
        request = _lock(request)
        _at(request, IllRequest.BORROW, IllRequest.RETURNED, IllRequest.NOT_COLLECTED)
        return _step(request, staff_user, status=IllRequest.SENT_BACK, sent_back_on=today)


def ill_not_collected(
    *, request: IllRequest, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """The member did not collect the title. Charged where the rules say so: Velenje "not
    picked up" 8.00; Tolmin art. 47 "the member pays per the price list even if the item is
    not collected", the interlibrary loan fee (assumed, fees.py). Maribor's and Ravne's rules
    say nothing: nothing is charged. Locks: member, request."""
    today = _today(today)
    with transaction.atomic():
        member = member_lock(request.member_id) if request.member_id else None
        request = _lock(request)
        _at(request, IllRequest.BORROW, IllRequest.RECEIVED)
        if member is not None:
            _charge(request, member, fees.NOT_COLLECTED, today, staff_user)
        return _step(request, staff_user, status=IllRequest.NOT_COLLECTED, closed_on=today,
                     fee=request.fee)  # fmt: skip


def ill_cancel(
    *, request: IllRequest, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """Cancel a request before the title arrives (borrowing) or before our copy is sent
    (lending; the copy goes to the first member waiting for its title, or back on the
    shelf). Nothing is charged: a title that arrived is either collected or not collected.
    Locks: the copy (lending), then the request."""
    today = _today(today)
    with transaction.atomic():
        item = item_lock(request.item_id) if request.item_id else None
        request = _lock(request)
        _at(request, request.direction, IllRequest.REQUESTED)
        if item is not None:
            _copy_home(item, request.library, today)
        return _step(request, staff_user, status=IllRequest.CANCELLED, closed_on=today)


# --- lending our copy to another library ------------------------------------------------------


def _copy_home(item: Item, library: Library, today: date) -> None:
    """Our copy is free again at its home branch (it was never sent, or the partner sent it
    back there): the first member waiting for its title gets it, else the shelf."""
    copy_route(item, at=item.branch, day=today, policy=policy_for(library, today))


def _check_copy(item: Item) -> None:
    """Only a copy for home loan that is on the shelf is lent to another library."""
    if item.not_for_loan:
        raise Refused("not_for_loan")
    if item.status == Item.LOST:
        raise Refused("item_not_available", refusals.LOST)
    if item.status == Item.WITHDRAWN:
        raise Refused("item_not_available", refusals.WITHDRAWN)
    if item.status != Item.SHELF:
        raise Refused("item_not_available", refusals.ILL_ON_LOAN)


def ill_lend_request(
    *,
    library: Library,
    partner: str,
    item: Item,
    partner_code: str = "",
    note: str = "",
    staff_user: User | None = None,
    today: date | None = None,
) -> IllRequest:
    """Another library asks for our copy: it is set aside (on loan, so no member borrows or
    is held it) until it is sent. The partner library owes our price list's interlibrary
    loan fee (Tolmin art. 48; Velenje: 8.00 "for libraries"; Maribor's 7.00 per unit is
    assumed to hold for libraries too); it is kept on the request for the invoice.
    Locks: item."""
    today = _today(today)
    if not partner.strip():
        raise ValueError("name the partner library")
    with transaction.atomic():
        item = item_lock(item.pk)
        if item.library_id != library.pk:
            raise ValueError("the copy is another library's")
        _check_copy(item)
        price = fees.ill_price(policy_for(library, today), fees.ILL)
        request = IllRequest.objects.create(
            library=library, direction=IllRequest.LEND, item=item, partner=partner.strip(),
            partner_code=partner_code.strip(), title=item.record.title[:500],
            author=item.record.author, isbn=item.record.isbn, note=note, requested_on=today,
            partner_fee=price.amount if price else None, created_by=staff_user,
            updated_by=staff_user,
        )  # fmt: skip
        item.status = Item.LOAN
        item.save(update_fields=["status"])
        return request


def ill_lend_send(
    *,
    request: IllRequest,
    due: date | None = None,
    staff_user: User | None = None,
    today: date | None = None,
) -> IllRequest:
    """Our copy goes to the partner library, to come back by `due` (our loan period, given
    by staff). Locks: item, request."""
    today = _today(today)
    with transaction.atomic():
        if request.item_id:
            item_lock(request.item_id)
        request = _lock(request)
        _at(request, IllRequest.LEND, IllRequest.REQUESTED)
        return _step(request, staff_user, status=IllRequest.SENT, sent_on=today, due_date=due)


def ill_lend_return(
    *, request: IllRequest, staff_user: User | None = None, today: date | None = None
) -> IllRequest:
    """Our copy is back from the partner library: it goes to the first member waiting for
    its title (as a returned loan does), or back on the shelf. Locks: item, request."""
    today = _today(today)
    with transaction.atomic():
        item = item_lock(request.item_id) if request.item_id else None
        request = _lock(request)
        _at(request, IllRequest.LEND, IllRequest.SENT)
        if item is not None:
            _copy_home(item, request.library, today)
        return _step(request, staff_user, status=IllRequest.RETURNED, returned_on=today)
