"""A new policy version that changes a purpose blocks processing until the member accepts it."""

from __future__ import annotations

from django.urls import reverse

from consent.purposes import PurposeCode
from consent.tests.factories import grant

FIND = PurposeCode.CANDIDATE_DISCOVERY


def test_html_processing_redirects_to_the_prompt_until_accepted(client, member, new_policy):
    # given
    grant(member, FIND)
    client.force_login(member)
    assert client.get(f"/test-gated/{FIND}/").content == b"processed"
    new_policy(FIND)
    # when
    blocked = client.get(f"/test-gated/{FIND}/?q=1")
    prompt = client.get(blocked["Location"])
    accepted = client.post(blocked["Location"])
    after = client.get(f"/test-gated/{FIND}/")
    # then
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("consent:prompt", args=[FIND]))
    assert "next=%2Ftest-gated%2Fcandidate_discovery%2F%3Fq%3D1" in blocked["Location"]
    body = prompt.content.decode()
    assert "Our privacy policy changed for this purpose" in body
    assert "We now also show your skills to employers in more countries." in body
    assert accepted.status_code == 302
    assert accepted["Location"] == f"/test-gated/{FIND}/?q=1"
    assert after.content == b"processed"


def test_api_answers_403_consent_required_naming_the_purpose(api_as, member, new_policy):
    # given
    grant(member, FIND)
    new_policy(FIND)
    client = api_as(member)
    # when
    blocked = client.get(f"/api/v1/test-gated/{FIND}/")
    listed = client.get(reverse("api:consent-list")).json()
    regrant = client.post(reverse("api:consent-detail", args=[FIND]), {})
    after = client.get(f"/api/v1/test-gated/{FIND}/")
    # then
    assert blocked.status_code == 403
    error = blocked.json()["error"]
    assert error["code"] == "consent_required"
    assert error["purpose"] == FIND
    assert error["reason"] == "policy_updated"
    assert {row["code"]: row["state"] for row in listed}[FIND] == "policy_updated"
    assert regrant.status_code == 201
    assert after.status_code == 200


def test_missing_consent_in_the_api_is_403_with_reason_missing(api_as, member):
    response = api_as(member).get(f"/api/v1/test-gated/{PurposeCode.JOB_RECOMMENDATIONS}/")
    assert response.status_code == 403
    assert response.json()["error"]["reason"] == "missing"


def test_a_policy_version_not_yet_effective_changes_nothing(member, new_policy):
    from datetime import timedelta

    from django.utils import timezone

    from consent.selectors import has_consent

    grant(member, FIND)
    policy = new_policy(FIND)
    policy.effective_at = timezone.now() + timedelta(days=7)
    policy.save(update_fields=["effective_at"])
    assert has_consent(member, FIND)
