from django.db import models
from django.utils.translation import gettext_lazy as _


class Library(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    # Copies travel between branches: a copy returned away from home goes back in transit,
    # a copy for a hold goes to the pick-up branch and is ready only there. Off, a copy is
    # wherever it is needed at once, as RULES.md describes holds (the policy simulator).
    transit = models.BooleanField(_("copies travel between branches"), default=True)

    class Meta:
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name


# The loan-rule profiles of the presets; a library's own profile shows under its own name.
PROFILE_LABELS = {"standard": _("standard"), "mobile": _("mobile library")}


def profile_label(profile: str) -> str:
    return str(PROFILE_LABELS.get(profile, profile))


# The seasonal schedules of the presets, by the name a preset gives them; a library's own
# season shows under its own name.
SEASON_LABELS = {"summer schedule": _("summer schedule")}


def season_label(name: str) -> str:
    return str(SEASON_LABELS.get(name, name))


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

    @property
    def profile_label(self) -> str:
        return profile_label(self.profile)


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
    # The last change made at the desk to this version, and who made it (empty: a preset).
    change = models.CharField(max_length=300, blank=True)
    saved_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint("library", "valid_from", name="policy_valid_from_unique")
        ]

    def __str__(self) -> str:
        return f"{self.library_id} from {self.valid_from}"


class Staff(models.Model):
    """A librarian's place and role: what they may do at the desk, and in which library.

    Roles build on each other: a branch head may do what circulation staff do and manage
    their branch's closures; a director may also waive or reduce charges and membership fees
    (Tolmin art. 17, 36, 58.a); an administrator also edits branches, calendars and policies.
    """

    CIRCULATION, BRANCH_HEAD, DIRECTOR, ADMINISTRATOR = (
        "circulation", "branch_head", "director", "administrator",
    )  # fmt: skip
    ROLES = [
        (CIRCULATION, _("circulation staff")),
        (BRANCH_HEAD, _("branch head")),
        (DIRECTOR, _("director")),
        (ADMINISTRATOR, _("administrator")),
    ]
    RANK = {role: rank for rank, (role, _label) in enumerate(ROLES)}

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="staff")
    library = models.ForeignKey(Library, on_delete=models.CASCADE, related_name="staff")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("branch")
    )
    role = models.CharField(_("role"), max_length=20, choices=ROLES, default=CIRCULATION)
    # Cataloguing is a task beside the role: a cataloguer of any role adds and edits records
    # and copies at the desk; an administrator may do it anyway.
    cataloguer = models.BooleanField(_("cataloguer"), default=False)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")

    def __str__(self) -> str:
        return f"{self.user} ({self.library.code}, {self.role})"

    def may(self, role: str) -> bool:
        """Whether this staff member's role is `role` or above it."""
        return self.RANK[self.role] >= self.RANK[role]

    @property
    def may_catalogue(self) -> bool:
        """Whether this staff member adds and edits records and copies at the desk."""
        return self.cataloguer or self.may(self.ADMINISTRATOR)
