"""Retention: what is deleted when, and the sweep that applies it (see docs/biometrics.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from biometrics.drafts import verification_drafts_expire
from biometrics.gallery import gallery_remove
from biometrics.models import (
    FaceTemplate,
    LivenessFrameHash,
    ReasonCode,
    Status,
    Verification,
    VerificationDraft,
    VerificationImage,
)
from biometrics.private_files import FOLDER, files_delete, files_delete_on_commit, private_storage
from biometrics.reasons import HUMAN_REVIEW_REASONS
from biometrics.services.cases import DESTROY_FIELDS, destroy_case_data, finish
from biometrics.services.checks import LIVENESS_HASH_RETENTION_DAYS


def review_offers_close(*, user_id: Any = None, now: datetime | None = None) -> int:
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
        destroy_case_data(verification)
        verification.save(update_fields=[*DESTROY_FIELDS, "updated_at"])
        closed += 1
    return closed


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
                finish(verification, status=Status.CANCELLED, reason=ReasonCode.REVIEW_EXPIRED)
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
        removed += review_offers_close(now=now)
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
