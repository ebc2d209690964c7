"""The real-worker path: submit through the API, a Celery worker decides, poll until done.

Run by .ci/run with a broker and a worker (CELERY_WORKER_TESTS=1); skipped otherwise.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biometrics.tests import factories as f

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _submit_and_wait(client, **overrides) -> dict:
    values = f.submission(**overrides)
    values["date_of_birth"] = values["date_of_birth"].isoformat()
    values["document"] = SimpleUploadedFile("id.jpg", values["document"], "image/jpeg")
    values["selfie"] = SimpleUploadedFile("me.jpg", values["selfie"], "image/jpeg")
    response = client.post(reverse("api:verification-list"), values, format="multipart")
    assert response.status_code == 202, response.content
    url = reverse("api:verification-detail", args=[response.json()["id"]])
    deadline = time.monotonic() + 120  # the first task also loads the model
    body = client.get(url).json()
    while not body["final"] and body["status"] != "needs_review" and time.monotonic() < deadline:
        time.sleep(0.5)
        body = client.get(url).json()
    return body


def test_a_real_worker_verifies_a_matching_submission(verifier, api_as, private_files):
    body = _submit_and_wait(api_as(verifier))
    assert body["status"] == "verified"
    assert private_files() == []


def test_a_real_worker_rejects_a_selfie_holding_the_id_card(verifier, api_as):
    body = _submit_and_wait(api_as(verifier), selfie=f.selfie_holding_card())
    assert (body["status"], body["reason_code"]) == ("rejected", "multiple_faces_in_selfie")
