"""Interlibrary loans in the admin: to look at, not to write. Written only by the services
(ARCHITECTURE.md: writes go through services)."""

from __future__ import annotations

from django.contrib import admin

from bukve.interlibrary.models import IllRequest
from bukve.libraries.admin import ReadOnlyAdmin


@admin.register(IllRequest)
class IllRequestAdmin(ReadOnlyAdmin):
    list_display = ["title", "direction", "partner", "member", "item", "status", "requested_on",
                    "due_date", "fee", "partner_fee"]  # fmt: skip
    list_filter = ["library", "direction", "status"]
    search_fields = ["title", "author", "isbn", "partner", "partner_code", "member__card_number",
                     "member__last_name", "item__barcode"]  # fmt: skip
    list_select_related = ["member", "item", "fee"]
    date_hierarchy = "requested_on"
    ordering = ["-requested_on", "-id"]
