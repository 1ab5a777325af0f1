from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bukve.libraries.admin import ReadOnlyAdmin, ReadOnlyInline
from bukve.notices.models import Delivery, Message, Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Notices are issued by the daily run; one per member per level per day."""

    list_display = ["date", "member", "addressee", "level", "collection", "registered_mail",
                    "loan_count"]  # fmt: skip
    list_filter = ["library", "level", "collection", "registered_mail"]
    search_fields = ["member__card_number", "member__last_name", "addressee__last_name",
                     "loans__item__barcode"]  # fmt: skip
    list_select_related = ["member", "addressee"]
    date_hierarchy = "date"
    ordering = ["-date", "-id"]
    fields = ("library", "date", "member", "addressee", "level", "collection", "registered_mail",
              "items")  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notice]:
        notices: QuerySet[Notice] = super().get_queryset(request)
        return notices.annotate(loan_count=Count("loans"))

    @admin.display(description=_("items"), ordering="loan_count")
    def loan_count(self, notice: Notice) -> int:
        loans: int = notice.loan_count  # type: ignore[attr-defined]  # by get_queryset
        return loans

    @admin.display(description=_("items listed"))
    def items(self, notice: Notice) -> str:
        return "; ".join(
            f"{loan.item.barcode} {loan.item.record.title} ({loan.due_date:%d. %m. %Y})"
            for loan in notice.loans.select_related("item__record").order_by("id")
        )


class DeliveryInline(ReadOnlyInline):
    model = Delivery
    fields = ("at", "ok", "detail")
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """The outbox: what was sent to whom, and each attempt (bukve outbox send)."""

    list_display = ["created_at", "kind", "channel", "to", "status", "attempts", "sent_at"]
    list_filter = ["library", "status", "channel", "kind"]
    search_fields = ["to", "member__card_number", "member__last_name", "subject"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    fields = ("library", "member", "notice", "kind", "channel", "to", "language", "subject",
              "body", "status", "attempts", "next_attempt_at", "sent_at", "created_at")  # fmt: skip
    readonly_fields = fields
    inlines = [DeliveryInline]
