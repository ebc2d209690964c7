"""The privacy centre pages: grant and withdraw in one click, biometric e-signature, history,
receipts, policies, access log."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from consent.models import ConsentEvent
from consent.purposes import PurposeCode
from consent.selectors import consent_check
from consent.services import access_record
from consent.tests.factories import grant

BIO = PurposeCode.BIOMETRIC_VERIFICATION
JOBS = PurposeCode.JOB_RECOMMENDATIONS
SHARE = PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("consent:centre"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_centre_shows_every_purpose_with_its_state(client, member):
    # given
    grant(member, JOBS)
    client.force_login(member)
    # when
    response = client.get(reverse("consent:centre"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    for name in [
        "Identity verification with biometrics",
        "Job recommendations",
        "Share my profile when I apply",
        "Let employers find me",
    ]:
        assert name in body
    assert "Allowed" in body
    assert reverse("consent:withdraw", args=[JOBS]) in body
    # biometric grant is never one click from the centre: it links to its own page
    assert f'action="{reverse("consent:prompt", args=[BIO])}"' not in body
    assert f'href="{reverse("consent:prompt", args=[BIO])}"' in body


def test_one_click_grant_from_the_centre_records_a_web_event(client, member):
    # given
    client.force_login(member)
    # when
    response = client.post(
        reverse("consent:prompt", args=[JOBS]),
        {"next": reverse("consent:centre")},
        HTTP_USER_AGENT="Firefox/140",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("consent:centre")
    event = ConsentEvent.objects.get(user=member, purpose=JOBS)
    assert (event.action, event.method, event.user_agent) == ("grant", "web", "Firefox/140")
    assert event.ip_address == "127.0.0.1"
    assert event.language == "id"
    assert consent_check(user=member, purpose=JOBS) is None


def test_prompt_explains_what_why_and_how_long(client, member):
    client.force_login(member)
    response = client.get(reverse("consent:prompt", args=[SHARE]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "employer" in body
    assert "What is collected" in body
    assert "How long it is kept" in body
    assert 'name="signature"' not in body


def test_biometric_page_is_separate_and_asks_for_a_signature(client, member):
    client.force_login(member)
    response = client.get(reverse("consent:prompt", args=[BIO]))
    body = response.content.decode()
    assert "Consent to the use of your biometric information" in body
    assert 'name="signature"' in body
    assert "face templates" in body
    assert "3 years" in body


def test_biometric_grant_without_signature_is_refused(client, member):
    # given
    client.force_login(member)
    # when
    response = client.post(reverse("consent:prompt", args=[BIO]), {"understood": "on"})
    # then
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ConsentEvent.objects.filter(user=member).exists()


def test_biometric_grant_with_signature_records_it(client, member):
    # given
    client.force_login(member)
    # when
    response = client.post(
        reverse("consent:prompt", args=[BIO]),
        {"understood": "on", "signature": "Member Satu Lengkap"},
    )
    # then
    assert response.status_code == 302
    event = ConsentEvent.objects.get(user=member, purpose=BIO)
    assert event.signature == "Member Satu Lengkap"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/jobs/recommended/", "/jobs/recommended/"), ("https://evil.example/", "/privacy/")],
)
def test_prompt_returns_only_to_a_safe_next(client, member, next_url, expected):
    client.force_login(member)
    response = client.post(f"{reverse('consent:prompt', args=[JOBS])}?next={next_url}")
    assert response.status_code == 302
    assert response["Location"] == expected


def test_unknown_purpose_prompt_is_404(client, member):
    client.force_login(member)
    assert client.get("/privacy/consent/sell_my_data/").status_code == 404
    assert client.post("/privacy/consent/sell_my_data/withdraw/").status_code == 404


def test_withdraw_is_one_click_and_shows_what_the_handlers_did(client, member, hooks):
    # given
    @hooks.on_withdrawal(SHARE)
    def revoke(user):
        return ["Acme Indonesia had your profile; its access is revoked."]

    grant(member, SHARE)
    client.force_login(member)
    # when
    response = client.post(reverse("consent:withdraw", args=[SHARE]), follow=True)
    # then
    body = response.content.decode()
    assert "You withdrew your consent" in body
    assert "Acme Indonesia had your profile; its access is revoked." in body
    assert consent_check(user=member, purpose=SHARE) == "withdrawn"


def test_withdraw_needs_post(client, member):
    grant(member, SHARE)
    client.force_login(member)
    assert client.get(reverse("consent:withdraw", args=[SHARE])).status_code == 405
    assert consent_check(user=member, purpose=SHARE) is None


def test_history_lists_a_readable_receipt_for_grants_and_withdrawals(client, member):
    # given
    event = grant(member, JOBS)
    client.force_login(member)
    client.post(reverse("consent:withdraw", args=[JOBS]))
    withdrawal = ConsentEvent.objects.filter(user=member, action="withdraw").get()
    # when
    response = client.get(reverse("consent:history"))
    # then
    body = response.content.decode()
    for each in (event, withdrawal):
        assert body.count(reverse("consent:receipt_page", args=[each.pk])) == 1
        assert body.count(f'{reverse("consent:receipt", args=[each.pk])}" download') == 1
    assert "Withdrawn" in body and "Granted" in body


def test_receipt_downloads_as_json(client, member):
    event = grant(member, JOBS)
    client.force_login(member)
    response = client.get(reverse("consent:receipt", args=[event.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["consentReceiptID"] == str(event.pk)


def test_outsider_cannot_download_someone_elses_receipt(client, member, other_member):
    # given
    event = grant(member, JOBS)
    client.force_login(other_member)
    # when
    response = client.get(reverse("consent:receipt", args=[event.pk]))
    # then
    assert response.status_code == 404


def test_policies_page_shows_full_text_and_changes(client, db):
    response = client.get(reverse("consent:policies"))
    body = response.content.decode()
    assert "2023-09-29" in body
    assert "Adds biometric identity verification" in body
    assert "Biometric information. With your explicit consent" in body


def test_access_log_page_shows_who_read_what(client, member, recruiter_a):
    # given
    access_record(
        accessor=recruiter_a,
        subject=member,
        category="career_profile",
        purpose="candidate_discovery",
        accessor_label="Recruiter A (Employer A)",
    )
    client.force_login(member)
    # when
    response = client.get(reverse("consent:access_log"))
    # then
    body = response.content.decode()
    assert "Recruiter A (Employer A)" in body
    assert "Career profile" in body
    assert "Let employers find me" in body


def test_access_log_shows_only_my_entries(client, member, other_member, recruiter_a):
    access_record(
        accessor=recruiter_a,
        subject=other_member,
        category="career_profile",
        purpose="candidate_discovery",
        accessor_label="Someone Else's Reader",
    )
    client.force_login(member)
    response = client.get(reverse("consent:access_log"))
    assert "Someone Else&#x27;s Reader" not in response.content.decode()
    assert "Nobody has accessed your sensitive data." in response.content.decode()
