"""The ledger in the admin, read-only: charges and payments are written by the services."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bukve.accounts.models import Allocation, Charge, Payment
from bukve.libraries.admin import ReadOnlyAdmin, ReadOnlyInline


class OpenFilter(admin.SimpleListFilter):
    title = _("unpaid")
    parameter_name = "unpaid"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("yes", _("Not fully paid")), ("no", _("Paid"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Charge]) -> QuerySet[Charge]:
        if self.value() == "yes":
            return queryset.filter(open_amount__gt=0)
        if self.value() == "no":
            return queryset.filter(open_amount=0)
        return queryset


class ChargeAllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ["paid_by", "amount"]
    readonly_fields = fields
    verbose_name_plural = _("paid by")

    @admin.display(description=_("payment"))
    def paid_by(self, allocation: Allocation) -> str:
        p = allocation.payment
        return f"{p.date:%d. %m. %Y}, {p.amount} EUR, {p.method}"


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ["date", "member", "kind", "amount", "open_amount", "item", "level", "units",
                    "note"]  # fmt: skip
    list_filter = ["library", "kind", OpenFilter]
    search_fields = ["member__card_number", "member__last_name", "item__barcode", "note"]
    list_select_related = ["member", "item"]
    date_hierarchy = "date"
    ordering = ["-date", "-id"]
    inlines = [ChargeAllocationInline]


class PaymentAllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ["settled", "amount"]
    readonly_fields = fields
    verbose_name_plural = _("settled charges")

    @admin.display(description=_("charge"))
    def settled(self, allocation: Allocation) -> str:
        c = allocation.charge
        item = f", {c.item}" if c.item_id else ""
        return f"{c.date:%d. %m. %Y}, {c.get_kind_display()}, {c.amount} EUR{item}"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["date", "member", "amount", "unallocated", "method", "created_at"]
    list_filter = ["library", "method"]
    search_fields = ["member__card_number", "member__last_name"]
    list_select_related = ["member"]
    date_hierarchy = "date"
    ordering = ["-date", "-id"]
    inlines = [PaymentAllocationInline]
