"""Steps every path that decides or cleans a case shares: finish, enrol, destroy its data."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from biometrics import face_engine
from biometrics.gallery import gallery_add
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    Status,
    Verification,
    VerificationImage,
    VerificationLock,
)
from biometrics.private_files import files_delete_on_commit
from biometrics.reasons import PENDING_STATUSES
from biometrics.signals import send_identity_assertion_changed

if TYPE_CHECKING:
    from accounts.models import User


def destroy_case_data(verification: Verification, *, keep_identity: bool = False) -> None:
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


DESTROY_FIELDS = [
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


def finish(
    verification: Verification,
    *,
    status: str,
    reason: str,
    decided_by: User | None = None,
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
        destroy_case_data(verification, keep_identity=status == Status.VERIFIED)
    verification.save(
        update_fields=[
            "status",
            "reason_code",
            "finished_at",
            "decided_at",
            "decided_by",
            "updated_at",
            *DESTROY_FIELDS,
        ]
    )


def assert_identity(verification: Verification) -> IdentityAssertion:
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


def enrol(verification: Verification, vector: np.ndarray) -> FaceTemplate:
    template = FaceTemplate.objects.create(
        user_id=verification.user_id,
        verification=verification,
        vector=vector,
        model_name=verification.model_name or face_engine.MODEL_NAME,
    )
    assert_identity(verification)
    VerificationLock.objects.filter(user_id=verification.user_id).update(consecutive_mismatches=0)
    transaction.on_commit(lambda: gallery_add(template=template))
    return template


def id_number_in_use(verification: Verification) -> bool:
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
