"""Processing (the task body): claim a case, run its checks, decide, write the decision once.

The slow part (decrypt, detect, embed, search) runs outside any transaction; the decision is
written only if the case is still this run's. ``biometrics.decision`` holds the rules.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.selectors import user_is_premium
from biometrics import decision, documents, face_engine, liveness_burst
from biometrics.decision import Decision, Liveness
from biometrics.gallery import dedup_serialised, gallery_search
from biometrics.image_intake import ImageRejected
from biometrics.models import (
    LivenessChallenge,
    ReasonCode,
    Status,
    Verification,
    VerificationImage,
)
from biometrics.private_files import (
    StoredFile,
    encrypted_file_write,
    files_delete,
    files_delete_on_commit,
)
from biometrics.services.cases import enrol, finish, id_number_in_use
from biometrics.services.checks import (
    decoded,
    document_check,
    jpeg,
    liveness_record,
    liveness_run,
)
from biometrics.services.limits import count_mismatch
from consent.purposes import PurposeCode
from consent.selectors import has_consent

logger = logging.getLogger(__name__)


def _enqueue(verification_id: uuid.UUID) -> None:
    """Queue the task; if the broker is down the case stays submitted and the sweep queues it."""
    from biometrics.tasks import verification_process_task

    try:
        verification_process_task.delay(str(verification_id))
    except Exception:
        if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            raise  # in-process: this is the task itself failing, not the broker
        logger.warning("Could not queue verification %s; the sweep will", verification_id)


@dataclass
class _Outcome:
    """A run's decision and what it must write: measurements, records, crops for a person."""

    decision: Decision
    distance: float | None = None
    vector: np.ndarray | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    crops: dict[str, bytes] = field(default_factory=dict)
    liveness: dict[str, Any] | None = None
    document: documents.DocumentCheck | None = None

    @property
    def status(self) -> str:
        return self.decision.status

    @property
    def reason(self) -> str:
        return self.decision.reason


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
            finish(verification, status=Status.CANCELLED, reason=ReasonCode.CONSENT_WITHDRAWN)
            return None
        if not user_is_premium(user=user):
            finish(verification, status=Status.CANCELLED, reason=ReasonCode.PREMIUM_REQUIRED)
            return None
        if verification.attempts >= settings.BIOMETRICS_MAX_ATTEMPTS:
            logger.warning(
                "Verification %s failed %d times; rejected", verification.pk, verification.attempts
            )
            finish(verification, status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
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


def _without_recording(verification: Verification) -> bool:
    """A case sent without a liveness recording while liveness is required (no camera)."""
    return (
        settings.BIOMETRICS_LIVENESS_REQUIRED
        and verification.human_review_requested
        and not LivenessChallenge.objects.filter(verification=verification).exists()
    )


def _match(verification: Verification) -> _Outcome:
    """Run the checks and decide automatically, then apply the member's request for a person.

    A request turns a face or liveness rejection into a review case (GDPR Art. 22) that does
    not count towards the lock. Face crops stay only for a case a person will look at.
    """
    outcome = _automatic(verification)
    outcome.decision = decision.with_human_review(
        outcome.decision,
        requested=verification.human_review_requested,
        without_recording=_without_recording(verification),
    )
    if outcome.status != Status.NEEDS_REVIEW and not outcome.decision.search_duplicates:
        outcome.crops = {}
    return outcome


def _automatic(verification: Verification) -> _Outcome:
    """Decrypt the photos in memory, check the document, find the faces, check liveness, compare.

    The first check whose rule decides ends the run (``biometrics.decision``).
    """
    if id_number_in_use(verification):
        return _Outcome(Decision.reject(ReasonCode.ID_NUMBER_IN_USE))
    images = {image.kind: image for image in verification.images.all()}
    arrays: dict[str, np.ndarray] = {}
    for kind in (VerificationImage.Kind.DOCUMENT, VerificationImage.Kind.SELFIE):
        image = images.get(kind)
        if image is None:
            return _Outcome(Decision.reject(ReasonCode.IMAGE_UNREADABLE))
        try:
            arrays[kind] = decoded(image)
        except ImageRejected:
            return _Outcome(Decision.reject(ReasonCode.IMAGE_UNREADABLE))
    document_image = arrays[VerificationImage.Kind.DOCUMENT]
    paper = None
    if settings.BIOMETRICS_DOCUMENT_CHECK:
        paper = document_check(verification, document_image)
        portrait = paper.read.image if paper.read is not None else None
        ended = decision.document_outcome(
            decision=paper.decision, code=paper.code, has_portrait=portrait is not None
        )
        if ended is not None or portrait is None:
            return _Outcome(ended or Decision.reject(paper.code), document=paper)
        # The face to match is the document's own portrait: only the flattened document is
        # searched, so a face elsewhere in the photo never counts.
        document_image = portrait
    outcome = _faces(verification, images, arrays, document_image)
    outcome.document = paper
    if paper is not None and paper.decision == "review":
        if paper.read is not None and paper.read.image is not None:
            outcome.crops[VerificationImage.Kind.DOCUMENT_FLAT] = jpeg(paper.read.image)
    outcome.decision = decision.with_document_review(
        outcome.decision, document_decision=paper.decision if paper is not None else None
    )
    return outcome


def _faces(
    verification: Verification,
    images: dict[str, VerificationImage],
    arrays: dict[str, np.ndarray],
    document_image: np.ndarray,
) -> _Outcome:
    """Find the document's portrait and the selfie's face, check liveness, compare."""
    try:
        document = face_engine.document_face(document_image)
    except face_engine.FaceError as exc:
        return _Outcome(decision.document_face_outcome(exc.code))
    try:
        check = liveness_run(verification, images, document.vector)
    except ImageRejected:
        return _Outcome(Decision.reject(ReasonCode.IMAGE_UNREADABLE))
    found = None if check is None else Liveness(passed=check.passed, code=check.code)
    record = None if check is None else liveness_record(check)
    threshold, margin = face_engine.match_threshold(), face_engine.review_margin()
    crops: dict[str, bytes] = {VerificationImage.Kind.DOCUMENT_FACE: jpeg(document.crop)}
    try:
        # a passed recording has found and embedded the member's straight face already (the
        # selfie is a frame of that same straight step): no second detection and embedding
        passed_face = check.face if isinstance(check, liveness_burst.BurstResult) else None
        selfie = passed_face or face_engine.selfie_face(arrays[VerificationImage.Kind.SELFIE])
    except face_engine.FaceError as exc:
        verdict = decision.face_outcome(
            selfie_error=exc.code, liveness=found, threshold=threshold, margin=margin
        )
        return _Outcome(verdict, liveness=record, crops=crops)
    crops[VerificationImage.Kind.SELFIE_FACE] = jpeg(selfie.crop)
    distance = face_engine.face_distance(document.vector, selfie.vector)
    verdict = decision.face_outcome(
        distance=distance, liveness=found, threshold=threshold, margin=margin
    )
    return _Outcome(verdict, distance=distance, vector=selfie.vector, liveness=record, crops=crops)


def _duplicates(verification: Verification, outcome: _Outcome) -> _Outcome:
    """Run the 1:N search for a face that passed 1:1; a hit sends the case to review.

    Call it inside ``dedup_serialised()``, together with the decision that enrols the face, so
    two workers never both miss the same new face. A hit never rejects on its own.
    """
    if outcome.vector is None:
        raise ValueError("only a selfie with a face is searched for duplicates")
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
    outcome.decision = decision.with_duplicates(outcome.decision, found=bool(outcome.candidates))
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
        searching = outcome.decision.search_duplicates
        with dedup_serialised(active=searching):
            if searching:
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
            finish(verification, status=Status.VERIFIED, reason="")
            if outcome.vector is None:
                raise ValueError("a verified case has the selfie's template")
            enrol(verification, outcome.vector)
        else:
            finish(
                verification,
                status=outcome.status,
                reason=outcome.reason,
                keep_for_review_request=decision.offers_review_request(
                    outcome.decision, requested=verification.human_review_requested
                ),
            )
            if decision.counts_as_mismatch(outcome.decision):
                count_mismatch(verification)
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
                finish(verification, status=Status.REJECTED, reason=ReasonCode.IMAGE_UNREADABLE)
                counts["failed"] += 1
                continue
            verification.status = Status.SUBMITTED
            verification.processing_started_at = None
            verification.save(update_fields=["status", "processing_started_at", "updated_at"])
            transaction.on_commit(partial(_enqueue, pk))
            counts["requeued"] += 1
    return counts
