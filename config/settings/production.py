"""Production: refuses to start without its secrets and shared services, and names the one
that is missing.

CACHE_URL and CELERY_BROKER_URL have embedded defaults for a laptop (a per-process cache, tasks
run in the web process); in production those would silently count sign-in failures and rate
limits per process, and run face matching inside web requests. So both are required, and a
value that only works inside one process is refused too.
"""

import os

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_REQUIRED = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEY",
    "LOOKUP_HASH_KEY",
    "ALLOWED_HOSTS",
    "CACHE_URL",
    "CELERY_BROKER_URL",
)
for _name in _REQUIRED:
    if not os.environ.get(_name, "").strip():
        raise ImproperlyConfigured(f"Production settings need the environment variable {_name}.")
_PER_PROCESS = {"CACHE_URL": ("locmemcache:", "dummycache:"), "CELERY_BROKER_URL": ("memory:",)}
for _name, _schemes in _PER_PROCESS.items():
    if os.environ[_name].strip().lower().startswith(_schemes):
        raise ImproperlyConfigured(
            f"{_name} must point at a service shared by every process (Redis, for example), "
            "not at one that lives inside a single process."
        )
for _key in os.environ["FIELD_ENCRYPTION_KEY"].split(","):
    try:
        Fernet(_key.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be one or more url-safe base64 Fernet keys, comma-separated."
        ) from exc

from .base import *  # noqa: E402, F403
from .base import env  # noqa: E402

DEBUG = False
DEMO_PREMIUM_ENABLED = False

# --- HTTPS and cookies (manage.py check --deploy) -----------------------------------------------
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
