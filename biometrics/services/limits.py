"""Who may submit now: premium, consent, the mismatch lock, one case at a time, a daily cap."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import user_is_premium
from biometrics.models import IdentityAssertion, Status, Verification, VerificationLock
from biometrics.reasons import HUMAN_REVIEW_REASONS, PENDING_STATUSES
from config.errors import ApplicationError, PermissionRefused
from consent.purposes import PurposeCode
from consent.selectors import require_consent

if TYPE_CHECKING:
    from accounts.models import User


def lock_row(user: User, *, for_update: bool) -> VerificationLock:
    lock, _created = VerificationLock.objects.get_or_create(user=user)
    if for_update:
        lock = VerificationLock.objects.select_for_update().get(pk=lock.pk)
    return lock


def check_can_submit(user: User, lock: VerificationLock) -> None:
    """Raise the refusal that applies to a member who may otherwise submit."""
    if lock.locked_at is not None:
        raise ApplicationError(
            _(
                "Verification is locked after repeated face mismatches. Contact support to have "
                "it unlocked."
            ),
            code="verification_locked",
            status_code=429,
        )
    if IdentityAssertion.objects.filter(user=user).exists():
        raise ApplicationError(
            _("Your identity is already verified."), code="already_verified", status_code=409
        )
    pending = Verification.objects.filter(user=user, status__in=PENDING_STATUSES).first()
    if pending is not None:
        raise ApplicationError(
            _("You already have a verification in progress. Wait for its result."),
            code="verification_pending",
            status_code=409,
            extra={"verification_id": str(pending.pk)},
        )
    since = timezone.now() - timedelta(days=1)
    recent = Verification.objects.filter(user=user, created_at__gte=since)
    limit = settings.BIOMETRICS_SUBMISSIONS_PER_DAY
    if recent.count() >= limit:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = int(((oldest or since) + timedelta(days=1) - timezone.now()).total_seconds())
        raise ApplicationError(
            _("You can submit at most %(limit)d verifications a day. Try again later.")
            % {"limit": limit},
            code="too_many_attempts",
            status_code=429,
            extra={"retry_after_seconds": max(wait, 0)},
        )


def verification_precheck(*, user: User) -> None:
    """Raise the refusal a member gets before filling in the form (premium, consent, limits)."""
    if not user_is_premium(user=user):
        raise PermissionRefused(
            _("Identity verification is available to premium members."), code="premium_required"
        )
    require_consent(user, PurposeCode.BIOMETRIC_VERIFICATION)
    check_can_submit(user, lock_row(user, for_update=False))


def human_review_available(*, user: User) -> bool:
    """May the member's next submission ask a person to decide (last case rejected by a machine)?"""
    last = (
        Verification.objects.filter(user_id=user.pk)
        .exclude(status__in=PENDING_STATUSES)
        .order_by("-created_at")
        .values_list("status", "reason_code", "decided_by_id")
        .first()
    )
    return bool(
        last
        and last[0] == Status.REJECTED
        and last[1] in HUMAN_REVIEW_REASONS
        and last[2] is None  # a person's rejection is already a human decision
    )


def count_mismatch(verification: Verification) -> None:
    lock = lock_row(verification.user, for_update=True)
    lock.consecutive_mismatches += 1
    fields = ["consecutive_mismatches"]
    if (
        lock.consecutive_mismatches >= settings.BIOMETRICS_LOCK_AFTER_MISMATCHES
        and not lock.locked_at
    ):
        lock.locked_at = timezone.now()
        fields.append("locked_at")
    lock.save(update_fields=fields)
