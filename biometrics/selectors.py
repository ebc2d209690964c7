"""Read side of identity verification: a member's cases, the badge, eligibility, export.

Also the staff dashboard's aggregate figures (no personal data); ``Status`` is re-exported
for the dashboard, which reads this app only through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from accounts.selectors import user_is_premium
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    LivenessChallenge,
    Verification,
    VerificationDraft,
    VerificationLock,
)
from biometrics.reasons import DOCUMENT_REASONS, PENDING_STATUSES, Status
from consent.purposes import PurposeCode
from consent.selectors import consent_check

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def verification_get_for_member(*, user: User, verification_id: Any) -> Verification:
    """Return the member's own case; the same 404 for a missing id and someone else's."""
    try:
        verification = Verification.objects.filter(pk=verification_id, user_id=user.pk).first()
    except (ValidationError, ValueError, TypeError):  # a malformed id
        raise Http404 from None
    if verification is None:
        raise Http404
    return verification


def liveness_challenge_get_for_member(*, user: User, challenge_id: Any) -> LivenessChallenge | None:
    """Return the member's unused challenge with this id, or None (malformed, someone else's)."""
    if not challenge_id:
        return None
    try:
        return LivenessChallenge.objects.filter(
            pk=challenge_id, user_id=user.pk, used_at__isnull=True
        ).first()
    except (ValidationError, ValueError, TypeError):
        return None


def verification_list_for_member(*, user: User) -> QuerySet[Verification]:
    """Return the member's cases, newest first."""
    return Verification.objects.filter(user_id=user.pk).order_by("-created_at")


def identity_assertion(*, user: User | AnonymousUser | None) -> IdentityAssertion | None:
    """Return the plain "ID verified on DATE" assertion for the badge, or None.

    Holds the date and ID type only: never the number, the images or a template.
    """
    pk = getattr(user, "pk", None)  # None for nobody and for an anonymous visitor
    if not pk:
        return None
    return IdentityAssertion.objects.filter(user_id=pk).first()


def verified_user_ids() -> QuerySet[IdentityAssertion, Any]:
    """Return a values-queryset of verified members' ids, for SQL filtering (``__in``)."""
    return IdentityAssertion.objects.values("user_id")


def verified_on_dates(*, user_ids: list[Any]) -> dict[Any, date]:
    """Return {user id: date the ID was verified} for the verified members among ``user_ids``."""
    rows = IdentityAssertion.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "verified_at"
    )
    return {user_id: timezone.localdate(verified_at) for user_id, verified_at in rows}


@dataclass(frozen=True)
class Eligibility:
    """What the start page shows: what is missing, or the form."""

    premium: bool
    consent_reason: str | None  # None when consent is valid
    assertion: IdentityAssertion | None
    pending: Verification | None
    locked: bool

    @property
    def can_submit(self) -> bool:
        return (
            self.premium
            and self.consent_reason is None
            and self.assertion is None
            and self.pending is None
            and not self.locked
        )


def verification_eligibility(*, user: User) -> Eligibility:
    """Return the member's premium, consent, badge, pending case and lock state."""
    lock = VerificationLock.objects.filter(user_id=user.pk).first()
    return Eligibility(
        premium=user_is_premium(user=user),
        consent_reason=consent_check(user=user, purpose=PurposeCode.BIOMETRIC_VERIFICATION),
        assertion=identity_assertion(user=user),
        pending=Verification.objects.filter(user_id=user.pk, status__in=PENDING_STATUSES).first(),
        locked=bool(lock and lock.locked_at),
    )


def _masked(number: str | None) -> str:
    if not number:
        return ""
    return "•" * max(0, len(number) - 4) + number[-4:]


