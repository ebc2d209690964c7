"""Test settings: fast hashing, fixed keys, in-process tasks unless a broker is given."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES, env

DEBUG = False
DEMO_PREMIUM_ENABLED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S105 tests only
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
FIELD_ENCRYPTION_KEY = ["q1kS4Bl7X3TsB0Bm5pW4f9E-8Ik5bmzy1T6Hs9vN6vY="]
LOOKUP_HASH_KEY = "test-lookup-hash-key"  # noqa: S105
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test run gets its own private storage folder, so file assertions see only their own files.
_TEST_VAR = Path(env.str("TEST_VAR_DIR", default=tempfile.mkdtemp(prefix="platform-test-")))
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_TEST_VAR / "private"), "base_url": None},
    },
}
MEDIA_ROOT = _TEST_VAR / "media"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
CELERY_TASK_EAGER_PROPAGATES = True
