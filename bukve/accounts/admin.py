"""The ledger in the admin, read-only: charges and payments are written by the services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bukve.accounts.models import (
    Allocation,
    BankTransaction,
    Charge,
    Installment,
    InstallmentPlan,
    OnlinePayment,
    Payment,
    ProviderEvent,
)
from bukve.libraries.admin import ModelAdmin, ReadOnlyAdmin, ReadOnlyInline

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # the type of a lazy translation


class OpenFilter(admin.SimpleListFilter):
    title = _("unpaid")
    parameter_name = "unpaid"

    def lookups(
        self, request: HttpRequest, model_admin: ModelAdmin
    ) -> list[tuple[str, StrPromise]]:
        return [("yes", _("Not fully paid")), ("no", _("Paid"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Charge]) -> QuerySet[Charge]:
        if self.value() == "yes":
            return queryset.filter(open_amount__gt=0)
        if self.value() == "no":
            return queryset.filter(open_amount=0)
        return queryset


class ChargeAllocationInline(ReadOnlyInline):
    model = Allocation
    fields = ("paid_by", "amount")
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
    fields = ("settled", "amount")
    readonly_fields = fields
    verbose_name_plural = _("settled charges")

    @admin.display(description=_("charge"))
    def settled(self, allocation: Allocation) -> str:
        c = allocation.charge
        item = f", {c.item}" if c.item_id else ""
        return f"{c.date:%d. %m. %Y}, {c.get_kind_display()}, {c.amount} EUR{item}"


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["date", "receipt_number", "member", "amount", "unallocated", "method",
                    "taken_by", "note", "created_at"]  # fmt: skip
    list_filter = ["library", "method"]
    search_fields = ["member__card_number", "member__last_name", "receipt_number", "note"]
    list_select_related = ["member", "taken_by"]
    date_hierarchy = "date"
    ordering = ["-date", "-id"]
    inlines = [PaymentAllocationInline]


class InstallmentInline(ReadOnlyInline):
    model = Installment
    fields = ("due_date", "amount")
    readonly_fields = fields


@admin.register(InstallmentPlan)
class InstallmentPlanAdmin(ReadOnlyAdmin):
    list_display = ["date", "member", "reason", "approved_by"]
    list_filter = ["library"]
    search_fields = ["member__card_number", "member__last_name"]
    inlines = [InstallmentInline]


@admin.register(BankTransaction)
class BankTransactionAdmin(ReadOnlyAdmin):
    list_display = ["date", "amount", "reference", "payer", "member", "status", "bank_id"]
    list_filter = ["library", "status"]
    search_fields = ["reference", "payer", "bank_id"]
    date_hierarchy = "date"


class ProviderEventInline(ReadOnlyInline):
    model = ProviderEvent
    fields = ("received_at", "outcome", "detail")
    readonly_fields = fields


@admin.register(OnlinePayment)
class OnlinePaymentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reference", "member", "amount", "purpose", "status",
                    "provider"]  # fmt: skip
    list_filter = ["library", "status", "provider"]
    search_fields = ["reference", "provider_ref", "member__card_number"]
    inlines = [ProviderEventInline]


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    """The log of every callback from a payment provider, including refused ones."""

    list_display = ["received_at", "provider", "outcome", "online_payment", "detail"]
    list_filter = ["provider", "outcome"]
    search_fields = ["detail", "online_payment__reference"]
