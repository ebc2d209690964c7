"""Test settings: fast hashing, fixed keys, in-process tasks unless a broker is given."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, STORAGES, env, private_s3_storage

DEBUG = False
DEMO_PREMIUM_ENABLED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 tests only
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
FIELD_ENCRYPTION_KEY = ["q1kS4Bl7X3TsB0Bm5pW4f9E-8Ik5bmzy1T6Hs9vN6vY="]
LOOKUP_HASH_KEY = "test-lookup-hash-key"  # noqa: S105
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Each test run gets its own private storage folder, so file assertions see only their own files.
_TEST_VAR = Path(env.str("TEST_VAR_DIR", default=tempfile.mkdtemp(prefix="platform-test-")))
# Unit tests keep the local folder; the S3 tests (tests/storage) and the two-machine test point
# "private" at an S3-compatible server themselves.
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_TEST_VAR / "private"), "base_url": None},
    },
}
if env.str("PRIVATE_STORAGE_URL", default=""):
    STORAGES["private"] = private_s3_storage(env.str("PRIVATE_STORAGE_URL"))
MEDIA_ROOT = _TEST_VAR / "media"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# `make test` runs pytest-xdist workers (gw0, gw1, ...) side by side. Every test starts and ends
# with cache.clear(), which on Redis empties the whole database: each worker gets a database of
# its own (the configured one plus its number), so one worker never wipes another's rate counters.
_XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")
if _XDIST_WORKER and CACHES["default"]["BACKEND"].endswith("RedisCache"):
    _base, _, _db = str(CACHES["default"]["LOCATION"]).rpartition("/")
    _worker_db = int(_db or 0) + int(_XDIST_WORKER.removeprefix("gw"))
    if _worker_db > 15:
        raise RuntimeError(f"CACHE_URL's Redis database + xdist worker number is {_worker_db} > 15")
    CACHES = {"default": {**CACHES["default"], "LOCATION": f"{_base}/{_worker_db}"}}
# Unit tests run tasks in-process even when a broker is configured; the tests marked
# celery_worker switch this off and talk to a real worker (see .ci/run).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# A fixed test database name lets a separately started worker use the same database.
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Existing suites submit a selfie alone; liveness tests switch this on (biometrics/tests).
BIOMETRICS_LIVENESS_REQUIRED = env.bool("BIOMETRICS_LIVENESS_REQUIRED", default=False)
