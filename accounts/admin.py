"""Staff administration of accounts, premium and employers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import (
    ApiToken,
    Employer,
    EmployerInvitation,
    EmployerMembership,
    PremiumMembership,
    User,
)
from accounts.requests import AuthenticatedHttpRequest


class PremiumInline(admin.StackedInline):
    model = PremiumMembership
    fk_name = "user"
    extra = 0
    readonly_fields = ("updated_at",)
    autocomplete_fields = ("granted_by",)


class MembershipInline(admin.TabularInline):
    model = EmployerMembership
    extra = 0
    autocomplete_fields = ("user", "employer")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "is_staff", "is_active", "date_joined", "last_seen_at")
    list_filter = ("is_staff", "is_superuser", "is_active", "premium__tier")
    search_fields = ("email", "display_name")
    readonly_fields = ("date_joined", "last_seen_at", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "display_name", "password", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("date_joined", "last_login", "last_seen_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "password1", "password2"),
            },
        ),
    )
    inlines = [PremiumInline, MembershipInline]
    actions = ["grant_premium_year"]

    # Deleting a user here is an erasure: every app's withdrawal and erasure handlers must run
    # (biometric files live outside the database), and the ledger keeps pseudonymous proof.
    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.account_erase(user=obj, method="admin")

    def get_deleted_objects(
        self, objs: Sequence[User] | QuerySet[User], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        # The ledger and access log are read-only in their admins; the erasure service handles
        # them deliberately (pseudonymised, not deleted), so staff need no delete right on them.
        to_delete, model_count, _perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        return to_delete, model_count, set(), protected

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.account_erase(user=user, method="admin")

    @admin.action(description=_("Grant premium for 365 days"))
    def grant_premium_year(
        self, request: AuthenticatedHttpRequest, queryset: QuerySet[User]
    ) -> None:
        for user in queryset:
            services.premium_grant(user=user, days=365, source="staff", granted_by=request.user)
        self.message_user(request, _("Premium granted."), messages.SUCCESS)


@admin.register(PremiumMembership)
class PremiumMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "tier", "starts_at", "expires_at", "source")
    list_filter = ("tier", "source", "expires_at")
    search_fields = ("user__email",)
    autocomplete_fields = ("user", "granted_by")
    date_hierarchy = "expires_at"


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "domain", "created_at")
    search_fields = ("name", "domain")
    inlines = [MembershipInline]


@admin.register(EmployerMembership)
class EmployerMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "employer", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "employer__name")
    autocomplete_fields = ("user", "employer")


@admin.register(EmployerInvitation)
class EmployerInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "employer", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role", "accepted_at")
    search_fields = ("email", "employer__name")
    readonly_fields = ("token_hash",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see and revoke (delete) tokens; keys are never stored, so never shown."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "expires_at")
    search_fields = ("user__email", "name", "prefix")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "prefix",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "max_expires_at",
    )
    exclude = ("key_hash", "password_stamp")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
