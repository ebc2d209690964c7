"""The member's data export: one JSON with every category, including other apps' sections."""

from __future__ import annotations

import json

from django.urls import reverse

from consent.models import AccessLogEntry
from consent.purposes import PurposeCode
from consent.selectors import member_export
from consent.services import access_record, member_export_create
from consent.tests.factories import grant, withdraw


def test_export_contains_every_category(member, recruiter_a, hooks):
    # given: sections registered the way biometrics and careers register theirs
    hooks.export_section("biometrics")(
        lambda user: {"verifications": [{"status": "approved", "decided_at": "2026-01-01"}]}
    )
    hooks.export_section("careers")(
        lambda user: {"profile": {}, "activity": [], "applications": []}
    )
    grant(member, PurposeCode.BIOMETRIC_VERIFICATION)
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    withdraw(member, PurposeCode.JOB_RECOMMENDATIONS)
    access_record(
        accessor=recruiter_a,
        subject=member,
        category="career_profile",
        purpose="candidate_discovery",
    )
    # when
    data = member_export(user=member)
    # then
    assert {"account", "consents", "access_log", "biometrics", "careers"} <= set(data)
    assert data["account"]["email"] == member.email
    assert data["account"]["premium"]["active"] is False
    events = data["consents"]["events"]
    assert [e["action"] for e in events] == ["withdraw", "grant", "grant"]
    assert events[1]["receipt"]["consentReceiptID"] == events[1]["id"]
    assert events[0]["receipt"]["x-action"] == "withdraw"
    assert {c["purpose"]: c["state"] for c in data["consents"]["current"]}[
        PurposeCode.JOB_RECOMMENDATIONS
    ] == "withdrawn"
    assert data["access_log"][0]["what"] == "career_profile"
    assert data["biometrics"]["verifications"][0]["status"] == "approved"
    assert set(data["careers"]) == {"profile", "activity", "applications"}
    json.dumps(data)  # plain JSON, nothing left to encode


def test_every_registered_app_section_is_in_the_export(member):
    # the real sections other apps registered from their AppConfig.ready()
    from consent.registry import export_handlers

    data = member_export(user=member)
    assert set(export_handlers()) <= set(data)


def test_a_section_named_like_a_core_key_does_not_overwrite_it(member, hooks):
    hooks.export_section("account")(lambda user: {"x": 1})
    data = member_export(user=member)
    assert data["account"]["email"] == member.email
    assert data["account_section"] == {"x": 1}


def test_exporting_is_recorded_in_the_members_access_log(member):
    member_export_create(user=member, method="web")
    entry = AccessLogEntry.objects.get(subject=member)
    assert entry.accessor_id == member.pk
    assert entry.category == "data_export"


def test_html_export_downloads_json(client, member):
    client.force_login(member)
    page = client.get(reverse("consent:export"))
    download = client.post(reverse("consent:export"))
    assert page.status_code == 200
    assert download.status_code == 200
    assert download["Content-Type"] == "application/json"
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["account"]["id"] == str(member.pk)


def test_the_export_is_only_ever_the_callers_own(api_as, member, other_member):
    grant(other_member, PurposeCode.JOB_RECOMMENDATIONS)
    body = api_as(member).get(reverse("api:consent-export")).json()
    assert other_member.email not in json.dumps(body)
    assert body["consents"]["events"] == []
