"""Private files in an S3-compatible bucket (PRIVATE_STORAGE_URL): encrypted twice, and no
object outlives its case. Runs against a local S3 server (tests/s3server.py)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from accounts.services import account_erase
from biometrics.models import Status
from biometrics.private_files import (
    PrivateStorageError,
    encrypted_file_read,
    encrypted_file_write,
    private_storage_probe,
)
from biometrics.services import biometric_retention_sweep
from biometrics.tests import factories as f
from consent.purposes import PurposeCode
from consent.services import consent_withdraw
from tests.s3server import bucket_keys, s3_bucket, s3_client, s3_endpoint  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_in_review(verifier, submit, settings, s3_bucket):  # noqa: F811
    """A case a person must review: its ID photo, selfie and face crops stay in the bucket."""
    settings.BIOMETRICS = f.REVIEW_BAND
    case = submit(
        verifier,
        id_type="passport",
        id_number="C7654321",
        document=f.document("passport", portrait="astronaut", id_number="C7654321"),
        selfie=f.astronaut_selfie(),
    )
    assert case.status == Status.NEEDS_REVIEW
    return case


def test_a_cases_files_go_to_the_bucket_encrypted_by_us_and_by_the_bucket(
    case_in_review,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
):
    # given a case in review
    images = list(case_in_review.images.all())
    assert images
    keys = bucket_keys(s3_endpoint, s3_bucket)
    # then: one object per image, under the prefix, named without personal data
    assert keys == sorted(f"private/{image.file_name}" for image in images)
    client = s3_client(s3_endpoint)
    for image in images:
        stored = client.get_object(Bucket=s3_bucket, Key=f"private/{image.file_name}")
        body = stored["Body"].read()
        # Fernet ciphertext, never a JPEG; the bucket was asked to encrypt it as well
        assert body.startswith(b"gAAAAA")
        assert b"\xff\xd8\xff" not in body
        assert stored["ServerSideEncryption"] == "AES256"
        assert encrypted_file_read(name=image.file_name, sha256=image.sha256)


def test_withdrawing_consent_deletes_every_object_of_the_case(
    case_in_review,
    verifier,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    assert bucket_keys(s3_endpoint, s3_bucket)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=verifier, purpose=PurposeCode.BIOMETRIC_VERIFICATION, method="web")
    assert bucket_keys(s3_endpoint, s3_bucket) == []


def test_erasing_the_account_deletes_every_object_of_the_case(
    case_in_review,
    verifier,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    assert bucket_keys(s3_endpoint, s3_bucket)
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=verifier, method="web")
    assert bucket_keys(s3_endpoint, s3_bucket) == []


def test_retention_deletes_an_expired_cases_objects_and_orphans(
    case_in_review,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    # given: a case in review past its retention, and an object no row refers to (a
    # submission whose transaction rolled back after the upload)
    encrypted_file_write(data=b"left behind")
    later = timezone.now() + timedelta(days=settings.BIOMETRICS_REVIEW_RETENTION_DAYS + 2)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        biometric_retention_sweep(now=later)
    # then
    case_in_review.refresh_from_db()
    assert case_in_review.status == Status.CANCELLED
    assert bucket_keys(s3_endpoint, s3_bucket) == []


def test_key_rotation_re_encrypts_the_objects_in_the_bucket(
    verifier,
    submit,
    settings,
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
):
    # given: files written under key A
    key_a, key_b = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    first = list(settings.FIELD_ENCRYPTION_KEY)
    settings.FIELD_ENCRYPTION_KEY = [key_a, *first]
    stored = encrypted_file_write(data=b"selfie bytes")
    # when: key B goes first and the command runs
    settings.FIELD_ENCRYPTION_KEY = [key_b, key_a, *first]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    # then: the object in the bucket opens with key B alone, under the same name
    body = (
        s3_client(s3_endpoint)
        .get_object(Bucket=s3_bucket, Key=f"private/{stored.name}")["Body"]
        .read()
    )
    assert Fernet(key_b.encode()).decrypt(body) == b"selfie bytes"
    assert bucket_keys(s3_endpoint, s3_bucket) == [f"private/{stored.name}"]


def test_the_storage_probe_writes_reads_and_deletes_in_the_bucket(
    s3_endpoint,  # noqa: F811
    s3_bucket,  # noqa: F811
):
    private_storage_probe()
    assert bucket_keys(s3_endpoint, s3_bucket) == []


def test_an_unreachable_bucket_is_a_storage_error_the_task_retries(settings, s3_bucket):  # noqa: F811
    # given: the endpoint stops answering
    entry = settings.STORAGES["private"]
    entry["OPTIONS"] = {**entry["OPTIONS"], "endpoint_url": "http://127.0.0.1:9"}
    entry["OPTIONS"]["client_config"] = _no_retries()
    settings.STORAGES = {**settings.STORAGES, "private": entry}
    assert storages["private"].endpoint_url == "http://127.0.0.1:9"
    # when / then: an OSError, which the verification task retries (biometrics/tasks.py)
    with pytest.raises(PrivateStorageError):
        encrypted_file_write(data=b"x")
    from biometrics.tasks import TRANSIENT_ERRORS

    assert issubclass(PrivateStorageError, TRANSIENT_ERRORS)


def _no_retries():
    from botocore.config import Config

    return Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=1)
