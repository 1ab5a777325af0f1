from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A key a staff system uses for the JSON API, acting as one staff member.

    Only a SHA-256 hash of the key is kept; the key itself is shown once, when created. The
    prefix (its first characters) names the token in lists and to revoke it.
    """

    NAME_LENGTH = 100

    staff = models.ForeignKey(
        "libraries.Staff", on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("staff member"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    # Where the system stands (a self-check machine at a branch): check-ins and checkouts
    # happen there. None: the staff member's branch.
    branch = models.ForeignKey(
        "libraries.Branch", on_delete=models.PROTECT, null=True, blank=True,
        verbose_name=_("branch"),
    )  # fmt: skip
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"
