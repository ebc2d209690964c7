"""manage.py rotate_encryption_keys: old data stays readable, then moves to the newest key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from biometrics.models import FaceTemplate, Status, Verification
from biometrics.private_files import encrypted_file_read
from biometrics.tests import factories as f

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _rotate() -> str:
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    return out.getvalue()


def test_data_written_under_the_old_key_reads_after_rotation_with_only_the_new_key(
    verifier, submit, settings, private_files
):
    # given a verified case and a case in review (files on disk), all under key A (the
    # fixtures' signed consents are under the test key, which stays until the rotation)
    first_key = list(settings.FIELD_ENCRYPTION_KEY)
    settings.FIELD_ENCRYPTION_KEY = [KEY_A, *first_key]
    submit(verifier)
    settings.BIOMETRICS = f.REVIEW_BAND
    from accounts.tests.factories import PremiumFactory, UserFactory

    second = UserFactory()
    PremiumFactory(user=second)
    f.grant_biometric_consent(second)
    in_review = submit(
        second,
        id_type="passport",
        id_number="C7654321",
        document=f.document("passport", portrait="astronaut", id_number="C7654321"),
        selfie=f.astronaut_selfie(),
    )
    assert in_review.status == Status.NEEDS_REVIEW
    files = {img.file_name: img.sha256 for img in in_review.images.all()}
    # when the new key goes first and the command runs
    settings.FIELD_ENCRYPTION_KEY = [KEY_B, KEY_A, *first_key]
    report = _rotate()
    # then everything reads with key B alone
    settings.FIELD_ENCRYPTION_KEY = [KEY_B]
    assert Verification.objects.get(user=verifier).id_number == f.NIK
    assert Verification.objects.get(user=second).selfie_vector.shape == (128,)
    assert FaceTemplate.objects.get().vector.shape == (128,)
    for name, sha in files.items():
        assert encrypted_file_read(name=name, sha256=sha)
    assert "re-encrypted" in report
    # and running it again changes nothing
    again = _rotate()
    assert "Database values: 0 re-encrypted" in again
    assert "Private files: 0 re-encrypted" in again


def test_a_wrong_key_fails_loudly_and_changes_nothing(verifier, submit, settings):
    # given data under key A
    settings.FIELD_ENCRYPTION_KEY = [KEY_A]
    submit(verifier)
    # when the key ring lacks A
    settings.FIELD_ENCRYPTION_KEY = [KEY_B]
    with pytest.raises(CommandError, match="no configured key decrypts"):
        _rotate()
    # then the data still reads with A
    settings.FIELD_ENCRYPTION_KEY = [KEY_A]
    assert Verification.objects.get().id_number == f.NIK


def test_a_missing_key_fails_loudly(settings):
    settings.FIELD_ENCRYPTION_KEY = []
    with pytest.raises(CommandError, match="FIELD_ENCRYPTION_KEY"):
        _rotate()


def test_rotation_in_batches_of_one_row_reaches_every_value(verifier, submit, settings):
    # given a verified case and its template under key A (several encrypted columns and rows)
    first_key = list(settings.FIELD_ENCRYPTION_KEY)
    settings.FIELD_ENCRYPTION_KEY = [KEY_A, *first_key]
    submit(verifier)
    # when the command rotates one row per transaction
    settings.FIELD_ENCRYPTION_KEY = [KEY_B, KEY_A, *first_key]
    out = io.StringIO()
    call_command("rotate_encryption_keys", batch=1, stdout=out)
    # then everything reads with key B alone, and a second run finds nothing to do
    settings.FIELD_ENCRYPTION_KEY = [KEY_B]
    assert Verification.objects.get(user=verifier).id_number == f.NIK
    assert FaceTemplate.objects.get().vector.shape == (128,)
    assert "Database values: 0 re-encrypted" in _rotate()
