"""Token authentication, /api/v1/me/, and the shared error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from accounts.tests.factories import PremiumFactory

pytestmark = pytest.mark.django_db


def test_token_for_right_credentials_authenticates_me(api_client, member, password):
    # when
    token = api_client.post(
        "/api/v1/auth/token/", {"email": member.email, "password": password}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    # then
    assert me.status_code == 200
    assert me.json()["email"] == member.email


def test_wrong_credentials_get_400_in_the_shared_error_shape(api_client, member):
    # when
    response = api_client.post(
        "/api/v1/auth/token/", {"email": member.email, "password": "nope"}, format="json"
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "invalid_credentials"
    assert body["error"]["message"]


def test_malformed_token_request_names_the_fields(api_client):
    # when
    response = api_client.post("/api/v1/auth/token/", {"email": "not-an-email"}, format="json")
    # then
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"email", "password"}


def test_token_creation_is_rate_limited(api_client, member, monkeypatch):
    # given: DRF reads the rates once, at import; monkeypatch puts them back afterwards
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "auth_token": "3/min"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    cache.clear()
    # when
    codes = [
        api_client.post(
            "/api/v1/auth/token/", {"email": member.email, "password": "x"}, format="json"
        ).status_code
        for _ in range(5)
    ]
    # then
    assert codes[:3] == [400, 400, 400]
    assert codes[3] == 429


def test_me_reports_premium_and_employer_memberships(api_as, recruiter_a, employer_a):
    # given
    premium = PremiumFactory(user=recruiter_a)
    # when
    body = api_as(recruiter_a).get("/api/v1/me/").json()
    # then
    assert body["display_name"] == recruiter_a.display_name
    assert body["premium"]["active"] is True
    # the same instant, whatever the zone it is shown in (Asia/Jakarta can be a day, or a
    # year, ahead of UTC)
    assert dt.datetime.fromisoformat(body["premium"]["expires_at"]) == premium.expires_at
    assert body["employer_memberships"] == [
        {
            "employer_id": str(employer_a.pk),
            "employer_name": "Employer A",
            "employer_domain": "employer-a.example",
            "role": "recruiter",
        }
    ]


def test_me_without_credentials_is_401_in_the_shared_shape(api_client):
    # when
    response = api_client.get("/api/v1/me/")
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_api_path_is_json_404(api_client):
    # when
    response = api_client.get("/api/v1/does-not-exist/")
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    # when
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    # then
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
    assert b"/static/drf_spectacular_sidecar/" in docs.content
