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
