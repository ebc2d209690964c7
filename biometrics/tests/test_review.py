"""Staff review: the queue, the face crops (access-logged), approve / reject, locks."""

from __future__ import annotations

import pytest
from django.urls import reverse

from biometrics import services
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    ReviewAction,
    Status,
    VerificationLock,
)
from biometrics.tests import factories as f
from config.errors import ApplicationError, PermissionRefused
from consent.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(verifier, submit, settings):
    settings.BIOMETRICS = f.REVIEW_BAND
    verification = submit(verifier)
    assert verification.status == Status.NEEDS_REVIEW
    return verification


def _review_url(verification) -> str:
    return reverse("admin:biometrics_verification_review", args=[verification.pk])


def test_the_review_page_shows_both_face_crops_and_logs_the_access(client, reviewer, in_review):
    client.force_login(reviewer)
    # when
    page = client.get(_review_url(in_review)).content.decode()
    # then
    assert page.count('src="data:image/jpeg;base64,') == 2
    entry = AccessLogEntry.objects.get(subject=in_review.user, category="biometric images")
    assert entry.purpose == "identity verification review"
    assert entry.accessor == reviewer
    # the text read from the document is personal data too: its reading is logged apart
    text = AccessLogEntry.objects.get(subject=in_review.user, category="identity document text")
    assert text.accessor == reviewer
    assert ReviewAction.objects.filter(action="viewed", actor=reviewer).count() == 1


def test_the_queue_lists_cases_in_review_without_showing_the_id_number(client, reviewer, in_review):
    client.force_login(reviewer)
    changelist = reverse("admin:biometrics_verification_changelist") + "?status__exact=needs_review"
    page = client.get(changelist).content.decode()
    assert _review_url(in_review) in page
    detail = client.get(
        reverse("admin:biometrics_verification_change", args=[in_review.pk])
    ).content.decode()
    assert f.NIK not in detail and f.NIK[-4:] in detail  # masked
    assert "data:image" not in detail
    assert not AccessLogEntry.objects.exists()  # only the review page opens images


def test_approving_verifies_enrols_and_deletes_the_images(
    client, reviewer, in_review, private_files, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_review_url(in_review), {"decision": "approve", "note": "same"})
    # then
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert (in_review.status, in_review.reason_code) == (Status.VERIFIED, "review_approved")
    assert in_review.decided_by == reviewer
    assert IdentityAssertion.objects.filter(user=in_review.user).exists()
    assert FaceTemplate.objects.filter(user=in_review.user).count() == 1
    assert private_files() == []
    assert ReviewAction.objects.filter(action="approved", actor=reviewer).exists()


def test_a_reviewer_confirms_a_duplicate_face(
    verifier, other_verifier, submit, reviewer, private_files, django_capture_on_commit_callbacks
):
    # given a second account with the same face in review
    submit(verifier)
    second = submit(
        other_verifier,
        id_type="passport",
        id_number="B1234567",
        document=f.document("passport", id_number="B1234567"),
    )
    assert second.reason_code == "possible_duplicate"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_review_reject(
            verification_id=second.pk, reviewer=reviewer, reason_code="duplicate_face"
        )
    # then
    second.refresh_from_db()
    assert (second.status, second.reason_code) == (Status.REJECTED, "duplicate_face")
    assert not IdentityAssertion.objects.filter(user=other_verifier).exists()
    assert private_files() == []
    action = ReviewAction.objects.get(action="rejected")
    assert (action.reason_code, action.subject) == ("duplicate_face", other_verifier)


def test_a_reviewer_can_reject_an_invalid_id_number(reviewer, in_review):
    services.verification_review_reject(
        verification_id=in_review.pk, reviewer=reviewer, reason_code="invalid_id_number"
    )
    in_review.refresh_from_db()
    assert in_review.reason_code == "invalid_id_number"


def test_rejecting_needs_a_reason(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(_review_url(in_review), {"decision": "reject"})
    assert response.status_code == 200
    in_review.refresh_from_db()
    assert in_review.status == Status.NEEDS_REVIEW


def test_a_decided_case_cannot_be_reviewed_again(reviewer, in_review):
    services.verification_review_approve(verification_id=in_review.pk, reviewer=reviewer)
    with pytest.raises(ApplicationError) as refused:
        services.verification_review_reject(
            verification_id=in_review.pk, reviewer=reviewer, reason_code="face_mismatch"
        )
    assert refused.value.code == "not_under_review"


def test_staff_without_the_review_permission_cannot_open_or_decide(client, in_review):
    from accounts.tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(_review_url(in_review)).status_code == 403
    with pytest.raises(PermissionRefused):
        services.verification_review_approve(verification_id=in_review.pk, reviewer=staff)
    assert not AccessLogEntry.objects.exists()


def test_the_review_permission_is_named_review_verification(reviewer):
    assert reviewer.has_perm("biometrics.review_verification")


def test_staff_lift_a_mismatch_lock_in_the_admin(client, reviewer, verifier, submit):
    # given a locked member
    for _ in range(3):
        submit(verifier, selfie=f.astronaut_selfie())
    lock = VerificationLock.objects.get(user=verifier)
    assert lock.locked_at is not None
    client.force_login(reviewer)
    # when
    client.post(
        reverse("admin:biometrics_verificationlock_changelist"),
        {"action": "lift_lock", "_selected_action": [str(lock.pk)]},
    )
    # then
    lock.refresh_from_db()
    assert (lock.locked_at, lock.consecutive_mismatches, lock.lifted_by) == (None, 0, reviewer)
    assert ReviewAction.objects.filter(action="lock_lifted", subject=verifier).exists()
    assert submit(verifier).status == Status.VERIFIED
