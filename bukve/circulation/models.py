from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Loan(models.Model):
    OUT, RETURNED, LOST = "out", "returned", "lost"
    STATUSES = [(OUT, _("on loan")), (RETURNED, _("returned")), (LOST, _("lost"))]

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="loans")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="loans")
    branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT)
    checkout_date = models.DateField()
    due_date = models.DateField()
    due_set_by_hand = models.BooleanField(default=False)
    renewals = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=STATUSES, default=OUT)
    closed_date = models.DateField(null=True, blank=True)
    notice_level = models.PositiveSmallIntegerField(default=0)  # notice steps done
    last_notice_date = models.DateField(null=True, blank=True)
    next_notice_date = models.DateField(null=True, blank=True)
    # True once the fine of the current overdue stretch is recorded (a stop at a notice).
    fine_closed = models.BooleanField(default=False)
    handed_over_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "item", condition=Q(status="out"), name="one_open_loan_per_item"
            )
        ]
        indexes = [
            models.Index(
                fields=["library", "next_notice_date"],
                condition=Q(status="out"),
                name="loan_next_notice",
            ),
            # The daily run's reminders a few days before the due date (Tolmin art. 27).
            models.Index(
                fields=["library", "due_date"], condition=Q(status="out"), name="loan_due"
            ),
            models.Index(fields=["member", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.member_id}, {self.checkout_date}–{self.due_date}"


class Reservation(models.Model):
    """A member's reservation of a title. While waiting it may name the copy to pull from
    another branch's shelf (`item`, still on the shelf); in transit, the copy on its way to
    the pick-up branch; held, the copy on the hold shelf there."""

    WAITING, IN_TRANSIT, HELD, COLLECTED, EXPIRED, CANCELLED = (
        "waiting", "in_transit", "held", "collected", "expired", "cancelled",
    )  # fmt: skip
    OPEN = (WAITING, IN_TRANSIT, HELD)
    STATUSES = [(WAITING, _("waiting")), (IN_TRANSIT, _("on its way to the pick-up branch")),
                (HELD, _("on the hold shelf")), (COLLECTED, _("collected")),
                (EXPIRED, _("expired")), (CANCELLED, _("cancelled"))]  # fmt: skip

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="reservations"
    )
    record = models.ForeignKey("catalog.Record", on_delete=models.PROTECT)
    pickup_branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT)
    placed_date = models.DateField()
    status = models.CharField(max_length=10, choices=STATUSES, default=WAITING)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, null=True, blank=True)
    # Collected from this parcel locker rather than the hold shelf (Tolmin art. 22.b); the
    # pick-up branch is the locker's.
    locker = models.ForeignKey("Locker", on_delete=models.PROTECT, null=True, blank=True)
    held_date = models.DateField(null=True, blank=True)
    hold_expires = models.DateField(null=True, blank=True)  # the last day to collect
    closed_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["record", "status", "id"]),
            models.Index(
                fields=["library", "hold_expires"],
                condition=Q(status="held"),
                name="reservation_hold_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} for {self.member_id} ({self.status})"


class Transit(models.Model):
    """A copy on its way from one branch to another: home after a return elsewhere (Tolmin
    art. 24: any item may be returned at any branch), or to the pick-up branch of a hold.
    Open until it is scanned at a branch."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="transits")
    from_branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT,
                                    related_name="transits_sent")  # fmt: skip
    to_branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT,
                                  related_name="transits_coming")  # fmt: skip
    reservation = models.ForeignKey(
        Reservation, on_delete=models.SET_NULL, null=True, blank=True, related_name="transits"
    )
    sent_date = models.DateField()
    received_date = models.DateField(null=True, blank=True)
    received_at = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+")  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "item", condition=Q(received_date__isnull=True), name="one_open_transit_per_item"
            )
        ]
        indexes = [
            models.Index(fields=["to_branch", "received_date"]),
            models.Index(fields=["from_branch", "received_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_branch_id} → {self.to_branch_id}"


class Locker(models.Model):
    """A parcel locker where members collect what they reserved, at any hour (Tolmin art.
    22.b: the lockers in front of Knjižnica Tolmin), filled by the staff of its branch. The
    machine itself is reached through an adapter (bukve/circulation/lockers.py)."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT,
                               related_name="lockers")  # fmt: skip
    code = models.SlugField()
    name = models.CharField(max_length=200)
    adapter = models.CharField(max_length=30, default="simulated")

    class Meta:
        constraints = [models.UniqueConstraint("library", "code", name="locker_code_unique")]

    def __str__(self) -> str:
        return self.name


class LockerDeposit(models.Model):
    """A copy put in a locker for a member: the loan starts that day, the member is sent the
    code that opens its compartment and collects it by `collect_by`, or it is taken back
    out and the price list's fee is charged (Tolmin art. 22.b)."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE, related_name="+")
    locker = models.ForeignKey(Locker, on_delete=models.PROTECT, related_name="deposits")
    reservation = models.OneToOneField(Reservation, on_delete=models.PROTECT,
                                       related_name="deposit")  # fmt: skip
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=32)  # opens the compartment; the member gets it
    deposited_date = models.DateField()
    collect_by = models.DateField()  # the last day to collect it
    collected_date = models.DateField(null=True, blank=True)
    taken_back_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["library", "collect_by"],
                                condition=Q(collected_date__isnull=True,
                                            taken_back_date__isnull=True),
                                name="locker_deposit_waiting")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.locker_id}: {self.loan_id} until {self.collect_by}"


class DailyRun(models.Model):
    """One row per library and day that the daily run has completed."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    date = models.DateField()
    finished_at = models.DateTimeField(auto_now_add=True)
    notices = models.PositiveIntegerField(default=0)
    charges = models.PositiveIntegerField(default=0)
    holds_expired = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint("library", "date", name="daily_run_unique")]

    def __str__(self) -> str:
        return f"{self.library_id} {self.date}"
