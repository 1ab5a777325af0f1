from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bukve.catalog.models import Item, Record
from bukve.libraries.admin import ModelAdmin, TabularInline


class ItemInline(TabularInline):
    model = Item
    extra = 0
    fields = ("barcode", "material", "branch", "not_for_loan", "price", "status")
    readonly_fields = ["status"]
    show_change_link = True


@admin.register(Record)
class RecordAdmin(ModelAdmin):
    list_display = ["title", "author", "key", "library", "copies"]
    list_filter = ["library"]
    search_fields = ["title", "author", "key"]
    list_select_related = ["library"]
    inlines = [ItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Record]:
        records: QuerySet[Record] = super().get_queryset(request)
        return records.annotate(copies=Count("items"))

    @admin.display(description=_("copies"), ordering="copies")
    def copies(self, record: Record) -> int:
        copies: int = record.copies  # type: ignore[attr-defined]  # annotated by get_queryset
        return copies


@admin.register(Item)
class ItemAdmin(ModelAdmin):
    list_display = ["barcode", "title", "author", "material", "branch", "status", "not_for_loan",
                    "price"]  # fmt: skip
    list_filter = ["library", "status", "material", "not_for_loan", "branch"]
    search_fields = ["barcode", "record__title", "record__author"]
    list_select_related = ["record", "branch"]
    autocomplete_fields = ["record"]
    # The status is kept by the circulation services (checkout, return, holds, lost).
    readonly_fields = ["status"]

    @admin.display(description=_("title"), ordering="record__title")
    def title(self, item: Item) -> str:
        return item.record.title

    @admin.display(description=_("author"), ordering="record__author")
    def author(self, item: Item) -> str:
        return item.record.author
