"""Withdrawal and erasure: destroy a member's biometric data at once, or everything."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from biometrics.drafts import verification_draft_delete
from biometrics.gallery import gallery_remove
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    ReasonCode,
    ReviewAction,
    Status,
    Verification,
    VerificationLock,
)
from biometrics.reasons import PENDING_STATUSES
from biometrics.services.cases import DESTROY_FIELDS, destroy_case_data
from biometrics.signals import send_identity_assertion_changed

if TYPE_CHECKING:
    from accounts.models import User


def biometric_data_destroy(*, user: User, keep_assertion: bool = True) -> list[str]:
    """Destroy all of a member's biometric data at once; return what to tell them.

    Pending cases are cancelled; every case's images (files after commit), template and
    personal fields go. The plain "ID verified on DATE" assertion stays unless
    ``keep_assertion`` is False (erasure). Runs inside the caller's transaction; idempotent.
    """
    now = timezone.now()
    notes: list[str] = []
    cases = list(Verification.objects.select_for_update().filter(user_id=user.pk))
    touched = False
    for verification in cases:
        if verification.status in PENDING_STATUSES:
            verification.status = Status.CANCELLED
            verification.reason_code = ReasonCode.CONSENT_WITHDRAWN
            verification.finished_at = verification.finished_at or now
            verification.decided_at = now
            verification.save(
                update_fields=["status", "reason_code", "finished_at", "decided_at", "updated_at"]
            )
            touched = True
        if verification.data_destroyed_at is None or verification.images.exists():
            destroy_case_data(verification)
            verification.save(update_fields=[*DESTROY_FIELDS, "updated_at"])
            touched = True
    _forget_as_match(user_id=user.pk)
    if verification_draft_delete(user=user):
        touched = True
    template_keys = [
        str(pk) for pk in FaceTemplate.objects.filter(user_id=user.pk).values_list("pk", flat=True)
    ]
    if template_keys:
        FaceTemplate.objects.filter(pk__in=template_keys).delete()
        transaction.on_commit(lambda: gallery_remove(keys=template_keys))
        touched = True
    if touched:
        notes.append(
            _(
                "Your ID photos, selfie, face template and ID number were deleted from identity "
                "verification."
            )
        )
    if not keep_assertion:
        deleted, _per_model = IdentityAssertion.objects.filter(user_id=user.pk).delete()
        if deleted:
            send_identity_assertion_changed(user_id=user.pk)
    elif IdentityAssertion.objects.filter(user_id=user.pk).exists():
        notes.append(
            _(
                "Your profile keeps the plain note “ID verified on DATE”, without any biometric "
                "data."
            )
        )
    return notes


def _forget_as_match(*, user_id: Any) -> int:
    """Remove a member from every other pending case's duplicate list; return cases changed.

    Withdrawal and erasure call it: a reviewer of someone else's case must no longer see who
    matched (nor the distance, derived from the gone face). The entry stays as ``{"kind",
    "gone": true}``, so the review screen says "a match that no longer exists".
    """
    gone = str(user_id)
    changed = 0
    for case in Verification.objects.select_for_update().filter(status__in=PENDING_STATUSES):
        candidates = case.duplicate_candidates or []
        kept = [
            {"kind": c.get("kind", "face"), "gone": True} if str(c.get("user_id")) == gone else c
            for c in candidates
        ]
        if kept != candidates:
            case.duplicate_candidates = kept
            case.save(update_fields=["duplicate_candidates", "updated_at"])
            changed += 1
    return changed


def biometric_data_erase(*, user: User) -> None:
    """Delete everything of a member in this app, including the badge and the case records."""
    biometric_data_destroy(user=user, keep_assertion=False)
    Verification.objects.filter(user_id=user.pk).delete()
    VerificationLock.objects.filter(user_id=user.pk).delete()
    ReviewAction.objects.filter(subject_id=user.pk).update(subject=None, note="")
