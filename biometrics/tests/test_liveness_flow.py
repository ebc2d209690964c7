"""Liveness in the verification flow: challenges, frames, the task's check, and human review."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import cache

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from biometrics import services
from biometrics.liveness_simulation import Subject, bona_fide, camera_jitter, subject_load
from biometrics.models import (
    LivenessChallenge,
    Status,
    Verification,
    VerificationImage,
    VerificationLock,
)
from biometrics.private_files import encrypted_file_read
from biometrics.reasons import decision_message
from biometrics.tests import factories as f
from biometrics.tests.faces import astronaut, face_only, grace_hopper, jpeg_bytes
from config.errors import ApplicationError, PermissionRefused
from consent.exceptions import ConsentRequired
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db

SEQUENCE = ["left", "straight", "right"]
LIST = reverse("api:verification-list")
CHALLENGE = reverse("api:verification-challenge")


@cache
def _hopper() -> Subject:
    subject = subject_load("grace_hopper", grace_hopper())
    assert isinstance(subject, Subject)
    return subject


@cache
def genuine_frames() -> tuple[bytes, ...]:
    """A simulated bona fide left / straight / right sequence of Grace Hopper (the ID's face)."""
    frames = bona_fide(_hopper(), SEQUENCE, np.random.default_rng(7))
    return tuple(jpeg_bytes(frame) for frame in frames)


@cache
def attack_frames(kind: str) -> tuple[bytes, ...]:
    genuine = list(genuine_frames())
    if kind == "static_photo":  # one photo, with camera noise, for every step
        rng = np.random.default_rng(3)
        return tuple(jpeg_bytes(camera_jitter(_hopper().image, rng)) for _pose in SEQUENCE)
    if kind == "identity_swap":  # a different person for the last step
        collins = subject_load("astronaut", face_only(astronaut()))
        assert isinstance(collins, Subject)
        genuine[2] = jpeg_bytes(bona_fide(collins, ["right"], np.random.default_rng(5))[0])
        return tuple(genuine)
    if kind == "wrong_order":  # right / straight / left for left / straight / right
        return (genuine[2], genuine[1], genuine[0])
    raise AssertionError(kind)


@pytest.fixture(autouse=True)
def _liveness_required(settings):
    settings.BIOMETRICS_LIVENESS_REQUIRED = True


def issue(user, poses=SEQUENCE) -> LivenessChallenge:
    """A challenge for ``user`` with a known pose order (the simulation's sequence)."""
    challenge = services.liveness_challenge_issue(user=user)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(poses=list(poses))
    challenge.refresh_from_db()
    return challenge


def live_submission(challenge, frames=None, **overrides):
    return f.submission(
        selfie=None,
        challenge_id=challenge.pk,
        frames=list(frames if frames is not None else genuine_frames()),
        **overrides,
    )


@pytest.fixture
def submit_live(django_capture_on_commit_callbacks):
    """Submit with a fresh challenge and run the task as the worker would; return the case."""

    def run(user, frames=None, **overrides) -> Verification:
        challenge = issue(user)
        with django_capture_on_commit_callbacks(execute=True):
            verification = services.verification_submit(
                user=user, **live_submission(challenge, frames, **overrides)
            )
        verification.refresh_from_db()
        return verification

    return run


def field_code(exc: ApplicationError, name: str) -> str:
    return exc.extra["field_codes"][name]


# --- challenges -----------------------------------------------------------------------------


def test_a_challenge_is_issued_to_a_consenting_premium_member(verifier):
    # when
    challenge = services.liveness_challenge_issue(user=verifier)
    # then
    assert len(challenge.poses) == 3 and "straight" in challenge.poses
    assert challenge.expires_at > timezone.now() and challenge.used_at is None
    assert len(services.liveness_challenge_instructions(challenge=challenge)) == 3


def test_a_free_member_gets_no_challenge(member):
    with pytest.raises(PermissionRefused) as refused:
        services.liveness_challenge_issue(user=member)
    assert refused.value.code == "premium_required"
    assert not LivenessChallenge.objects.exists()


def test_a_premium_member_without_consent_gets_no_challenge(premium_member):
    with pytest.raises(ConsentRequired):
        services.liveness_challenge_issue(user=premium_member)


def test_challenges_are_rate_limited_per_hour(verifier, settings):
    # given
    settings.BIOMETRICS_CHALLENGES_PER_HOUR = 2
    services.liveness_challenge_issue(user=verifier)
    services.liveness_challenge_issue(user=verifier)
    # when / then
    with pytest.raises(ApplicationError) as refused:
        services.liveness_challenge_issue(user=verifier)
    assert refused.value.code == "too_many_challenges" and refused.value.status_code == 429


# --- the check in the flow ------------------------------------------------------------------


def test_a_genuine_sequence_is_verified_and_the_liveness_result_is_recorded(
    verifier, submit_live, private_files
):
    # when
    verification = submit_live(verifier)
    # then
    assert verification.status == Status.VERIFIED, verification.liveness
    assert verification.liveness["passed"] is True
    assert verification.liveness["labels"] == SEQUENCE
    # frames, like the photos, are gone once the decision is final
    assert not verification.images.exists() and private_files() == []
    challenge = LivenessChallenge.objects.get(verification=verification)
    assert challenge.used_at is not None


@pytest.mark.parametrize("attack", ["static_photo", "identity_swap", "wrong_order"])
def test_each_attack_is_rejected_as_liveness_failed_with_advice(verifier, submit_live, attack):
    # when
    verification = submit_live(verifier, frames=attack_frames(attack))
    # then
    assert verification.status == Status.REJECTED
    assert verification.reason_code == "liveness_failed"
    assert verification.liveness["passed"] is False and verification.liveness["message"]
    message, _next = decision_message(
        status=verification.status,
        reason_code=verification.reason_code,
        liveness=verification.liveness,
    )
    assert verification.liveness["message"] in message


def test_a_used_challenge_cannot_be_redeemed_again(verifier):
    # given a first submission with the challenge, since decided
    challenge = issue(verifier)
    first = services.verification_submit(user=verifier, **live_submission(challenge))
    Verification.objects.filter(pk=first.pk).update(status=Status.REJECTED)
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **live_submission(challenge))
    # then
    assert field_code(refused.value, "challenge_id") == "challenge_used"
    assert Verification.objects.filter(user=verifier).count() == 1