def identity_verification_export(*, user: User) -> dict[str, Any]:
    """The member's export section: records of their cases, never images or templates."""
    assertion = identity_assertion(user=user)
    lock = VerificationLock.objects.filter(user_id=user.pk).first()
    cases = []
    for v in verification_list_for_member(user=user):
        cases.append(
            {
                "id": str(v.pk),
                "id_type": v.id_type,
                "id_number": v.id_number or None,
                "full_name": v.full_name or None,
                "date_of_birth": v.date_of_birth.isoformat() if v.date_of_birth else None,
                "sex": v.sex or None,
                "status": v.status,
                "reason_code": v.reason_code or None,
                "distance": v.distance,
                "threshold": v.threshold,
                "model": v.model_name or None,
                "submitted_at": v.created_at.isoformat(),
                "decided_at": v.decided_at.isoformat() if v.decided_at else None,
                "decided_by_human": v.decided_by_id is not None,
                "human_review_requested": v.human_review_requested,
                "liveness": v.liveness,
                # outcome per field of the ID document check; the text read is never exported
                # because it is deleted at the decision (while a case is open it is the
                # member's own document, held encrypted for the reviewer)
                "document_check": v.document_check,
                "images_held": v.images.count(),
                "personal_data_deleted_at": (
                    v.data_destroyed_at.isoformat() if v.data_destroyed_at else None
                ),
            }
        )
    templates = FaceTemplate.objects.filter(user_id=user.pk)
    return {
        "verified_on": assertion.verified_at.isoformat() if assertion else None,
        "verified_id_type": assertion.id_type if assertion else None,
        "face_templates_held": [
            {"model": t.model_name, "created_at": t.created_at.isoformat()}
            for t in templates.only("model_name", "created_at")
        ],
        "locked": bool(lock and lock.locked_at),
        "consecutive_face_mismatches": lock.consecutive_mismatches if lock else 0,
        "verifications": cases,
        "draft": _draft_export(user),
    }


def _draft_export(user: User) -> dict[str, Any] | None:
    draft = verification_draft_for_member(user=user)
    if draft is None:
        return None
    return {
        "id_type": draft.id_type or None,
        "id_number": draft.id_number or None,
        "full_name": draft.full_name or None,
        "date_of_birth": draft.date_of_birth.isoformat() if draft.date_of_birth else None,
        "sex": draft.sex or None,
        "id_photo_held": draft.has_document,
        "updated_at": draft.updated_at.isoformat(),
    }


def verification_draft_for_member(*, user: User) -> VerificationDraft | None:
    """The member's verification draft (what the stepper kept so far), or None."""
    if user is None or not getattr(user, "pk", None):
        return None
    return VerificationDraft.objects.filter(user_id=user.pk).first()


def lock_attempts_left(*, user: User) -> int | None:
    """Face mismatches left before verification locks; None once locked."""
    from django.conf import settings

    lock = VerificationLock.objects.filter(user_id=user.pk).first()
    if lock and lock.locked_at:
        return None
    used = lock.consecutive_mismatches if lock else 0
    return max(settings.BIOMETRICS_LOCK_AFTER_MISMATCHES - used, 0)


def id_number_masked(*, verification: Verification) -> str:
    """The ID number with all but the last four characters hidden (staff screens)."""
    return _masked(verification.id_number)


# --- staff dashboard: aggregate figures, no personal data ----------------------------------


def verification_outcomes_by_day(*, days: int = 30) -> list[dict[str, Any]]:
    """Verifications submitted per day (site time zone), by their current status, oldest first."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Verification.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day", "status")
        .annotate(count=Count("id"))
        .order_by("day", "status")
    )
    return [{"day": row["day"], "status": row["status"], "count": row["count"]} for row in rows]


def review_queue_size() -> int:
    """How many verifications wait for a reviewer."""
    return Verification.objects.filter(status=Status.NEEDS_REVIEW).count()


def document_reason_counts(*, days: int = 30) -> list[dict[str, Any]]:
    """Cases of the last ``days`` days per document-check reason code (all codes, zeros too)."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Verification.objects.filter(created_at__gte=since, reason_code__in=DOCUMENT_REASONS)
        .values("reason_code")
        .annotate(count=Count("id"))
    )
    counts = {row["reason_code"]: row["count"] for row in rows}
    return [
        {"code": code.value, "label": str(code.label), "count": counts.get(code.value, 0)}
        for code in DOCUMENT_REASONS
    ]
