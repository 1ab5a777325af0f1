from datetime import date

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bukve.inputs import birth_day, plausible_day
from bukve.libraries.admin import ModelAdmin, ModelForm
from bukve.members.models import Member


class MemberForm(ModelForm):
    class Meta:
        model = Member
        fields = ["born", "expires"]  # the admin adds the rest from its fieldsets

    def clean_born(self) -> date | None:
        born: date | None = self.cleaned_data.get("born")
        if born is not None:
            birth_day(born)
        return born

    def clean_expires(self) -> date | None:
        expires: date | None = self.cleaned_data.get("expires")
        if expires is not None:
            plausible_day(expires)
        return expires


@admin.register(Member)
class MemberAdmin(ModelAdmin):
    form = MemberForm
    list_display = ["card_number", "last_name", "first_name", "category", "library", "born",
                    "expires", "restricted", "in_collection_since"]  # fmt: skip
    list_display_links = ["card_number", "last_name"]
    list_filter = ["library", "category", "restricted",
                   ("in_collection_since", admin.EmptyFieldListFilter)]  # fmt: skip
    search_fields = ["card_number", "last_name", "first_name", "email", "phone"]
    list_select_related = ["library"]
    ordering = ["library", "last_name", "first_name"]
    autocomplete_fields = ["guardian"]
    # Set and cleared by the daily run and by payments (hand-over to collection).
    readonly_fields = ["in_collection_since"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "library",
                    "card_number",
                    "first_name",
                    "last_name",
                    "born",
                    "category",
                    "guardian",
                ]
            },
        ),  # fmt: skip
        (_("Membership"), {"fields": ["expires", "restricted", "in_collection_since"]}),
        (_("Contact"), {"fields": ["email", "phone", "language"]}),
    ]
