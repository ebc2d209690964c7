"""Staff screens: the review queue, the review page (face crops, access-logged), locks.

Biometric data appears only on the review page, decrypted on the fly into data: URIs and
recorded in the member's access log. Change forms never show encrypted fields; the ID number
is masked. Nothing here deletes or edits a case directly: decisions go through the services,
which delete images and write the audit trail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.selectors import user_get
from biometrics import selectors, services
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    ReasonCode,
    ReviewAction,
    Status,
    Verification,
    VerificationLock,
)
from biometrics.reasons import REVIEW_REJECT_REASONS
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member: the admin site lets only staff in."""
    return cast("User", request.user)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: same person")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason_code = forms.ChoiceField(
        label=_("Reason (when rejecting)"),
        required=False,
        choices=[("", "—")] + [(c.value, c.label) for c in REVIEW_REJECT_REASONS],
    )
    note = forms.CharField(label=_("Note (internal)"), required=False, widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("reason_code"):
            self.add_error("reason_code", _("Choose a reason."))
        return data


class DocumentDecisionFilter(admin.SimpleListFilter):
    """Filter cases by the document check's decision (pass, review, reject) or cause."""

    title = _("document check")
    parameter_name = "document"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("pass", _("Document passed")),
            ("review", _("Document sent to review")),
            ("reject", _("Document rejected")),
            ("blur", _("Unreadable: blurred")),
            ("glare", _("Unreadable: glare")),
            ("cut_off", _("Unreadable: cut off")),
            ("too_small", _("Unreadable: too small")),
            ("none", _("Not checked")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value in ("pass", "review", "reject"):
            return queryset.filter(document_check__decision=value)
        if value in ("blur", "glare", "cut_off", "too_small"):
            return queryset.filter(document_check__cause=value)
        if value == "none":
            return queryset.filter(document_check__isnull=True)
        return queryset


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user_email",
        "id_type",
        "status",
        "reason_code",
        "distance",
        "review_link",
    )
    list_filter = ("status", "reason_code", DocumentDecisionFilter, "id_type")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    date_hierarchy = "created_at"
    fields = (
        "id",
        "user",
        "id_type",
        "id_number_masked",
        "status",
        "reason_code",
        "distance",
        "threshold",
        "review_margin",
        "dedup_threshold",
        "model_name",
        "detector",
        "candidate_count",
        "human_review_requested",
        "liveness",
        "document_check",
        "attempts",
        "created_at",
        "processing_started_at",
        "finished_at",
        "decided_by",
        "decided_at",
        "data_destroyed_at",
        "review_link",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting a row would orphan its encrypted files; withdrawal does it right

    @admin.display(description=_("member"), ordering="user__email")
    def user_email(self, obj: Verification) -> str:
        return obj.user.email

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj: Verification) -> str:
        return selectors.id_number_masked(verification=obj) or "—"

    @admin.display(description=_("duplicate candidates"))
    def candidate_count(self, obj: Verification) -> int:
        return len(obj.duplicate_candidates or [])

    @admin.display(description=_("review"))
    def review_link(self, obj: Verification) -> str:
        if obj.status != Status.NEEDS_REVIEW:
            return "—"
        url = reverse("admin:biometrics_verification_review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Review"))

    def get_urls(self) -> list:
        custom = [
            path(
                "<uuid:verification_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="biometrics_verification_review",
            )
        ]
        return custom + super().get_urls()

    def _candidates(self, verification: Verification) -> list[dict[str, Any]]:
        rows = []
        for candidate in verification.duplicate_candidates or []:
            other = None
            if not candidate.get("gone"):
                other = user_get(user_id=candidate.get("user_id", ""))
            if (
                other is not None
                and candidate.get("kind", "face") == "face"
                and not FaceTemplate.objects.filter(user_id=other.pk).exists()
            ):
                other = None  # the face it matched is deleted (withdrawn a moment after, expired)
            if other is None:  # withdrawn, erased, or deleted some other way: no one to name
                rows.append({"kind": candidate.get("kind", "face"), "gone": True})
                continue
            rows.append(
                {
                    **candidate,
                    "email": other.email,
                    "url": (
                        reverse("admin:biometrics_verification_changelist")
                        + f"?user__id__exact={candidate.get('user_id')}"
                    ),
                }
            )
        return rows

    def review_view(self, request: HttpRequest, verification_id: Any) -> HttpResponse:
        """The two face crops side by side, the distance, duplicates; approve or reject."""
        if not request.user.has_perm(services.REVIEW_PERMISSION):
            raise PermissionDenied
        verification = (
            Verification.objects.select_related("user").filter(pk=verification_id).first()
        )
        if verification is None:
            raise Http404
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.verification_review_approve(
                        verification_id=verification.pk,
                        reviewer=_staff(request),
                        note=form.cleaned_data["note"],
                    )
                else:
                    services.verification_review_reject(
                        verification_id=verification.pk,
                        reviewer=_staff(request),
                        reason_code=form.cleaned_data["reason_code"],
                        note=form.cleaned_data["note"],
                    )
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Decision recorded; the images were deleted."))
                url = reverse("admin:biometrics_verification_changelist")
                return redirect(f"{url}?status__exact=needs_review")
        crops: dict[str, str] = {}
        document_rows: list[dict[str, Any]] = []
        if verification.status == Status.NEEDS_REVIEW:
            crops = services.verification_review_open(
                verification_id=verification.pk, reviewer=_staff(request)
            )
            document_rows = services.verification_review_document(
                verification_id=verification.pk, reviewer=_staff(request)
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review identity verification"),
            "opts": self.model._meta,
            "verification": verification,
            "document_crop": crops.get("document_face"),
            "selfie_crop": crops.get("selfie_face"),
            "document_flat": crops.get("document_flat"),
            "document_rows": document_rows,
            "document": verification.document_check,
            "frames": [crops[kind] for kind in sorted(crops) if kind.startswith("frame_")],
            "liveness": verification.liveness,
            "candidates": self._candidates(verification),
            "form": form,
            "reason_label": ReasonCode(verification.reason_code).label
            if verification.reason_code
            else "",
            "open": verification.status == Status.NEEDS_REVIEW,
        }
        return TemplateResponse(request, "admin/biometrics/review.html", context)


@admin.register(VerificationLock)
class VerificationLockAdmin(admin.ModelAdmin):
    list_display = ("user", "consecutive_mismatches", "locked_at", "lifted_at", "lifted_by")
    list_filter = (("locked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email",)
    readonly_fields = ("user", "consecutive_mismatches", "locked_at", "lifted_at", "lifted_by")
    actions = ["lift_lock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Lift the lock of the selected members"), permissions=["change"])
    def lift_lock(self, request: HttpRequest, queryset: QuerySet[VerificationLock]) -> None:
        lifted = 0
        for lock in queryset:
            if services.verification_lock_lift(user_id=lock.user_id, actor=_staff(request)):
                lifted += 1
        messages.success(request, _("%(count)d lock(s) lifted.") % {"count": lifted})


@admin.register(IdentityAssertion)
class IdentityAssertionAdmin(admin.ModelAdmin):
    list_display = ("user", "verified_at", "id_type")
    search_fields = ("user__email",)
    readonly_fields = ("user", "verified_at", "id_type", "verification_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReviewAction)
class ReviewActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_label", "action", "reason_code", "subject")
    list_filter = ("action",)
    search_fields = ("actor_label", "subject__email")
    readonly_fields = (
        "created_at",
        "actor",
        "actor_label",
        "action",
        "reason_code",
        "note",
        "subject",
        "verification",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
