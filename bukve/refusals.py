"""Refusals: a reason code for machines and a translated sentence for people (RULES.md).

A service may add a precise sentence to the code's general one: the code stays what RULES.md
says (`item_not_available`), the sentence says what is really the matter ("already on loan
to this member since 2. 3. 2026, due 23. 3. 2026").
"""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "not_for_loan": _("This item is not for home loan."),
    "no_lockers": _("The library has no parcel locker for this; choose a branch to pick up at."),
    "not_in_locker": _(
        "Only a copy waiting on the hold shelf for a parcel-locker reservation can be put in "
        "the locker."
    ),
    "barcode_taken": _("Another copy of the library has this barcode already."),
    "item_on_loan": _("The copy is on loan; it can be withdrawn once it is back."),
    "item_held": _("The copy waits on the hold shelf for a member; cancel the hold first."),
    "item_withdrawn": _("The copy has been withdrawn from the collection."),
    "item_in_transit": _(
        "The copy is on its way between branches; withdraw it once it has arrived."
    ),
    "item_not_available": _("This item is not available: it is on loan or held for someone."),
    "limit_reached": _("The member has reached the limit of items on loan."),
    "membership_restricted": _(
        "Until the member signs the membership statement in person, home loans and renewals "
        "are not possible."
    ),
    "membership_expired": _("The membership has expired; it must be renewed first."),
    "fee_required": _(
        "The member uses only the mobile library and borrows only there; paying the annual "
        "membership fee opens every branch."
    ),
    "debt_overdue": _("The member has a debt older than one month; it must be paid first."),
    "in_collection": _(
        "The member's debts were handed over for collection; no service is possible until the "
        "items are returned or paid for and the debts are settled."
    ),
    "already_reserved": _(
        "The member has already reserved this title (waiting for it, or a copy is on the hold "
        "shelf); one reservation of a title is enough."
    ),
    "reserved_by_other": _("Another member has reserved this item, so it cannot be renewed."),
    "after_notice": _("An overdue notice has been sent for this item, so it cannot be renewed."),
    "not_renewable": _("This item cannot be renewed."),
    "renewal_limit": _("This item has been renewed as many times as the rules allow."),
    "overdue_needs_staff": _(
        "This item is overdue; it can be renewed only at the library desk, by phone or by e-mail."
    ),
    "not_a_member": _("No member with this card number."),
    "return_items_first": _(
        "Items that already have an overdue notice must be returned before the debts are paid."
    ),
    "amount_not_positive": _("The amount must be more than 0.00."),
    "reason_required": _("A reason is required; it is kept in the ledger."),
    "waiver_exceeds_debt": _("A charge cannot be reduced by more than is still owed on it."),
    "birth_date_implausible": _("This date of birth is not possible; please check it."),
    "register_in_person": _(
        "Members of the free categories register in person at the library, with a document "
        "that proves the category."
    ),
    "link_invalid": _("This activation link is not valid. Please check that it was copied whole."),
    "link_expired": _(
        "This activation link has expired: it was valid for 24 hours, or a newer link was "
        "sent since."
    ),
    "link_used": _("This activation link was used already: the registration is complete."),
    "already_a_member": _(
        "You seem to be a member already. Please contact the library instead of registering again."
    ),
    # Membership (issue 4): categories, fees, cards, guardians, ending membership.
    "guardian_required": _(
        "A child under 15 needs a parent or guardian who is an adult member of the library "
        "and signs for the child."
    ),
    "evidence_required": _(
        "This category is free only with a valid document (a certificate of the employment "
        "service not older than one month, the European disability card or a librarians' "
        "society membership card); record it first."
    ),
    "renewal_too_early": _(
        "The membership is paid for a while yet; it can be renewed in the last month of the "
        "paid period."
    ),
    "membership_ended": _("The membership has ended."),
    "membership_banned": _(
        "By the director's decision the member is excluded for breaking the library's rules."
    ),
    "loans_out": _("All borrowed items must be returned before the membership can end."),
    "debts_open": _("All debts must be settled before the membership can end."),
    "authorisation_beyond_membership": _(
        "An authorisation can be valid only while the membership is paid, and not in the past."
    ),
    "education_needs_consent": _("The education level is kept only with the member's consent."),
    "charge_not_open": _("A chosen charge is already paid or is not this member's."),
    "already_reversed": _("This entry has already been reversed."),
    "already_booked": _("This transfer has already been booked as a payment."),
    "nothing_to_reverse": _(
        "This charge was waived or written off in full; there is nothing left to reverse."
    ),
    "not_a_payment": _("Only a payment of money can be reversed; a correction is final."),
    "nothing_sold": _("Choose at least one item of the price list."),
    "walk_in_pays_at_once": _("A sale without a member must be paid at once."),
    "not_in_price_list": _("This item is not in the library's price list on that day."),
    "installments_out_of_range": _("A plan has from 2 to 24 installments, each of at least 0.01."),
    "date_in_past": _("The date cannot be in the past."),
    "charge_in_plan": _("A chosen charge is already in an installment plan."),
    "collection_by_daily_run": _(
        "This library hands members over to collection in the daily run, after the last "
        "notice; there is nothing to hand over by hand."
    ),
    "idempotency_key_reused": _(
        "This request's key was already used for another payment; send a new key for a new payment."
    ),
    "debt_changed": _(
        "The member's debts changed since this page was opened (another payment was taken, "
        "perhaps at another desk); nothing was booked. Check the account and try again."
    ),
    "refund_exceeds_credit": _("A refund cannot be more than what is left of the payment."),
    "nothing_to_refund": _("Nothing is owed back of this payment (any more)."),
    "refund_unavailable": _(
        "The payment provider could not refund it now; nothing was booked. Try again later, "
        "or pay the money back another way and record it."
    ),
    "payment_unavailable": _(
        "Online payment is not available at the moment. Please try again later, or pay at "
        "the library."
    ),
    # Cataloguing at the desk (issue 13): a record's description.
    "title_required": _("A record needs a title."),
    "year_implausible": _("This year of publication is not possible; please check it."),
    "isbn_invalid": _(
        "This is not a valid ISBN: it has 10 or 13 digits and a check digit that fits them."
    ),
    # Interlibrary loan.
    "ill_wrong_step": _("This interlibrary loan is not at the step this needs."),
}

