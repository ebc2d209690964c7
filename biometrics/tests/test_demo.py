"""The demo photos the seed command draws verify through the real flow."""

from __future__ import annotations

import io
from datetime import date

import pytest

from biometrics import demo
from biometrics.models import Status

pytestmark = pytest.mark.django_db


def test_the_seeded_demo_photos_verify_with_the_printed_details(
    verifier, submit, settings, tmp_path
):
    # given
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    lines = demo.seed(out)
    demo.seed(out)  # idempotent
    card, selfie = tmp_path / "demo" / "id-card.jpg", tmp_path / "demo" / "selfie.jpg"
    assert any(str(card) in line for line in lines)
    # when
    verification = submit(
        verifier,
        id_number=demo.DEMO_NIK,
        full_name=demo.DEMO_NAME,
        date_of_birth=date.fromisoformat(demo.DEMO_BIRTH),
        sex="M",
        document=card.read_bytes(),
        selfie=selfie.read_bytes(),
    )
    # then
    assert verification.status == Status.VERIFIED


def test_the_seeded_pose_frames_pass_liveness_in_every_order_of_the_challenge(
    verifier, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given
    from itertools import permutations

    from biometrics import face_engine, liveness, services
    from biometrics.image_intake import image_intake
    from biometrics.models import LivenessChallenge

    settings.VAR_DIR = tmp_path
    settings.BIOMETRICS_LIVENESS_REQUIRED = True
    lines = demo.seed(io.StringIO())
    folder = tmp_path / "demo"
    files = {pose: (folder / f"pose-{pose}.jpg").read_bytes() for pose in liveness.POSES}
    assert any(str(folder / "pose-left.jpg") in line for line in lines)
    card = (folder / "id-card.jpg").read_bytes()
    caps = {"max_bytes": settings.MAX_UPLOAD_BYTES, "max_pixels": settings.MAX_IMAGE_PIXELS}
    reference = face_engine.document_face(image_intake(card, **caps).to_array()).vector
    arrays = {pose: image_intake(data, **caps).to_array() for pose, data in files.items()}
    # when / then: whatever order the challenge asks for
    for order in permutations(liveness.POSES):
        result = liveness.liveness_check(
            [arrays[p] for p in order], list(order), reference=reference
        )
        assert result.passed, (order, result.code)
    # and through the real flow
    challenge = services.liveness_challenge_issue(user=verifier)
    poses = LivenessChallenge.objects.get(pk=challenge.pk).poses
    with django_capture_on_commit_callbacks(execute=True):
        verification = services.verification_submit(
            user=verifier,
            id_type="ktp",
            id_number=demo.DEMO_NIK,
            full_name=demo.DEMO_NAME,
            date_of_birth=date.fromisoformat(demo.DEMO_BIRTH),
            sex="M",
            document=card,
            challenge_id=challenge.pk,
            frames=[files[pose] for pose in poses],
        )
    verification.refresh_from_db()
    assert verification.status == Status.VERIFIED
