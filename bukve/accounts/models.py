from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Charge(models.Model):
    """A debt entry. `open_amount` is what its allocations have not yet settled; it is kept
    for fast queries and always equals `amount` less the sum of its allocations (the
    `ledger_check` proves it). A walk-in sale at the desk is a charge with no member."""

    KINDS = {
        "fine": _("overdue fine"),
        "notice": _("overdue notice"),
        "collection": _("hand-over to collection"),
        "lost_item": _("lost or damaged item"),
        "processing": _("processing of a replacement"),
        "membership": _("membership fee"),
        "card": _("membership card"),
        "hold_not_collected": _("reserved item not picked up"),
        "ill": _("interlibrary loan"),
        "service": _("service"),
        "sale": _("sale"),
        "refund": _("refund paid back"),
    }

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="charges"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    open_amount = models.DecimalField(max_digits=9, decimal_places=2)
    loan = models.ForeignKey("circulation.Loan", on_delete=models.PROTECT, null=True, blank=True)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True)
    notice = models.ForeignKey("notices.Notice", on_delete=models.PROTECT, null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    units = models.PositiveIntegerField(null=True, blank=True)  # fine days, periods, sold units
    # A price-list sale: the item's code, its unit price and the VAT rate included in the price
    # on the day of the sale (None: no VAT), kept so a receipt reads the same years later.
    price_code = models.CharField(max_length=40, blank=True)
    unit_price = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stretch_from = models.DateField(null=True, blank=True)  # a fine's stretch: (from, date]
    # A refund: money of this payment paid back to the member (kind "refund"), settled by it.
    refund_of = models.ForeignKey(
        "Payment", on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    note = models.CharField(max_length=300, blank=True)
    # A sale's key from the desk form that made it (Payment.idempotency_key): the same form
    # sent again sells nothing more.
    idempotency_key = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["member", "date"]),
            models.Index(
                fields=["member", "date"], condition=Q(open_amount__gt=0), name="charge_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.amount}"


class Payment(models.Model):
    """A credit entry: money in, or a correction that settles a charge without money.

    Corrections keep who decided, when and why: a waiver (the director forgives (part of) a
    charge, Tolmin art. 17, 36), a write-off (a debt that cannot be collected) and a reversal
    (a charge recorded by mistake is cancelled). A payment taken by mistake is undone by a
    reversal entry with a negative amount that points at it (`reverses`). `unallocated` is the
    credit left and always equals `amount` less the sum of its allocations."""

    WAIVER, WRITE_OFF, REVERSAL = "waiver", "write_off", "reversal"
    MONEY = ["cash", "card", "online", "transfer"]
    CORRECTIONS = [WAIVER, WRITE_OFF, REVERSAL]
    METHODS = [("cash", _("cash")), ("card", _("card")), ("online", _("online")),
               ("transfer", _("bank transfer")), (WAIVER, _("waiver")),
               (WRITE_OFF, _("write-off")), (REVERSAL, _("reversal"))]  # fmt: skip

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    date = models.DateField()
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    unallocated = models.DecimalField(max_digits=9, decimal_places=2)  # credit left
    method = models.CharField(max_length=20, choices=METHODS, default="cash")
    note = models.CharField(max_length=300, blank=True)  # a correction's reason, a reference
    taken_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    # The receipt's number, "2026-000123", numbered per library and year (money only).
    receipt_number = models.CharField(max_length=20, blank=True)
    # The payer's key of the request that took it (a desk form's one-time token, the API's
    # Idempotency-Key header): the same key again books nothing and gets this payment back.
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["library", "date"])]
        constraints = [
            models.UniqueConstraint(
                "library", "receipt_number", condition=~Q(receipt_number=""), name="receipt_once"
            ),
            models.UniqueConstraint(
                "library",
                "idempotency_key",
                condition=~Q(idempotency_key=""),
                name="payment_key_once",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"

    @property
    def is_correction(self) -> bool:
        return self.method in self.CORRECTIONS


class Allocation(models.Model):
    """How much of a payment settled a charge. Append-only like the rest of the ledger: a
    negative allocation releases money again (a reversed charge gives its payments back as
    credit; a reversed payment reopens the charges it paid)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=9, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.amount} of payment {self.payment_id} to charge {self.charge_id}"


class ReceiptSequence(models.Model):
    """The last receipt number given by a library in a year (locked while numbering)."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint("library", "year", name="receipt_sequence_once")]

    def __str__(self) -> str:
        return f"{self.year}-{self.last:06d}"


class InstallmentPlan(models.Model):
    """Debts paid in installments on the director's decision (Tolmin art. 36). While the plan
    is kept, its charges do not count as old debts; an installment unpaid one month after it
    falls due does."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="plans")
    charges = models.ManyToManyField(Charge, related_name="plans")
    date = models.DateField()
    reason = models.CharField(max_length=300)
    approved_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.date} plan of {self.member_id}"


class Installment(models.Model):
    plan = models.ForeignKey(InstallmentPlan, on_delete=models.CASCADE, related_name="installments")
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"{self.due_date} {self.amount}"


class BankTransaction(models.Model):
    """A line of an imported bank statement, matched to a member by its reference."""

    MATCHED, UNMATCHED = "matched", "unmatched"
    STATUSES = [(MATCHED, _("matched")), (UNMATCHED, _("unmatched"))]

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    bank_id = models.CharField(max_length=100)
    date = models.DateField()
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    reference = models.CharField(max_length=40, blank=True)
    payer = models.CharField(max_length=200, blank=True)
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint("library", "bank_id", name="bank_line_once")]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.reference}"


class OnlinePayment(models.Model):
    """An order sent to a payment provider. Only the provider's signed callback confirms it;
    then, and only once, it becomes a Payment (method "online")."""

    CREATED, PAID, CANCELLED, EXPIRED = "created", "paid", "cancelled", "expired"
    STATUSES = [(CREATED, _("waiting for the provider")), (PAID, _("paid")),
                (CANCELLED, _("cancelled")), (EXPIRED, _("expired"))]  # fmt: skip

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="online_payments"
    )
    reference = models.CharField(max_length=40, unique=True)  # ours, sent to the provider
    provider = models.CharField(max_length=20)
    provider_ref = models.CharField(max_length=200, blank=True)  # the provider's session id
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    charges = models.ManyToManyField(Charge, blank=True, related_name="+")
    purpose = models.CharField(max_length=20, default="debts")  # debts | membership
    status = models.CharField(max_length=10, choices=STATUSES, default=CREATED)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, null=True, blank=True)
    # What the provider took beyond what was still open when it confirmed (the debt was paid
    # at the desk meanwhile, or the order had been given up): owed back to the member.
    overpaid = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    # The provider's id of the money taken (Stripe's PaymentIntent), to refund it.
    provider_payment = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.status}"


class ProviderEvent(models.Model):
    """Every callback a payment provider sent, with what Bukve made of it (the log)."""

    provider = models.CharField(max_length=20)
    online_payment = models.ForeignKey(
        OnlinePayment, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=30)  # confirmed, duplicate, late, bad_signature, ...
    detail = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.provider} {self.outcome}"
