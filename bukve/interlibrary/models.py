"""Interlibrary loan (medknjižnična izposoja): a title asked of another library for one of
our members ("borrow"), or a copy of ours lent to another library ("lend").

Written only by bukve/interlibrary/services.py, which says which rule each step follows.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class IllRequest(models.Model):
    """One interlibrary loan of one unit, with the date of each of its steps.

    Borrow: requested → received → on_loan → returned → sent_back, or cancelled (before the
    member collects it) or not_collected (received and never collected; then sent back).
    Lend: requested → sent → returned, or cancelled before it is sent.
    """

    BORROW, LEND = "borrow", "lend"
    DIRECTIONS = [(BORROW, _("from another library")), (LEND, _("to another library"))]
    REQUESTED, RECEIVED, ON_LOAN, RETURNED, SENT_BACK = (
        "requested", "received", "on_loan", "returned", "sent_back",
    )  # fmt: skip
    SENT, CANCELLED, NOT_COLLECTED = "sent", "cancelled", "not_collected"
    STATUSES = [
        (REQUESTED, _("requested")),
        (RECEIVED, _("received, waiting for the member")),
        (ON_LOAN, _("on loan to the member")),
        (RETURNED, _("returned by the member")),
        (SENT_BACK, _("sent back")),
        (SENT, _("sent to the library")),
        (NOT_COLLECTED, _("not collected")),
        (CANCELLED, _("cancelled")),
    ]
    # Steps after which nothing more happens to a request.
    CLOSED = (SENT_BACK, CANCELLED)

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    direction = models.CharField(_("direction"), max_length=10, choices=DIRECTIONS)
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=REQUESTED)
    # Borrow: the member it is for. The request stays, without the person, when the member's
    # data are deleted (Tolmin art. 55).
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="ill_requests", verbose_name=_("member"),
    )  # fmt: skip
    # Borrow: where the member collects it.
    branch = models.ForeignKey(
        "libraries.Branch", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("branch"),
    )  # fmt: skip
    # Lend: our copy.
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, null=True, blank=True,
        related_name="ill_requests", verbose_name=_("copy"),
    )  # fmt: skip
    partner = models.CharField(_("partner library"), max_length=100)
    # The partner's COBISS acronym or sigla (e.g. SIKMB, 50470), as staff type it.
    partner_code = models.CharField(_("partner library's code"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=500)
    author = models.CharField(_("author"), max_length=300, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=30, blank=True)
    # No fee for the member (Velenje: interlibrary loans from libraries in the Celje area).
    free = models.BooleanField(_("free of charge"), default=False)
    requested_on = models.DateField(_("requested on"))
    received_on = models.DateField(_("received on"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    loaned_on = models.DateField(_("collected on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    sent_back_on = models.DateField(_("sent back on"), null=True, blank=True)
    closed_on = models.DateField(_("cancelled or not collected on"), null=True, blank=True)
    # Borrow: the member's due date, set by the lending library's rules (Tolmin art. 47).
    # Lend: the date the partner library is to send our copy back.
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # Borrow: the member's charge (the fee, or the fee for not collecting it).
    fee = models.ForeignKey(
        "accounts.Charge", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("charge"),
    )  # fmt: skip
    # Lend: what the partner library owes by our price list (Tolmin art. 48; Velenje: 8.00 for
    # libraries), for the invoice; the ledger keeps members' accounts, not libraries'.
    partner_fee = models.DecimalField(
        _("fee for the partner library"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("interlibrary loan")
        verbose_name_plural = _("interlibrary loans")
        constraints = [
            # A copy is lent to one library at a time.
            models.UniqueConstraint(
                "item",
                condition=Q(direction="lend", status__in=["requested", "sent"]),
                name="ill_one_open_lend_per_item",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(direction="borrow", item__isnull=True)
                | Q(direction="lend", member__isnull=True, item__isnull=False),
                name="ill_direction_fits",
            ),
        ]
        indexes = [
            models.Index(fields=["library", "status"]),
            models.Index(fields=["member", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.title} ({self.partner}, {self.status})"