def test_an_expired_challenge_is_refused_and_nothing_is_stored(verifier, private_files):
    # given
    challenge = issue(verifier)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **live_submission(challenge))
    # then
    assert field_code(refused.value, "challenge_id") == "challenge_expired"
    assert not Verification.objects.exists() and private_files() == []


def test_another_members_challenge_is_refused_like_a_missing_one(verifier, other_verifier):
    # given
    theirs = issue(other_verifier)
    # when
    with pytest.raises(ApplicationError) as stranger:
        services.verification_submit(user=verifier, **live_submission(theirs))
    missing = LivenessChallenge(pk=uuid.uuid4())
    with pytest.raises(ApplicationError) as unknown:
        services.verification_submit(user=verifier, **live_submission(missing))
    # then
    assert field_code(stranger.value, "challenge_id") == "challenge_invalid"
    assert stranger.value.fields == unknown.value.fields
    assert LivenessChallenge.objects.get(pk=theirs.pk).used_at is None


def test_a_missing_frame_is_a_field_error(verifier):
    challenge = issue(verifier)
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(
            user=verifier, **live_submission(challenge, genuine_frames()[:2])
        )
    assert field_code(refused.value, "frames") == "frames_count"


def test_when_required_a_selfie_alone_is_refused_with_liveness_required(verifier):
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission())
    assert field_code(refused.value, "frames") == "liveness_required"
    assert not Verification.objects.exists()


