"""Review: a person opens, approves or rejects a case; a member asks a person to decide.

Every look at a case's images or document text is access-logged for the member, and every
action is audited (``ReviewAction``).
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from biometrics import liveness_burst
from biometrics.models import (
    ReasonCode,
    ReviewAction,
    Status,
    Verification,
    VerificationImage,
    VerificationLock,
)
from biometrics.private_files import encrypted_file_read
from biometrics.reasons import HUMAN_REVIEW_REASONS, REVIEW_REJECT_REASONS
from biometrics.services import processing
from biometrics.services.cases import assert_identity, enrol, finish, id_number_in_use
from biometrics.services.limits import lock_row
from config.errors import ApplicationError, PermissionRefused
from consent.purposes import PurposeCode
from consent.selectors import require_consent
from consent.services import access_record

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

REVIEW_PERMISSION = "biometrics.review_verification"
ACCESS_CATEGORY = "biometric images"
ACCESS_PURPOSE = "identity verification review"
DOCUMENT_TEXT_CATEGORY = "identity document text"
# The access log shows categories through consent_tags.readable(): "Identity document text".
gettext_noop("Identity document text")


def _require_reviewer(reviewer: User) -> None:
    if not (reviewer.is_active and reviewer.is_staff and reviewer.has_perm(REVIEW_PERMISSION)):
        raise PermissionRefused(_("You may not review verifications."), code="permission_denied")


def _audit(
    *,
    actor: User,
    action: str,
    verification: Verification | None = None,
    subject: Any = None,
    reason_code: str = "",
    note: str = "",
) -> ReviewAction:
    return ReviewAction.objects.create(
        verification=verification,
        subject=subject if subject is not None else getattr(verification, "user", None),
        actor=actor,
        actor_label=getattr(actor, "email", "") or str(actor),
        action=action,
        reason_code=reason_code,
        note=note[:2000],
    )


def _review_case(verification_id: Any) -> Verification:
    verification = Verification.objects.select_for_update().filter(pk=verification_id).first()
    if verification is None or verification.status != Status.NEEDS_REVIEW:
        raise ApplicationError(
            _("This case is not waiting for review."), code="not_under_review", status_code=409
        )
    return verification


@transaction.atomic
def verification_review_open(*, verification_id: Any, reviewer: User) -> dict[str, str]:
    """Return the case's face crops (and liveness frames) as data: URIs, access-logged.

    Nothing is written to disk. Liveness frames are shown only for a case where the member
    asked for a person to decide: the reviewer then judges the liveness steps too.
    """
    _require_reviewer(reviewer)
    verification = Verification.objects.filter(pk=verification_id).first()
    if verification is None:
        raise ApplicationError(_("Not found."), code="not_found", status_code=404)
    kinds: list[str] = [
        VerificationImage.Kind.DOCUMENT_FACE,
        VerificationImage.Kind.SELFIE_FACE,
        VerificationImage.Kind.DOCUMENT_FLAT,
    ]
    if verification.reason_code == ReasonCode.HUMAN_REVIEW_REQUESTED:
        kinds += [k for k in VerificationImage.Kind.values if k.startswith("frame_")]
        kinds.append(VerificationImage.Kind.BURST)
    crops = {image.kind: image for image in verification.images.filter(kind__in=kinds)}
    if not crops:
        return {}
    access_record(
        accessor=reviewer,
        subject=verification.user,
        category=ACCESS_CATEGORY,
        purpose=ACCESS_PURPOSE,
        detail=f"verification {verification.pk}",
    )
    _audit(actor=reviewer, action=ReviewAction.Action.VIEWED, verification=verification)
    opened = {
        kind: encrypted_file_read(name=image.file_name, sha256=image.sha256)
        for kind, image in crops.items()
    }
    burst = opened.pop(VerificationImage.Kind.BURST, None)
    if burst is not None:
        # the recording: six frames spread over it, shown as the liveness steps
        frames, _times = liveness_burst.burst_unpack(burst)
        picks = sorted({round(k * (len(frames) - 1) / 5) for k in range(6)})
        for step, index in enumerate(picks, start=1):
            opened[VerificationImage.Kind.frame(step)] = frames[index]
    return {
        kind: "data:image/jpeg;base64," + base64.b64encode(data).decode()
        for kind, data in opened.items()
    }


_DOCUMENT_FIELD_LABELS = {
    "id_type": _lazy("Type of ID"),
    "id_number": _lazy("ID number"),
    "full_name": _lazy("Full name"),
    "date_of_birth": _lazy("Date of birth"),
    "sex": _lazy("Sex"),
}


def _typed_value(verification: Verification, name: str) -> str:
    value = getattr(verification, name, None)
    if name == "date_of_birth" and value is not None:
        return value.isoformat()
    return str(value or "")


@transaction.atomic
def verification_review_document(*, verification_id: Any, reviewer: User) -> list[dict[str, Any]]:
    """Per field: what the member typed, what the document says, the outcome, the confidence.

    Decrypts the text read from the document (kept only while the case is open) and records
    the access in the member's access log. After the decision only the outcomes remain, and
    the rows carry no values.
    """
    _require_reviewer(reviewer)
    verification = Verification.objects.filter(pk=verification_id).first()
    if verification is None or not verification.document_check:
        return []
    read_fields: dict[str, Any] = {}
    if verification.document_read:
        access_record(
            accessor=reviewer,
            subject=verification.user,
            category=DOCUMENT_TEXT_CATEGORY,
            purpose=ACCESS_PURPOSE,
            detail=f"verification {verification.pk}",
        )
        read_fields = json.loads(verification.document_read).get("fields", {})
    kind = verification.document_check.get("kind") or ""
    rows = []
    for outcome in verification.document_check.get("fields", []):
        name = outcome.get("field", "")
        read = read_fields.get(name, {})
        rows.append(
            {
                "field": name,
                "label": str(_DOCUMENT_FIELD_LABELS.get(name, name)),
                "typed": _typed_value(verification, name),
                "read": kind if name == "id_type" else str(read.get("value", "")),
                "also_read": [str(other) for other in read.get("others", [])],
                "outcome": outcome.get("outcome", ""),
                "confidence": outcome.get("confidence"),
                "source": outcome.get("source", ""),
            }
        )
    return rows


@transaction.atomic
def verification_review_approve(
    *, verification_id: Any, reviewer: User, note: str = ""
) -> Verification:
    """A reviewer confirms the person: verified, template enrolled, images deleted."""
    _require_reviewer(reviewer)
    verification = _review_case(verification_id)
    if verification.user_id == reviewer.pk:
        raise PermissionRefused(_("You may not review your own case."), code="own_case")
    if id_number_in_use(verification):
        raise ApplicationError(
            _("This ID number is already verified on another account; reject the case instead."),
            code="id_number_in_use",
            status_code=409,
        )
    vector = verification.selfie_vector
    finish(
        verification, status=Status.VERIFIED, reason=ReasonCode.REVIEW_APPROVED, decided_by=reviewer
    )
    if vector is not None:
        enrol(verification, vector)
    else:
        assert_identity(verification)
    _audit(
        actor=reviewer, action=ReviewAction.Action.APPROVED, verification=verification, note=note
    )
    return verification


@transaction.atomic
def verification_review_reject(
    *, verification_id: Any, reviewer: User, reason_code: str, note: str = ""
) -> Verification:
    """A reviewer rejects a case with a reason (``duplicate_face`` is only ever set here)."""
    _require_reviewer(reviewer)
    if reason_code not in REVIEW_REJECT_REASONS:
        raise ApplicationError(
            _("Choose a reason."), code="invalid", fields={"reason_code": [_("Choose a reason.")]}
        )
    verification = _review_case(verification_id)
    if verification.user_id == reviewer.pk:
        raise PermissionRefused(_("You may not review your own case."), code="own_case")
    finish(verification, status=Status.REJECTED, reason=reason_code, decided_by=reviewer)
    _audit(
        actor=reviewer,
        action=ReviewAction.Action.REJECTED,
        verification=verification,
        reason_code=reason_code,
        note=note,
    )
    return verification


@transaction.atomic
def verification_lock_lift(*, user_id: Any, actor: User) -> VerificationLock | None:
    """Staff lift a member's mismatch lock (audited); returns None if there was none."""
    lock = VerificationLock.objects.select_for_update().filter(user_id=user_id).first()
    if lock is None or lock.locked_at is None:
        return None
    lock.locked_at = None
    lock.consecutive_mismatches = 0
    lock.lifted_at = timezone.now()
    lock.lifted_by = actor
    lock.save(update_fields=["locked_at", "consecutive_mismatches", "lifted_at", "lifted_by"])
    _audit(actor=actor, action=ReviewAction.Action.LOCK_LIFTED, subject=lock.user)
    return lock


