"""The verification API: submit (multipart, 202), list, detail; refusals; outsiders get 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biometrics.models import Status
from biometrics.tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("api:verification-list")


def _payload(**overrides) -> dict:
    values = f.submission(**overrides)
    values["date_of_birth"] = values["date_of_birth"].isoformat()
    values["document"] = SimpleUploadedFile("id.jpg", values["document"], "image/jpeg")
    values["selfie"] = SimpleUploadedFile("me.jpg", values["selfie"], "image/jpeg")
    return values


def test_submitting_returns_202_and_the_case_is_decided(
    verifier, api_as, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(verifier).post(LIST, _payload(), format="multipart")
    # then
    assert response.status_code == 202
    assert response.json()["status"] == "submitted"
    detail = api_as(verifier).get(reverse("api:verification-detail", args=[response.json()["id"]]))
    body = detail.json()
    assert body["status"] == "verified" and body["final"] is True
    assert body["reason_message"]
    # never the ID number, the name or any image; the document check's outcome, not its text
    assert f.NIK not in detail.content.decode()
    assert not {"id_number", "full_name", "selfie", "distance"} & body.keys()
    assert body["document"] == {
        "kind": "ktp",
        "decision": "pass",
        "code": "",
        "cause": "",
        "mismatched_fields": [],
    }


def test_a_free_member_gets_403_premium_required(member, api_as):
    response = api_as(member).post(LIST, _payload(), format="multipart")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "premium_required"


def test_without_consent_the_api_answers_403_consent_required(premium_member, api_as):
    response = api_as(premium_member).post(LIST, _payload(), format="multipart")
    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["purpose"]) == ("consent_required", "biometric_verification")


def test_field_errors_come_back_per_field(verifier, api_as, private_files):
    # when
    response = api_as(verifier).post(
        LIST, _payload(sex="M", document=b"GIF89a" + b"\x00" * 50), format="multipart"
    )
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"id_number", "document"}
    assert error["field_codes"] == {
        "id_number": "nik_sex_mismatch",
        "document": "image_type_not_allowed",
    }
    assert private_files() == []


def test_missing_fields_and_wrong_types_are_400_not_500(verifier, api_as):
    response = api_as(verifier).post(
        LIST,
        {"id_type": "ktp", "date_of_birth": "yesterday", "document": "text"},
        format="multipart",
    )
    assert response.status_code == 400
    assert {"id_number", "date_of_birth", "selfie"} <= set(response.json()["error"]["fields"])


def test_the_list_shows_only_the_members_own_cases(
    verifier, other_verifier, submit, api_as, django_assert_max_num_queries
):
    # given
    submit(verifier, document=f.blank_photo())
    submit(verifier, selfie=f.blank_photo())
    submit(other_verifier, document=f.blank_photo())
    client = api_as(verifier)
    # when
    with django_assert_max_num_queries(4):
        response = client.get(LIST)
    # then
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["reason_code"] for r in results] == ["no_face_in_selfie", "document_not_found"]


def test_an_outsider_gets_404_for_someone_elses_case(verifier, other_member, submit, api_as):
    # given
    verification = submit(verifier)
    # when
    response = api_as(other_member).get(reverse("api:verification-detail", args=[verification.pk]))
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(LIST).status_code in (401, 403)


def test_submissions_are_throttled(verifier, api_as, settings):
    # given
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "verification_submit": "1/hour"}
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = api_as(verifier)
        client.post(LIST, _payload(document=b""), format="multipart")
        # when
        response = client.post(LIST, _payload(document=b""), format="multipart")
    finally:
        SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    # then
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_a_case_in_review_reports_its_state(verifier, submit, api_as, settings):
    settings.BIOMETRICS = f.REVIEW_BAND
    verification = submit(verifier)
    body = api_as(verifier).get(reverse("api:verification-detail", args=[verification.pk])).json()
    assert (body["status"], body["reason_code"], body["final"]) == (
        Status.NEEDS_REVIEW,
        "near_threshold",
        False,
    )
