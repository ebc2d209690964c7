"""Member pages: what is missing, the form, the status page that updates itself."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biometrics.models import Verification, VerificationDraft
from biometrics.tests import factories as f

pytestmark = pytest.mark.django_db

START = reverse("biometrics:start")


def _form(**overrides) -> dict:
    values = f.submission(**overrides)
    values["date_of_birth"] = values["date_of_birth"].isoformat()
    values["document"] = SimpleUploadedFile("id.jpg", values["document"], "image/jpeg")
    values["selfie"] = SimpleUploadedFile("me.jpg", values["selfie"], "image/jpeg")
    return values


def test_a_free_member_is_told_premium_is_needed_and_that_verification_is_optional(client, member):
    client.force_login(member)
    page = client.get(START).content.decode()
    assert 'id="missing-premium"' in page
    assert "This is optional." in page
    assert 'enctype="multipart/form-data"' not in page


def test_a_premium_member_without_consent_gets_a_link_to_the_consent_prompt(client, premium_member):
    client.force_login(premium_member)
    page = client.get(START).content.decode()
    assert 'id="missing-consent"' in page
    assert "biometric_verification" in page or "/privacy/" in page
    assert 'id="missing-premium"' not in page


def test_a_consenting_premium_member_sees_the_form_with_a_front_camera_selfie(client, verifier):
    client.force_login(verifier)
    page = client.get(START).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'capture="user"' in page and 'accept="image/*"' in page
    assert "biometrics/biometrics.js" in page


def test_submitting_the_form_leads_to_the_status_page_with_the_decision(
    client, verifier, django_capture_on_commit_callbacks
):
    client.force_login(verifier)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(START, _form())
    # then
    verification = Verification.objects.get(user=verifier)
    assert response.status_code == 302
    assert response.url == reverse("biometrics:status", args=[verification.pk])
    page = client.get(response.url).content.decode()
    assert "Your identity is verified." in page
    # the badge shows on the start page afterwards
    assert "ID verified" in client.get(START).content.decode()


def test_a_form_error_keeps_the_typed_values_and_the_id_photo_but_submits_nothing(
    client, verifier, private_files
):
    client.force_login(verifier)
    # when
    response = client.post(START, _form(sex="M", full_name="Siti Rahayu"))
    # then
    page = response.content.decode()
    assert response.status_code == 400
    assert "The NIK does not match the sex you entered." in page
    assert 'value="Siti Rahayu"' in page
    assert not Verification.objects.exists()
    # the ID photo waits, encrypted, in the member's draft: the form no longer asks for it
    draft = VerificationDraft.objects.get(user=verifier)
    assert [p.name for p in private_files()] == [draft.document_file.split("/")[-1]]
    assert "New photo of your ID (optional)" in page


def test_a_status_page_still_waiting_polls_for_news(
    client, verifier, django_capture_on_commit_callbacks
):
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(START, _form())
    verification = Verification.objects.get()
    # when
    page = client.get(reverse("biometrics:status", args=[verification.pk])).content.decode()
    status = client.get(reverse("biometrics:status-json", args=[verification.pk])).json()
    # then
    assert 'data-final="0"' in page and 'class="progress"' in page
    assert 'http-equiv="refresh"' in page  # without JavaScript
    assert (status["status"], status["final"]) == ("submitted", False)


def test_an_outsider_gets_404_on_someone_elses_status_page(client, verifier, other_member, submit):
    verification = submit(verifier)
    client.force_login(other_member)
    assert client.get(reverse("biometrics:status", args=[verification.pk])).status_code == 404
    assert client.get(reverse("biometrics:status-json", args=[verification.pk])).status_code == 404


def test_a_member_without_consent_who_posts_is_sent_to_the_consent_prompt(client, premium_member):
    client.force_login(premium_member)
    response = client.post(START, _form())
    assert response.status_code == 302
    assert "next=" in response.url
    assert not Verification.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(START)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
