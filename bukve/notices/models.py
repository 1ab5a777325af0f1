from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """An overdue notice (or, with `collection`, a hand-over to the collection agency).

    One per member per level per day, listing all the member's loans that reached it.
    """

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="notices")
    addressee = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()  # 0 for a hand-over to collection
    collection = models.BooleanField(default=False)
    date = models.DateField()
    registered_mail = models.BooleanField(default=False)
    loans = models.ManyToManyField("circulation.Loan", related_name="notices")

    class Meta:
        constraints = [models.UniqueConstraint("member", "level", "date", name="notice_once_a_day")]
        indexes = [models.Index(fields=["library", "date"])]

    def __str__(self) -> str:
        kind = "collection" if self.collection else f"notice {self.level}"
        return f"{self.date} {kind}"


class Message(models.Model):
    """A message out (the outbox): queued in the transaction of the event that causes it,
    sent after commit by `outbox_send`. The text is rendered when it is queued."""

    QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
    STATUSES = [(QUEUED, _("queued")), (SENDING, _("sending")), (SENT, _("sent")),
                (FAILED, _("failed"))]  # fmt: skip
    EMAIL, SMS, LETTER = "email", "sms", "letter"
    CHANNELS = [(EMAIL, _("e-mail")), (SMS, _("SMS")), (LETTER, _("letter"))]

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    # The member the message is about (for a child, `to` is the guardian's); the messages go
    # with the member's personal data when it is deleted (Tolmin art. 55).
    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(max_length=30)  # the template: messages/<kind>.txt
    channel = models.CharField(max_length=10, choices=CHANNELS)
    to = models.CharField(max_length=500)  # e-mail address, phone number, or name and address
    language = models.CharField(max_length=5)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # The items a letter lists in its table: [{"barcode", "title", "due"}] (due: ISO date).
    items = models.JSONField(default=list, blank=True)
    # The UPN QR payload of the payment slip a notice carries (bukve/rules/upn.py), made from
    # the member's open debt when the notice was built; the letter prints it and the e-mail
    # attaches it. Empty: no slip.
    upn = models.TextField(blank=True, default="")
    status = models.CharField(max_length=10, choices=STATUSES, default=QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["queued", "sending"]),
                name="message_to_send",
            ),
            models.Index(fields=["member", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.channel} to {self.to} ({self.status})"


class Delivery(models.Model):
    """One attempt to send a message: the delivery log."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    detail = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}: {self.detail}"
