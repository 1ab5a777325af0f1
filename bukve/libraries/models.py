from django.db import models
from django.utils.translation import gettext_lazy as _


class Library(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="branches")
    code = models.SlugField()
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    profile = models.CharField(_("loan rules"), max_length=20, default="standard")
    # ISO weekdays the branch opens, e.g. "123456" for Monday to Saturday.
    weekdays = models.CharField(_("opening days"), max_length=7, default="123456")

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [models.UniqueConstraint("library", "code", name="branch_code_unique")]

    def __str__(self) -> str:
        return self.name


class Season(models.Model):
    """A seasonal schedule of a branch, e.g. Maribor's summer schedule (1 July to 31 August)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="seasons")
    name = models.CharField(_("name"), max_length=100)
    start_month = models.PositiveSmallIntegerField()
    start_day = models.PositiveSmallIntegerField()
    end_month = models.PositiveSmallIntegerField()
    end_day = models.PositiveSmallIntegerField()
    weekdays = models.CharField(_("opening days"), max_length=7)

    def __str__(self) -> str:
        return (f"{self.name} {self.start_day}. {self.start_month}. – "
                f"{self.end_day}. {self.end_month}.")  # fmt: skip


class Closure(models.Model):
    """Extraordinary closure days of a branch, inclusive (director's order, inventory...)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="closures")
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["branch", "end"])]

    def __str__(self) -> str:
        return f"{self.start} – {self.end} {self.reason}".strip()


class PolicyVersion(models.Model):
    """The library's rules and prices valid from a date (a preset file, as loaded)."""

    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="policies")
    valid_from = models.DateField()
    data = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("library", "valid_from", name="policy_valid_from_unique")
        ]

    def __str__(self) -> str:
        return f"{self.library_id} from {self.valid_from}"
