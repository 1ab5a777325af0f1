"""How membership reacts to what the layers below it announce (bukve.accounts.events)."""

from typing import Any

from bukve.accounts.events import debts_settled
from bukve.members.models import Member
from bukve.membership.registration import registration_fee_paid


def _registration_fee_paid(sender: Any, *, member: Member, **kwargs: Any) -> None:
    registration_fee_paid(member=member)


debts_settled.connect(_registration_fee_paid, dispatch_uid="membership.registration_fee_paid")
