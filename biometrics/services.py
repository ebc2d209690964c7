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
import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from accounts.selectors import user_is_premium
from biometrics import face_engine
from biometrics.gallery import gallery_add, gallery_remove, gallery_search
from biometrics.image_intake import CleanImage, ImageRejected, image_intake
from biometrics.models import (
    PENDING_STATUSES,
    REVIEW_REJECT_REASONS,
    FaceTemplate,
    IdentityAssertion,
    IdType,
    ReasonCode,
    ReviewAction,
    Sex,
    Status,
    Verification,
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
from consent.services import access_record, has_consent, require_consent

logger = logging.getLogger(__name__)

REVIEW_PERMISSION = "biometrics.review_verification"
ACCESS_CATEGORY = "biometric images"
ACCESS_PURPOSE = "identity verification review"

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


def verification_submit(
    *,
    user: Any,
    id_type: str,
    id_number: str,
    full_name: str,
    date_of_birth: date,
    sex: str,
    document: bytes,
    selfie: bytes,
) -> Verification:
    """Check, store encrypted, and queue a verification; return it (status ``submitted``).

    Refusals, in order: premium (403 ``premium_required``), consent (403 ``consent_required``),
    lock / pending / daily limit (429 / 409), then every field error at once (400 ``invalid``
    with ``fields`` and ``field_codes``). Nothing is stored for a refused submission.
    """
    verification_precheck(user=user)
    number, name, errors, codes = _validate_fields(
        id_type=id_type,
        id_number=id_number,
        full_name=full_name,
        date_of_birth=date_of_birth,
        sex=sex,
    )
    document_clean = _intake(document, "document", errors, codes)
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
    try:
        for kind, clean in (
            (VerificationImage.Kind.DOCUMENT, document_clean),
            (VerificationImage.Kind.SELFIE, selfie_clean),
        ):
            stored.append((kind, encrypted_file_write(data=clean.data)))
        with transaction.atomic():
            # Serialises two submissions of one member (double click, two devices).
            _check_can_submit(user, _lock_row(user, for_update=True))
            verification = Verification.objects.create(
                id=verification_id,
                user=user,
                id_type=id_type,
                id_number=number,
                id_number_hash=lookup_hash(number, namespace=f"id-number:{id_type}"),
                full_name=name,
                date_of_birth=date_of_birth,
                sex=sex,
            )
            VerificationImage.objects.bulk_create(
                VerificationImage(
                    verification=verification,
                    kind=kind,
                    file_name=f.name,
                    sha256=f.sha256,
                    size=f.size,
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


def _destroy_case_data(verification: Verification, *, keep_identity: bool = False) -> None:
    """Delete a case's images (files on commit) and, unless kept, blank its personal fields."""
    images = list(verification.images.all())
    files_delete_on_commit(image.file_name for image in images)
    VerificationImage.objects.filter(pk__in=[i.pk for i in images]).delete()
    verification.selfie_vector = None
    verification.duplicate_candidates = []
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
    "id_number",
    "id_number_hash",
    "full_name",
    "date_of_birth",
    "sex",
    "data_destroyed_at",
]


def _finish(
    verification: Verification, *, status: str, reason: str, decided_by: Any = None
) -> None:
    """Record a final decision on a locked row and drop what it no longer needs."""
    now = timezone.now()
    verification.status = status
    verification.reason_code = reason
    verification.finished_at = verification.finished_at or now
    verification.decided_at = now
    verification.decided_by = decided_by
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


def _match(verification: Verification) -> _Outcome:
    """Decrypt the photos in memory, find the faces, compare, and search for duplicates."""
    if _id_number_in_use(verification):
        return _Outcome(status=Status.REJECTED, reason=ReasonCode.ID_NUMBER_IN_USE)
    images = {image.kind: image for image in verification.images.all()}
    arrays = {}
    for kind in (VerificationImage.Kind.DOCUMENT, VerificationImage.Kind.SELFIE):
        image = images.get(kind)
        if image is None:
            return _Outcome(status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
        data = encrypted_file_read(name=image.file_name, sha256=image.sha256)
        try:
            arrays[kind] = CleanImage(
                data=data, content_type=image.content_type, width=0, height=0
            ).to_array()
        except ImageRejected:
            return _Outcome(status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
    try:
        document = face_engine.document_face(arrays[VerificationImage.Kind.DOCUMENT])
    except face_engine.FaceError as exc:
        return _Outcome(status=Status.REJECTED, reason=_DOCUMENT_FACE_ERRORS[exc.code])
    try:
        selfie = face_engine.selfie_face(arrays[VerificationImage.Kind.SELFIE])
    except face_engine.FaceError as exc:
        return _Outcome(status=Status.REJECTED, reason=_SELFIE_FACE_ERRORS[exc.code])

    distance = face_engine.face_distance(document.vector, selfie.vector)
    threshold, margin = face_engine.match_threshold(), face_engine.review_margin()
    if distance > threshold + margin:
        return _Outcome(status=Status.REJECTED, reason=ReasonCode.FACE_MISMATCH, distance=distance)

    hits = gallery_search(
        vector=selfie.vector,
        threshold=face_engine.dedup_threshold(),
        exclude_user_id=verification.user_id,
    )
    candidates = [
        {
            "kind": "face",
            "user_id": str(template.user_id),
            "verification_id": str(template.verification_id or ""),
            "distance": round(hit_distance, 4),
        }
        for template, hit_distance in hits
    ]
    if candidates:
        status, reason = Status.NEEDS_REVIEW, ReasonCode.POSSIBLE_DUPLICATE
    elif distance > threshold - margin:
        status, reason = Status.NEEDS_REVIEW, ReasonCode.NEAR_THRESHOLD
    else:
        return _Outcome(status=Status.VERIFIED, distance=distance, vector=selfie.vector)
    return _Outcome(
        status=status,
        reason=reason,
        distance=distance,
        vector=selfie.vector,
        candidates=candidates,
        crops={
            VerificationImage.Kind.DOCUMENT_FACE: _jpeg(document.crop),
            VerificationImage.Kind.SELFIE_FACE: _jpeg(selfie.crop),
        },
    )


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
        verification.save(
            update_fields=[
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
            _finish(verification, status=outcome.status, reason=outcome.reason)
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
    """Return the case's two face crops as data: URIs, access-logged; nothing is written to disk."""
    _require_reviewer(reviewer)
    verification = Verification.objects.filter(pk=verification_id).first()
    if verification is None:
        raise ApplicationError(_("Not found."), code="not_found", status_code=404)
    crops = {
        image.kind: image
        for image in verification.images.filter(
            kind__in=[VerificationImage.Kind.DOCUMENT_FACE, VerificationImage.Kind.SELFIE_FACE]
        )
    }
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
    return {
        kind: "data:image/jpeg;base64,"
        + base64.b64encode(encrypted_file_read(name=image.file_name, sha256=image.sha256)).decode()
        for kind, image in crops.items()
    }


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
      that are older than a day (a submission whose transaction rolled back): deleted.
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
        leftovers = VerificationImage.objects.filter(
            verification__status__in=[Status.VERIFIED, Status.REJECTED, Status.CANCELLED]
        )
        names = list(leftovers.values_list("file_name", flat=True))
        if names:
            leftovers.delete()
            files_delete_on_commit(names)
            removed += len(names)
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
    )
    orphans = [name for name in names - known if storage.get_modified_time(name) < older_than]
    files_delete(orphans)
    return len(orphans)
