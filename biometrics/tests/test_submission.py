"""Submitting: who may, what is checked, what is stored (encrypted) and what never is."""

from __future__ import annotations

import base64
import io
import zlib

import numpy as np
import pytest
from django.db import connection
from PIL import Image

from biometrics import services
from biometrics.models import FaceTemplate, Status, Verification, VerificationImage
from biometrics.tests import factories as f
from config.errors import ApplicationError, PermissionRefused
from consent.exceptions import ConsentRequired

pytestmark = pytest.mark.django_db


def _nothing_stored(private_files) -> None:
    assert not Verification.objects.exists()
    assert not VerificationImage.objects.exists()
    assert private_files() == []


def test_a_member_without_premium_is_refused_with_premium_required(member, private_files):
    # given a free member who even gave consent
    f.grant_biometric_consent(member)
    # when
    with pytest.raises(PermissionRefused) as refused:
        services.verification_submit(user=member, **f.submission())
    # then
    assert refused.value.code == "premium_required"
    _nothing_stored(private_files)


def test_a_premium_member_without_consent_is_refused_with_consent_required(
    premium_member, private_files
):
    # when
    with pytest.raises(ConsentRequired) as refused:
        services.verification_submit(user=premium_member, **f.submission())
    # then
    assert refused.value.code == "consent_required"
    assert refused.value.purpose == "biometric_verification"
    _nothing_stored(private_files)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"id_number": "31740945129000"}, "nik_wrong_length"),
        ({"id_number": "3174094512900OO1"}, "nik_not_digits"),
        ({"id_number": "9974094512900001"}, "nik_unknown_province"),
        ({"id_number": "3174097312900001"}, "nik_invalid_date"),
        ({"sex": "M"}, "nik_sex_mismatch"),
        ({"id_number": "3174094612900001"}, "nik_birth_date_mismatch"),
        ({"id_type": "passport", "id_number": "1"}, "id_number_invalid"),
    ],
)
def test_an_invalid_id_number_is_a_field_error_with_its_own_message(
    verifier, private_files, overrides, code
):
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission(**overrides))
    # then
    assert refused.value.fields.keys() == {"id_number"}
    assert refused.value.extra["field_codes"] == {"id_number": code}
    _nothing_stored(private_files)


def test_each_nik_failure_has_a_different_message(verifier):
    messages = set()
    for number in ("31740945129000", "9974094512900001", "3174097312900001", "3174094612900001"):
        with pytest.raises(ApplicationError) as refused:
            services.verification_submit(user=verifier, **f.submission(id_number=number))
        messages.add(refused.value.fields["id_number"][0])
    assert len(messages) == 4


def _png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims huge dimensions (a decompression bomb shape)."""
    out = io.BytesIO()
    Image.new("RGB", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    data[16:20] = width.to_bytes(4, "big")
    data[20:24] = height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")  # IHDR checksum
    return bytes(data)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (b"", "image_empty"),
        (b"GIF89a" + b"\x00" * 100, "image_type_not_allowed"),
        (b"%PDF-1.7 not a photo", "image_type_not_allowed"),
        (f.hopper_card()[:2000], "image_unreadable"),
        (_png_header_claiming(20000, 20000), "image_too_many_pixels"),
    ],
    ids=["empty", "gif", "pdf", "truncated-jpeg", "pixel-bomb"],
)
def test_broken_or_oversized_images_are_refused_and_nothing_is_stored(
    verifier, private_files, document, code
):
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission(document=document))
    # then
    assert refused.value.extra["field_codes"] == {"document": code}
    assert refused.value.fields["document"]
    _nothing_stored(private_files)


def test_a_file_over_the_byte_cap_is_refused(verifier, private_files, settings):
    # given
    settings.MAX_UPLOAD_BYTES = 10_000
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission())
    # then
    assert refused.value.extra["field_codes"]["selfie"] == "image_too_large"
    _nothing_stored(private_files)


def test_at_most_five_submissions_a_day(verifier, submit):
    # given five rejected attempts today (no face, so no lock)
    for _ in range(5):
        submit(verifier, document=f.blank_photo())
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission())
    # then
    assert (refused.value.code, refused.value.status_code) == ("too_many_attempts", 429)
    assert refused.value.extra["retry_after_seconds"] > 0


def test_one_case_at_a_time(verifier, django_capture_on_commit_callbacks):
    # given a queued case
    with django_capture_on_commit_callbacks(execute=False):
        services.verification_submit(user=verifier, **f.submission())
    # when
    with pytest.raises(ApplicationError) as refused:
        services.verification_submit(user=verifier, **f.submission())
    # then
    assert refused.value.code == "verification_pending"


def test_the_submission_is_encrypted_at_rest(
    verifier, django_capture_on_commit_callbacks, private_files, settings
):
    # given a case under review, so the photos, crops and pending template are all stored
    settings.BIOMETRICS = f.REVIEW_BAND
    with django_capture_on_commit_callbacks(execute=True):
        verification = services.verification_submit(user=verifier, **f.submission())
    verification.refresh_from_db()
    assert verification.status == Status.NEEDS_REVIEW
    vector = verification.selfie_vector
    # when reading what the database and the storage really hold
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM biometrics_verification")
        raw_rows = " ".join(str(value) for row in cursor.fetchall() for value in row)
    files = [path.read_bytes() for path in private_files()]
    # then
    assert f.NIK not in raw_rows
    assert "Siti Rahayu" not in raw_rows
    assert "1990-12-05" not in raw_rows
    assert base64.b64encode(vector.tobytes()).decode()[:40] not in raw_rows
    assert len(files) == 4
    for data in files:
        # Fernet tokens are base64 text, which may spell "JFIF" by chance but can never hold
        # the JPEG start-of-image bytes.
        assert b"\xff\xd8\xff" not in data
        assert data.startswith(b"gAAAAA")  # a Fernet token
        assert vector.tobytes() not in data
    # and the application still reads them
    assert Verification.objects.get().id_number == f.NIK


def test_the_enrolled_template_is_encrypted_at_rest(verifier, submit):
    # given
    submit(verifier)
    template = FaceTemplate.objects.get()
    # when
    with connection.cursor() as cursor:
        cursor.execute("SELECT vector FROM biometrics_facetemplate")
        [(raw,)] = cursor.fetchall()
    # then
    assert template.vector.shape == (128,) and template.vector.dtype == np.float32
    assert template.vector.tobytes() not in raw.encode()
    assert base64.b64encode(template.vector.tobytes()).decode()[:40] not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token


def test_the_id_number_and_name_are_never_logged(verifier, submit, caplog):
    # given
    caplog.set_level("DEBUG")
    # when: a refused and an accepted submission, processed
    with pytest.raises(ApplicationError):
        services.verification_submit(user=verifier, **f.submission(sex="M"))
    submit(verifier)
    # then
    assert caplog.records
    assert f.NIK not in caplog.text and "Siti Rahayu" not in caplog.text
