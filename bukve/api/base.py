"""What the API's endpoint modules share (bukve/api/views.py and the routers it adds): the
request an endpoint gets, the error that answers 404, and the lookups of what a request
names in the caller's library (another library's rows are not found)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from bukve.api.models import ApiToken
from bukve.catalog.models import Item
from bukve.catalog.selectors import item_by_barcode
from bukve.libraries.models import Branch, Staff
from bukve.libraries.selectors import branch_coded
from bukve.members.models import Member
from bukve.members.selectors import member_by_card


class ApiRequest(HttpRequest):
    """The request of an endpoint behind TokenAuth, for type annotations."""

    auth: ApiToken


class NotFound(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def staff_of(request: ApiRequest) -> Staff:
    """The staff member the key acts as."""
    return request.auth.staff


def library_of(request: ApiRequest) -> int:
    """The id of the key's library."""
    return staff_of(request).library_id


def key_branch(request: ApiRequest) -> Branch | None:
    """Where the key works: its own branch, else its staff member's."""
    return request.auth.branch or staff_of(request).branch


def branch_of(request: ApiRequest, code: str) -> Branch:
    found = branch_coded(library_of(request), code)
    if found is None:
        raise NotFound(_("No branch with this code in your library."))
    return found


def member_of(request: ApiRequest, card_number: str) -> Member:
    found = member_by_card(library_of(request), card_number)
    if found is None:
        raise NotFound(_("No member with this card number in your library."))
    return found


def item_of(request: ApiRequest, barcode: str) -> Item:
    found = item_by_barcode(library_of(request), barcode)
    if found is None:
        raise NotFound(_("No item with this barcode in your library."))
    return found
