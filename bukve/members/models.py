from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bukve.folding import fold
from bukve.rules.notices import age_on
from bukve.rules.policy import CATEGORIES

CATEGORY_LABELS = {
    "adult": _("adult"), "child": _("child under 15"), "youth": _("young person 15–18"),
    "pupil": _("pupil"), "student": _("student"), "pensioner": _("pensioner"),
    "unemployed": _("unemployed"), "disabled": _("disabled person"),
    "librarian": _("member of a librarians' society"), "staff": _("library staff"),
    "retired_staff": _("retired library staff"), "mobile_only": _("mobile library only"),
    "legal_entity": _("legal entity"), "school": _("school or kindergarten"),
}  # fmt: skip
END_REASONS = [("request", _("on the member's request")),
               ("rules", _("for breaking the rules (director's decision)")),
               ("death", _("death"))]  # fmt: skip
# The evidence for a free category and the category it proves (Tolmin art. 17).
EVIDENCE_KINDS = {
    "unemployment_certificate": ("unemployed", _("certificate of the employment service")),
    "disability_card": ("disabled", _("European disability card")),
    "society_membership": ("librarian", _("membership card of a librarians' society")),
}
CARD_REASONS = [("first", _("first card")), ("lost", _("lost card")),
                ("damaged", _("damaged card")), ("changed_data", _("changed personal data")),
                ("exchange", _("exchange for the old card"))]  # fmt: skip
# How a member wants to be told: e-mail and SMS need an address or a number, otherwise the
# message is a letter (bukve.notices.services.member_contact). Nobody phones: "phone call" was
# offered once and delivered as a letter, so it became "letter" (migration 0011).
NOTIFY_CHANNELS = [("email", _("e-mail")), ("sms", _("SMS")), ("letter", _("letter by post"))]


class Member(models.Model):
    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    card_number = models.CharField(_("card number"), max_length=30)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    # "first last" without case and diacritics (bukve.folding), for the name search; set by
    # save() from the names, so that every way of writing a name keeps it.
    name_folded = models.TextField(blank=True, editable=False)
    born = models.DateField(_("date of birth"), null=True, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES]
    )
    guardian = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="wards"
    )
    expires = models.DateField(_("membership paid until"), null=True, blank=True)
    # Registered online and not yet signed in person (seed 000): no home loans or renewals.
    restricted = models.BooleanField(_("restricted until signed"), default=False)
    in_collection_since = models.DateField(null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="sl"
    )
    # Personal data kept (Tolmin art. 55); education only with the member's consent.
    address = models.CharField(_("address"), max_length=300, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    education = models.CharField(_("education level"), max_length=100, blank=True)
    education_consent = models.BooleanField(_("consents to keeping the education level"),
                                            default=False)  # fmt: skip
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notify_by = models.CharField(
        _("notify by"), max_length=10, choices=NOTIFY_CHANNELS, default="email"
    )
    # A hash for "Moja knjižnica" (django.contrib.auth.hashers); empty: no portal login yet.
    password = models.CharField(max_length=128, blank=True)
    # Raised whenever the password is set (member_password_set): a portal session keeps the
    # version it was opened with and ends once that is not the member's (portal.access).
    session_version = models.PositiveIntegerField(default=0, editable=False)
    # A legal entity borrows through a named employee.
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed the membership statement on"), null=True, blank=True)
    # The end of membership other than by its paid period running out (Tolmin art. 20).
    ended_on = models.DateField(_("membership ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why the membership ended"), max_length=10, choices=END_REASONS, blank=True
    )
    banned_until = models.DateField(_("excluded until"), null=True, blank=True)
    # Set only on the anonymous members under which the purge keeps loan statistics.
    age_group = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("library", "card_number", name="member_card_unique")]
        # The daily run's "membership about to expire" looks members up by this date.
        indexes = [models.Index(fields=["library", "expires"])]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.card_number})" if name else self.card_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.first_name} {self.last_name}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def is_anonymous(self) -> bool:
        return bool(self.age_group)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int | None:
        return None if self.born is None else age_on(self.born, day)


class CategoryEvidence(models.Model):
    """A document shown for a free category, valid from `issued` to `expires` (an unemployment
    certificate until it is older than `certificate_months`, Tolmin art. 17)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(
        _("document"), max_length=30, choices=[(k, v[1]) for k, v in EVIDENCE_KINDS.items()]
    )
    issued = models.DateField(_("issued on"))
    expires = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.issued}–{self.expires}"


class CardIssue(models.Model):
    """A membership card handed out; the card number stays the member's number."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cards")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=20, choices=CARD_REASONS)
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2)
    issued_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.date} {self.reason} {self.price}"


class Authorisation(models.Model):
    """A person the member authorises to borrow and return for them (pooblastilo, Tolmin
    art. 23), valid at most until the paid membership ends."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="authorisations")
    name = models.CharField(_("authorised person"), max_length=200, blank=True)
    person = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="authorised_for",
        verbose_name=_("authorised member"),
    )  # fmt: skip
    valid_until = models.DateField(_("valid until"))
    created_on = models.DateField()
    created_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.name or self.person} for {self.member_id} until {self.valid_until}"


class Registration(models.Model):
    """An online registration (spletni vpis, seed 000): the form's data until the activation
    link is opened, which creates the member. A likely duplicate of an existing member is
    kept, not activated, for the library to look at."""

    PENDING, ACTIVATED, DUPLICATE = "pending", "activated", "duplicate"
    UNPAID = "unpaid"  # activated, but the library registers online only with the fee paid
    STATUSES = [(PENDING, _("waiting for activation")), (ACTIVATED, _("activated")),
                (DUPLICATE, _("likely a member already")),
                (UNPAID, _("waiting for the online payment of the fee"))]  # fmt: skip

    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    born = models.DateField(_("date of birth"))
    category = models.CharField(_("category"), max_length=20, choices=Member.category.field.choices)
    address = models.CharField(_("address"), max_length=300)
    email = models.EmailField(_("e-mail"))
    password = models.CharField(max_length=128)  # a hash
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="sl")
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    duplicate_of = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member = models.OneToOneField(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="registration"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)  # the 24 hours count from here
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["library", "status"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.status})"
