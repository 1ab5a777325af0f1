"""Refusals: a reason code for machines and a translated sentence for people (RULES.md)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "not_for_loan": _("This item is not for home loan."),
    "item_not_available": _("This item is not available: it is on loan or held for someone."),
    "limit_reached": _("The member has reached the limit of items on loan."),
    "membership_restricted": _(
        "Until the member signs the membership statement in person, home loans and renewals "
        "are not possible."
    ),
    "membership_expired": _("The membership has expired; it must be renewed first."),
    "debt_overdue": _("The member has a debt older than one month; it must be paid first."),
    "in_collection": _(
        "The member's debts were handed over for collection; no service is possible until the "
        "items are returned or paid for and the debts are settled."
    ),
    "reserved_by_other": _("Another member has reserved this item, so it cannot be renewed."),
    "after_notice": _("An overdue notice has been sent for this item, so it cannot be renewed."),
    "not_renewable": _("This item cannot be renewed."),
    "renewal_limit": _("This item has been renewed as many times as the rules allow."),
    "overdue_needs_staff": _(
        "This item is overdue; it can be renewed only at the library desk or by phone."
    ),
    "not_a_member": _("No member with this card number."),
    "return_items_first": _(
        "Items that already have an overdue notice must be returned before the debts are paid."
    ),
    "amount_not_positive": _("The amount must be more than 0.00."),
    "reason_required": _("A reason is required; it is kept in the ledger."),
    "waiver_exceeds_debt": _("A charge cannot be reduced by more than is still owed on it."),
}


class Refused(Exception):
    """A service refused an operation; nothing was written."""

    def __init__(self, code: str) -> None:
        assert code in SENTENCES, code
        super().__init__(code)
        self.code = code

    @property
    def sentence(self) -> str:
        return str(SENTENCES[self.code])
