"""The matching task: every decision and reason code, duplicates, idempotence, failures."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from biometrics import services
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    Status,
    Verification,
    VerificationImage,
    VerificationLock,
)
from biometrics.tests import factories as f
from config.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_matching_selfie_and_id_photo_verifies_and_enrols_the_member(
    verifier, submit, private_files
):
    # when
    verification = submit(verifier)
    # then
    assert verification.status == Status.VERIFIED
    assert verification.reason_code == ""
    assert verification.distance < verification.threshold
    assert (verification.model_name, verification.detector) == ("Dlib", "dlib")
    assert IdentityAssertion.objects.get(user=verifier).id_type == "ktp"
    assert FaceTemplate.objects.filter(user=verifier, verification=verification).count() == 1
    # the photos are gone as soon as the decision is final
    assert not VerificationImage.objects.exists()
    assert private_files() == []


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"document": f.blank_photo()}, "document_not_found"),
        ({"document": f.document("ktp", portrait="blank")}, "no_face_on_document"),
        ({"selfie": f.blank_photo()}, "no_face_in_selfie"),
        ({"selfie": f.selfie_holding_card()}, "multiple_faces_in_selfie"),
        ({"selfie": f.astronaut_selfie()}, "face_mismatch"),
    ],
    ids=[
        "no-document",
        "no-face-on-id",
        "no-face-in-selfie",
        "selfie-holding-the-card",
        "someone-else",
    ],
)
def test_unusable_or_mismatching_photos_are_rejected_with_their_reason(
    verifier, submit, private_files, overrides, reason
):
    # when
    verification = submit(verifier, **overrides)
    # then
    assert (verification.status, verification.reason_code) == (Status.REJECTED, reason)
    assert not IdentityAssertion.objects.filter(user=verifier).exists()
    assert not FaceTemplate.objects.exists()
    if reason == "face_mismatch":
        # the photos and details wait (encrypted) for the member to ask a person to decide
        assert services.review_request_open(verification=verification)
        assert private_files() != [] and verification.full_name is not None
        return
    assert private_files() == []
    # a rejected case keeps no personal data
    assert verification.id_number is None and verification.full_name is None


def test_selfie_holding_the_id_card_is_refused_even_though_the_card_face_matches(verifier, submit):
    # given a selfie whose second face is the ID card's own portrait
    # when
    verification = submit(verifier, selfie=f.selfie_holding_card())
    # then: never "any face matches"
    assert verification.reason_code == "multiple_faces_in_selfie"


def test_three_mismatches_in_a_row_lock_verification(verifier, submit):
    # given
    for _ in range(3):
        assert submit(verifier, selfie=f.astronaut_selfie()).reason_code == "face_mismatch"
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission())
    # then
    assert refused.value.code == "verification_locked"
    assert refused.value.status_code == 429


def test_a_match_resets_the_mismatch_count(verifier, submit):
    # given
    submit(verifier, selfie=f.astronaut_selfie())
    # when
    submit(verifier)
    # then
    assert VerificationLock.objects.get(user=verifier).consecutive_mismatches == 0


def test_distance_close_to_the_threshold_goes_to_review(verifier, submit, settings):
    # given a review band around the genuine pair's distance (about 0.1)
    settings.BIOMETRICS = f.REVIEW_BAND
    # when
    verification = submit(verifier)
    # then
    assert (verification.status, verification.reason_code) == (
        Status.NEEDS_REVIEW,
        "near_threshold",
    )
    assert verification.threshold == f.REVIEW_BAND["MATCH_THRESHOLD"]
    # the photos and the two face crops are kept for the reviewer
    kinds = set(verification.images.values_list("kind", flat=True))
    assert kinds == {"document", "selfie", "document_face", "selfie_face"}
    assert verification.selfie_vector is not None
    assert not IdentityAssertion.objects.filter(user=verifier).exists()


def test_same_id_number_verified_on_another_account_is_rejected(verifier, other_verifier, submit):
    # given
    assert submit(verifier).status == Status.VERIFIED
    # when: another account uses the same NIK (with its own face)
    verification = submit(other_verifier, document=f.astronaut_card(), selfie=f.astronaut_selfie())
    # then
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "id_number_in_use")


def test_same_id_number_pending_on_an_earlier_case_of_another_account_is_rejected(
    verifier, other_verifier, submit, django_capture_on_commit_callbacks
):
    # given an earlier case of another account, still queued
    with django_capture_on_commit_callbacks(execute=False):
        earlier = services.verification_submit(user=verifier, **f.submission())
    # when
    later = submit(other_verifier, document=f.astronaut_card(), selfie=f.astronaut_selfie())
    # then: the later one loses, the earlier one still verifies
    assert later.reason_code == "id_number_in_use"
    assert services.verification_process(verification_id=earlier.pk).status == Status.VERIFIED


def test_face_enrolled_on_another_account_sends_the_case_to_review_listing_that_account(
    verifier, other_verifier, submit
):
    # given Grace Hopper verified on one account
    first = submit(verifier)
    assert first.status == Status.VERIFIED
    # when she verifies a second account with another ID number
    second = submit(
        other_verifier,
        id_type="passport",
        id_number="B1234567",
        document=f.document("passport", id_number="B1234567"),
    )
    # then: review, never an automatic rejection on 1:N alone
    assert (second.status, second.reason_code) == (Status.NEEDS_REVIEW, "possible_duplicate")
    [candidate] = second.duplicate_candidates
    assert candidate["user_id"] == str(verifier.pk)
    assert candidate["verification_id"] == str(first.pk)
    assert candidate["distance"] <= second.dedup_threshold


def test_a_deleted_template_is_never_reported_as_a_duplicate(verifier, other_verifier, submit):
    # given a gallery loaded with the first member's template, then the template deleted
    submit(verifier)
    from biometrics.gallery import gallery

    assert len(gallery()) == 1
    FaceTemplate.objects.filter(user=verifier).delete()  # e.g. by another process
    # when
    second = submit(
        other_verifier,
        id_type="passport",
        id_number="B1234567",
        document=f.document("passport", id_number="B1234567"),
    )
    # then
    assert second.status == Status.VERIFIED


def test_running_the_task_twice_changes_nothing(verifier, submit):
    # given
    verification = submit(verifier)
    decided = (verification.status, verification.finished_at, verification.attempts)
    # when
    again = services.verification_process(verification_id=verification.pk)
    # then
    assert (again.status, again.finished_at, again.attempts) == decided
    assert FaceTemplate.objects.filter(user=verifier).count() == 1


def test_a_case_another_worker_is_processing_is_left_alone(
    verifier, django_capture_on_commit_callbacks
):
    # given a re-delivered message for a case a live worker started a moment ago
    with django_capture_on_commit_callbacks(execute=False):
        verification = services.verification_submit(user=verifier, **f.submission())
    Verification.objects.filter(pk=verification.pk).update(
        status=Status.PROCESSING, processing_started_at=timezone.now(), attempts=1
    )
    # when
    services.verification_process(verification_id=verification.pk)
    # then
    verification.refresh_from_db()
    assert (verification.status, verification.attempts) == (Status.PROCESSING, 1)


def test_a_crashing_image_is_rejected_as_unreadable_after_bounded_attempts(
    verifier, django_capture_on_commit_callbacks, private_files
):
    # given a case whose processing fails every time
    with django_capture_on_commit_callbacks(execute=False):
        verification = services.verification_submit(user=verifier, **f.submission())
    with mock.patch("biometrics.face_engine.document_face", side_effect=RuntimeError("boom")):
        for attempt in range(1, 4):
            with pytest.raises(RuntimeError):
                services.verification_process(verification_id=verification.pk)
            verification.refresh_from_db()
            # handed back for a retry, counted
            assert (verification.status, verification.attempts) == (Status.SUBMITTED, attempt)
        # when
        with django_capture_on_commit_callbacks(execute=True):
            services.verification_process(verification_id=verification.pk)
    # then
    verification.refresh_from_db()
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "image_unreadable")
    assert private_files() == []


def test_transient_errors_are_retried_a_bounded_number_of_times(
    verifier, django_capture_on_commit_callbacks
):
    # given storage that always fails to read, and a task that retries on such errors
    from celery.exceptions import Retry

    from biometrics.tasks import verification_process_task

    assert verification_process_task.max_retries == 3
    assert OSError in verification_process_task.autoretry_for
    with django_capture_on_commit_callbacks(execute=False):
        verification = services.verification_submit(user=verifier, **f.submission())
    deliveries = 0
    with mock.patch("biometrics.services.checks.encrypted_file_read", side_effect=OSError("disk")):
        # when the broker delivers it again and again
        while deliveries < 10:
            deliveries += 1
            try:
                with django_capture_on_commit_callbacks(execute=True):
                    verification_process_task.apply(args=[str(verification.pk)], throw=True)
            except Retry:
                continue
            break
    # then: three real attempts, then rejected instead of looping
    verification.refresh_from_db()
    assert deliveries == 4
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "image_unreadable")
    assert verification.attempts == 3


def test_the_sweep_requeues_a_case_a_dead_worker_left_in_processing(
    verifier, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        verification = services.verification_submit(user=verifier, **f.submission())
    Verification.objects.filter(pk=verification.pk).update(
        status=Status.PROCESSING,
        processing_started_at=timezone.now() - timedelta(minutes=30),
        attempts=1,
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.verification_sweep_stuck()
    # then
    verification.refresh_from_db()
    assert counts == {"requeued": 1, "failed": 0}
    assert verification.status == Status.VERIFIED
    assert verification.attempts == 2


def test_the_sweep_fails_a_case_that_used_up_its_attempts(
    verifier, django_capture_on_commit_callbacks, private_files
):
    # given
    with django_capture_on_commit_callbacks(execute=False):
        verification = services.verification_submit(user=verifier, **f.submission())
    Verification.objects.filter(pk=verification.pk).update(
        status=Status.PROCESSING,
        processing_started_at=timezone.now() - timedelta(minutes=30),
        attempts=3,
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.verification_sweep_stuck()
    # then
    verification.refresh_from_db()
    assert counts == {"requeued": 0, "failed": 1}
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "image_unreadable")
    assert private_files() == []


def test_consent_withdrawn_while_queued_cancels_and_destroys_the_data(
    verifier, django_capture_on_commit_callbacks, private_files
):
    # given a queued case
    with django_capture_on_commit_callbacks(execute=False) as queued:
        verification = services.verification_submit(user=verifier, **f.submission())
    assert len(private_files()) == 2
    # when the member withdraws before the worker gets to it
    from consent.services import consent_withdraw

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=verifier, purpose="biometric_verification", method="web")
    for callback in queued:
        callback()
    # then
    verification.refresh_from_db()
    assert (verification.status, verification.reason_code) == (
        Status.CANCELLED,
        "consent_withdrawn",
    )
    assert verification.id_number is None and verification.id_number_hash == ""
    assert not VerificationImage.objects.exists()
    assert private_files() == []
    assert verification.distance is None  # never matched


def test_premium_ended_while_queued_cancels_the_case(
    verifier, django_capture_on_commit_callbacks, private_files
):
    # given
    with django_capture_on_commit_callbacks(execute=False) as queued:
        verification = services.verification_submit(user=verifier, **f.submission())
    from accounts.models import PremiumMembership

    PremiumMembership.objects.filter(user=verifier).update(expires_at=timezone.now())
    # when
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    # then
    verification.refresh_from_db()
    assert (verification.status, verification.reason_code) == (Status.CANCELLED, "premium_required")
    assert private_files() == []


def test_a_face_too_small_to_compare_is_rejected_with_its_own_reason(verifier, submit):
    # given the engine finds the selfie's face too small (a far-away shot)
    from biometrics.face_engine import FaceError

    with mock.patch("biometrics.face_engine.selfie_face", side_effect=FaceError("face_too_small")):
        # when
        verification = submit(verifier)
    # then
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "face_too_small")
