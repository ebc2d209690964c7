"""The verification stepper and its draft: nothing typed or photographed is lost, nothing leaks.

The draft keeps the details (encrypted) and the ID photo (encrypted in the private storage)
between steps and errors; it goes with the submission, withdrawal, erasure and retention.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.services import account_erase
from biometrics import documents
from biometrics.documents.results import DocumentRead, ReadField
from biometrics.models import LivenessChallenge, Verification, VerificationDraft
from biometrics.services import biometric_retention_sweep
from biometrics.tests import factories as f
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db

START = reverse("biometrics:start")
DRAFT = reverse("biometrics:draft-save")
DRAFT_PHOTO = reverse("biometrics:draft-document")


def _details(**overrides) -> dict:
    values = {
        "id_type": "ktp",
        "id_number": f.NIK,
        "full_name": "Siti Rahayu",
        "date_of_birth": f.DOB.isoformat(),
        "sex": "F",
    }
    values.update(overrides)
    return values


def _photo(data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile("id.jpg", data or f.submission()["document"], "image/jpeg")


def test_the_start_page_shows_four_steps_with_a_progress_list(client, verifier):
    client.force_login(verifier)
    page = client.get(START).text
    for title in ("1. Your details", "2. Your ID", "3. Your face", "4. Review and submit"):
        assert title in page
    assert 'class="stepper-progress"' in page
    assert page.count('data-step="') == 4
    # one form: without JavaScript the member fills in every step and sends it at once
    assert page.count('enctype="multipart/form-data"') == 1
    form = page[page.index('id="verification-form"') :]
    assert form[: form.index("</form>")].count('type="submit"') == 1


def test_saving_details_keeps_the_valid_ones_and_names_the_mismatch(client, verifier):
    client.force_login(verifier)
    # when the sex does not match the NIK (a woman's NIK: day + 40)
    response = client.post(DRAFT, _details(sex="M"))
    # then the answer says so on the number, and every typed value is kept
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["id_number"] == ["The NIK does not match the sex you entered."]
    assert body["codes"]["id_number"] == "nik_sex_mismatch"
    draft = VerificationDraft.objects.get(user=verifier)
    assert (draft.full_name, draft.sex, draft.date_of_birth) == ("Siti Rahayu", "M", f.DOB)
    # when they correct only the sex, the server checks it against the kept NIK
    fixed = client.post(DRAFT, {"sex": "F"})
    assert fixed.status_code == 200 and fixed.json()["errors"] == {}


def test_the_drafts_details_are_encrypted_at_rest(client, verifier):
    client.force_login(verifier)
    client.post(DRAFT, _details())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, full_name, date_of_birth, sex FROM biometrics_verificationdraft"
        )
        row = cursor.fetchone()
    assert f.NIK not in row[0] and "Siti" not in row[1] and "1990" not in row[2]


def test_an_invalid_date_is_reported_and_the_other_details_kept(client, verifier):
    client.force_login(verifier)
    response = client.post(DRAFT, _details(date_of_birth="2990-01-01"))
    assert response.json()["errors"]["date_of_birth"] == ["Enter your date of birth."]
    assert VerificationDraft.objects.get(user=verifier).full_name == "Siti Rahayu"


def test_the_id_photo_is_kept_encrypted_and_read_to_offer_a_prefill(
    client, verifier, private_files, monkeypatch
):
    # given a reader that finds a KTP (the real one is tested in test_documents_reader)
    read = DocumentRead(
        kind="ktp",
        fields={
            "id_number": ReadField(f.NIK, 0.99),
            "full_name": ReadField("SITI RAHAYU", 0.97),
            "date_of_birth": ReadField(f.DOB.isoformat(), 0.95),
            "sex": ReadField("F", 0.9),
        },
    )
    monkeypatch.setattr(documents, "document_read", lambda image: read)
    client.force_login(verifier)
    photo = f.submission()["document"]
    # when the member takes the photo of their ID
    response = client.post(DRAFT, {"document": _photo(photo), "read": "1"})
    # then the photo is kept, encrypted, and what was read is offered once (not stored)
    body = response.json()
    assert response.status_code == 200 and body["has_document"] is True
    assert body["read"] == {
        "id_type": "ktp",
        "id_number": f.NIK,
        "full_name": "SITI RAHAYU",
        "date_of_birth": f.DOB.isoformat(),
        "sex": "F",
    }
    draft = VerificationDraft.objects.get(user=verifier)
    assert draft.full_name is None  # what was read is never kept
    (stored,) = private_files()
    assert b"\xff\xd8" not in stored.read_bytes()[:4]  # not a plain JPEG
    # and the member (only) sees their photo again
    assert client.get(DRAFT_PHOTO)["Content-Type"] == "image/jpeg"
    assert client.get(DRAFT_PHOTO).content[:2] == b"\xff\xd8"


def test_a_stranger_never_sees_another_members_draft_photo(client, verifier, other_verifier):
    client.force_login(verifier)
    client.post(DRAFT, {"document": _photo()})
    client.force_login(other_verifier)
    assert client.get(DRAFT_PHOTO).status_code == 404


def test_a_broken_photo_is_refused_and_the_kept_photo_stays(client, verifier):
    client.force_login(verifier)
    client.post(DRAFT, {"document": _photo()})
    kept = VerificationDraft.objects.get(user=verifier).document_file
    response = client.post(DRAFT, {"document": _photo(b"not an image at all")})
    assert response.status_code == 400 and "document" in response.json()["errors"]
    assert VerificationDraft.objects.get(user=verifier).document_file == kept


def test_the_draft_is_refused_without_consent(client, premium_member):
    client.force_login(premium_member)
    response = client.post(DRAFT, _details())
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
    assert not VerificationDraft.objects.exists()


def test_submitting_uses_the_kept_photo_and_deletes_the_draft(
    client, verifier, private_files, django_capture_on_commit_callbacks
):
    client.force_login(verifier)
    client.post(DRAFT, _details())
    client.post(DRAFT, {"document": _photo()})
    draft_file = VerificationDraft.objects.get(user=verifier).document_file
    # the page no longer asks for the ID photo
    assert "New photo of your ID (optional)" in client.get(START).text
    # when the member sends the last step without choosing the photo again
    form = {**_details(), "selfie": SimpleUploadedFile("me.jpg", f.hopper_selfie(), "image/jpeg")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(START, form)
    # then the case is verified from the kept photo and the draft is gone with its file
    verification = Verification.objects.get(user=verifier)
    assert response.status_code == 302
    assert verification.status == "verified"
    assert not VerificationDraft.objects.exists()
    assert draft_file.split("/")[-1] not in [p.name for p in private_files()]


def test_an_expired_challenge_is_renewed_and_keeps_the_details_and_the_photo(
    client, verifier, settings
):
    # given liveness on, and a member whose challenge expired while they typed
    settings.BIOMETRICS_LIVENESS_REQUIRED = True
    client.force_login(verifier)
    client.get(START)
    old = LivenessChallenge.objects.get(user=verifier)
    LivenessChallenge.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    form = {**_details(), "document": _photo(), "challenge_id": str(old.pk)}
    for step in (1, 2, 3):
        form[f"frame_{step}"] = SimpleUploadedFile(f"{step}.jpg", f.hopper_selfie(), "image/jpeg")
    # when
    response = client.post(START, form)
    # then new instructions, with the details filled in and the photo kept
    page = response.text
    assert response.status_code == 400
    assert "The liveness instructions expired, so here are new ones." in page
    new = LivenessChallenge.objects.filter(user=verifier).exclude(pk=old.pk).get()
    assert str(new.pk) in page and 'data-countdown data-seconds-left="1' in page
    assert 'value="Siti Rahayu"' in page and f'value="{f.NIK}"' in page
    assert VerificationDraft.objects.get(user=verifier).has_document
    assert "New photo of your ID (optional)" in page
    assert not Verification.objects.exists()


def test_an_error_on_one_field_keeps_the_photo_already_sent(client, verifier):
    client.force_login(verifier)
    client.post(DRAFT, {"document": _photo()})
    # when the name is missing
    response = client.post(START, {**_details(full_name=""), "selfie": _photo(f.hopper_selfie())})
    # then the error names the name, and the photo is still kept
    assert response.status_code == 400
    assert "Enter your full name as written on your ID." in response.text or (
        "This field is required." in response.text
    )
    assert VerificationDraft.objects.get(user=verifier).has_document
    assert 'data-first-step="1"' in response.text


def test_start_again_deletes_the_draft_and_its_photo(
    client, verifier, private_files, django_capture_on_commit_callbacks
):
    client.force_login(verifier)
    client.post(DRAFT, {**_details(), "document": _photo()})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("biometrics:draft-delete"))
    assert response.status_code == 302
    assert not VerificationDraft.objects.exists()
    assert private_files() == []


def test_withdrawal_and_erasure_delete_the_draft(
    client, verifier, django_capture_on_commit_callbacks, private_files
):
    client.force_login(verifier)
    client.post(DRAFT, {**_details(), "document": _photo()})
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=verifier, purpose="biometric_verification", method="web")
    assert not VerificationDraft.objects.exists()
    assert private_files() == []
    f.grant_biometric_consent(verifier)
    client.post(DRAFT, _details())
    account_erase(user=verifier, method="web")
    assert not VerificationDraft.objects.exists()


def test_retention_deletes_old_drafts_and_keeps_recent_ones_photos(
    client, verifier, other_verifier, private_files, settings
):
    client.force_login(verifier)
    client.post(DRAFT, {"document": _photo()})
    client.force_login(other_verifier)
    client.post(DRAFT, {"document": _photo()})
    VerificationDraft.objects.filter(user=verifier).update(
        updated_at=timezone.now() - timedelta(hours=settings.BIOMETRICS_DRAFT_RETENTION_HOURS + 1)
    )
    # when the sweep runs two days later for orphans too
    removed = biometric_retention_sweep(now=timezone.now())
    # then the old draft went; the recent one and its photo stayed (not taken for an orphan)
    assert removed >= 1
    assert list(VerificationDraft.objects.values_list("user_id", flat=True)) == [other_verifier.pk]
    later = biometric_retention_sweep(now=timezone.now() + timedelta(days=2))
    assert later >= 0
    assert VerificationDraft.objects.get(user=other_verifier).document_file.split("/")[-1] in [
        p.name for p in private_files()
    ]


def test_the_export_shows_the_draft(client, verifier):
    from biometrics.selectors import identity_verification_export

    client.force_login(verifier)
    client.post(DRAFT, _details())
    exported = identity_verification_export(user=verifier)["draft"]
    assert exported["full_name"] == "Siti Rahayu" and exported["id_photo_held"] is False


# --- API ------------------------------------------------------------------------------------

API_DRAFT = reverse("api:verification-draft")


def test_the_api_keeps_a_draft_step_by_step_and_submits_it(
    verifier, other_verifier, api_as, django_capture_on_commit_callbacks
):
    api = api_as(verifier)
    assert api.get(API_DRAFT).status_code == 404
    # details with a mismatching sex: 400 for the number, the rest kept
    refused = api.put(API_DRAFT, _details(sex="M"), format="multipart")
    assert refused.status_code == 400
    assert refused.json()["error"]["field_codes"] == {"id_number": "nik_sex_mismatch"}
    assert api.get(API_DRAFT).json()["full_name"] == "Siti Rahayu"
    kept = api.put(API_DRAFT, {"sex": "F", "document": _photo()}, format="multipart")
    assert kept.status_code == 200 and kept.json()["has_id_photo"] is True
    # another member sees nothing of it
    assert api_as(other_verifier).get(API_DRAFT).status_code == 404
    # when the face step is sent
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.post(
            reverse("api:verification-draft-submit"),
            {"selfie": SimpleUploadedFile("me.jpg", f.hopper_selfie(), "image/jpeg")},
            format="multipart",
        )
    # then the case is made from the draft, which is gone
    assert accepted.status_code == 202
    assert Verification.objects.get(pk=accepted.json()["id"]).status == "verified"
    assert api.get(API_DRAFT).status_code == 404


def test_the_api_submit_names_what_the_draft_lacks_and_delete_removes_it(verifier, api_as):
    api = api_as(verifier)
    api.put(API_DRAFT, {"full_name": "Siti Rahayu"}, format="multipart")
    refused = api.post(
        reverse("api:verification-draft-submit"),
        {"selfie": SimpleUploadedFile("me.jpg", f.hopper_selfie(), "image/jpeg")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert {"document", "id_number", "date_of_birth"} <= set(refused.json()["error"]["fields"])
    assert api.get(API_DRAFT).json()["full_name"] == "Siti Rahayu"  # kept
    assert api.delete(API_DRAFT).status_code == 204
    assert api.get(API_DRAFT).status_code == 404


def test_the_daily_limit_is_a_clear_message_not_an_error_page(client, verifier, settings):
    settings.BIOMETRICS_SUBMISSIONS_PER_DAY = 0
    client.force_login(verifier)
    response = client.post(START, {**_details(), "document": _photo()})
    assert response.status_code == 400
    assert "You can submit at most 0 verifications a day." in response.text
    assert not VerificationDraft.objects.exists()
