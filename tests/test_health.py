"""/healthz: database, cache, broker, private storage and face-matching workers."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from biometrics.gallery import HEARTBEAT_CACHE_KEY, worker_heartbeat_record
from tests.s3server import bucket_keys, s3_bucket, s3_endpoint  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def memory_broker(settings):
    """Tasks go through a broker (one that needs no server): a heartbeat is then expected."""
    settings.CELERY_BROKER_URL = "memory://"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    cache.delete(HEARTBEAT_CACHE_KEY)
    yield
    cache.delete(HEARTBEAT_CACHE_KEY)


def test_every_check_is_reported_and_ok_on_the_embedded_defaults(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {
        "database",
        "cache",
        "broker",
        "private_storage",
        "face_worker",
    }
    assert body["checks"]["private_storage"]["backend"] == "folder"
    assert body["checks"]["face_worker"] == {"ok": True, "mode": "in-process"}


def test_the_storage_probe_leaves_no_file_behind(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    assert client.get("/healthz").status_code == 200
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_unwritable_private_storage_is_a_503(client, settings, tmp_path):
    # given: the private folder is a file, so nothing can be written under it
    blocker = tmp_path / "private"
    blocker.write_text("not a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker), "base_url": None},
        },
    }
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["checks"]["private_storage"]["ok"] is False
    assert response.json()["status"] == "unavailable"


def test_the_storage_probe_runs_against_the_bucket(client, settings, s3_endpoint, s3_bucket):  # noqa: F811
    settings.PRIVATE_STORAGE_URL = f"s3://{s3_bucket}/private"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["private_storage"]["backend"] == "s3"
    assert bucket_keys(s3_endpoint, s3_bucket) == []


def test_a_broken_cache_is_a_503(client, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "LookupError"}


def test_no_face_matching_worker_ever_answered_is_a_503(client, memory_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["face_worker"] == {"ok": False, "error": "no_heartbeat"}


def test_a_face_matching_worker_that_answered_recently_is_ok(client, memory_broker):
    worker_heartbeat_record()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["face_worker"]["ok"] is True


def test_a_face_matching_worker_silent_too_long_is_a_503(client, memory_broker, settings):
    cache.set(HEARTBEAT_CACHE_KEY, {"at": time.time() - 3600, "templates": 0})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["face_worker"]["error"] == "stale_heartbeat"
