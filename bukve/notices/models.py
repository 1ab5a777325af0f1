from django.db import models


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
