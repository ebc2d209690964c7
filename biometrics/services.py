"""Write side of identity verification: submit, process (the task body), review, destroy.

State machine (docs/biometrics.md):

    submitted -> processing -> verified | rejected | needs_review
    needs_review -> verified | rejected (reviewer) | cancelled (30 days without review)
    submitted | processing | needs_review -> cancelled (consent withdrawn, premium ended)
    processing -> submitted (transient error, or the sweep found it stuck; bounded by attempts)

A final case keeps personal data only when verified (encrypted ID number, name, birth date,
sex and the ID-number hash, which finds the same ID on another account). Images go as soon as
a decision is final; while a human reviews, at most ``BIOMETRICS_REVIEW_RETENTION_DAYS``.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop
from PIL import Image

from accounts.selectors import user_is_premium
from biometrics import documents, face_engine, liveness, liveness_burst
from biometrics.drafts import verification_draft_delete, verification_drafts_expire
from biometrics.gallery import dedup_serialised, gallery_add, gallery_remove, gallery_search
from biometrics.image_intake import CleanImage, ImageRejected, image_intake
from biometrics.models import (
    HUMAN_REVIEW_REASONS,
    PENDING_STATUSES,
    REVIEW_REJECT_REASONS,
    FaceTemplate,
    IdentityAssertion,
    IdType,
    LivenessChallenge,
    LivenessFrameHash,
    ReasonCode,
    ReviewAction,
    Sex,
    Status,
    Verification,
    VerificationDraft,
    VerificationImage,
    VerificationLock,
)
from biometrics.nik import NikError, id_number_validate
from biometrics.private_files import (
    FOLDER,
    StoredFile,
    encrypted_file_read,
    encrypted_file_write,
    files_delete,
    files_delete_on_commit,
    private_storage,
)
from biometrics.signals import send_identity_assertion_changed
from config.encryption import lookup_hash
from config.errors import ApplicationError, PermissionRefused
from consent.purposes import PurposeCode
from consent.selectors import has_consent, require_consent
from consent.services import access_record

logger = logging.getLogger(__name__)

REVIEW_PERMISSION = "biometrics.review_verification"
ACCESS_CATEGORY = "biometric images"
ACCESS_PURPOSE = "identity verification review"
DOCUMENT_TEXT_CATEGORY = "identity document text"
# The access log shows categories through consent_tags.readable(): "Identity document text".
gettext_noop("Identity document text")

# Our ID types -> the engine's (biometrics.nik) names.
_ENGINE_ID_TYPES = {
    IdType.KTP: "nik",
    IdType.PASSPORT: "passport",
    IdType.DRIVING_LICENCE: "driving_licence",
}


# --- limits ---------------------------------------------------------------------------------


def _lock_row(user: Any, *, for_update: bool) -> VerificationLock:
    lock, _created = VerificationLock.objects.get_or_create(user=user)
    if for_update:
        lock = VerificationLock.objects.select_for_update().get(pk=lock.pk)
    return lock


def _check_can_submit(user: Any, lock: VerificationLock) -> None:
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


def verification_precheck(*, user: Any) -> None:
    """Raise the refusal a member gets before filling in the form (premium, consent, limits)."""
    if not user_is_premium(user=user):
        raise PermissionRefused(
            _("Identity verification is available to premium members."), code="premium_required"
        )
    require_consent(user, PurposeCode.BIOMETRIC_VERIFICATION)
    _check_can_submit(user, _lock_row(user, for_update=False))


# --- liveness challenges --------------------------------------------------------------------


def liveness_challenge_issue(*, user: Any) -> LivenessChallenge:
    """Issue a one-time pose sequence to a member who may submit; refusals as for submission.

    At most ``BIOMETRICS_CHALLENGES_PER_HOUR`` per member (429 ``too_many_challenges``).
    """
    verification_precheck(user=user)
    now = timezone.now()
    recent = LivenessChallenge.objects.filter(user=user, issued_at__gte=now - timedelta(hours=1))
    if recent.count() >= settings.BIOMETRICS_CHALLENGES_PER_HOUR:
        raise ApplicationError(
            _("Too many liveness challenges requested. Try again in an hour."),
            code="too_many_challenges",
            status_code=429,
        )
    challenge = liveness.challenge_issue(
        now=now, ttl=timedelta(seconds=settings.BIOMETRICS_CHALLENGE_TTL_SECONDS)
    )
    return LivenessChallenge.objects.create(
        user=user,
        poses=list(challenge.poses),
        nonce_hash=lookup_hash(challenge.nonce, namespace="liveness-challenge"),
        issued_at=challenge.issued_at,
        expires_at=challenge.expires_at,
    )


def liveness_challenge_instructions(*, challenge: LivenessChallenge) -> list[str]:
    """What to tell the member at each step, in the active language."""
    return [str(liveness.POSE_INSTRUCTIONS[pose]) for pose in challenge.poses]


_CHALLENGE_ERRORS = {
    "challenge_invalid": _lazy("This liveness challenge is not valid. Start again."),
    "challenge_expired": _lazy(
        "This liveness challenge has expired. Take the photos again with the new instructions."
    ),
    "challenge_used": _lazy(
        "This liveness challenge was already used. Take the photos again with the new instructions."
    ),
}


def _challenge_problem(user: Any, challenge_id: Any) -> tuple[LivenessChallenge | None, str]:
    """Return the member's challenge and "" if it can be redeemed now, else the error code.

    Someone else's challenge and a missing one get the same ``challenge_invalid``.
    """
    try:
        challenge = LivenessChallenge.objects.filter(pk=challenge_id, user_id=user.pk).first()
    except (DjangoValidationError, ValueError, TypeError):
        challenge = None
    if challenge is None:
        return None, "challenge_invalid"
    if challenge.used_at is not None:
        return challenge, "challenge_used"
    if challenge.expires_at <= timezone.now():
        return challenge, "challenge_expired"
    return challenge, ""


def _challenge_redeem(*, user: Any, challenge_id: Any, verification: Verification) -> None:
    """Mark the challenge used by ``verification``, once; else raise its field error."""
    now = timezone.now()
    redeemed = LivenessChallenge.objects.filter(
        pk=challenge_id, user_id=user.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, verification=verification)
    if redeemed != 1:
        _challenge, code = _challenge_problem(user, challenge_id)
        code = code or "challenge_used"
        raise ApplicationError(
            _("Please correct the errors below."),
            code="invalid",
            fields={"challenge_id": [str(_CHALLENGE_ERRORS[code])]},
            extra={"field_codes": {"challenge_id": code}},
        )


def human_review_available(*, user: Any) -> bool:
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


# --- submission -----------------------------------------------------------------------------


def _validate_fields(
    *, id_type: str, id_number: str, full_name: str, date_of_birth: Any, sex: str
) -> tuple[str, str, dict[str, list[str]], dict[str, str]]:
    errors: dict[str, list[str]] = {}
    codes: dict[str, str] = {}
    if id_type not in IdType.values:
        errors["id_type"] = [_("Choose the type of your ID.")]
    if sex not in Sex.values:
        errors["sex"] = [_("Choose your sex as written on your ID.")]
    name = " ".join(str(full_name or "").split())
    if not 2 <= len(name) <= 200:
        errors["full_name"] = [_("Enter your full name as written on your ID.")]
    if not isinstance(date_of_birth, date) or date_of_birth > timezone.localdate():
        errors["date_of_birth"] = [_("Enter your date of birth.")]
    number = ""
    if not isinstance(id_number, str) or not id_number.strip():
        errors["id_number"] = [_("Enter your ID number.")]
    elif not errors.keys() & {"id_type", "sex", "date_of_birth"}:
        try:
            number = id_number_validate(
                _ENGINE_ID_TYPES[IdType(id_type)], id_number, birth_date=date_of_birth, sex=sex
            )
        except NikError as exc:
            errors["id_number"] = [str(exc.message)]
            codes["id_number"] = exc.code
    return number, name, errors, codes


def _intake(raw: Any, field_name: str, errors: dict, codes: dict) -> CleanImage | None:
    if not isinstance(raw, bytes | bytearray):
        errors[field_name] = [_("Upload a photo.")]
        return None
    try:
        return image_intake(
            bytes(raw), max_bytes=settings.MAX_UPLOAD_BYTES, max_pixels=settings.MAX_IMAGE_PIXELS
        )
    except ImageRejected as exc:
        errors[field_name] = [str(exc.message)]
        codes[field_name] = exc.code
        return None


def _burst_intake(
    frames: list[bytes],
    frame_times: list[int] | None,
    challenge: LivenessChallenge,
    refuse: Any,
) -> tuple[bytes | None, CleanImage | None]:
    """Check and clean a liveness recording; return it packed for storage, and the selfie.

    Limits (liveness_burst): 12-60 frames, each at most 400 KB and 1280 px a side, 12 MB in
    all, one capture time per frame. Each frame goes through ``image_intake`` (type sniffing,
    caps, re-encode). The selfie is the frame nearest the middle of the straight step.
    """
    times = list(frame_times or [])
    if not liveness_burst.MIN_FRAMES <= len(frames) <= liveness_burst.MAX_FRAMES:
        refuse(
            "frames",
            "frames_count",
            _("Send the recording as %(min)d to %(max)d frames; this one had %(n)d.")
            % {
                "min": liveness_burst.MIN_FRAMES,
                "max": liveness_burst.MAX_FRAMES,
                "n": len(frames),
            },
        )
        return None, None
    if len(times) != len(frames):
        refuse(
            "frame_times",
            "frame_times_invalid",
            _("Send one capture time per frame, in milliseconds, in the order of the frames."),
        )
        return None, None
    if sum(len(raw) for raw in frames) > liveness_burst.MAX_BURST_BYTES:
        refuse(
            "frames",
            "burst_too_large",
            _("The recording is too large. The limit is %(mb)s MB in all.")
            % {"mb": round(liveness_burst.MAX_BURST_BYTES / (1024 * 1024), 1)},
        )
        return None, None
    cleans: list[CleanImage] = []
    for number, raw in enumerate(frames, start=1):
        try:
            cleans.append(
                image_intake(
                    bytes(raw),
                    max_bytes=liveness_burst.MAX_FRAME_BYTES,
                    max_pixels=liveness_burst.MAX_FRAME_SIDE**2,
                )
            )
        except ImageRejected as exc:
            refuse(
                "frames",
                exc.code,
                _("Frame %(number)d: %(error)s") % {"number": number, "error": exc.message},
            )
            return None, None
    poses = list(challenge.poses)
    middle = (poses.index("straight") + 0.5) / len(poses)
    selfie = cleans[min(len(cleans) - 1, int(middle * len(cleans)))]
    return liveness_burst.burst_pack([c.data for c in cleans], times), selfie


def verification_submit(
    *,
    user: Any,
    id_type: str,
    id_number: str,
    full_name: str,
    date_of_birth: date,
    sex: str,
    document: bytes,
    selfie: bytes | None = None,
    challenge_id: Any = None,
    frames: list[bytes] | None = None,
    frame_times: list[int] | None = None,
    request_human_review: bool = False,
    no_camera: bool = False,
) -> Verification:
    """Check, store encrypted, and queue a verification; return it (status ``submitted``).

    Refusals, in order: premium (403 ``premium_required``), consent (403 ``consent_required``),
    lock / pending / daily limit (429 / 409), then every field error at once (400 ``invalid``
    with ``fields`` and ``field_codes``). Nothing is stored for a refused submission.

    Liveness: ``challenge_id``, ``frames`` (the recording: 12-60 JPEG frames in capture order)
    and ``frame_times`` (their capture times, epoch milliseconds) go together; a frame near
    the straight step then serves as the selfie and ``selfie`` is ignored. With
    ``BIOMETRICS_LIVENESS_REQUIRED`` a submission without them is refused
    (``liveness_required``) unless ``no_camera``: then the selfie is required and a person
    decides (the case goes to human review whatever the machine finds). The challenge is
    redeemed in the same transaction as the case.
    """
    verification_precheck(user=user)
    number, name, errors, codes = _validate_fields(
        id_type=id_type,
        id_number=id_number,
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
    )

    def refuse(field_name: str, code: str, message: str) -> None:
        errors[field_name] = [message]
        codes[field_name] = code

    if request_human_review and not human_review_available(user=user):
        refuse(
            "request_human_review",
            "human_review_not_available",
            _(
                "You can ask for a person to decide only after an automatic rejection for a "
                "face mismatch or a failed liveness check."
            ),
        )
    document_clean = _intake(document, "document", errors, codes)
    frames = list(frames or [])
    challenge: LivenessChallenge | None = None
    burst: bytes | None = None
    selfie_clean: CleanImage | None = None
    if no_camera:
        # No camera: a person compares the selfie with the ID instead of the recording.
        request_human_review = True
    # A challenge without frames is a liveness submission only when liveness is required;
    # otherwise (the HTML form always carries one) the selfie path applies.
    if frames or (challenge_id and settings.BIOMETRICS_LIVENESS_REQUIRED and not no_camera):
        challenge, problem = _challenge_problem(user, challenge_id)
        if problem:
            refuse("challenge_id", problem, str(_CHALLENGE_ERRORS[problem]))
        else:
            burst, selfie_clean = _burst_intake(frames, frame_times, challenge, refuse)
    elif settings.BIOMETRICS_LIVENESS_REQUIRED and not no_camera:
        refuse(
            "frames",
            "liveness_required",
            _(
                "Record the liveness check with your camera. If you have no camera, choose "
                "to have a person check your selfie instead."
            ),
        )
    else:
        selfie_clean = _intake(selfie, "selfie", errors, codes)
    if errors or document_clean is None or selfie_clean is None:
        raise ApplicationError(
            _("Please correct the errors below."),
            code="invalid",
            fields=errors,
            extra={"field_codes": codes},
        )

    verification_id = uuid.uuid4()
    stored: list[tuple[str, StoredFile]] = []
    images = [
        (VerificationImage.Kind.DOCUMENT, document_clean.data),
        (VerificationImage.Kind.SELFIE, selfie_clean.data),
    ]
    if burst is not None:
        images.append((VerificationImage.Kind.BURST, burst))
    try:
        for kind, data in images:
            stored.append((kind, encrypted_file_write(data=data)))
        with transaction.atomic():
            # Serialises two submissions of one member (double click, two devices).
            _check_can_submit(user, _lock_row(user, for_update=True))
            _review_offers_close(user_id=user.pk)  # the photos of an earlier rejection go
            verification = Verification.objects.create(
                id=verification_id,
                user=user,
                id_type=id_type,
                id_number=number,
                id_number_hash=lookup_hash(number, namespace=f"id-number:{id_type}"),
                full_name=name,
                date_of_birth=date_of_birth,
                sex=sex,
                human_review_requested=bool(request_human_review),
            )
            if challenge is not None:
                _challenge_redeem(user=user, challenge_id=challenge.pk, verification=verification)
            VerificationImage.objects.bulk_create(
                VerificationImage(
                    verification=verification,
                    kind=kind,
                    file_name=f.name,
                    sha256=f.sha256,
                    size=f.size,
                    content_type=(
                        liveness_burst.BURST_CONTENT_TYPE
                        if kind == VerificationImage.Kind.BURST
                        else "image/jpeg"
                    ),
                )
                for kind, f in stored
            )
            transaction.on_commit(lambda: _enqueue(verification.pk))
    except BaseException:
        files_delete(f.name for _kind, f in stored)
        raise
    logger.info("Verification %s submitted", verification.pk)
    return verification


def _enqueue(verification_id: uuid.UUID) -> None:
    """Queue the task; if the broker is down the case stays submitted and the sweep queues it."""
    from biometrics.tasks import verification_process_task

    try:
        verification_process_task.delay(str(verification_id))
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise  # in-process: this is the task itself failing, not the broker
        logger.warning("Could not queue verification %s; the sweep will", verification_id)


# --- processing -----------------------------------------------------------------------------


@dataclass
class _Outcome:
    status: str
    reason: str = ""
    distance: float | None = None
    vector: np.ndarray | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    crops: dict[str, bytes] = field(default_factory=dict)
    liveness: dict[str, Any] | None = None
    # The 1:1 match passed; the 1:N duplicate search is still to run (``_duplicates``).
    dedup: bool = False
    document: documents.DocumentCheck | None = None


def _destroy_case_data(verification: Verification, *, keep_identity: bool = False) -> None:
    """Delete a case's images (files on commit) and, unless kept, blank its personal fields."""
    images = list(verification.images.all())
    files_delete_on_commit(image.file_name for image in images)
    VerificationImage.objects.filter(pk__in=[i.pk for i in images]).delete()
    verification.selfie_vector = None
    verification.duplicate_candidates = []
    verification.document_read = None  # after a decision only the outcome per field remains
    if not keep_identity:
        verification.id_number = None
        verification.id_number_hash = ""
        verification.full_name = None
        verification.date_of_birth = None
        verification.sex = None
        verification.data_destroyed_at = timezone.now()


