from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bukve.members.models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
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
