"""Security settings: headers on pages and API, rate limits, production cookies, the admin.

``check --deploy`` and sign-in lockout are tested in accounts (test_operations.py,
test_auth_pages.py); this suite adds what spans apps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.hardening.conftest import grant
from tests.hardening.test_data_at_rest import _findings, _needles

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "path,api",
    [
        ("/", False),
        ("/accounts/login/", False),
        ("/jobs/", False),
        ("/verification/", False),
        ("/privacy/", False),
        ("/api/v1/me/", True),
        ("/api/v1/jobs/", True),
        ("/api/v1/no-such-thing/", True),
    ],
)
def test_pages_and_api_answers_carry_the_security_headers(path, api, member, client, api_as):
    # given
    if api:
        response = api_as(member).get(path)
    else:
        client.force_login(member)
        response = client.get(path)
    # then
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "microphone=()" in response["Permissions-Policy"]


def test_verification_submissions_are_rate_limited(premium_member, api_as, throttle):
    # given
    from consent.purposes import PurposeCode

    grant(premium_member, PurposeCode.BIOMETRIC_VERIFICATION)
    throttle(verification_submit="2/hour")
    client = api_as(premium_member)
    # when: invalid submissions count too (an attacker probing ID numbers sends those)
    codes = [
        client.post("/api/v1/me/verifications/", {"id_type": "ktp"}, format="multipart")
        for _ in range(3)
    ]
    # then
    assert [r.status_code for r in codes] == [400, 400, 429]
    assert codes[2].json()["error"]["code"] == "throttled"
    assert client.get("/api/v1/me/verifications/").status_code == 200, "reading is not limited"


def test_candidate_search_is_rate_limited(recruiter_a, api_as, throttle):
    # given
    throttle(candidate_search="2/min")
    client = api_as(recruiter_a)
    # when
    codes = [client.get("/api/v1/recruiter/candidates/").status_code for _ in range(3)]
    # then
    assert codes == [200, 200, 429]


def _production_values(extra: dict[str, str] | None = None) -> dict[str, Any]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "VAR_DIR": tempfile.mkdtemp(prefix="platform-prod-settings-"),
        "SECRET_KEY": "x" * 60 + "-production-secret-with-enough-entropy-1234567890",
        "FIELD_ENCRYPTION_KEY": "q1kS4Bl7X3TsB0Bm5pW4f9E-8Ik5bmzy1T6Hs9vN6vY=",
        "LOOKUP_HASH_KEY": "lookup-key-for-tests",
        "ALLOWED_HOSTS": "platform.example",
        "CACHE_URL": "redis://127.0.0.1:6379/3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/2",
        **(extra or {}),
    }
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
        "DEBUG",
        "DEMO_PREMIUM_ENABLED",
    ]
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_debug_is_off():
    # when
    values = _production_values()
    # then
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["DEBUG"] is False
    assert values["DEMO_PREMIUM_ENABLED"] is False


def test_a_non_staff_member_is_sent_to_the_admin_sign_in(member, recruiter_a, client):
    # given
    for user in (member, recruiter_a):
        client.force_login(user)
        # when
        response = client.get("/admin/biometrics/verification/")
        # then
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def _admin_pages() -> list[tuple[str, str]]:
    """(label, url) for every registered model's changelist and first object's change page."""
    pages: list[tuple[str, str]] = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append((f"{info[0]}.{info[1]} list", reverse("admin:{}_{}_changelist".format(*info))))
        for pk in model._base_manager.values_list("pk", flat=True)[:3]:
            try:
                url = reverse("admin:{}_{}_change".format(*info), args=[pk])
            except NoReverseMatch:
                continue
            pages.append((f"{info[0]}.{info[1]} {pk}", url))
    return pages


def test_the_admin_shows_no_biometric_data_outside_the_review_screen(demo_run, admin_user, client):
    # given: the demo plus a verified member and a case waiting for review
    client.force_login(admin_user)
    client.raise_request_exception = False
    needles = _needles(demo_run["templates"])
    pages = _admin_pages()
    # when
    problems, errors = [], []
    for label, url in pages:
        response = client.get(url)
        if response.status_code >= 500:
            errors.append(f"{label}: {response.status_code}")
        problems += [
            f"{label}: {what}" for what in _findings(response.content, demo_run["niks"], needles)
        ]
    # then
    print(f"\nadmin: {len(pages)} pages rendered as superuser")
    assert len(pages) > 30
    assert errors == []
    assert problems == []


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/",
        "/profile/",
        "/verification/",
        "/privacy/",
        "/recruiter/candidates/",
        "/api/v1/jobs/",
        "/api/v1/me/verifications/",
        "/api/v1/recruiter/candidates/",
        "/api/v1/me/consents/",
    ],
)
def test_every_app_answers_503_not_500_when_the_database_is_down(path, client, monkeypatch):
    # given: a signed-in session and a token, and then no database
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    client.cookies["sessionid"] = "some-session"
    client.raise_request_exception = False
    # when
    response = client.get(path, HTTP_AUTHORIZATION="Token 0123456789abcdef")
    # then
    assert response.status_code == 503
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "service_unavailable"
    else:
        assert "temporarily unavailable" in response.content.decode()


def test_only_reviewers_open_the_review_screen_with_the_face_crops(demo_run, reviewer, client):
    # given: a case waiting for review, a reviewer, and a staff member without the permission
    from accounts.tests.factories import UserFactory
    from biometrics.models import Verification

    case = Verification.objects.get(status="needs_review")
    url = reverse("admin:biometrics_verification_review", args=[case.pk])
    plain_staff = UserFactory(email="helpdesk@example.test", is_staff=True)
    client.raise_request_exception = False
    # when
    client.force_login(plain_staff)
    refused = client.get(url)
    client.force_login(reviewer)
    allowed = client.get(url)
    # then
    assert refused.status_code in {302, 403, 404}
    assert b"data:image" not in refused.content
    assert allowed.status_code == 200
