"""Withdrawal, erasure, export and retention of identity verification data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import account_erase
from biometrics import selectors
from biometrics.models import (
    FaceTemplate,
    IdentityAssertion,
    Status,
    Verification,
    VerificationImage,
)
from biometrics.services import biometric_retention_sweep
from biometrics.tests import factories as f
from consent import registry
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db


def test_withdrawing_consent_destroys_biometric_data_but_keeps_the_plain_badge(
    verifier, submit, private_files, django_capture_on_commit_callbacks
):
    # given a verified member
    verification = submit(verifier)
    assert verification.status == Status.VERIFIED
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _event, notes = consent_withdraw(
            user=verifier, purpose="biometric_verification", method="web"
        )
    # then
    verification.refresh_from_db()
    assert not FaceTemplate.objects.filter(user=verifier).exists()
    assert verification.id_number is None and verification.full_name is None
    assert verification.date_of_birth is None and verification.id_number_hash == ""
    assert private_files() == []
    assert selectors.identity_assertion(user=verifier) is not None
    assert any("deleted" in str(note) for note in notes)


def test_a_withdrawn_template_is_never_found_as_a_duplicate_again(
    verifier, other_verifier, submit, django_capture_on_commit_callbacks
):
    # given a gallery holding the first member's template
    submit(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=verifier, purpose="biometric_verification", method="web")
    # when the same face verifies another account
    second = submit(
        other_verifier,
        id_type="passport",
        id_number="B1234567",
        document=f.document("passport", id_number="B1234567"),
    )
    # then
    assert second.status == Status.VERIFIED


def test_withdrawal_cancels_a_case_in_review_and_deletes_its_images(
    verifier, submit, settings, private_files, django_capture_on_commit_callbacks
):
    settings.BIOMETRICS = f.REVIEW_BAND
    verification = submit(verifier)
    assert len(private_files()) == 4
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=verifier, purpose="biometric_verification", method="web")
    verification.refresh_from_db()
    assert (verification.status, verification.reason_code) == (
        Status.CANCELLED,
        "consent_withdrawn",
    )
    assert verification.selfie_vector is None
    assert private_files() == []


def test_erasing_the_account_deletes_everything_including_the_badge(
    verifier, submit, private_files, django_capture_on_commit_callbacks
):
    submit(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=verifier, method="web")
    assert not Verification.objects.exists()
    assert not IdentityAssertion.objects.exists()
    assert not FaceTemplate.objects.exists()
    assert private_files() == []


def test_the_export_lists_the_cases_without_images_or_templates(verifier, submit):
    submit(verifier)
    section = registry.export_handlers()["identity_verification"](verifier)
    text = json.dumps(section)
    assert section["verified_on"] is not None
    assert section["verifications"][0]["status"] == "verified"
    assert len(section["face_templates_held"]) == 1
    assert "vector" not in text and "base64" not in text and "gAAAA" not in text


def test_retention_cancels_reviews_older_than_30_days(verifier, submit, settings, private_files):
    # given a case in review for 31 days
    settings.BIOMETRICS = f.REVIEW_BAND
    verification = submit(verifier)
    Verification.objects.filter(pk=verification.pk).update(
        finished_at=timezone.now() - timedelta(days=31)
    )
    # when
    removed = biometric_retention_sweep(now=timezone.now())
    # then
    verification.refresh_from_db()
    assert removed == 1
    assert (verification.status, verification.reason_code) == (Status.CANCELLED, "review_expired")
    assert not VerificationImage.objects.exists()


def test_retention_deletes_templates_three_years_after_the_last_visit(verifier, submit):
    # given
    submit(verifier)
    later = timezone.now() + timedelta(days=3 * 365 + 1)
    type(verifier).objects.filter(pk=verifier.pk).update(last_seen_at=timezone.now())
    # when
    removed = biometric_retention_sweep(now=later)
    # then
    assert removed == 1
    assert not FaceTemplate.objects.exists()
    assert IdentityAssertion.objects.filter(user=verifier).exists()


def test_retention_keeps_templates_of_members_seen_recently(verifier, submit):
    submit(verifier)
    later = timezone.now() + timedelta(days=3 * 365 + 1)
    type(verifier).objects.filter(pk=verifier.pk).update(last_seen_at=later - timedelta(days=10))
    assert biometric_retention_sweep(now=later) == 0
    assert FaceTemplate.objects.exists()


def test_the_badge_selectors_expose_only_the_date_and_the_verified_ids(
    verifier, other_member, submit
):
    submit(verifier)
    assertion = selectors.identity_assertion(user=verifier)
    assert assertion.verified_at.date() == timezone.now().date()
    assert selectors.identity_assertion(user=other_member) is None
    assert list(selectors.verified_user_ids()) == [{"user_id": verifier.pk}]


def test_erasure_handlers_are_idempotent(verifier, submit, django_capture_on_commit_callbacks):
    submit(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            consent_withdraw(user=verifier, purpose="biometric_verification", method="web")
    assert f.NIK not in json.dumps(registry.export_handlers()["identity_verification"](verifier))


def test_retention_deletes_private_files_no_case_refers_to(db, private_files):
    # given a file left by a submission whose transaction rolled back, two days ago
    import os
    import time

    from biometrics.private_files import encrypted_file_write

    encrypted_file_write(data=b"orphan")
    [path] = private_files()
    two_days_ago = time.time() - 2 * 86400
    os.utime(path, (two_days_ago, two_days_ago))
    # when
    removed = biometric_retention_sweep(now=timezone.now())
    # then
    assert removed == 1
    assert private_files() == []


def test_retention_leaves_files_of_cases_in_progress(
    verifier, django_capture_on_commit_callbacks, private_files
):
    from biometrics import services

    with django_capture_on_commit_callbacks(execute=False):
        services.verification_submit(user=verifier, **f.submission())
    assert biometric_retention_sweep(now=timezone.now() + timedelta(days=2)) == 0
    assert len(private_files()) == 2


def test_listeners_hear_when_a_member_becomes_verified_and_when_the_badge_goes(
    verifier, submit, django_capture_on_commit_callbacks
):
    # given
    from biometrics.signals import identity_assertion_changed

    heard = []
    user_id = verifier.pk

    def listener(sender, user_id, **kwargs):
        heard.append(user_id)

    identity_assertion_changed.connect(listener)
    try:
        # when
        submit(verifier)
        with django_capture_on_commit_callbacks(execute=True):
            account_erase(user=verifier, method="web")
    finally:
        identity_assertion_changed.disconnect(listener)
    # then
    assert heard == [user_id, user_id]


def test_verified_on_dates_lists_only_verified_members(verifier, other_member, submit):
    submit(verifier)
    dates = selectors.verified_on_dates(user_ids=[verifier.pk, other_member.pk])
    assert dates == {verifier.pk: timezone.localdate()}
