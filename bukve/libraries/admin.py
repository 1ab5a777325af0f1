from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from bukve.inputs import plausible_day
from bukve.libraries.models import Branch, Closure, Library, PolicyVersion, Season, Staff

if TYPE_CHECKING:
    # django-stubs makes these classes generic in their model, but Django's own take no type
    # arguments at run time; the admin's classes name their model where it matters instead
    # (get_queryset, the display methods).
    ModelAdmin = admin.ModelAdmin[Any]
    TabularInline = admin.TabularInline[Any, Any]
    ModelForm = forms.ModelForm[Any]
else:
    ModelAdmin, TabularInline, ModelForm = admin.ModelAdmin, admin.TabularInline, forms.ModelForm


class ReadOnlyAdmin(ModelAdmin):
    """Rows written only by the services (or by loading a preset): shown, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class BranchInline(TabularInline):
    model = Branch
    extra = 0
    fields = ("code", "name", "address", "profile", "weekdays")
    readonly_fields = ["code", "profile"]
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # branches come with the library's preset


@admin.register(Library)
class LibraryAdmin(ModelAdmin):
    list_display = ["name", "code", "branch_count"]
    search_fields = ["name", "code"]
    readonly_fields = ["code"]
    inlines = [BranchInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Library]:
        libraries: QuerySet[Library] = super().get_queryset(request)
        return libraries.annotate(branch_count=Count("branches"))

    @admin.display(description=_("branches"), ordering="branch_count")
    def branch_count(self, library: Library) -> int:
        branches: int = library.branch_count  # type: ignore[attr-defined]  # by get_queryset
        return branches

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # libraries are loaded from presets: `bukve library load <preset>`


class SeasonInline(TabularInline):
    model = Season
    extra = 0
    fields = ("name", "start_month", "start_day", "end_month", "end_day", "weekdays")


class ClosureForm(ModelForm):
    class Meta:
        model = Closure
        fields = ["start", "end", "reason"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        for day in (start, end):
            if isinstance(day, date):
                plausible_day(day)
        if start and end and end < start:
            raise forms.ValidationError(_("A closure cannot end before it starts."))
        return data


class ClosureInline(TabularInline):
    model = Closure
    form = ClosureForm
    extra = 0
    ordering = ["-start"]


@admin.register(Branch)
class BranchAdmin(ModelAdmin):
    list_display = ["name", "library", "code", "profile", "weekdays", "address"]
    list_filter = ["library", "profile"]
    search_fields = ["name", "code", "address", "library__name"]
    list_select_related = ["library"]
    readonly_fields = ["library", "code", "profile"]
    inlines = [SeasonInline, ClosureInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # branches come with the library's preset


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ["library", "valid_from", "loaded_at", "assumed_count"]
    list_filter = ["library"]
    list_select_related = ["library"]
    date_hierarchy = "valid_from"
    fields = ("library", "valid_from", "loaded_at", "assumed", "rules")
    readonly_fields = fields

    @admin.display(description=_("values to be confirmed"))
    def assumed_count(self, version: PolicyVersion) -> int:
        return len(version.data.get("assumed", []))

    @admin.display(description=_("to be confirmed by the library"))
    def assumed(self, version: PolicyVersion) -> str:
        return ", ".join(version.data.get("assumed", [])) or "—"

    @admin.display(description=_("rules and prices"))
    def rules(self, version: PolicyVersion) -> str:
        text = json.dumps(version.data, indent=2, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(Staff)
class StaffAdmin(ModelAdmin):
    """Who works at the desk, where, in which role, and who may catalogue."""

    list_display = ["user", "library", "branch", "role", "cataloguer"]
    list_filter = ["library", "role", "cataloguer"]
    list_editable = ["role", "cataloguer"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "library", "branch"]
    autocomplete_fields = ["user"]
