"""The member's consent API."""

from __future__ import annotations

from django.urls import reverse

from consent.models import ConsentEvent
from consent.purposes import PurposeCode
from consent.selectors import consent_check
from consent.services import access_record
from consent.tests.factories import grant, withdraw

BIO = PurposeCode.BIOMETRIC_VERIFICATION
JOBS = PurposeCode.JOB_RECOMMENDATIONS
FIND = PurposeCode.CANDIDATE_DISCOVERY


def test_anonymous_callers_are_refused(api_client, db):
    response = api_client.get(reverse("api:consent-list"))
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_list_shows_each_purpose_with_its_state(
    api_as, member, new_policy, django_assert_max_num_queries
):
    # given
    grant(member, JOBS)
    grant(member, FIND)
    withdraw(member, JOBS)
    grant(member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    new_policy(PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    grant(member, FIND)  # granted again under the new policy
    client = api_as(member)
    # when
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:consent-list"))
    # then
    states = {row["code"]: row for row in response.json()}
    assert {code: row["state"] for code, row in states.items()} == {
        BIO: "missing",
        JOBS: "withdrawn",
        PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS: "policy_updated",
        FIND: "granted",
    }
    assert states[FIND]["policy_version"] == "2026-11-01"
    assert states[JOBS]["policy_version"] == "2023-09-29"
    assert states[FIND]["since"]
    assert states[BIO]["since"] is None
    assert states[BIO]["signature_required"] is True


def test_grant_returns_the_event_and_receipt_id(api_as, member):
    # when
    response = api_as(member).post(
        reverse("api:consent-detail", args=[JOBS]), {}, HTTP_USER_AGENT="curl/8"
    )
    # then
    assert response.status_code == 201
    body = response.json()
    event = ConsentEvent.objects.get(pk=body["receipt_id"])
    assert body["event"]["id"] == str(event.pk)
    assert body["event"]["action"] == "grant"
    assert body["event"]["policy_version"] == "2023-09-29"
    assert (event.method, event.user_agent) == ("api", "curl/8")
    assert consent_check(user=member, purpose=JOBS) is None


def test_biometric_grant_without_signature_is_refused(api_as, member):
    # when
    response = api_as(member).post(reverse("api:consent-detail", args=[BIO]), {})
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "signature_required"
    assert "signature" in error["fields"]
    assert not ConsentEvent.objects.filter(user=member).exists()


def test_biometric_grant_with_signature_is_recorded(api_as, member):
    response = api_as(member).post(
        reverse("api:consent-detail", args=[BIO]), {"signature": "Member Satu"}
    )
    assert response.status_code == 201
    assert ConsentEvent.objects.get(user=member, purpose=BIO).signature == "Member Satu"


def test_a_wrongly_typed_signature_is_a_clear_400(api_as, member):
    response = api_as(member).post(
        reverse("api:consent-detail", args=[BIO]), {"signature": {"a": 1}}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_withdraw_returns_the_notes(api_as, member, hooks):
    # given
    @hooks.on_withdrawal(FIND)
    def hide(user):
        return ["You are hidden from recruiter search."]

    grant(member, FIND)
    # when
    response = api_as(member).delete(reverse("api:consent-detail", args=[FIND]))
    # then
    assert response.status_code == 200
    assert "You are hidden from recruiter search." in response.json()["notes"]
    assert response.json()["event"]["action"] == "withdraw"
    assert consent_check(user=member, purpose=FIND) == "withdrawn"


def test_unknown_purpose_is_404_in_the_error_envelope(api_as, member):
    client = api_as(member)
    for response in [
        client.post("/api/v1/me/consents/sell_my_data/", {}),
        client.delete("/api/v1/me/consents/sell_my_data/"),
        client.get("/api/v1/me/consents/sell_my_data/receipt/"),
    ]:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_receipt_is_the_latest_grant(api_as, member):
    # given
    grant(member, JOBS)
    withdraw(member, JOBS)
    latest = grant(member, JOBS)
    # when
    response = api_as(member).get(reverse("api:consent-receipt", args=[JOBS]))
    # then
    assert response.status_code == 200
    assert response.json()["consentReceiptID"] == str(latest.pk)


def test_receipt_without_any_grant_is_404(api_as, member):
    response = api_as(member).get(reverse("api:consent-receipt", args=[JOBS]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_outsider_gets_404_not_someone_elses_receipt(api_as, member, other_member):
    # given
    grant(member, JOBS)
    # when
    response = api_as(other_member).get(reverse("api:consent-receipt", args=[JOBS]))
    # then
    assert response.status_code == 404


def test_access_log_is_paginated_and_only_mine(
    api_as, member, other_member, recruiter_a, django_assert_max_num_queries
):
    # given
    for n in range(25):
        access_record(
            accessor=recruiter_a,
            subject=member,
            category="career_profile",
            purpose="candidate_discovery",
            detail=f"view {n}",
            accessor_label="Recruiter A (Employer A)",
        )
    access_record(accessor=recruiter_a, subject=other_member, category="x", purpose="y")
    client = api_as(member)
    # when
    with django_assert_max_num_queries(4):
        first = client.get(reverse("api:consent-access-log"))
    second = client.get(reverse("api:consent-access-log"), {"page": 2})
    # then
    assert first.json()["count"] == 25
    assert len(first.json()["results"]) == 20
    assert len(second.json()["results"]) == 5
    row = first.json()["results"][0]
    assert set(row) == {"id", "who", "what", "why", "detail", "when", "last_at", "count", "by_you"}
    assert row["who"] == "Recruiter A (Employer A)"
    assert row["by_you"] is False


def test_export_via_api_is_the_full_document(api_as, member):
    grant(member, JOBS)
    response = api_as(member).get(reverse("api:consent-export"))
    assert response.status_code == 200
    body = response.json()
    assert body["account"]["email"] == member.email
    assert body["consents"]["events"][0]["receipt"]["version"] == "KI-CR-v1.1.0"
    assert "no-store" in response["Cache-Control"]


def test_delete_me_erases_the_account(api_as, member, password):
    from accounts.models import User

    grant(member, JOBS)
    response = api_as(member).delete(reverse("api:me"), {"password": password}, format="json")
    assert response.status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()
    assert ConsentEvent.objects.filter(erased=True, method="api", action="withdraw").count() == 1
