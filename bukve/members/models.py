from django.db import models
from django.utils.translation import gettext_lazy as _

from bukve.rules.policy import CATEGORIES


class Member(models.Model):
    library = models.ForeignKey("libraries.Library", on_delete=models.CASCADE)
    card_number = models.CharField(_("card number"), max_length=30)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    born = models.DateField(_("date of birth"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=[(c, c) for c in CATEGORIES])
    guardian = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="wards"
    )
    expires = models.DateField(_("membership paid until"), null=True, blank=True)
    # Registered online and not yet signed in person (seed 000): no home loans or renewals.
    restricted = models.BooleanField(_("restricted until signed"), default=False)
    in_collection_since = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=5, default="sl")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint("library", "card_number", name="member_card_unique")]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.card_number})" if name else self.card_number
