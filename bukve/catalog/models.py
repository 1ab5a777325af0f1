from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from bukve.folding import fold
from bukve.rules.policy import MATERIALS

MATERIAL_LABELS = {
    "book": _("book"), "map": _("map"), "cdrom": _("CD-ROM"), "reading_device": _("e-reader"),
    "toy": _("toy"), "magazine": _("magazine"), "newspaper": _("newspaper"),
    "ebook": _("e-book"), "audio": _("audiobook"), "video": _("video"), "dvd": _("DVD"),
    "music_cd": _("music CD"),
}  # fmt: skip


class Record(models.Model):
    """A bibliographic record (a title); reservations queue per record."""

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=500, blank=True)
    author = models.CharField(_("author"), max_length=300, blank=True)
    # "title author" without case and diacritics (bukve.folding), for the catalogue search;
    # set by save(), so that every way of writing a title keeps it.
    text_folded = models.TextField(blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint("library", "key", name="record_key_unique")]

    def __str__(self) -> str:
        return self.title or self.key

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.text_folded = fold(f"{self.title} {self.author}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "author"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "text_folded"}
        super().save(*args, **kwargs)


class Item(models.Model):
    """A copy. Its status is kept by the circulation services, which lock the row first."""

    SHELF, LOAN, HELD, LOST = "shelf", "loan", "held", "lost"
    STATUSES = [
        (SHELF, _("on the shelf")),
        (LOAN, _("on loan")),
        (HELD, _("on the hold shelf")),
        (LOST, _("lost")),
    ]

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="items")
    barcode = models.CharField(_("barcode"), max_length=50)
    material = models.CharField(
        _("material"), max_length=20, choices=[(m, MATERIAL_LABELS[m]) for m in MATERIALS]
    )
    branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT)
    parts = models.PositiveSmallIntegerField(_("parts of a set"), default=1)
    not_for_loan = models.BooleanField(_("not for home loan"), default=False)
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=SHELF)

    class Meta:
        constraints = [models.UniqueConstraint("library", "barcode", name="item_barcode_unique")]
        indexes = [models.Index(fields=["record", "status"])]

    def __str__(self) -> str:
        return self.barcode
