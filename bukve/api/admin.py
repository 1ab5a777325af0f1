"""API tokens in the admin: listed, and revoked, but never created or edited here (the key
is shown only once, by `bukve token create`)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bukve.api.models import ApiToken
from bukve.api.services import api_token_revoke
from bukve.libraries.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "name", "staff", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked", "staff__library"]
    list_select_related = ["staff__user", "staff__library"]
    search_fields = ["prefix", "name", "staff__user__username"]
    exclude = ["key_hash"]
    ordering = ["-created_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked=False).order_by("pk"):
            api_token_revoke(token=token)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