# The precise sentences of the catalogue's refusals.
ISBN_NOT_VALID = _("%(isbn)s is not a valid ISBN: check its digits.")
YEAR_NOT_POSSIBLE = _("%(year)s is not a possible year of publication; please check it.")


# The precise sentences of `item_not_available`: what the copy is really doing.
ON_LOAN_TO_MEMBER = _("This item is already on loan to this member (since %(since)s, due %(due)s).")
ON_LOAN_TO_OTHER = _("This item is on loan to another member (due %(due)s).")
HELD_FOR_OTHER = _("This item is held for another member at %(branch)s (until %(until)s).")
NOT_HELD_FOR_MEMBER = _("This item is not held for this member.")
NOT_ON_LOAN = _("This item is not on loan.")
ALREADY_RETURNED = _("This item is not on loan: it was already returned on %(returned)s.")
LOST = _("This item is recorded as lost.")
IN_TRANSIT = _("This item is on its way to %(branch)s.")
WITHDRAWN = _("This copy has been withdrawn from the collection.")

# The precise sentences of `fee_required` and `already_reserved`.
BORROWS_ONLY_ON_MOBILE = _(
    "The member uses only the mobile library and borrows only there, not at %(branch)s; "
    "paying the annual membership fee opens every branch."
)
ALREADY_WAITING = _(
    "The member has already reserved this title (since %(since)s) and is waiting for it; "
    "one reservation of a title is enough."
)
ALREADY_HELD = _(
    "A copy of this title is already on the hold shelf for the member at %(branch)s "
    "(until %(until)s)."
)

# The precise sentences of interlibrary loan's refusals.
ILL_RESTRICTED = _(
    "Until the member signs the membership statement in person, interlibrary loans are not "
    "possible."
)
ILL_AT_STEP = _("This interlibrary loan is not at the step this needs; its status: %(status)s.")
ILL_ON_LOAN = _("This copy is on loan or on the hold shelf; only a copy on the shelf is lent.")


class Refused(Exception):
    """A service refused an operation; nothing was written.

    `precise` is an optional sentence (lazily translated, with %(name)s parameters) saying
    more than the code's general sentence; it is put together in the language active when
    it is shown, dates in the locale's format."""

    def __init__(self, code: str, precise: Promise | None = None, **params: object) -> None:
        assert code in SENTENCES, code
        super().__init__(code)
        self.code = code
        self.precise = precise
        self.params = params

    @property
    def general(self) -> str:
        """The code's sentence, the same for every refusal with this code."""
        return str(SENTENCES[self.code])

    @property
    def sentence(self) -> str:
        """What people are told: the precise sentence where there is one."""
        if self.precise is None:
            return self.general
        return str(self.precise) % {name: _shown(value) for name, value in self.params.items()}


def _shown(value: object) -> str:
    if isinstance(value, date):
        return formats.date_format(value, "j. n. Y")
    return str(value)
