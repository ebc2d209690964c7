"""Staff admin: purposes and policy versions are editable; the ledger and access log are not."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from consent.models import (
    AccessLogEntry,
    ConsentEvent,
    ConsentState,
    ConsentText,
    PolicyVersion,
    Purpose,
)


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "special_category", "explicit", "profiling", "retention_days"]
    list_filter = ["special_category", "explicit", "profiling"]
    search_fields = ["code", "name", "description"]
    ordering = ["ordering", "code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Purpose | None = None) -> list[str]:
        # Other apps import the codes; renaming one would silently orphan their checks.
        return ["code"] if obj else []


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["version", "effective_at", "summary"]
    list_filter = ["effective_at", "changed_purposes"]
    search_fields = ["version", "summary", "text"]
    filter_horizontal = ["changed_purposes"]
    date_hierarchy = "effective_at"

    def _in_effect(self, obj: PolicyVersion | None) -> bool:
        return obj is not None and obj.effective_at <= timezone.now()

    def get_readonly_fields(
        self, request: HttpRequest, obj: PolicyVersion | None = None
    ) -> list[str]:
        # Members consented to this wording: once in effect, a version is history. Publish a
        # new version instead (with changed_purposes to ask for consent again).
        if self._in_effect(obj):
            return ["version", "effective_at", "text", "summary", "changed_purposes"]
        return []

    def has_delete_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return not self._in_effect(obj) and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted: the ledger is evidence."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "subject_ref_short",
        "purpose",
        "action",
        "method",
        "policy_version",
        "erased",
    ]
    list_filter = ["purpose", "action", "method", "erased", "policy_version", "created_at"]
    search_fields = ["subject_ref"]
    date_hierarchy = "created_at"
    list_select_related = ["purpose", "policy_version"]
    # No user column: staff find a member's rows by subject_ref, not by browsing names.
    exclude = ["user"]

    @admin.display(description="subject")
    def subject_ref_short(self, obj: ConsentEvent) -> str:
        return obj.subject_ref[:16]


@admin.register(ConsentState)
class ConsentStateAdmin(ReadOnlyAdmin):
    list_display = ["user_id", "purpose", "granted", "policy_version", "updated_at"]
    list_filter = ["purpose", "granted", "policy_version", "updated_at"]
    search_fields = ["last_event__subject_ref"]
    list_select_related = ["purpose", "policy_version"]
    exclude = ["user"]


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "accessor_label", "category", "purpose", "subject_id"]
    list_filter = ["category", "purpose", "created_at"]
    search_fields = ["accessor_label", "category", "detail"]
    date_hierarchy = "created_at"
    exclude = ["subject", "accessor"]


@admin.register(ConsentText)
class ConsentTextAdmin(ReadOnlyAdmin):
    list_display = ["sha256", "language", "created_at"]
    list_filter = ["language", "created_at"]
    search_fields = ["=sha256"]
