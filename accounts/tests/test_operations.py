"""Health check, production settings, security headers, demo data."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import EmployerMembership, User

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_ok(client):
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["ok"] is True
    assert response.json()["checks"]["broker"]["ok"] is True


def test_healthz_reaches_a_real_redis_broker(client, settings):
    # given: the Redis that this machine kind runs (skipped where there is none)
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == {
        "ok": True,
        "mode": "broker",
        "ms": response.json()["checks"]["broker"]["ms"],
    }


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    # given: a port where nothing listens
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_database_down_gives_a_clear_503_not_a_500(client, monkeypatch):
    # given
    from django.db import OperationalError
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)
    client.cookies["sessionid"] = "some-session"
    # when
    api = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token 0123456789abcdef")
    page = client.get("/accounts/")
    health = client.get("/healthz")
    # then
    assert page.status_code == 503
    assert "temporarily unavailable" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "service_unavailable"
    assert health.status_code == 503


def _run_production_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full_env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "VAR_DIR": tempfile.mkdtemp(prefix="platform-prod-check-"),
        **env,
    }
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROD_ENV = {
    "SECRET_KEY": "x" * 60 + "-production-secret-with-enough-entropy-1234567890",
    "FIELD_ENCRYPTION_KEY": "q1kS4Bl7X3TsB0Bm5pW4f9E-8Ik5bmzy1T6Hs9vN6vY=",
    "LOOKUP_HASH_KEY": "lookup-key-for-tests",
    "ALLOWED_HOSTS": "platform.example",
    # Issue 11: a shared cache (lockout, throttles) and a broker (face matching off the web).
    "CACHE_URL": "redis://127.0.0.1:6379/3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/2",
}


@pytest.mark.parametrize("missing", sorted(PROD_ENV))
def test_production_refuses_to_start_without_a_secret_and_names_it(missing):
    # given
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    # when
    result = _run_production_check(env)
    # then
    assert result.returncode != 0
    assert f"need the environment variable {missing}" in result.stderr


@pytest.mark.parametrize(
    "name,value",
    [
        ("CACHE_URL", "locmemcache://"),
        ("CACHE_URL", "dummycache://"),
        ("CELERY_BROKER_URL", "memory://"),
    ],
)
def test_production_refuses_a_per_process_cache_or_broker_and_names_it(name, value):
    # when: a value that works, but only inside one process
    result = _run_production_check({**PROD_ENV, name: value})
    # then
    assert result.returncode != 0
    assert name in result.stderr and "shared" in result.stderr


def test_production_refuses_an_invalid_encryption_key():
    # when
    result = _run_production_check({**PROD_ENV, "FIELD_ENCRYPTION_KEY": "not-a-key"})
    # then
    assert result.returncode != 0
    assert "Fernet" in result.stderr


def test_production_check_deploy_reports_no_warnings():
    # when
    result = _run_production_check(PROD_ENV)
    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_security_headers(client):
    # when
    response = client.get("/")
    # then
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_seed_demo_is_idempotent_and_prints_logins():
    # when
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    # then
    assert "premium@demo.test" in out.getvalue()
    assert User.objects.filter(email="premium@demo.test").count() == 1
    assert EmployerMembership.objects.filter(employer__domain="acme.co.id").count() == 3
    assert User.objects.get(email="staff@demo.test").is_staff


def test_admin_view_on_site_with_a_malformed_uuid_is_404_not_500(client, admin_user):
    # given
    from django.contrib.contenttypes.models import ContentType

    client.force_login(admin_user)
    user_type = ContentType.objects.get(app_label="accounts", model="user")
    # when
    response = client.get(f"/admin/r/{user_type.pk}/not-a-uuid/")
    # then
    assert response.status_code == 404


def test_admin_view_on_site_still_needs_staff(client, member):
    # given
    from django.contrib.contenttypes.models import ContentType

    client.force_login(member)
    user_type = ContentType.objects.get(app_label="accounts", model="user")
    # when
    response = client.get(f"/admin/r/{user_type.pk}/{member.pk}/")
    # then
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
