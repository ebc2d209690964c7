"""Production: refuses to start without its secrets, and names the one that is missing."""

import os

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_REQUIRED = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "LOOKUP_HASH_KEY", "ALLOWED_HOSTS")
for _name in _REQUIRED:
    if not os.environ.get(_name, "").strip():
        raise ImproperlyConfigured(f"Production settings need the environment variable {_name}.")
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
