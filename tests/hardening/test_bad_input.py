"""Bad input: hostile images through the API and the HTML form, and malformed API requests.

Every refusal is a clear message (the JSON error envelope in the API, the form's error in
HTML), never a 500, and leaves nothing behind: no row, no file in the private storage.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from biometrics.models import Verification, VerificationDraft, VerificationImage
from biometrics.private_files import encrypted_file_read
from biometrics.tests.factories import DOB, NIK, SEX, hopper_card
from tests.hardening.conftest import grant, private_files
from tests.hardening.images import CORPUS, TEST_BYTE_CAP, Upload

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/me/verifications/"
FORM_URL = "/verification/"


@pytest.fixture
def verifier(premium_member, settings):
    from consent.purposes import PurposeCode

    settings.MAX_UPLOAD_BYTES = TEST_BYTE_CAP
    grant(premium_member, PurposeCode.BIOMETRIC_VERIFICATION)
    return premium_member


def form_fields(upload: Upload) -> dict[str, Any]:
    return {
        "id_type": "ktp",
        "id_number": NIK,
        "full_name": "Siti Rahayu",
        "date_of_birth": DOB.isoformat(),
        "sex": SEX,
        "document": SimpleUploadedFile("card.jpg", hopper_card(), "image/jpeg"),
        "selfie": SimpleUploadedFile(upload.filename, upload.build(), "image/jpeg"),
    }


def assert_envelope(body: dict[str, Any]) -> dict[str, Any]:
    """The one API error shape; return its inner object."""
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error


def assert_nothing_stored() -> None:
    assert Verification.objects.count() == 0
    assert VerificationImage.objects.count() == 0
    assert private_files() == []


REFUSED = [u for u in CORPUS if not u.accepted]
ACCEPTED = [u for u in CORPUS if u.accepted]


@pytest.mark.parametrize("upload", REFUSED, ids=lambda u: u.label)
def test_the_api_refuses_a_bad_image_with_a_clear_message_and_keeps_nothing(
    upload, verifier, api_as
):
    # given
    client = api_as(verifier)
    # when
    response = client.post(API_URL, form_fields(upload), format="multipart")
    # then
    assert response.status_code == 400, response.content
    error = assert_envelope(response.json())
    assert error["code"] == "invalid"
    assert upload.says in error["fields"]["selfie"][0].lower()
    if "field_codes" in error:  # refused by the image intake (not by the upload field itself)
        assert error["field_codes"]["selfie"] == upload.code
    assert_nothing_stored()


@pytest.mark.parametrize("upload", REFUSED, ids=lambda u: u.label)
def test_the_form_refuses_a_bad_image_with_a_clear_message_and_keeps_nothing(
    upload, verifier, client
):
    # given
    client.force_login(verifier)
    # when
    response = client.post(FORM_URL, form_fields(upload))
    # then
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors.get("selfie"), errors
    assert upload.says in errors["selfie"][0].lower()
    # no case and no selfie; the valid ID photo waits, encrypted, in the member's draft
    assert Verification.objects.count() == 0
    assert VerificationImage.objects.count() == 0
    draft = VerificationDraft.objects.get(user=verifier)
    assert [p.name for p in private_files()] == [draft.document_file.split("/")[-1]]


def _stored_selfie(verification_id: str) -> Image.Image:
    image = VerificationImage.objects.get(verification_id=verification_id, kind="selfie")
    return Image.open(io.BytesIO(encrypted_file_read(name=image.file_name)))


@pytest.mark.parametrize("upload", ACCEPTED, ids=lambda u: u.label)
def test_awkward_but_valid_images_are_accepted_as_clean_rgb_jpegs(upload, verifier, api_as):
    # given
    client = api_as(verifier)
    # when
    response = client.post(API_URL, form_fields(upload), format="multipart")
    # then
    assert response.status_code == 202, response.content
    stored = _stored_selfie(response.json()["id"])
    assert (stored.format, stored.mode) == ("JPEG", "RGB")
    assert not stored.getexif(), "metadata must be stripped"
    if upload.label == "exif_rotated_jpeg":
        assert stored.size == (300, 400), "the EXIF rotation is applied"


def test_the_form_accepts_an_exif_rotated_photo_upright(verifier, client):
    # given
    client.force_login(verifier)
    upload = next(u for u in CORPUS if u.label == "exif_rotated_jpeg")
    # when
    response = client.post(FORM_URL, form_fields(upload))
    # then
    assert response.status_code == 302
    verification = Verification.objects.get(user=verifier)
    assert _stored_selfie(str(verification.pk)).size == (300, 400)


# --- malformed requests -----------------------------------------------------------------------


def test_a_request_body_over_the_memory_limit_is_refused_in_the_error_shape(api_as, member):
    # given: a JSON body over DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB)
    client = api_as(member)
    body = json.dumps({"headline": "x" * (3 * 1024 * 1024)})
    # when
    response = client.generic("PUT", "/api/v1/me/profile/", body, "application/json")
    # then
    assert response.status_code in {400, 413}
    assert_envelope(response.json())


def test_too_many_files_in_one_upload_are_refused_and_nothing_is_kept(verifier, api_as):
    # given: more files than DATA_UPLOAD_MAX_NUMBER_FILES
    data = form_fields(CORPUS[-1])
    for n in range(70):  # the limit is 64: a liveness recording of 60 frames and two photos
        data[f"extra{n}"] = SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg")
    # when
    response = api_as(verifier).post(API_URL, data, format="multipart")
    # then
    assert response.status_code == 400
    assert_envelope(response.json())
    assert_nothing_stored()


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("text/plain", "headline=hello"),
        ("application/xml", "<profile><headline>x</headline></profile>"),
        ("application/json", '{"headline": '),
        ("application/json", "\udcff"),
    ],
    ids=["text", "xml", "truncated_json", "bad_unicode"],
)
def test_wrong_content_types_and_broken_bodies_get_the_error_shape(
    content_type, body, api_as, member
):
    # given
    client = api_as(member)
    # when
    response = client.generic(
        "PUT", "/api/v1/me/profile/", body.encode("utf-8", "surrogateescape"), content_type
    )
    # then
    assert 400 <= response.status_code < 500, response.content
    assert_envelope(response.json())


def test_a_broken_multipart_body_changes_nothing(api_as, member):
    # given
    from careers.tests.factories import profile_with_skills

    profile_with_skills(user=member, skills={"Python": 4}, headline="Senior developer")
    client = api_as(member)
    # when: Django's parser reads a body without valid parts as empty; PUT keys are optional
    response = client.generic(
        "PUT", "/api/v1/me/profile/", b"--nope\r\nbroken", "multipart/form-data; boundary=nope"
    )
    # then
    assert response.status_code < 500
    assert client.get("/api/v1/me/profile/").json()["headline"] == "Senior developer"


def test_a_json_body_sent_to_the_multipart_verification_endpoint_is_refused_cleanly(
    verifier, api_as
):
    # when
    response = api_as(verifier).post(API_URL, {"id_type": "ktp"}, format="json")
    # then
    assert response.status_code == 415
    assert_envelope(response.json())
    assert_nothing_stored()


def test_a_request_django_refuses_before_any_view_still_gets_the_error_shape(client):
    # when: a Host header the site does not serve (DisallowedHost, answered by handler400)
    client.raise_request_exception = False
    api = client.get("/api/v1/jobs/", HTTP_HOST="evil.example")
    page = client.get("/jobs/", HTTP_HOST="evil.example")
    # then
    assert api.status_code == 400
    assert_envelope(api.json())
    assert page.status_code == 400


def test_a_nul_character_in_the_url_is_refused_in_the_error_shape_not_a_500(client, api_as, member):
    # given: PostgreSQL refuses NUL in text, and views read some query parameters as they come
    # (the API fuzzer's 500: GET /api/v1/employers/?q=%00)
    client.raise_request_exception = False
    api = api_as(member)
    api.raise_request_exception = False
    # when
    search = api.get("/api/v1/employers/?q=a%00b")
    named = api.get("/api/v1/employers/?q%00=a")
    page = client.get("/accounts/signup/?invitation=%00")
    clean = api.get("/api/v1/employers/?q=a")
    # then
    for response in (search, named):
        assert response.status_code == 400
        assert_envelope(response.json())
        assert list(response.json()["error"]["fields"]) == ["q"]
    assert page.status_code == 400
    assert clean.status_code == 200


# --- wrong JSON types on every JSON endpoint (from the OpenAPI schema) -------------------------

WRONG = {
    "string": [{"nested": 1}, [1, 2], 12.5],
    "integer": ["abc", [1], {"n": 1}, 1.5, 10**30],
    "number": ["abc", [1], {"n": 1}],
    "boolean": ["maybe", [True], {"b": 1}],
    "array": ["x", {"a": 1}, 7, [{"deep": [None]}]],
    "object": ["x", [1], 7],
}


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def _json_operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _resolve(schema, content["application/json"].get("schema", {}))
                found.append((method, path, body))
    return found


def _bodies(schema: dict[str, Any], body: dict[str, Any]) -> list[Any]:
    out: list[Any] = [[], "text", 42, None, {"unknown_field": 1}]
    for name, prop in (body.get("properties") or {}).items():
        kind = _resolve(schema, prop).get("type", "string")
        out += [{name: value} for value in WRONG.get(kind, WRONG["string"])]
    return out


def test_every_json_endpoint_refuses_wrong_types_in_the_error_shape_and_changes_nothing(world):
    # given: every operation with a JSON body, as the role that may use it, on real objects
    from tests.hardening.test_fuzzing import _path_parameters, _role_for
    from tests.hardening.test_permission_matrix import database_fingerprint

    schema = world.client("anonymous").get("/api/schema/?format=json").json()
    params = _path_parameters(world)
    operations = _json_operations(schema)
    tried, failures, changed = 0, [], []
    # when
    for method, path, body in operations:
        url = path
        for name, value in params.items():
            url = url.replace(f"{{{name}}}", value)
        client = world.client("anonymous")
        headers = world.api_headers(_role_for(path))
        before = database_fingerprint()
        for payload in _bodies(schema, body):
            response = getattr(client, method)(
                url, data=json.dumps(payload), content_type="application/json", **headers
            )
            tried += 1
            status = response.status_code
            if status >= 500 or (status >= 400 and "error" not in response.json()):
                failures.append(f"{method.upper()} {path} {payload!r}: {status}")
            if status < 400:
                before = database_fingerprint()  # an accepted body may change data
        if database_fingerprint() != before:
            changed.append(f"{method.upper()} {path}")
    # then
    print(f"\nwrong JSON types: {len(operations)} operations, {tried} bodies")
    assert len(operations) >= 5
    assert failures == []
    assert changed == []
