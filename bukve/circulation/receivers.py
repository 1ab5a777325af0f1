"""How circulation reacts to what the layers below it announce (bukve.accounts.events,
bukve.catalog.events)."""

from datetime import date
from typing import Any

from bukve.accounts.events import debts_settled
from bukve.catalog.events import copy_withdrawn
from bukve.catalog.models import Item
from bukve.circulation.holds import pull_release
from bukve.circulation.services import collection_refresh
from bukve.members.models import Member


def _collection_refresh(sender: Any, *, member: Member, **kwargs: Any) -> None:
    collection_refresh(member)


debts_settled.connect(_collection_refresh, dispatch_uid="circulation.collection_refresh")


def _pull_elsewhere(sender: Any, *, item: Item, day: date, **kwargs: Any) -> None:
    pull_release(item, day)


copy_withdrawn.connect(_pull_elsewhere, dispatch_uid="circulation.pull_elsewhere")