# --- a person decides instead (GDPR Art. 22) -------------------------------------------------


def review_request_open(*, verification: Verification) -> bool:
    """May the member ask a person to decide this case now, without uploading again?

    Only an automatic face or liveness rejection, while its photos are kept (for
    ``BIOMETRICS_REVIEW_REQUEST_DAYS``), on the member's latest case, never after a person
    decided, and once.
    """
    if (
        verification.status != Status.REJECTED
        or verification.reason_code not in HUMAN_REVIEW_REASONS
        or verification.decided_by_id is not None
        or verification.human_review_requested
        or verification.data_destroyed_at is not None
        or verification.decided_at is None
        or verification.decided_at
        < timezone.now() - timedelta(days=settings.BIOMETRICS_REVIEW_REQUEST_DAYS)
    ):
        return False
    latest = (
        Verification.objects.filter(user_id=verification.user_id)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    return latest == verification.pk and verification.images.exists()


def verification_review_request(*, user: User, verification_id: Any) -> Verification:
    """The member asks a person to decide a rejected case, with the photos already sent.

    The case is checked again with ``human_review_requested`` (keeping the face crops), so a
    face or liveness rejection goes to the review queue as ``human_review_requested``; a face
    mismatch no longer counts towards the lock. 409 ``human_review_not_available`` when
    ``review_request_open`` says no; someone else's case is a 404.
    """
    from biometrics.selectors import verification_get_for_member

    found = verification_get_for_member(user=user, verification_id=verification_id)  # else 404
    require_consent(user, PurposeCode.BIOMETRIC_VERIFICATION)
    with transaction.atomic():
        verification = Verification.objects.select_for_update().get(pk=found.pk)
        if not review_request_open(verification=verification):
            raise ApplicationError(
                _(
                    "A person can no longer be asked to decide this case. Submit again and "
                    "tick “Ask a person to decide instead of the computer”."
                ),
                code="human_review_not_available",
                status_code=409,
            )
        if verification.reason_code == ReasonCode.FACE_MISMATCH:
            lock = lock_row(user, for_update=True)
            lock.consecutive_mismatches = max(lock.consecutive_mismatches - 1, 0)
            if (
                lock.locked_at is not None
                and lock.locked_at >= (verification.decided_at or lock.locked_at)
                and lock.consecutive_mismatches < settings.BIOMETRICS_LOCK_AFTER_MISMATCHES
            ):
                lock.locked_at = None  # this case locked it, and it no longer counts
            lock.save(update_fields=["consecutive_mismatches", "locked_at"])
        verification.status = Status.SUBMITTED
        verification.reason_code = ""
        verification.human_review_requested = True
        verification.attempts = 0
        verification.processing_started_at = None
        verification.finished_at = None
        verification.decided_at = None
        verification.save(
            update_fields=[
                "status",
                "reason_code",
                "human_review_requested",
                "attempts",
                "processing_started_at",
                "finished_at",
                "decided_at",
                "updated_at",
            ]
        )
        transaction.on_commit(lambda: processing._enqueue(verification.pk))
    logger.info("Verification %s: a person was asked to decide", verification.pk)
    return verification
