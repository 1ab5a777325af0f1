"""How circulation reacts to what the layers below it announce (bukve.accounts.events)."""

from typing import Any

from bukve.accounts.events import debts_settled
from bukve.circulation.services import collection_refresh
from bukve.members.models import Member


def _collection_refresh(sender: Any, *, member: Member, **kwargs: Any) -> None:
    collection_refresh(member)


debts_settled.connect(_collection_refresh, dispatch_uid="circulation.collection_refresh")