_DESTROY_FIELDS = [
    "selfie_vector",
    "duplicate_candidates",
    "document_read",
    "id_number",
    "id_number_hash",
    "full_name",
    "date_of_birth",
    "sex",
    "data_destroyed_at",
]


def _finish(
    verification: Verification,
    *,
    status: str,
    reason: str,
    decided_by: Any = None,
    keep_for_review_request: bool = False,
) -> None:
    """Record a final decision on a locked row and drop what it no longer needs.

    ``keep_for_review_request``: an automatic face or liveness rejection keeps its photos and
    details (encrypted) for ``BIOMETRICS_REVIEW_REQUEST_DAYS``, so the member can ask a person
    to decide without uploading again (``verification_review_request``).
    """
    now = timezone.now()
    verification.status = status
    verification.reason_code = reason
    verification.finished_at = verification.finished_at or now
    verification.decided_at = now
    verification.decided_by = decided_by
    if keep_for_review_request:
        verification.selfie_vector = None
        verification.duplicate_candidates = []
        verification.document_read = None
    else:
        _destroy_case_data(verification, keep_identity=status == Status.VERIFIED)
    verification.save(
        update_fields=[
            "status",
            "reason_code",
            "finished_at",
            "decided_at",
            "decided_by",
            "updated_at",
            *_DESTROY_FIELDS,
        ]
    )


