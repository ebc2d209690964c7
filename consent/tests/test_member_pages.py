"""Privacy centre as a member reads it: consents right after sign-up, readable receipts for
grants and withdrawals, one effective date, links to the serving host, a compact and translated
access log, the account page's way out, and the policies page for visitors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from consent.models import AccessLogEntry, ConsentEvent, ConsentState
from consent.purposes import PurposeCode
from consent.services import access_record
from consent.tests.factories import grant

pytestmark = pytest.mark.django_db

JOBS = PurposeCode.JOB_RECOMMENDATIONS
SHARE = PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS


def test_sign_up_links_the_privacy_policy(client):
    response = client.get(reverse("accounts:signup"))
    assert reverse("consent:policies") in response.content.decode()


def test_right_after_sign_up_the_member_chooses_consents_all_off(client):
    # when
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "new@example.test",
            "display_name": "New",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    page = client.get(response.url)
    # then
    assert response.url.startswith(reverse("consent:welcome"))
    body = page.content.decode()
    boxes = re.findall(r'<input type="checkbox" name="purpose"[^>]*>', body)
    assert len(boxes) == 3  # every purpose but the signed biometric one
    assert not any("checked" in box for box in boxes)
    assert "What is collected:" in body and "How long it is kept:" in body
    assert not ConsentState.objects.exists()


def test_the_consents_step_records_only_what_was_ticked(client, member):
    # given
    client.force_login(member)
    # when
    response = client.post(reverse("consent:welcome"), {"purpose": [JOBS], "next": "/jobs/"})
    # then
    assert response.url == "/jobs/"
    granted = set(
        ConsentState.objects.filter(user=member, granted=True).values_list("purpose_id", flat=True)
    )
    assert granted == {JOBS}


def test_skipping_the_consents_step_records_nothing(client, member):
    client.force_login(member)
    client.post(reverse("consent:welcome"), {"next": "/profile/"})
    assert not ConsentState.objects.filter(user=member).exists()


def test_a_receipt_is_a_readable_page_for_a_grant_and_for_a_withdrawal(client, member):
    # given
    event = grant(member, JOBS)
    client.force_login(member)
    client.post(reverse("consent:withdraw", args=[JOBS]))
    withdrawal = ConsentEvent.objects.get(user=member, action="withdraw")
    # when
    granted_page = client.get(reverse("consent:receipt_page", args=[event.pk]))
    withdrawn_page = client.get(reverse("consent:receipt_page", args=[withdrawal.pk]))
    withdrawn_json = client.get(reverse("consent:receipt", args=[withdrawal.pk]))
    # then
    assert granted_page.status_code == 200
    assert "Consent receipt" in granted_page.content.decode()
    assert "data-print" in granted_page.content.decode()
    assert "Withdrawal receipt" in withdrawn_page.content.decode()
    assert withdrawn_json.json()["x-action"] == "withdraw"


def test_someone_elses_receipt_page_is_not_found(client, member, other_member):
    event = grant(member, JOBS)
    client.force_login(other_member)
    assert client.get(reverse("consent:receipt_page", args=[event.pk])).status_code == 404


def test_receipt_links_point_at_the_host_serving_the_request(client, member):
    # given
    event = grant(member, JOBS)
    client.force_login(member)
    # when
    data = client.get(reverse("consent:receipt", args=[event.pk]), HTTP_HOST="testserver").json()
    # then
    assert data["policyUrl"].startswith("http://testserver/privacy/policies/")
    assert data["piiControllers"][0]["piiControllerUrl"] == "http://testserver"
    assert "127.0.0.1:8000" not in str(data)


def test_the_policy_effective_date_is_the_same_day_everywhere(client, member):
    # given: the seeded policy takes effect at midnight in Jakarta (the day before in UTC)
    event = grant(member, JOBS)
    client.force_login(member)
    # when
    receipt = client.get(reverse("consent:receipt", args=[event.pk])).json()
    page = client.get(reverse("consent:receipt_page", args=[event.pk])).content.decode()
    policies = client.get(reverse("consent:policies")).content.decode()
    # then
    assert receipt["x-policyEffectiveDate"] == "2023-09-29"
    assert "29 September 2023" in page and "29 September 2023" in policies
    assert "effective 29 September 2023" in event.text.text
    assert "28 September" not in page + policies + event.text.text


def test_the_api_gives_a_withdrawal_its_receipt(api_as, member):
    # given
    grant(member, JOBS)
    client = api_as(member)
    # when
    withdrawn = client.delete(reverse("api:consent-detail", args=[JOBS])).json()
    receipt = client.get(reverse("api:consent-receipt-by-id", args=[withdrawn["receipt_id"]]))
    # then
    assert receipt.status_code == 200
    assert receipt.json()["x-action"] == "withdraw"


def test_the_api_hides_a_strangers_receipt(api_as, member, other_member):
    event = grant(member, JOBS)
    response = api_as(other_member).get(reverse("api:consent-receipt-by-id", args=[event.pk]))
    assert response.status_code == 404


def _read(member, accessor, detail="verification 0a1b2c3d-0000-4000-8000-000000000000"):
    return access_record(
        accessor=accessor,
        subject=member,
        category="identity_verification",
        purpose="biometric_verification",
        detail=detail,
        accessor_label="Reviewer",
    )


def test_reloading_a_page_adds_no_access_log_rows(member, reviewer):
    # when
    for _ in range(4):
        _read(member, reviewer)
    # then
    row = AccessLogEntry.objects.get(subject=member)
    assert row.count == 4
    assert row.last_at is not None


def test_a_different_read_or_a_later_one_gets_its_own_row(member, reviewer, settings):
    # given
    _read(member, reviewer)
    _read(member, reviewer, detail="verification 99999999-0000-4000-8000-000000000000")
    AccessLogEntry.objects.update(created_at=timezone.now() - timedelta(hours=1))
    # when
    _read(member, reviewer)
    # then
    assert AccessLogEntry.objects.filter(subject=member).count() == 3


def test_access_log_details_read_in_the_page_language(client, member, reviewer):
    # given
    _read(member, reviewer)
    client.force_login(member)
    client.cookies["django_language"] = "id"
    # when
    body = client.get(reverse("consent:access_log")).content.decode()
    # then
    assert "Verifikasi identitas 0a1b2c3d" in body
    assert "verification 0a1b2c3d" not in body


def test_account_page_links_to_deleting_the_account(client, member):
    client.force_login(member)
    body = client.get(reverse("accounts:account")).content.decode()
    assert f'href="{reverse("consent:erase")}"' in body
    assert "Delete my account" in body


def test_policies_signed_out_speak_to_a_visitor(client):
    # when
    body = client.get(reverse("consent:policies")).content.decode()
    # then
    assert "Needs your consent again" not in body
    assert reverse("accounts:signup") in body
    assert "<div></div>" not in body
    assert not User.objects.exists()
