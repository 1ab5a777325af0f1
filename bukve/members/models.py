from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bukve.rules.notices import age_on
from bukve.rules.policy import CATEGORIES

CATEGORY_LABELS = {
    "adult": _("adult"), "child": _("child under 15"), "youth": _("young person 15–18"),
    "pupil": _("pupil"), "student": _("student"), "pensioner": _("pensioner"),
    "unemployed": _("unemployed"), "disabled": _("disabled person"),
    "librarian": _("member of a librarians' society"), "staff": _("library staff"),
    "retired_staff": _("retired library staff"), "mobile_only": _("mobile library only"),
    "legal_entity": _("legal entity"),
}  # fmt: skip
NOTIFY_CHANNELS = [("email", _("e-mail")), ("sms", _("SMS")), ("phone", _("phone call"))]


class Member(models.Model):
    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    card_number = models.CharField(_("card number"), max_length=30)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
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

    class Meta:
        constraints = [models.UniqueConstraint("library", "card_number", name="member_card_unique")]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.card_number})" if name else self.card_number

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int | None:
        return None if self.born is None else age_on(self.born, day)


class Registration(models.Model):
    """An online registration (spletni vpis, seed 000): the form's data until the activation
    link is opened, which creates the member. A likely duplicate of an existing member is
    kept, not activated, for the library to look at."""

    PENDING, ACTIVATED, DUPLICATE = "pending", "activated", "duplicate"
    STATUSES = [(PENDING, _("waiting for activation")), (ACTIVATED, _("activated")),
                (DUPLICATE, _("likely a member already"))]  # fmt: skip

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
