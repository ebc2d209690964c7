"""The document check in the verification flow: each reason code, every kind of ID through the
API and the HTML form, the review table, and what is kept of the text read."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from biometrics import services
from biometrics.models import Status, Verification
from biometrics.tests import factories as f
from consent.models import AccessLogEntry

pytestmark = pytest.mark.django_db

OTHER_NIK = "3174094512900002"  # obeys every NIK rule for the typed birth date and sex


def test_a_holiday_photo_of_two_people_is_not_an_id_document(verifier, submit):
    # the report of issue 12: this photo and a selfie used to come back "verified"
    verification = submit(verifier, document=f.holiday_photo())
    assert (verification.status, verification.reason_code) == (
        Status.REJECTED,
        "document_not_found",
    )


def test_a_card_printing_another_nik_is_a_data_mismatch_that_names_the_field_not_the_value(
    verifier, submit, api_as
):
    # given a made-up NIK that follows the rules, typed with a real card that prints another
    verification = submit(verifier, id_number=OTHER_NIK, document=f.hopper_card())
    # then
    assert (verification.status, verification.reason_code) == (
        Status.REJECTED,
        "document_data_mismatch",
    )
    assert verification.document_check["mismatched"] == ["id_number"]
    body = api_as(verifier).get(reverse("api:verification-detail", args=[verification.pk]))
    detail = body.json()
    assert detail["document"]["mismatched_fields"] == ["id_number"]
    assert "ID number" in detail["reason_message"]
    # never echo what was read (the printed NIK), nor keep it
    assert f.NIK not in body.content.decode()
    assert f.NIK not in str(verification.document_check)
    assert verification.document_read is None


def test_a_passport_with_one_wrong_check_digit_is_rejected(verifier, submit):
    passport = f.document("passport", broken_check="birth")
    verification = submit(
        verifier, id_type="passport", id_number=f.PASSPORT_NUMBER, document=passport
    )
    assert (verification.status, verification.reason_code) == (
        Status.REJECTED,
        "document_mrz_invalid",
    )


def test_an_expired_passport_is_rejected(verifier, submit):
    expired = f.document("passport", expiry=date(2024, 1, 31))
    verification = submit(
        verifier, id_type="passport", id_number=f.PASSPORT_NUMBER, document=expired
    )
    assert (verification.status, verification.reason_code) == (
        Status.REJECTED,
        "document_expired",
    )


def test_a_card_cut_off_by_the_frame_is_unreadable_with_advice(verifier, submit, client):
    cut = f.photo_variant(f.hopper_card(), crop=0.62)
    verification = submit(verifier, document=cut)
    assert (verification.reason_code, verification.document_check["cause"]) == (
        "document_unreadable",
        "cut_off",
    )
    client.force_login(verifier)
    page = client.get(reverse("biometrics:status", args=[verification.pk])).content.decode()
    assert "Fit the whole ID in the picture" in page


def test_a_blurred_card_is_unreadable_because_of_the_blur(verifier, submit):
    verification = submit(verifier, document=f.photo_variant(f.hopper_card(), blur=3))
    assert (verification.reason_code, verification.document_check["cause"]) == (
        "document_unreadable",
        "blur",
    )


def test_the_face_matched_is_the_cards_own_portrait_not_a_face_beside_it(verifier, submit):
    # Grace Hopper holds a card whose portrait is someone else; her selfie must not match it
    verification = submit(verifier, document=f.card_held_beside_a_face())
    assert verification.status != Status.VERIFIED
    # her own face, larger and beside the card, would have matched at about 0.1
    assert verification.distance > 0.45


def test_a_near_miss_goes_to_a_person_who_sees_typed_and_read_side_by_side(
    verifier, submit, reviewer, client
):
    # given a typed name close to the printed one, but not the same
    verification = submit(verifier, full_name="Siti Rahayuningsih", document=f.hopper_card())
    assert (verification.status, verification.reason_code) == (
        Status.NEEDS_REVIEW,
        "document_review",
    )
    # the text read is kept encrypted while the case is open
    raw = _raw_column(verification, "document_read")
    assert raw and f.NIK not in raw and "RAHAYU" not in raw
    # when a reviewer opens the case
    client.force_login(reviewer)
    url = reverse("admin:biometrics_verification_review", args=[verification.pk])
    page = client.get(url).content.decode()
    # then: the flattened document, each field typed vs read with its outcome and confidence
    assert 'alt="The ID document, flattened"' in page
    assert "Siti Rahayuningsih" in page and "SITIRAHAYU" in page.replace(" ", "")
    assert "outcome-near" in page and "outcome-match" in page
    assert AccessLogEntry.objects.filter(
        subject=verifier, category="identity document text", accessor=reviewer
    ).exists()
    # and after the decision only the outcome per field remains
    services.verification_review_approve(verification_id=verification.pk, reviewer=reviewer)
    verification.refresh_from_db()
    assert verification.status == Status.VERIFIED
    assert verification.document_read is None
    assert _raw_column(verification, "document_read") is None
    outcomes = {row["field"]: row["outcome"] for row in verification.document_check["fields"]}
    assert outcomes["full_name"] == "near" and outcomes["id_number"] == "match"
    assert "value" not in str(verification.document_check)


def test_withdrawing_consent_deletes_the_text_read_from_the_document(verifier, submit):
    from consent.purposes import PurposeCode
    from consent.services import consent_withdraw

    verification = submit(verifier, full_name="Siti Rahayuningsih", document=f.hopper_card())
    assert verification.document_read
    consent_withdraw(user=verifier, purpose=PurposeCode.BIOMETRIC_VERIFICATION, method="web")
    verification.refresh_from_db()
    assert verification.status == Status.CANCELLED
    assert verification.document_read is None


def test_the_reviewer_sees_each_reading_of_a_name_read_twice(verifier, submit, reviewer, client):
    import json

    # given a case in review whose name was read twice (a passport's doubtful MRZ name and
    # the name printed in its visual zone): the second reading is kept with the first
    verification = submit(verifier, full_name="Siti Rahayuningsih", document=f.hopper_card())
    stored = json.loads(verification.document_read)
    stored["fields"]["full_name"]["others"] = ["RAHAYU SITI"]
    verification.document_read = json.dumps(stored)
    verification.save(update_fields=["document_read"])
    # when a reviewer opens the case
    client.force_login(reviewer)
    url = reverse("admin:biometrics_verification_review", args=[verification.pk])
    page = client.get(url).content.decode()
    # then both readings are shown beside what was typed
    assert "also read:" in page and "RAHAYU SITI" in page


def _raw_column(verification: Verification, column: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM biometrics_verification WHERE id = %s",  # noqa: S608
            [verification.pk.hex if connection.vendor == "sqlite" else verification.pk],
        )
        row = cursor.fetchone()
    return row[0] if row else None


KINDS = [
    ("ktp", f.NIK),
    ("passport", f.PASSPORT_NUMBER),
    ("driving_licence", f.SIM_NUMBER),
]


def _upload(kind: str, number: str) -> dict:
    values = f.submission(id_type=kind, id_number=number)
    values["date_of_birth"] = values["date_of_birth"].isoformat()
    values["document"] = SimpleUploadedFile("id.jpg", values["document"], "image/jpeg")
    values["selfie"] = SimpleUploadedFile("me.jpg", values["selfie"], "image/jpeg")
    return values


@pytest.mark.parametrize(("kind", "number"), KINDS)
def test_each_kind_of_id_verifies_through_the_api(
    kind, number, verifier, api_as, django_capture_on_commit_callbacks
):
    client = api_as(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:verification-list"), _upload(kind, number), format="multipart"
        )
    assert response.status_code == 202
    detail = client.get(reverse("api:verification-detail", args=[response.json()["id"]])).json()
    assert detail["status"] == "verified", detail
    assert detail["document"] == {
        "kind": kind,
        "decision": "pass",
        "code": "",
        "cause": "",
        "mismatched_fields": [],
    }


@pytest.mark.parametrize(("kind", "number"), KINDS)
def test_each_kind_of_id_verifies_through_the_html_form(
    kind, number, verifier, client, django_capture_on_commit_callbacks
):
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("biometrics:start"), _upload(kind, number))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Your identity is verified." in page


def test_document_reason_codes_are_in_the_api_schema_admin_filter_and_dashboard(
    admin_user, client, api_client
):
    schema = api_client.get("/api/schema/").content.decode()
    codes = [
        "document_not_found",
        "document_unreadable",
        "document_data_mismatch",
        "document_expired",
        "document_mrz_invalid",
    ]
    assert all(code in schema for code in codes)
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:biometrics_verification_changelist")).content.decode()
    assert "reason_code__exact=document_mrz_invalid" in changelist
    assert "document=blur" in changelist
    dashboard = client.get(reverse("admin-dashboard")).content.decode()
    assert all(code in dashboard for code in codes)
