"""Read side of consent: the guard other apps call, and the member's consent overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from consent.exceptions import ConsentRequired
from consent.models import AccessLogEntry, ConsentState, PolicyVersion, Purpose


def policy_current(*, at: datetime | None = None) -> PolicyVersion | None:
    """Return the policy version in effect now (or at ``at``)."""
    at = at or timezone.now()
    return PolicyVersion.objects.filter(effective_at__lte=at).order_by("-effective_at").first()


def policy_required_for(*, purpose: str, at: datetime | None = None) -> PolicyVersion | None:
    """Return the newest effective policy version that changed ``purpose``.

    Consent given under an older version no longer counts for that purpose.
    """
    at = at or timezone.now()
    return (
        PolicyVersion.objects.filter(effective_at__lte=at, changed_purposes=purpose)
        .order_by("-effective_at")
        .first()
    )


def consent_check(*, user: object, purpose: str) -> str | None:
    """Return None when processing for ``purpose`` is allowed, else the reason it is not.

    Reasons: ``missing``, ``withdrawn``, ``policy_updated``.
    """
    if not getattr(user, "is_authenticated", False):
        return "missing"
    state = (
        ConsentState.objects.select_related("policy_version")
        .filter(user_id=user.pk, purpose_id=purpose)  # type: ignore[attr-defined]
        .first()
    )
    if state is None:
        return "missing"
    if not state.granted:
        return "withdrawn"
    required = policy_required_for(purpose=purpose)
    if required is not None and state.policy_version.effective_at < required.effective_at:
        return "policy_updated"
    return None


def has_consent(user: object, purpose: str) -> bool:
    """Answer whether ``user`` currently consents to ``purpose`` under the current policy."""
    return consent_check(user=user, purpose=purpose) is None


def require_consent(user: object, purpose: str) -> None:
    """Raise ConsentRequired unless ``user`` currently consents to ``purpose``.

    Call before every processing step, including inside Celery tasks: consent can be withdrawn
    while a task waits in the queue.
    """
    reason = consent_check(user=user, purpose=purpose)
    if reason is not None:
        raise ConsentRequired(purpose, reason)


def consented_user_ids(*, purpose: str) -> QuerySet[ConsentState]:
    """Return a values-queryset of user ids with valid consent, for SQL filtering (``__in``)."""
    states = ConsentState.objects.filter(purpose_id=purpose, granted=True)
    required = policy_required_for(purpose=purpose)
    if required is not None:
        states = states.filter(policy_version__effective_at__gte=required.effective_at)
    return states.values("user_id")


@dataclass(frozen=True)
class PurposeStatus:
    """One purpose as the member sees it in the privacy centre."""

    purpose: Purpose
    granted: bool
    reason: str | None
    policy_version: str | None
    since: datetime | None


def consent_overview(*, user: object) -> list[PurposeStatus]:
    """Return every purpose with the member's state."""
    states = {
        s.purpose_id: s
        for s in ConsentState.objects.select_related("policy_version").filter(
            user_id=user.pk  # type: ignore[attr-defined]
        )
    }
    overview = []
    for purpose in Purpose.objects.all():
        state = states.get(purpose.code)
        reason = consent_check(user=user, purpose=purpose.code)
        overview.append(
            PurposeStatus(
                purpose=purpose,
                granted=reason is None,
                reason=reason,
                policy_version=state.policy_version.version if state else None,
                since=state.updated_at if state else None,
            )
        )
    return overview


def access_log_for(*, user: object) -> QuerySet[AccessLogEntry]:
    """Return who accessed the member's sensitive data, newest first."""
    return AccessLogEntry.objects.filter(subject_id=user.pk)  # type: ignore[attr-defined]
