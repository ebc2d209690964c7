"""/healthz as JSON (200 when every check is ok, 503 otherwise).

Checks: the database, the cache, the task broker, the private storage (an encrypted probe file
written, read back and deleted: the local folder or the S3 bucket) and, unless tasks run
in-process, whether a face-matching worker (the "biometrics" queue) answered within
BIOMETRICS_WORKER_HEARTBEAT_MAX_AGE seconds. Error details are exception class names only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict[str, object]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not reachable" for a health probe
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _check_broker() -> dict[str, object]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "in-process"}
    from config.celery import app

    started = time.perf_counter()
    try:
        # A fresh connection to the configured URL (not the pool): the probe must really reach it.
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure means "not reachable" for a health probe
        return {"ok": False, "mode": "broker", "error": type(exc).__name__}
    return {"ok": True, "mode": "broker", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _timed(probe: Callable[[], None]) -> dict[str, object]:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # any failure means "not reachable" for a health probe
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _cache_probe() -> None:
    from django.core.cache import cache

    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    try:
        if cache.get(key) != value:
            raise LookupError("the cache did not return what was just stored")
    finally:
        cache.delete(key)


def _check_storage() -> dict[str, object]:
    from biometrics.private_files import private_storage_probe

    result = _timed(private_storage_probe)
    result["backend"] = "s3" if settings.PRIVATE_STORAGE_URL else "folder"
    return result


def _check_face_worker() -> dict[str, object]:
    if settings.CELERY_TASK_ALWAYS_EAGER:  # tasks run in this process: nothing to wait for
        return {"ok": True, "mode": "in-process"}
    from biometrics.gallery import worker_heartbeat

    try:
        beat = worker_heartbeat()
    except Exception as exc:  # the cache is down: reported by its own check too
        return {"ok": False, "error": type(exc).__name__}
    if beat is None:
        return {"ok": False, "error": "no_heartbeat"}
    ok = beat["age_seconds"] <= settings.BIOMETRICS_WORKER_HEARTBEAT_MAX_AGE
    result: dict[str, object] = {
        "ok": ok,
        "age_seconds": beat["age_seconds"],
        "templates": beat.get("templates"),
    }
    if not ok:
        result["error"] = "stale_heartbeat"
    return result


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database, cache, broker, private storage and face workers answer."""
    checks = {
        "database": _check_database(),
        "cache": _timed(_cache_probe),
        "broker": _check_broker(),
        "private_storage": _check_storage(),
        "face_worker": _check_face_worker(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
