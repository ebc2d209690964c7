"""Liveness in the verification flow: challenges, frames, the task's check, and human review."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from biometrics import liveness_burst, services
from biometrics import liveness_light as ll
from biometrics import liveness_render as render
from biometrics.models import (
    IdentityAssertion,
    LivenessChallenge,
    LivenessFrameHash,
    Status,
    Verification,
    VerificationImage,
    VerificationLock,
)
from biometrics.private_files import encrypted_file_read
from biometrics.reasons import decision_message
from biometrics.tests import bursts
from biometrics.tests import factories as f
from biometrics.tests.faces import jpeg_bytes
from config.errors import ApplicationError, PermissionRefused
from consent.exceptions import ConsentRequired
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db

SEQUENCE = bursts.SEQUENCE
LIST = reverse("api:verification-list")
CHALLENGE = reverse("api:verification-challenge")


@pytest.fixture(autouse=True)
def _liveness_required(settings):
    settings.BIOMETRICS_LIVENESS_REQUIRED = True


def issue(user, poses=SEQUENCE) -> LivenessChallenge:
    """A challenge for ``user`` with a known pose order (the simulation's sequence)."""
    challenge = services.liveness_challenge_issue(user=user)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(poses=list(poses))
    challenge.refresh_from_db()
    return challenge


def live_submission(challenge, upload=None, **overrides):
    return f.submission(
        selfie=None,
        challenge_id=challenge.pk,
        **(upload if upload is not None else bursts.genuine_upload()),
        **overrides,
    )


@pytest.fixture
def submit_live(django_capture_on_commit_callbacks):
    """Submit with a fresh challenge and run the task as the worker would; return the case."""

    def run(user, upload=None, poses=SEQUENCE, **overrides) -> Verification:
        challenge = issue(user, poses)
        with django_capture_on_commit_callbacks(execute=True):
            verification = services.verification_submit(
                user=user, **live_submission(challenge, upload, **overrides)
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


def test_a_challenge_carries_a_light_sequence_kept_server_side(verifier):
    # when
    challenge = services.liveness_challenge_issue(user=verifier)
    # then: random colours covering the whole recording, under three changes a second
    light = services.liveness_challenge_light(challenge=challenge)
    assert light is not None and light.as_dict() == challenge.light
    assert light.starts_ms[0] == 0
    assert min(np.diff(light.starts_ms)) >= ll.MIN_SEGMENT_MS > 1000 / 3
    recording_ms = 1000 * (
        liveness_burst.CAPTURE_LEAD_IN_SECONDS
        + liveness_burst.CAPTURE_STEP_SECONDS * len(challenge.poses)
    )
    assert light.starts_ms[-1] >= recording_ms
    assert set(light.colours) <= set(ll.PALETTE)
    assert all(a != b for a, b in zip(light.colours, light.colours[1:], strict=False))
    # each challenge gets its own
    other = services.liveness_challenge_issue(user=verifier)
    assert other.light != challenge.light


def test_a_challenge_from_before_the_light_challenge_has_none(verifier):
    challenge = issue(verifier)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(light=None)
    challenge.refresh_from_db()
    assert services.liveness_challenge_light(challenge=challenge) is None


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
    assert verification.liveness["frames"] == len(bursts.genuine_frames())
    assert verification.liveness["measured"]["parallax"] > 0.1
    # the recording's frame hashes are kept (hashes only) for the replay check
    assert LivenessFrameHash.objects.count() == len(bursts.genuine_frames())
    # frames, like the photos, are gone once the decision is final
    assert not verification.images.exists() and private_files() == []
    challenge = LivenessChallenge.objects.get(verification=verification)
    assert challenge.used_at is not None


def test_a_passed_recordings_straight_face_is_the_selfies_without_a_second_search(
    verifier, submit_live, monkeypatch
):
    # given: the selfie is a frame of the recording's straight step, whose face the recording
    # check has found and embedded already
    from biometrics import face_engine

    def not_again(img):
        raise AssertionError("the selfie was searched for a face a second time")

    bursts.genuine_frames()  # rendered (and cached) before the engine is watched
    monkeypatch.setattr(face_engine, "selfie_face", not_again)
    # when
    verification = submit_live(verifier)
    # then: matched with the document's portrait all the same
    assert verification.status == Status.VERIFIED, verification.liveness
    assert verification.distance is not None
    assert verification.distance < face_engine.match_threshold()


def _lit_upload(sequence: ll.LightSequence, seed: int) -> dict[str, object]:
    """A genuine recording whose face reflects `sequence` (the screen's colours) clearly."""
    burst = render.genuine_burst(
        bursts.hopper(), list(SEQUENCE), np.random.default_rng(seed), light=ll.Light(sequence, 0.15)
    )
    return {
        "frames": [jpeg_bytes(frame) for frame in burst.frames],
        "frame_times": bursts.stamped(burst),
    }


def test_the_check_follows_the_challenges_own_light_sequence(
    verifier, django_capture_on_commit_callbacks
):
    # given: the challenge's colours, and a recording lit by them
    challenge = issue(verifier)
    asked = services.liveness_challenge_light(challenge=challenge)
    assert asked is not None
    # when
    with django_capture_on_commit_callbacks(execute=True):
        verification = services.verification_submit(
            user=verifier, **live_submission(challenge, _lit_upload(asked, seed=21))
        )
    verification.refresh_from_db()
    # then
    assert verification.status == Status.VERIFIED, verification.liveness
    assert verification.liveness["measured"]["light_correlation"] >= ll.MIN_CORRELATION


def test_a_recording_lit_by_another_sequence_is_rejected_as_light_mismatch(
    verifier, django_capture_on_commit_callbacks
):
    # given: a recording made while another challenge's colours were on screen
    challenge = issue(verifier)
    earlier = ll.light_sequence_new(6000, rng=np.random.default_rng(5))
    LivenessChallenge.objects.filter(pk=challenge.pk).update(
        light=ll.light_sequence_new(6000, rng=np.random.default_rng(6)).as_dict()
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        verification = services.verification_submit(
            user=verifier, **live_submission(challenge, _lit_upload(earlier, seed=22))
        )
    verification.refresh_from_db()
    # then
    assert verification.status == Status.REJECTED
    assert verification.reason_code == "liveness_failed"
    assert verification.liveness["code"] == "liveness_light_mismatch", verification.liveness


@pytest.mark.parametrize("attack", ["folded_print", "photo_set", "unrelated_stills"])
def test_each_attack_is_rejected_as_liveness_failed_with_advice(verifier, submit_live, attack):
    # when
    verification = submit_live(verifier, upload=bursts.attack_upload(attack))
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


def test_a_recording_too_short_or_without_its_times_is_a_field_error(verifier, private_files):
    challenge = issue(verifier)
    upload = bursts.genuine_upload()
    short = {"frames": upload["frames"][:5], "frame_times": upload["frame_times"][:5]}
    with pytest.raises(ApplicationError) as too_short:
        services.verification_submit(user=verifier, **live_submission(challenge, short))
    untimed = {"frames": upload["frames"], "frame_times": upload["frame_times"][:-1]}
    with pytest.raises(ApplicationError) as without_times:
        services.verification_submit(user=verifier, **live_submission(challenge, untimed))
    assert field_code(too_short.value, "frames") == "frames_count"
    assert "12 to 60" in too_short.value.fields["frames"][0]
    assert field_code(without_times.value, "frame_times") == "frame_times_invalid"
    assert not Verification.objects.exists() and private_files() == []


def test_a_replayed_recording_is_rejected(verifier, submit_live):
    # given a first case verified with a recording, since reset so the member may submit again
    first = submit_live(verifier)
    assert first.status == Status.VERIFIED, first.liveness
    Verification.objects.filter(pk=first.pk).update(status=Status.REJECTED)
    IdentityAssertion.objects.filter(user=verifier).delete()
    # when the same recording comes again with a new challenge
    again = submit_live(verifier)
    # then
    assert again.status == Status.REJECTED and again.reason_code == "liveness_failed"
    assert again.liveness["code"] == "liveness_replayed_burst"


def test_when_required_a_selfie_alone_is_refused_with_liveness_required(verifier):
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission())
    assert field_code(refused.value, "frames") == "liveness_required"
    assert "no camera" in refused.value.fields["frames"][0]
    assert not Verification.objects.exists()


def test_without_a_camera_a_selfie_goes_to_a_person_never_to_an_automatic_badge(verifier, submit):
    # when
    verification = submit(verifier, no_camera=True)
    # then the machine found a match, but a person decides
    assert verification.status == Status.NEEDS_REVIEW
    assert verification.reason_code == "human_review_requested"
    assert verification.human_review_requested is True


def test_frames_are_encrypted_at_rest_and_deleted_on_consent_withdrawal(
    verifier, private_files, django_capture_on_commit_callbacks
):
    # given a case waiting in the queue
    challenge = issue(verifier)
    verification = services.verification_submit(user=verifier, **live_submission(challenge))
    burst = verification.images.get(kind="burst")
    files = private_files()
    assert len(files) == 3  # document, selfie (a frame of the straight step), the recording
    for path in files:
        assert not path.read_bytes().startswith(b"\xff\xd8")  # no plaintext JPEG
        # Fernet tokens (base64 text), not a plaintext recording ("LVB1" header); the four
        # letters may appear by chance inside the base64 text, so the test is the format
        assert path.read_bytes().startswith(b"gAAAAA")
        assert not path.read_bytes().startswith(b"LVB1")
    stored = encrypted_file_read(name=burst.file_name, sha256=burst.sha256)
    frames, times = liveness_burst.burst_unpack(stored)
    assert len(frames) == len(times) == len(bursts.genuine_frames())
    assert frames[0].startswith(b"\xff\xd8")
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
    assert not VerificationImage.objects.filter(kind="burst").exists()


def test_the_retention_sweep_removes_old_frame_hashes(verifier, submit_live):
    # given the hashes of one recording, then 91 days pass
    submit_live(verifier)
    kept = LivenessFrameHash.objects.count()
    assert kept > 0
    # when / then
    services.biometric_retention_sweep(now=timezone.now() + timedelta(days=89))
    assert LivenessFrameHash.objects.count() == kept
    services.biometric_retention_sweep(now=timezone.now() + timedelta(days=91))
    assert not LivenessFrameHash.objects.exists()


# --- API ------------------------------------------------------------------------------------


def test_the_api_issues_a_challenge_with_translated_instructions(verifier, api_as):
    # when
    response = api_as(verifier).post(CHALLENGE, HTTP_ACCEPT_LANGUAGE="id")
    # then
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"challenge_id", "poses", "instructions", "expires_at", "light"}
    assert len(body["poses"]) == len(body["instructions"]) == 3
    straight = body["poses"].index("straight")
    assert body["instructions"][straight] == "Lihat lurus ke kamera."
    assert LivenessChallenge.objects.filter(pk=body["challenge_id"], user=verifier).exists()
    # the light challenge: the colours the page shows while recording, as kept with it
    stored = LivenessChallenge.objects.get(pk=body["challenge_id"])
    assert body["light"] == stored.light and set(body["light"]) == {"starts_ms", "colours"}


def test_the_api_refuses_a_challenge_to_a_free_member(member, api_as):
    response = api_as(member).post(CHALLENGE)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "premium_required"


def api_payload(challenge, upload) -> dict:
    payload = f.submission()
    payload.pop("selfie")
    payload["date_of_birth"] = payload["date_of_birth"].isoformat()
    payload["document"] = SimpleUploadedFile("id.jpg", payload["document"], "image/jpeg")
    payload["challenge_id"] = str(challenge.pk)
    payload["frames"] = [
        SimpleUploadedFile(f"frame{i}.jpg", data, "image/jpeg")
        for i, data in enumerate(upload["frames"], start=1)
    ]
    payload["frame_times"] = [str(t) for t in upload["frame_times"]]
    return payload


def test_the_api_takes_a_recording_and_shows_the_liveness_summary(
    verifier, api_as, django_capture_on_commit_callbacks
):
    # given
    challenge = issue(verifier)
    payload = api_payload(challenge, bursts.genuine_upload())
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


@pytest.mark.parametrize("attack", ["folded_print", "photo_set"])
def test_the_api_ends_a_folded_print_or_a_photo_set_as_liveness_failed_with_advice(
    verifier, api_as, django_capture_on_commit_callbacks, attack
):
    # given
    challenge = issue(verifier)
    payload = api_payload(challenge, bursts.attack_upload(attack))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(verifier).post(LIST, payload, format="multipart")
    # then
    assert response.status_code == 202, response.json()
    url = reverse("api:verification-detail", args=[response.json()["id"]])
    body = api_as(verifier).get(url).json()
    assert body["status"] == "rejected" and body["reason_code"] == "liveness_failed"
    assert body["liveness"]["passed"] is False
    assert body["liveness"]["message"] and body["liveness"]["message"] in body["reason_message"]
    assert "verified" not in (body.get("next_step") or "")


def test_the_api_answers_400_with_a_field_code_for_a_strangers_challenge(
    verifier, other_verifier, api_as
):
    theirs = issue(other_verifier)
    payload = api_payload(theirs, bursts.genuine_upload())
    response = api_as(verifier).post(LIST, payload, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["field_codes"]["challenge_id"] == "challenge_invalid"


# --- HTML -----------------------------------------------------------------------------------


def test_the_start_page_embeds_a_challenge_with_the_recording_fields(verifier, client):
    # given
    client.force_login(verifier)
    # when
    response = client.get(reverse("biometrics:start"))
    # then
    challenge = LivenessChallenge.objects.get(user=verifier)
    html = response.content.decode()
    assert str(challenge.pk) in html
    assert 'name="frames"' in html and 'name="frame_times"' in html
    assert "biometrics/liveness.js" in html
    # the light challenge's colours, and the warning before they flash
    assert "data-light=" in html and str(challenge.light["starts_ms"][1]) in html
    assert "The screen will change colour while you record." in html
    # a member without a camera is told plainly what to do instead
    assert 'name="no_camera"' in html and "ask a person" in html
    assert 'name="request_human_review"' not in html


def test_the_form_posts_the_recording_and_the_case_is_verified(
    verifier, client, django_capture_on_commit_callbacks
):
    # given
    client.force_login(verifier)
    client.get(reverse("biometrics:start"))
    challenge = LivenessChallenge.objects.get(user=verifier)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(poses=SEQUENCE)
    upload = bursts.genuine_upload()
    data = f.submission()
    data.pop("selfie")
    data["document"] = SimpleUploadedFile("id.jpg", data["document"], "image/jpeg")
    data["challenge_id"] = str(challenge.pk)
    data["frames"] = [
        SimpleUploadedFile(f"{i}.jpg", frame, "image/jpeg")
        for i, frame in enumerate(upload["frames"], start=1)
    ]
    data["frame_times"] = ",".join(str(t) for t in upload["frame_times"])
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
    first = submit_live(verifier, upload=bursts.attack_upload("photo_set"))
    assert first.reason_code == "liveness_failed"
    # when
    second = submit_live(
        verifier, upload=bursts.attack_upload("photo_set", 12), request_human_review=True
    )
    # then
    assert second.status == Status.NEEDS_REVIEW
    assert second.reason_code == "human_review_requested"
    assert second.images.filter(kind="document_face").exists()
    # and the reviewer sees six frames spread over the recording next to the faces
    client.force_login(reviewer)
    page = client.get(reverse("admin:biometrics_verification_review", args=[second.pk])).text
    assert page.count('alt="Liveness step') == 6


def test_the_liveness_advice_is_shown_in_the_members_language(verifier, submit_live, api_as):
    # given a rejection whose advice was rendered by the worker (no request language there)
    # (the member turned left, then right, where the challenge asked right, then left)
    verification = submit_live(verifier, poses=["right", "straight", "left"])
    assert verification.liveness["code"] == "liveness_pose_mismatch"
    # when
    url = reverse("api:verification-detail", args=[verification.pk])
    english = api_as(verifier).get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    indonesian = api_as(verifier).get(url, HTTP_ACCEPT_LANGUAGE="id").json()
    # then
    assert english["liveness"]["message"].startswith("At step")
    assert indonesian["liveness"]["message"].startswith("Pada langkah")
    assert "Pada langkah" in indonesian["reason_message"]