def _assert_identity(verification: Verification) -> IdentityAssertion:
    """Create or refresh the member's "ID verified on DATE" and tell listeners after commit."""
    assertion, _created = IdentityAssertion.objects.update_or_create(
        user_id=verification.user_id,
        defaults={
            "verified_at": timezone.now(),
            "id_type": verification.id_type,
            "verification_id": verification.pk,
        },
    )
    send_identity_assertion_changed(user_id=verification.user_id)
    return assertion


def _enrol(verification: Verification, vector: np.ndarray) -> FaceTemplate:
    template = FaceTemplate.objects.create(
        user_id=verification.user_id,
        verification=verification,
        vector=vector,
        model_name=verification.model_name or face_engine.MODEL_NAME,
    )
    _assert_identity(verification)
    VerificationLock.objects.filter(user_id=verification.user_id).update(consecutive_mismatches=0)
    transaction.on_commit(lambda: gallery_add(template=template))
    return template


def _count_mismatch(verification: Verification) -> None:
    lock = _lock_row(verification.user, for_update=True)
    lock.consecutive_mismatches += 1
    fields = ["consecutive_mismatches"]
    if (
        lock.consecutive_mismatches >= settings.BIOMETRICS_LOCK_AFTER_MISMATCHES
        and not lock.locked_at
    ):
        lock.locked_at = timezone.now()
        fields.append("locked_at")
    lock.save(update_fields=fields)


