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


def test_the_demo_card_with_a_recording_of_its_portrait_is_verified_through_the_real_flow(
    verifier, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given the demo's ID card and a head-turn recording rendered from its portrait
    from biometrics import services
    from biometrics.models import LivenessChallenge
    from biometrics.tests import bursts

    settings.VAR_DIR = tmp_path
    settings.BIOMETRICS_LIVENESS_REQUIRED = True
    lines = demo.seed(io.StringIO())
    card = (tmp_path / "demo" / "id-card.jpg").read_bytes()
    assert any("I have no camera" in line for line in lines)
    challenge = services.liveness_challenge_issue(user=verifier)
    LivenessChallenge.objects.filter(pk=challenge.pk).update(poses=bursts.SEQUENCE)
    # when
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
            **bursts.genuine_upload(),
        )
    # then
    verification.refresh_from_db()
    assert verification.status == Status.VERIFIED, verification.liveness
