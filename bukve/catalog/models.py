from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bukve.catalog.words import index_text, title_key
from bukve.folding import fold
from bukve.rules.policy import MATERIALS

MATERIAL_LABELS = {
    "book": _("book"), "map": _("map"), "cdrom": _("CD-ROM"), "reading_device": _("e-reader"),
    "toy": _("toy"), "magazine": _("magazine"), "newspaper": _("newspaper"),
    "ebook": _("e-book"), "audio": _("audiobook"), "video": _("video"), "dvd": _("DVD"),
    "music_cd": _("music CD"),
}  # fmt: skip


class Record(models.Model):
    """A bibliographic record (a title) with what a catalogue shows and searches, and the
    MARC record it came from, kept as it came; reservations queue per record."""

    MARC_FORMATS = [("marc21", "MARC 21"), ("unimarc", "UNIMARC"), ("marcxml", "MARCXML")]

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    key = models.CharField(max_length=100)  # the control number (001) of an imported record
    title = models.CharField(_("title"), max_length=500, blank=True)
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    responsibility = models.CharField(_("statement of responsibility"), max_length=500,
                                      blank=True)  # fmt: skip
    author = models.CharField(_("author"), max_length=300, blank=True)  # the main author
    added_authors = models.JSONField(_("other authors"), default=list, blank=True)
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    place = models.CharField(_("place of publication"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    edition = models.CharField(_("edition"), max_length=200, blank=True)
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True, db_index=True)
    other_isbns = models.JSONField(default=list, blank=True)
    issn = models.CharField(_("ISSN"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=3, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    classification = models.CharField(_("UDC"), max_length=100, blank=True)
    series = models.CharField(_("series"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    material = models.CharField(_("material"), max_length=20, default="book",
                                choices=[(m, MATERIAL_LABELS[m]) for m in MATERIALS])  # fmt: skip
    marc = models.BinaryField(blank=True, default=b"", editable=False)
    marc_format = models.CharField(max_length=10, choices=MARC_FORMATS, blank=True,
                                   editable=False)  # fmt: skip
    # "title author" without case and diacritics (bukve.folding), for the catalogue search;
    # set by save(), so that every way of writing a title keeps it.
    text_folded = models.TextField(blank=True, editable=False)
    # The index words of title, subtitle, authors, subjects, series and ISBNs, with their
    # lemmas (bukve.catalog.words); the searches of both databases index this column.
    search_text = models.TextField(blank=True, editable=False)
    title_key = models.CharField(max_length=500, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    updated_at = models.DateTimeField(auto_now=True, null=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip

    class Meta:
        constraints = [models.UniqueConstraint("library", "key", name="record_key_unique")]

    def __str__(self) -> str:
        return self.title or self.key

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.index()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(SEARCHED) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "text_folded", "search_text", "title_key"}
        super().save(*args, **kwargs)

    def index(self) -> None:
        """Set what the searches read from the searched fields (save() does it; a bulk
        write calls it first)."""
        self.text_folded = fold(f"{self.title} {self.author}")
        self.search_text = index_text(
            [self.title, self.subtitle, *self.authors, *self.subjects, self.series], self.isbns
        )
        self.title_key = title_key(self.title)[:500]

    @property
    def authors(self) -> list[str]:
        return [a for a in [self.author, *self.added_authors] if a]

    @property
    def isbns(self) -> list[str]:
        return [i for i in [self.isbn, *self.other_isbns] if i]


SEARCHED = ("title", "subtitle", "author", "added_authors", "subjects", "series", "isbn",
            "other_isbns")  # fmt: skip


class Item(models.Model):
    """A copy. Its status is kept by the circulation services, which lock the row first."""

    SHELF, LOAN, HELD, IN_TRANSIT, LOST, WITHDRAWN = (
        "shelf", "loan", "held", "in_transit", "lost", "withdrawn",
    )  # fmt: skip
    STATUSES = [
        (SHELF, _("on the shelf")),
        (LOAN, _("on loan")),
        (HELD, _("on the hold shelf")),
        (IN_TRANSIT, _("in transit")),
        (LOST, _("lost")),
        (WITHDRAWN, _("withdrawn")),
    ]

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="items")
    barcode = models.CharField(_("barcode"), max_length=50)
    material = models.CharField(
        _("material"), max_length=20, choices=[(m, MATERIAL_LABELS[m]) for m in MATERIALS]
    )
    # The copy's home: where it is shelved and goes back to when returned elsewhere.
    branch = models.ForeignKey("libraries.Branch", on_delete=models.PROTECT)
    parts = models.PositiveSmallIntegerField(_("parts of a set"), default=1)
    not_for_loan = models.BooleanField(_("not for home loan"), default=False)
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=SHELF)
    call_number = models.CharField(_("call number"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    acquired = models.DateField(_("acquired"), null=True, blank=True)
    rfid = models.CharField(_("RFID tag"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True, null=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("library", "barcode", name="item_barcode_unique")]
        indexes = [models.Index(fields=["record", "status"])]

    def __str__(self) -> str:
        return self.barcode
