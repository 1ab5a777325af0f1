"""Circulation in the admin: to look at, not to write. Loans, holds and the daily run are
written only by the circulation services (ARCHITECTURE.md: writes go through services)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bukve.circulation.holds import reservation_cancel
from bukve.circulation.models import DailyRun, Loan, Locker, LockerDeposit, Reservation, Transit
from bukve.libraries.admin import ModelAdmin, ReadOnlyAdmin

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise  # the type of a lazy translation


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(
        self, request: HttpRequest, model_admin: ModelAdmin
    ) -> list[tuple[str, StrPromise]]:
        return [("yes", _("Overdue now"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Loan]) -> QuerySet[Loan]:
        if self.value() == "yes":
            return queryset.filter(status=Loan.OUT, due_date__lt=timezone.localdate())
        return queryset


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdmin):
    list_display = ["item", "title", "member", "branch", "checkout_date", "due_date", "renewals",
                    "status", "notice_level", "closed_date"]  # fmt: skip
    list_filter = ["library", "status", OverdueFilter, "notice_level", "branch"]
    search_fields = ["item__barcode", "item__record__title", "member__card_number",
                     "member__last_name", "member__first_name"]  # fmt: skip
    list_select_related = ["item__record", "member", "branch"]
    date_hierarchy = "checkout_date"
    ordering = ["-checkout_date", "-id"]

    @admin.display(description=_("title"), ordering="item__record__title")
    def title(self, loan: Loan) -> str:
        return loan.item.record.title


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["record", "member", "pickup_branch", "placed_date", "status", "item",
                    "held_date", "hold_expires", "closed_date"]  # fmt: skip
    list_filter = ["library", "status", "pickup_branch"]
    search_fields = ["record__title", "record__author", "member__card_number",
                     "member__last_name", "item__barcode"]  # fmt: skip
    list_select_related = ["record", "member", "pickup_branch", "item"]
    date_hierarchy = "placed_date"
    ordering = ["-placed_date", "-id"]
    actions = ["cancel"]

    @admin.action(description=_("Cancel the selected reservations"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Reservation]) -> None:
        open_ones = queryset.filter(status__in=Reservation.OPEN)
        count = 0
        for reservation in open_ones.order_by("pk"):
            reservation_cancel(reservation=reservation)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d reservation cancelled.", "%(count)d reservations cancelled.", count)
            % {"count": count},  # fmt: skip
            messages.SUCCESS,
        )


@admin.register(DailyRun)
class DailyRunAdmin(ReadOnlyAdmin):
    list_display = ["date", "library", "notices", "charges", "holds_expired", "finished_at"]
    list_filter = ["library"]
    list_select_related = ["library"]
    date_hierarchy = "date"
    ordering = ["-date", "library"]


@admin.register(Locker)
class LockerAdmin(ModelAdmin):
    """A library's parcel lockers (Tolmin art. 22.b): set up here, filled at the desk."""

    list_display = ["name", "code", "library", "branch", "adapter"]
    list_filter = ["library"]
    list_select_related = ["library", "branch"]


@admin.register(Transit, LockerDeposit)
class JourneyAdmin(ReadOnlyAdmin):
    list_filter = ["library"]