def _claim(verification_id: Any) -> Verification | None:
    """Move a case to ``processing`` if it is this run's to process; else None (a no-op)."""
    with transaction.atomic():
        verification = Verification.objects.select_for_update().filter(pk=verification_id).first()
        if verification is None:
            return None
        now = timezone.now()
        stuck_after = timedelta(minutes=settings.BIOMETRICS_STUCK_AFTER_MINUTES)
        if verification.status == Status.PROCESSING:
            started = verification.processing_started_at
            if started is not None and started > now - stuck_after:
                return None  # another worker is on it (a re-delivered message)
        elif verification.status != Status.SUBMITTED:
            return None  # decided already: running twice changes nothing
        user = verification.user
        # Consent and premium can end while the task waits in the queue.
        if not has_consent(user, PurposeCode.BIOMETRIC_VERIFICATION):
            _finish(verification, status=Status.CANCELLED, reason=ReasonCode.CONSENT_WITHDRAWN)
            return None
        if not user_is_premium(user=user):
            _finish(verification, status=Status.CANCELLED, reason=ReasonCode.PREMIUM_REQUIRED)
            return None
        if verification.attempts >= settings.BIOMETRICS_MAX_ATTEMPTS:
            logger.warning(
                "Verification %s failed %d times; rejected", verification.pk, verification.attempts
            )
            _finish(verification, status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
            return None
        verification.status = Status.PROCESSING
        verification.attempts += 1
        verification.processing_started_at = now
        verification.save(
            update_fields=["status", "attempts", "processing_started_at", "updated_at"]
        )
        return verification


def _release(claimed: Verification) -> None:
    """Hand a failed run's case back to ``submitted`` so a retry may claim it."""
    try:
        Verification.objects.filter(
            pk=claimed.pk,
            status=Status.PROCESSING,
            processing_started_at=claimed.processing_started_at,
        ).update(status=Status.SUBMITTED, updated_at=timezone.now())
    except Exception:  # the database may be what failed; the sweep catches it later
        logger.warning("Could not release verification %s; the sweep will", claimed.pk)


def _jpeg(img: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(img).save(out, format="JPEG", quality=90)
    return out.getvalue()


_DOCUMENT_FACE_ERRORS = {
    "no_face": ReasonCode.NO_FACE_ON_DOCUMENT,
    "multiple_faces": ReasonCode.NO_FACE_ON_DOCUMENT,
    "face_too_small": ReasonCode.FACE_TOO_SMALL,
}
_SELFIE_FACE_ERRORS = {
    "no_face": ReasonCode.NO_FACE_IN_SELFIE,
    "multiple_faces": ReasonCode.MULTIPLE_FACES_IN_SELFIE,
    "face_too_small": ReasonCode.FACE_TOO_SMALL,
}


def _id_number_in_use(verification: Verification) -> bool:
    """Is this ID number verified on another account, or pending there since before this case?"""
    if not verification.id_number_hash:
        return False
    return (
        Verification.objects.filter(id_number_hash=verification.id_number_hash)
        .exclude(user_id=verification.user_id)
        .filter(
            Q(status=Status.VERIFIED)
            | Q(status__in=PENDING_STATUSES, created_at__lt=verification.created_at)
        )
        .exists()
    )


def _decoded(image: VerificationImage) -> np.ndarray:
    data = encrypted_file_read(name=image.file_name, sha256=image.sha256)
    return CleanImage(data=data, content_type=image.content_type, width=0, height=0).to_array()


LIVENESS_HASH_RETENTION_DAYS = 90


def _liveness(
    verification: Verification, images: dict[str, VerificationImage], reference: np.ndarray
) -> liveness.LivenessResult | liveness_burst.BurstResult | None:
    """Run the liveness check on the case's recording, or None for a case without a challenge.

    A recording is checked as one continuous movement (liveness_burst) inside the challenge's
    window (issued .. submitted); its frame hashes are compared with those kept from earlier
    recordings, then kept themselves. Cases from before recordings (one photo per pose) are
    checked as they were.
    """
    challenge = LivenessChallenge.objects.filter(verification=verification).first()
    if challenge is None:
        return None
    burst = images.get(VerificationImage.Kind.BURST)
    if burst is not None:
        data = encrypted_file_read(name=burst.file_name, sha256=burst.sha256)
        try:
            packed, times = liveness_burst.burst_unpack(data)
        except ValueError as exc:
            raise ImageRejected("image_unreadable", _lazy("The image could not be read.")) from exc
        frames = [
            CleanImage(data=raw, content_type="image/jpeg", width=0, height=0).to_array()
            for raw in packed
        ]
        window = (
            round(challenge.issued_at.timestamp() * 1000),
            round(verification.created_at.timestamp() * 1000),
        )
        result = liveness_burst.burst_check(
            frames,
            times,
            list(challenge.poses),
            reference=reference,
            window_ms=window,
            seen=_hashes_seen,
            thresholds=liveness_burst.configured_thresholds(),
        )
        _hashes_keep(result.hashes)
        return result
    frames = []
    for step in range(1, len(challenge.poses) + 1):
        image = images.get(VerificationImage.Kind.frame(step))
        if image is None:
            break  # liveness_check reports the missing step as liveness_incomplete
        frames.append(_decoded(image))
    return liveness.liveness_check(frames, list(challenge.poses), reference=reference)


def _hashes_seen(hashes: list[str]) -> list[bool]:
    """For each frame hash, whether a hash within the replay distance was kept before."""
    if not hashes:
        return []
    since = timezone.now() - timedelta(days=LIVENESS_HASH_RETENTION_DAYS)
    bands = [liveness_burst.hash_bands(value) for value in hashes]
    query = Q()
    for k in range(liveness_burst.HASH_BANDS):
        query |= Q(**{f"band_{k}__in": sorted({b[k] for b in bands})})
    kept = list(
        LivenessFrameHash.objects.filter(query, created_at__gte=since).values_list(
            "value", flat=True
        )
    )
    limit = liveness_burst.configured_thresholds().hash_max_bits
    return [any(liveness_burst.hamming(value, old) <= limit for old in kept) for value in hashes]


def _hashes_keep(hashes: Sequence[str]) -> None:
    """Keep a recording's frame hashes (hashes only) for the replay check."""
    now = timezone.now()
    LivenessFrameHash.objects.bulk_create(
        LivenessFrameHash(
            value=value,
            created_at=now,
            **{f"band_{k}": band for k, band in enumerate(liveness_burst.hash_bands(value))},
        )
        for value in hashes
    )


def _liveness_messages(check: liveness.LivenessResult) -> dict[str, Any]:
    """The engine's advice, rendered now in every site language (the worker has no request)."""
    messages = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            messages[code] = str(check.message)
    return {"message": messages.get(settings.LANGUAGE_CODE, ""), "messages": messages}


# Liveness codes that mean "the face in the frames is not the face on the ID".
_FACE_NOT_THE_DOCUMENTS = ("liveness_document_mismatch",)


def _without_recording(verification: Verification) -> bool:
    """A case sent without a liveness recording while liveness is required (no camera)."""
    return (
        settings.BIOMETRICS_LIVENESS_REQUIRED
        and verification.human_review_requested
        and not LivenessChallenge.objects.filter(verification=verification).exists()
    )


def _match(verification: Verification) -> _Outcome:
    """Decide automatically; a member's request for a person turns a face or liveness
    rejection into a review case (GDPR Art. 22) that does not count towards the lock."""
    outcome = _automatic(verification, keep_crops=verification.human_review_requested)
    if _without_recording(verification) and outcome.status in (
        Status.VERIFIED,
        Status.NEEDS_REVIEW,
    ):
        # No camera: no machine may verify without the recording; a person decides.
        outcome.status = Status.NEEDS_REVIEW
        outcome.reason = ReasonCode.HUMAN_REVIEW_REQUESTED
        return outcome
    if (
        verification.human_review_requested
        and outcome.status == Status.REJECTED
        and outcome.reason in HUMAN_REVIEW_REASONS
    ):
        outcome.status = Status.NEEDS_REVIEW
        outcome.reason = ReasonCode.HUMAN_REVIEW_REQUESTED
    elif outcome.status != Status.NEEDS_REVIEW and not outcome.dedup:
        outcome.crops = {}
    return outcome


def _automatic(verification: Verification, *, keep_crops: bool) -> _Outcome:
    """Decrypt the photos in memory, find the faces, check liveness, compare, search duplicates.

    With ``keep_crops``, a face or liveness rejection carries the face crops a reviewer needs.
    """
    if _id_number_in_use(verification):
        return _Outcome(status=Status.REJECTED, reason=ReasonCode.ID_NUMBER_IN_USE)
    images = {image.kind: image for image in verification.images.all()}
    arrays = {}
    for kind in (VerificationImage.Kind.DOCUMENT, VerificationImage.Kind.SELFIE):
        image = images.get(kind)
        if image is None:
            return _Outcome(status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
        try:
            arrays[kind] = _decoded(image)
        except ImageRejected:
            return _Outcome(status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
    document_image = arrays[VerificationImage.Kind.DOCUMENT]
    paper = None
    if settings.BIOMETRICS_DOCUMENT_CHECK:
        paper = _document_check(verification, document_image)
        if paper.decision == "reject" or paper.read is None or paper.read.image is None:
            return _Outcome(status=Status.REJECTED, reason=paper.code, document=paper)
        # The face to match is the document's own portrait: only the flattened document is
        # searched, so a face elsewhere in the photo never counts.
        document_image = paper.read.image
    outcome = _faces(verification, images, arrays, document_image, keep_crops=keep_crops)
    outcome.document = paper
    if paper is not None and paper.decision == "review":
        if paper.read is not None and paper.read.image is not None:
            outcome.crops[VerificationImage.Kind.DOCUMENT_FLAT] = _jpeg(paper.read.image)
        if outcome.status == Status.VERIFIED:
            outcome.status, outcome.reason = Status.NEEDS_REVIEW, ReasonCode.DOCUMENT_REVIEW
    return outcome


def _document_check(verification: Verification, image: np.ndarray) -> documents.DocumentCheck:
    """Run the document check on the decoded ID photo against what the member typed."""
    typed = documents.Typed(
        id_type=verification.id_type,
        id_number=verification.id_number or "",
        full_name=verification.full_name or "",
        date_of_birth=verification.date_of_birth or date.min,
        sex=verification.sex or "",
    )
    return documents.document_check(image, typed, today=timezone.localdate())


def _faces(
    verification: Verification,
    images: dict[str, VerificationImage],
    arrays: dict[str, np.ndarray],
    document_image: np.ndarray,
    *,
    keep_crops: bool,
) -> _Outcome:
    """Find the document's portrait and the selfie's face, check liveness, compare."""
    try:
        document = face_engine.document_face(document_image)
    except face_engine.FaceError as exc:
        return _Outcome(status=Status.REJECTED, reason=_DOCUMENT_FACE_ERRORS[exc.code])
    try:
        check = _liveness(verification, images, document.vector)
    except ImageRejected:
        return _Outcome(status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
    record = None
    if check is not None:
        record = {**check.as_record(), **_liveness_messages(check)}
    try:
        selfie = face_engine.selfie_face(arrays[VerificationImage.Kind.SELFIE])
    except face_engine.FaceError as exc:
        if check is not None and not check.passed:
            return _Outcome(
                status=Status.REJECTED,
                reason=ReasonCode.LIVENESS_FAILED,
                liveness=record,
                crops=(
                    {VerificationImage.Kind.DOCUMENT_FACE: _jpeg(document.crop)}
                    if keep_crops
                    else {}
                ),
            )
        return _Outcome(
            status=Status.REJECTED, reason=_SELFIE_FACE_ERRORS[exc.code], liveness=record
        )
    crops = {
        VerificationImage.Kind.DOCUMENT_FACE: _jpeg(document.crop),
        VerificationImage.Kind.SELFIE_FACE: _jpeg(selfie.crop),
    }
    distance = face_engine.face_distance(document.vector, selfie.vector)
    threshold, margin = face_engine.match_threshold(), face_engine.review_margin()
    if (
        check is not None
        and not check.passed
        and check.code in _FACE_NOT_THE_DOCUMENTS
        and distance > threshold + margin
    ):
        # The person followed the steps but is not the person on the ID: a face mismatch
        # (step 3 against step 2), not a failed liveness check.
        return _Outcome(
            status=Status.REJECTED,
            reason=ReasonCode.FACE_MISMATCH,
            distance=distance,
            vector=selfie.vector,
            liveness=record,
            crops=crops if keep_crops else {},
        )
    if check is not None and not check.passed:
        return _Outcome(
            status=Status.REJECTED,
            reason=ReasonCode.LIVENESS_FAILED,
            distance=distance,
            vector=selfie.vector,
            liveness=record,
            crops=crops if keep_crops else {},
        )
    if distance > threshold + margin:
        return _Outcome(
            status=Status.REJECTED,
            reason=ReasonCode.FACE_MISMATCH,
            distance=distance,
            vector=selfie.vector,
            liveness=record,
            crops=crops if keep_crops else {},
        )

    near = distance > threshold - margin
    return _Outcome(
        status=Status.NEEDS_REVIEW if near else Status.VERIFIED,
        reason=ReasonCode.NEAR_THRESHOLD if near else "",
        distance=distance,
        vector=selfie.vector,
        crops=crops,
        liveness=record,
        dedup=True,
    )


def _duplicates(verification: Verification, outcome: _Outcome) -> _Outcome:
    """Run the 1:N search for a face that passed 1:1; a hit sends the case to review.

    Call it inside ``dedup_serialised()``, together with the decision that enrols the face, so
    two workers never both miss the same new face. A hit never rejects on its own.
    """
    hits = gallery_search(
        vector=outcome.vector,
        threshold=face_engine.dedup_threshold(),
        exclude_user_id=verification.user_id,
    )
    outcome.candidates = [
        {
            "kind": "face",
            "user_id": str(template.user_id),
            "verification_id": str(template.verification_id or ""),
            "distance": round(hit_distance, 4),
        }
        for template, hit_distance in hits
    ]
    if outcome.candidates:
        outcome.status, outcome.reason = Status.NEEDS_REVIEW, ReasonCode.POSSIBLE_DUPLICATE
    if outcome.status == Status.VERIFIED:
        outcome.crops = {}  # crops are kept only for a person to review
    return outcome


def verification_process(*, verification_id: Any) -> Verification | None:
    """Process one submitted case (the Celery task body); safe to run any number of times.

    The slow part (decrypt, detect, embed, search) runs outside any transaction; the decision
    is written only if the case is still this run's (same ``processing_started_at``).
    Unexpected errors hand the case back to ``submitted`` and propagate, so the task's bounded
    retry (or the stuck sweep) tries again; after ``BIOMETRICS_MAX_ATTEMPTS`` it is rejected
    as ``image_unreadable``.
    """
    claimed = _claim(verification_id)
    if claimed is None:
        return Verification.objects.filter(pk=verification_id).first()
    written: list[StoredFile] = []
    try:
        outcome = _match(claimed)
        # Only the duplicate search and the decision that enrols the face are serialised
        # across workers; detection and embedding above run in parallel.
        with dedup_serialised(active=outcome.dedup):
            if outcome.dedup:
                outcome = _duplicates(claimed, outcome)
            for data in outcome.crops.values():
                written.append(encrypted_file_write(data=data))
            return _decide(claimed, outcome, written)
    except BaseException:
        files_delete(f.name for f in written)
        _release(claimed)
        raise


def _decide(claimed: Verification, outcome: _Outcome, written: list[StoredFile]) -> Verification:
    with transaction.atomic():
        verification = Verification.objects.select_for_update().get(pk=claimed.pk)
        if (
            verification.status != Status.PROCESSING
            or verification.processing_started_at != claimed.processing_started_at
        ):
            # Withdrawn or taken over while we worked: this run's result is void.
            files_delete_on_commit(f.name for f in written)
            return verification
        verification.distance = outcome.distance
        verification.threshold = face_engine.match_threshold()
        verification.review_margin = face_engine.review_margin()
        verification.dedup_threshold = face_engine.dedup_threshold()
        verification.model_name = face_engine.MODEL_NAME
        verification.detector = face_engine.DETECTOR_BACKEND
        verification.finished_at = timezone.now()
        verification.liveness = outcome.liveness
        if outcome.document is not None:
            verification.document_check = outcome.document.as_record()
            if outcome.status == Status.NEEDS_REVIEW and outcome.document.read is not None:
                verification.document_read = json.dumps(outcome.document.read.as_record())
        verification.save(
            update_fields=[
                "liveness",
                "document_check",
                "document_read",
                "distance",
                "threshold",
                "review_margin",
                "dedup_threshold",
                "model_name",
                "detector",
                "finished_at",
                "updated_at",
            ]
        )
        if outcome.status == Status.NEEDS_REVIEW:
            verification.status = Status.NEEDS_REVIEW
            verification.reason_code = outcome.reason
            verification.duplicate_candidates = outcome.candidates
            verification.selfie_vector = outcome.vector
            verification.save(
                update_fields=[
                    "status",
                    "reason_code",
                    "duplicate_candidates",
                    "selfie_vector",
                    "updated_at",
                ]
            )
            VerificationImage.objects.bulk_create(
                VerificationImage(
                    verification=verification,
                    kind=kind,
                    file_name=f.name,
                    sha256=f.sha256,
                    size=f.size,
                )
                for kind, f in zip(outcome.crops, written, strict=True)
            )
        elif outcome.status == Status.VERIFIED:
            _finish(verification, status=Status.VERIFIED, reason="")
            _enrol(verification, outcome.vector)
        else:
            _finish(
                verification,
                status=outcome.status,
                reason=outcome.reason,
                keep_for_review_request=outcome.reason in HUMAN_REVIEW_REASONS
                and not verification.human_review_requested,
            )
            if outcome.reason == ReasonCode.FACE_MISMATCH:
                _count_mismatch(verification)
    logger.info(
        "Verification %s: %s %s", verification.pk, verification.status, verification.reason_code
    )
    return verification


def verification_sweep_stuck(*, now: datetime | None = None) -> dict[str, int]:
    """Re-queue cases stuck in ``processing`` (or never picked up); fail them after max attempts.

    A worker that died mid-task (out of memory, a crashing image) leaves its case in
    ``processing``; a lost broker message leaves one in ``submitted``.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.BIOMETRICS_STUCK_AFTER_MINUTES)
    stuck = Verification.objects.filter(
        Q(status=Status.PROCESSING, processing_started_at__lt=cutoff)
        | Q(status=Status.SUBMITTED, updated_at__lt=cutoff)
    ).values_list("pk", flat=True)
    counts = {"requeued": 0, "failed": 0}
    for pk in list(stuck):
        with transaction.atomic():
            verification = Verification.objects.select_for_update().get(pk=pk)
            if verification.status not in (Status.PROCESSING, Status.SUBMITTED):
                continue
            if verification.attempts >= settings.BIOMETRICS_MAX_ATTEMPTS:
                _finish(verification, status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
                counts["failed"] += 1
                continue
            verification.status = Status.SUBMITTED
            verification.processing_started_at = None
            verification.save(update_fields=["status", "processing_started_at", "updated_at"])
            transaction.on_commit(lambda pk=pk: _enqueue(pk))
            counts["requeued"] += 1
    return counts


# --- review ---------------------------------------------------------------------------------


def _require_reviewer(reviewer: Any) -> None:
    if not (reviewer.is_active and reviewer.is_staff and reviewer.has_perm(REVIEW_PERMISSION)):
        raise PermissionRefused(_("You may not review verifications."), code="permission_denied")


def _audit(
    *,
    actor: Any,
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
def verification_review_open(*, verification_id: Any, reviewer: Any) -> dict[str, str]:
    """Return the case's face crops (and liveness frames) as data: URIs, access-logged.

    Nothing is written to disk. Liveness frames are shown only for a case where the member
    asked for a person to decide: the reviewer then judges the liveness steps too.
    """
    _require_reviewer(reviewer)
    verification = Verification.objects.filter(pk=verification_id).first()
    if verification is None:
        raise ApplicationError(_("Not found."), code="not_found", status_code=404)
    kinds = [
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
def verification_review_document(*, verification_id: Any, reviewer: Any) -> list[dict[str, Any]]:
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
                "outcome": outcome.get("outcome", ""),
                "confidence": outcome.get("confidence"),
                "source": outcome.get("source", ""),
            }
        )
    return rows


@transaction.atomic
def verification_review_approve(
    *, verification_id: Any, reviewer: Any, note: str = ""
) -> Verification:
    """A reviewer confirms the person: verified, template enrolled, images deleted."""
    _require_reviewer(reviewer)
    verification = _review_case(verification_id)
    if verification.user_id == reviewer.pk:
        raise PermissionRefused(_("You may not review your own case."), code="own_case")
    if _id_number_in_use(verification):
        raise ApplicationError(
            _("This ID number is already verified on another account; reject the case instead."),
            code="id_number_in_use",
            status_code=409,
        )
    vector = verification.selfie_vector
    _finish(
        verification, status=Status.VERIFIED, reason=ReasonCode.REVIEW_APPROVED, decided_by=reviewer
    )
    if vector is not None:
        _enrol(verification, vector)
    else:
        _assert_identity(verification)
    _audit(
        actor=reviewer, action=ReviewAction.Action.APPROVED, verification=verification, note=note
    )
    return verification


@transaction.atomic
def verification_review_reject(
    *, verification_id: Any, reviewer: Any, reason_code: str, note: str = ""
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
    _finish(verification, status=Status.REJECTED, reason=reason_code, decided_by=reviewer)
    _audit(
        actor=reviewer,
        action=ReviewAction.Action.REJECTED,
        verification=verification,
        reason_code=reason_code,
        note=note,
    )
    return verification


@transaction.atomic
def verification_lock_lift(*, user_id: Any, actor: Any) -> VerificationLock | None:
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


def verification_review_request(*, user: Any, verification_id: Any) -> Verification:
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
            lock = _lock_row(user, for_update=True)
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
        transaction.on_commit(lambda: _enqueue(verification.pk))
    logger.info("Verification %s: a person was asked to decide", verification.pk)
    return verification


def _review_offers_close(*, user_id: Any = None, now: datetime | None = None) -> int:
    """Delete the kept photos and details of rejections no longer open to a review request.

    For one member (a new submission closes their earlier offers) or, with ``now``, every
    offer past ``BIOMETRICS_REVIEW_REQUEST_DAYS``. Runs inside the caller's transaction.
    """
    kept = Verification.objects.select_for_update().filter(
        status=Status.REJECTED, reason_code__in=HUMAN_REVIEW_REASONS, data_destroyed_at__isnull=True
    )
    if user_id is not None:
        kept = kept.filter(user_id=user_id)
    if now is not None:
        kept = kept.filter(
            decided_at__lt=now - timedelta(days=settings.BIOMETRICS_REVIEW_REQUEST_DAYS)
        )
    closed = 0
    for verification in kept:
        _destroy_case_data(verification)
        verification.save(update_fields=[*_DESTROY_FIELDS, "updated_at"])
        closed += 1
    return closed


# --- withdrawal, erasure, retention ---------------------------------------------------------


def biometric_data_destroy(*, user: Any, keep_assertion: bool = True) -> list[str]:
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
            _destroy_case_data(verification)
            verification.save(update_fields=[*_DESTROY_FIELDS, "updated_at"])
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


def biometric_data_erase(*, user: Any) -> None:
    """Delete everything of a member in this app, including the badge and the case records."""
    biometric_data_destroy(user=user, keep_assertion=False)
    Verification.objects.filter(user_id=user.pk).delete()
    VerificationLock.objects.filter(user_id=user.pk).delete()
    ReviewAction.objects.filter(subject_id=user.pk).update(subject=None, note="")


def biometric_retention_sweep(*, now: datetime) -> int:
    """Apply the retention schedule; return how many records were removed or expired.

    - cases under review longer than ``BIOMETRICS_REVIEW_RETENTION_DAYS``: cancelled
      (``review_expired``), images and personal data deleted;
    - templates of members not seen for ``BIOMETRICS_TEMPLATE_RETENTION_DAYS`` (BIPA's 3
      years after the last interaction): deleted, the plain assertion stays;
    - images left on final cases (a failed file delete), and private files no row refers to
      that are older than a day (a submission whose transaction rolled back): deleted;
    - verification drafts untouched for ``BIOMETRICS_DRAFT_RETENTION_HOURS``, with their ID
      photo: deleted.
    - liveness frame hashes older than ``LIVENESS_HASH_RETENTION_DAYS``: deleted.
    """
    removed = 0
    review_cutoff = now - timedelta(days=settings.BIOMETRICS_REVIEW_RETENTION_DAYS)
    expired = Verification.objects.filter(
        status=Status.NEEDS_REVIEW, finished_at__lt=review_cutoff
    ).values_list("pk", flat=True)
    for pk in list(expired):
        with transaction.atomic():
            verification = Verification.objects.select_for_update().get(pk=pk)
            if verification.status == Status.NEEDS_REVIEW:
                _finish(verification, status=Status.CANCELLED, reason=ReasonCode.REVIEW_EXPIRED)
                removed += 1

    template_cutoff = now - timedelta(days=settings.BIOMETRICS_TEMPLATE_RETENTION_DAYS)
    with transaction.atomic():
        old = FaceTemplate.objects.filter(created_at__lt=template_cutoff).filter(
            Q(user__last_seen_at__lt=template_cutoff) | Q(user__last_seen_at__isnull=True)
        )
        keys = [str(pk) for pk in old.values_list("pk", flat=True)]
        if keys:
            FaceTemplate.objects.filter(pk__in=keys).delete()
            transaction.on_commit(lambda: gallery_remove(keys=keys))
            removed += len(keys)

    with transaction.atomic():
        removed += _review_offers_close(now=now)
    with transaction.atomic():
        leftovers = VerificationImage.objects.filter(
            verification__status__in=[Status.VERIFIED, Status.REJECTED, Status.CANCELLED]
        ).exclude(
            # a rejection's photos kept for a review request (closed above when past due)
            verification__status=Status.REJECTED,
            verification__reason_code__in=HUMAN_REVIEW_REASONS,
            verification__decided_by__isnull=True,
            verification__data_destroyed_at__isnull=True,
        )
        names = list(leftovers.values_list("file_name", flat=True))
        if names:
            leftovers.delete()
            files_delete_on_commit(names)
            removed += len(names)
    removed += verification_drafts_expire(now=now)
    hash_cutoff = now - timedelta(days=LIVENESS_HASH_RETENTION_DAYS)
    removed += LivenessFrameHash.objects.filter(created_at__lt=hash_cutoff).delete()[0]
    removed += _orphan_files_delete(older_than=now - timedelta(days=1))
    return removed


def _orphan_files_delete(*, older_than: datetime) -> int:
    storage = private_storage()
    try:
        _dirs, files = storage.listdir(FOLDER)
    except FileNotFoundError:
        return 0
    names = {f"{FOLDER}/{name}" for name in files}
    known = set(
        VerificationImage.objects.filter(file_name__in=names).values_list("file_name", flat=True)
    ) | set(
        VerificationDraft.objects.filter(document_file__in=names).values_list(
            "document_file", flat=True
        )
    )
    orphans = [name for name in names - known if storage.get_modified_time(name) < older_than]
    files_delete(orphans)
    return len(orphans)