def test_frames_are_encrypted_at_rest_and_deleted_on_consent_withdrawal(
    verifier, private_files, django_capture_on_commit_callbacks
):
    # given a case waiting in the queue
    challenge = issue(verifier)
    verification = services.verification_submit(user=verifier, **live_submission(challenge))
    frames = verification.images.filter(kind__startswith="frame_").order_by("kind")
    assert [i.kind for i in frames] == ["frame_1", "frame_2", "frame_3"]
    files = private_files()
    assert len(files) == 5  # document, selfie (the straight frame), three frames
    for path in files:
        assert not path.read_bytes().startswith(b"\xff\xd8")  # no plaintext JPEG
    stored = encrypted_file_read(name=frames[0].file_name, sha256=frames[0].sha256)
    assert stored.startswith(b"\xff\xd8")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=verifier, purpose="biometric_verification", method="web")
    # then
    assert private_files() == []
    assert not VerificationImage.objects.exists()


def test_the_retention_sweep_removes_frames_left_on_a_final_case(verifier, private_files):
    # given a final case whose frame files survived (a failed delete)
    challenge = issue(verifier)
    verification = services.verification_submit(user=verifier, **live_submission(challenge))
    Verification.objects.filter(pk=verification.pk).update(status=Status.REJECTED)
    # when
    services.biometric_retention_sweep(now=timezone.now())
    # then
    assert not VerificationImage.objects.filter(kind__startswith="frame_").exists()


# --- API ------------------------------------------------------------------------------------


def test_the_api_issues_a_challenge_with_translated_instructions(verifier, api_as):
    # when
    response = api_as(verifier).post(CHALLENGE, HTTP_ACCEPT_LANGUAGE="id")
    # then
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"challenge_id", "poses", "instructions", "expires_at"}
    assert len(body["poses"]) == len(body["instructions"]) == 3
    straight = body["poses"].index("straight")
    assert body["instructions"][straight] == "Lihat lurus ke kamera."
    assert LivenessChallenge.objects.filter(pk=body["challenge_id"], user=verifier).exists()


def test_the_api_refuses_a_challenge_to_a_free_member(member, api_as):
    response = api_as(member).post(CHALLENGE)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "premium_required"


def test_the_api_takes_repeated_frames_and_shows_the_liveness_summary(
    verifier, api_as, django_capture_on_commit_callbacks
):
    # given
    challenge = issue(verifier)
    payload = f.submission()
    payload.pop("selfie")
    payload["date_of_birth"] = payload["date_of_birth"].isoformat()
    payload["document"] = SimpleUploadedFile("id.jpg", payload["document"], "image/jpeg")
    payload["challenge_id"] = str(challenge.pk)
    payload["frames"] = [
        SimpleUploadedFile(f"step{i}.jpg", data, "image/jpeg")
        for i, data in enumerate(genuine_frames(), start=1)
    ]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(verifier).post(LIST, payload, format="multipart")
    # then
    assert response.status_code == 202, response.json()
    detail = api_as(verifier).get(reverse("api:verification-detail", args=[response.json()["id"]]))
    body = detail.json()
    assert body["status"] == "verified"
    assert body["liveness"] == {"passed": True, "code": "", "message": body["liveness"]["message"]}
    assert "frames" not in body and "yaws" not in detail.content.decode()


