from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Charge(models.Model):
    """A debt entry. `open_amount` is what payments have not yet settled."""

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
    }

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="charges")
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=list(KINDS.items()))
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    open_amount = models.DecimalField(max_digits=9, decimal_places=2)
    loan = models.ForeignKey("circulation.Loan", on_delete=models.PROTECT, null=True, blank=True)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True)
    notice = models.ForeignKey("notices.Notice", on_delete=models.PROTECT, null=True, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    units = models.PositiveIntegerField(null=True, blank=True)  # fine days or periods
    stretch_from = models.DateField(null=True, blank=True)  # a fine's stretch: (from, date]
    note = models.CharField(max_length=300, blank=True)
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
    """Money in, or a waiver: the director's decision to forgive (part of) a charge, which
    settles that charge like a payment and keeps who decided and why (Tolmin art. 17, 36)."""

    WAIVER = "waiver"
    METHODS = [("cash", _("cash")), ("card", _("card")), ("online", _("online")),
               ("transfer", _("bank transfer")), (WAIVER, _("waiver"))]  # fmt: skip

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="payments")
    date = models.DateField()
    amount = models.DecimalField(max_digits=9, decimal_places=2)
    unallocated = models.DecimalField(max_digits=9, decimal_places=2)  # credit left
    method = models.CharField(max_length=20, choices=METHODS, default="cash")
    note = models.CharField(max_length=300, blank=True)  # a waiver's reason, a reference
    taken_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.date} {self.amount}"


class Allocation(models.Model):
    """How much of a payment settled a charge."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    charge = models.ForeignKey(Charge, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(max_digits=9, decimal_places=2)

    def __str__(self) -> str:
        return f"{self.amount} of payment {self.payment_id} to charge {self.charge_id}"
