"""Decision messages per reason, attempts left, and "Ask a person to decide" without new photos."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from biometrics import services
from biometrics.models import Status, Verification, VerificationLock
from biometrics.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def mismatch(verifier, submit):
    """An automatic face_mismatch: someone else's ID, the member's selfie."""
    case = submit(verifier, document=f.astronaut_card())
    assert (case.status, case.reason_code) == (Status.REJECTED, "face_mismatch")
    return case


def _status(client, case) -> str:
    return client.get(reverse("biometrics:status", args=[case.pk])).text


def test_a_face_mismatch_says_which_step_and_how_many_attempts_are_left(client, verifier, mismatch):
    client.force_login(verifier)
    page = _status(client, mismatch)
    assert "Your face (step 3) does not match the photo on your ID (step 2)." in page
    assert "liveness" not in page.lower()  # no liveness here: it is not mentioned
    assert "3. Your face" in page
    assert "You have 2 attempts left before face mismatches lock verification." in page
    assert 'href="/verification/?step=3"' in page


def test_asking_a_person_sends_the_case_to_review_with_the_photos_already_sent(
    client, verifier, mismatch, private_files, django_capture_on_commit_callbacks
):
    client.force_login(verifier)
    assert "Ask a person to decide" in _status(client, mismatch)
    files_before = private_files()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("biometrics:review-request", args=[mismatch.pk]))
    # then the same case waits for a person, with the face crops, and the lock did not move
    assert response.status_code == 302
    case = Verification.objects.get(pk=mismatch.pk)
    assert (case.status, case.reason_code) == (Status.NEEDS_REVIEW, "human_review_requested")
    assert case.human_review_requested
    assert {"document", "selfie", "document_face", "selfie_face"} <= set(
        case.images.values_list("kind", flat=True)
    )
    assert set(files_before) <= set(private_files())
    assert VerificationLock.objects.get(user=verifier).consecutive_mismatches == 0
    page = _status(client, case)
    assert "You asked for a person to decide" in page
    assert "Ask a person to decide" not in page


def test_the_offer_is_never_made_again_after_a_staff_decision(
    client, verifier, mismatch, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.verification_review_request(user=verifier, verification_id=mismatch.pk)
    services.verification_review_reject(
        verification_id=mismatch.pk, reviewer=reviewer, reason_code="face_mismatch"
    )
    client.force_login(verifier)
    assert "Ask a person to decide" not in _status(client, mismatch)
    response = client.post(reverse("biometrics:review-request", args=[mismatch.pk]), follow=True)
    assert "A person can no longer be asked to decide this case." in response.text


def test_the_api_takes_the_request_once_and_hides_other_members_cases(
    verifier, other_verifier, mismatch, api_as, django_capture_on_commit_callbacks
):
    url = reverse("api:verification-review-request", args=[mismatch.pk])
    detail = api_as(verifier).get(reverse("api:verification-detail", args=[mismatch.pk])).json()
    assert detail["review_request_available"] is True and detail["failed_step"] == 3
    assert api_as(other_verifier).post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api_as(verifier).post(url)
    assert accepted.status_code == 202
    again = api_as(verifier).post(url)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "human_review_not_available"


def test_kept_photos_go_when_the_offer_ends(verifier, mismatch, private_files, settings):
    assert private_files() != []
    later = timezone.now() + timedelta(days=settings.BIOMETRICS_REVIEW_REQUEST_DAYS, hours=1)
    # when the retention sweep runs after the window
    services.biometric_retention_sweep(now=later)
    # then the photos and the details are gone, and the offer with them
    case = Verification.objects.get(pk=mismatch.pk)
    assert not case.images.exists() and case.full_name is None
    assert not services.review_request_open(verification=case)


def test_a_new_submission_closes_the_earlier_offer(
    verifier, mismatch, submit, django_capture_on_commit_callbacks
):
    submit(verifier)
    case = Verification.objects.get(pk=mismatch.pk)
    assert not case.images.exists() and case.data_destroyed_at is not None


def test_the_status_page_has_no_checking_flash_once_decided(
    client, verifier, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(verifier)
    values = f.submission()
    values["date_of_birth"] = values["date_of_birth"].isoformat()
    values["document"] = SimpleUploadedFile("id.jpg", values["document"], "image/jpeg")
    values["selfie"] = SimpleUploadedFile("me.jpg", values["selfie"], "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("biometrics:start"), values)
    page = client.get(response.url).text
    assert "Your identity is verified." in page
    assert "We are checking your photos now" not in page


def test_genuine_steps_with_someone_elses_id_are_a_face_mismatch_not_a_liveness_failure(
    verifier, settings, django_capture_on_commit_callbacks
):
    from biometrics.reasons import decision_message
    from biometrics.tests.test_liveness_flow import issue, live_submission

    # given liveness on, and the member's own head turns with someone else's ID
    settings.BIOMETRICS_LIVENESS_REQUIRED = True
    challenge = issue(verifier)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        case = services.verification_submit(
            user=verifier, **live_submission(challenge, document=f.astronaut_card())
        )
    case.refresh_from_db()
    # then the face is the problem, not the steps: it counts as a mismatch and says so
    assert case.liveness["code"] == "liveness_document_mismatch"
    assert case.reason_code == "face_mismatch"
    message, _next = decision_message(
        status=case.status, reason_code=case.reason_code, liveness=case.liveness
    )
    assert "You followed the liveness steps" in message
    assert "liveness check (step 3) failed" not in message
    assert VerificationLock.objects.get(user=verifier).consecutive_mismatches == 1