def test_the_api_answers_400_with_a_field_code_for_a_strangers_challenge(
    verifier, other_verifier, api_as
):
    theirs = issue(other_verifier)
    payload = f.submission()
    payload.pop("selfie")
    payload["date_of_birth"] = payload["date_of_birth"].isoformat()
    payload["document"] = SimpleUploadedFile("id.jpg", payload["document"], "image/jpeg")
    payload["challenge_id"] = str(theirs.pk)
    payload["frames"] = [SimpleUploadedFile("s.jpg", d, "image/jpeg") for d in genuine_frames()]
    response = api_as(verifier).post(LIST, payload, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["field_codes"]["challenge_id"] == "challenge_invalid"


# --- HTML -----------------------------------------------------------------------------------


def test_the_start_page_embeds_a_challenge_with_one_photo_field_per_step(verifier, client):
    # given
    client.force_login(verifier)
    # when
    response = client.get(reverse("biometrics:start"))
    # then
    challenge = LivenessChallenge.objects.get(user=verifier)
    html = response.content.decode()
    assert str(challenge.pk) in html
    for step in (1, 2, 3):
        assert f'name="frame_{step}"' in html
    assert "biometrics/liveness.js" in html
    assert 'name="request_human_review"' not in html


def test_the_form_without_javascript_submits_one_file_per_step(
    verifier, client, django_capture_on_commit_callbacks
):
    # given
    client.force_login(verifier)
    client.get(reverse("biometrics:start"))
    challenge = LivenessChallenge.objects.get(user=verifier)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(poses=SEQUENCE)
    data = f.submission()
    data.pop("selfie")
    data["document"] = SimpleUploadedFile("id.jpg", data["document"], "image/jpeg")
    data["challenge_id"] = str(challenge.pk)
    for step, frame in enumerate(genuine_frames(), start=1):
        data[f"frame_{step}"] = SimpleUploadedFile(f"{step}.jpg", frame, "image/jpeg")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("biometrics:start"), data)
    # then
    assert response.status_code == 302
    assert Verification.objects.get(user=verifier).status == Status.VERIFIED


# --- human review (GDPR Art. 22) ------------------------------------------------------------


def test_human_review_cannot_be_requested_without_an_automatic_rejection(verifier):
    challenge = issue(verifier)
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(
            user=verifier, **live_submission(challenge, request_human_review=True)
        )
    assert field_code(refused.value, "request_human_review") == "human_review_not_available"
    assert not Verification.objects.exists()


def test_after_a_face_mismatch_a_person_can_be_asked_to_decide(verifier, submit, settings, client):
    # given an automatic face_mismatch (ID of someone else, selfie alone)
    settings.BIOMETRICS_LIVENESS_REQUIRED = False
    first = submit(verifier, document=f.astronaut_card())
    assert first.reason_code == "face_mismatch"
    client.force_login(verifier)
    assert "human-review-offer" in client.get(reverse("biometrics:status", args=[first.pk])).text
    assert 'name="request_human_review"' in client.get(reverse("biometrics:start")).text
    # when the member submits again and asks for a person
    second = submit(verifier, document=f.astronaut_card(), request_human_review=True)
    # then a reviewer gets the case with the face crops, and the lock does not move
    assert second.status == Status.NEEDS_REVIEW
    assert second.reason_code == "human_review_requested"
    kinds = set(second.images.values_list("kind", flat=True))
    assert {"document_face", "selfie_face"} <= kinds
    assert VerificationLock.objects.get(user=verifier).consecutive_mismatches == 1


def test_after_a_liveness_failure_a_person_can_be_asked_to_decide_and_sees_the_steps(
    verifier, submit_live, reviewer, client
):
    # given
    first = submit_live(verifier, frames=attack_frames("static_photo"))
    assert first.reason_code == "liveness_failed"
    # when
    second = submit_live(verifier, frames=attack_frames("static_photo"), request_human_review=True)
    # then
    assert second.status == Status.NEEDS_REVIEW
    assert second.reason_code == "human_review_requested"
    assert second.images.filter(kind="document_face").exists()
    # and the reviewer sees the three liveness steps next to the faces
    client.force_login(reviewer)
    page = client.get(reverse("admin:biometrics_verification_review", args=[second.pk])).text
    assert page.count('alt="Liveness step') == 3


def test_the_liveness_advice_is_shown_in_the_members_language(verifier, submit_live, api_as):
    # given a rejection whose advice was rendered by the worker (no request language there)
    verification = submit_live(verifier, frames=attack_frames("wrong_order"))
    assert verification.liveness["code"] == "liveness_pose_mismatch"
    # when
    url = reverse("api:verification-detail", args=[verification.pk])
    english = api_as(verifier).get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    indonesian = api_as(verifier).get(url, HTTP_ACCEPT_LANGUAGE="id").json()
    # then
    assert english["liveness"]["message"].startswith("At step")
    assert indonesian["liveness"]["message"].startswith("Pada langkah")
    assert "Pada langkah" in indonesian["reason_message"]
