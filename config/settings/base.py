"""Settings shared by every environment; read from the environment (django-environ).

With nothing set, the platform runs on its embedded defaults: SQLite in ``var/``, Celery tasks
in-process, e-mail to the console, and development secrets generated once into ``var/``.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import environ
from cryptography.fernet import Fernet
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()


def _dev_secrets() -> dict[str, str]:
    """Return development secrets, generated once into var/ and reused (never committed)."""
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "LOOKUP_HASH_KEY": secrets.token_urlsafe(32),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


# --- Core ---------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "config.admin_site.PlatformAdminConfig",  # django.contrib.admin, rate-limited sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "accounts",
    "consent",
    "biometrics",
    "careers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "config.middleware.PrivateResponseMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.LastSeenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "consent.middleware.ConsentRequiredMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.membership",
            ],
            # Money, salary and years filters available in every template (one format site-wide).
            "builtins": ["config.formatting"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the in-process worker and the web server read while one writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Cache (rate limits, throttles) -------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Client address -----------------------------------------------------------------------------
# How many proxies we run in front of the app, each appending to X-Forwarded-For (0: none, the
# header is ignored). Every throttle, the sign-in lockout and the consent ledger read the client
# address through config.client_address.client_address. See docs/SECURITY.md.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Auth ---------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "accounts.backends.EmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:account"
LOGOUT_REDIRECT_URL = "home"
# Sign-in lockout (accounts/lockout.py): this many failures for one account from one client
# address within the window lock that pair for the window; the account stays open from
# elsewhere. Failures from one address across all accounts are capped too (password spraying).
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
# API tokens (accounts.ApiToken): sliding expiry, API_TOKEN_IDLE_DAYS after the last use, and
# never later than API_TOKEN_MAX_AGE_DAYS after sign-in; a password change retires them all.
API_TOKEN_IDLE_DAYS = env.int("API_TOKEN_IDLE_DAYS", default=30)
API_TOKEN_MAX_AGE_DAYS = env.int("API_TOKEN_MAX_AGE_DAYS", default=90)
# Database sessions tagged with their user, so erasure deletes them (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"
# Demo premium from the account page: only where no payment provider exists (local settings).
DEMO_PREMIUM_ENABLED = env.bool("DEMO_PREMIUM_ENABLED", default=False)
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous users get nothing.

# --- Secrets and encryption at rest -------------------------------------------------------------
SECRET_KEY = env.str("SECRET_KEY", default="") or _dev_secrets()["SECRET_KEY"]
# One or more Fernet keys, comma-separated, NEWEST FIRST: new data is encrypted with the first,
# every key decrypts. `manage.py rotate_encryption_keys` re-encrypts everything with the first.
FIELD_ENCRYPTION_KEY = env.list("FIELD_ENCRYPTION_KEY", default=[]) or [
    _dev_secrets()["FIELD_ENCRYPTION_KEY"]
]
# Keyed hash (HMAC-SHA256) for finding the same ID number on two accounts without decrypting.
LOOKUP_HASH_KEY = env.str("LOOKUP_HASH_KEY", default="") or _dev_secrets()["LOOKUP_HASH_KEY"]

# --- Internationalisation -----------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Bahasa Indonesia"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"  # display; the database stores UTC (USE_TZ).
USE_I18N = True
# One date, time and number format per language: config/formats/<lang>/formats.py.
# https://docs.djangoproject.com/en/stable/topics/i18n/formatting/#creating-custom-format-files
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

# --- Static files and uploads -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Encrypted biometric files; no URL serves this folder. PRIVATE_STORAGE_URL moves them to
    # an S3-compatible bucket (below).
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
}


def private_s3_storage(url: str) -> dict[str, object]:
    """Return the STORAGES entry for ``s3://BUCKET[/PREFIX]`` (docs/SCALING.md).

    Files are Fernet-encrypted by biometrics.private_files before upload; the bucket is asked
    to encrypt them again (SSE, AES256 unless PRIVATE_STORAGE_SSE says "aws:kms"). Credentials
    and the endpoint come from the usual AWS_* variables (boto3 also finds an instance role).
    """
    scheme, _sep, rest = url.partition("://")
    bucket, _slash, prefix = rest.partition("/")
    if scheme != "s3" or not bucket:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("PRIVATE_STORAGE_URL must look like s3://bucket[/prefix].")
    sse = env.str("PRIVATE_STORAGE_SSE", default="AES256")
    object_parameters: dict[str, str] = {}
    if sse:
        object_parameters["ServerSideEncryption"] = sse
    if sse == "aws:kms" and env.str("PRIVATE_STORAGE_KMS_KEY_ID", default=""):
        object_parameters["SSEKMSKeyId"] = env.str("PRIVATE_STORAGE_KMS_KEY_ID")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": prefix.strip("/"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,  # never a public URL
            "file_overwrite": True,  # names are random; key rotation rewrites in place
            "object_parameters": object_parameters,
        },
    }


PRIVATE_STORAGE_URL = env.str("PRIVATE_STORAGE_URL", default="")
if PRIVATE_STORAGE_URL:
    STORAGES["private"] = private_s3_storage(PRIVATE_STORAGE_URL)
MEDIA_ROOT = VAR_DIR / "media"
# Django has no per-file limit of its own; uploads are checked against this in the forms and API.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The liveness recording: up to 60 frames (liveness_burst.MAX_FRAMES), the ID photo, a selfie.
DATA_UPLOAD_MAX_NUMBER_FILES = 64

# --- Security headers ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Everything is served from this origin: no CDN, no inline scripts from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# Swagger UI at /api/docs/ (config.views.ApiDocsView): its scripts and styles are files from the
# installed sidecar package, its icons data: SVGs; it fetches the schema from this origin.
API_DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=()"

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@platform.local")

# --- REST framework -----------------------------------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    # JSON nested deeper than API_JSON_MAX_DEPTH is a 400 (config/parsers.py), never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # API throttles and the HTML pages' limits (config/throttling.py), per signed-in user or
    # else per client address (config/client_address.py).
    "DEFAULT_THROTTLE_RATES": {
        "auth_token": env.str("THROTTLE_AUTH_TOKEN", default="10/min"),
        "verification_submit": env.str("THROTTLE_VERIFICATION", default="10/hour"),
        "candidate_search": env.str("THROTTLE_CANDIDATE_SEARCH", default="120/min"),
        "sign_in": env.str("THROTTLE_SIGN_IN", default="10/min"),
        "sign_up": env.str("THROTTLE_SIGN_UP", default="10/hour"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET", default="5/hour"),
        # Reset mails to one address, whoever asks: no mail-bombing a member.
        "password_reset_email": env.str("THROTTLE_PASSWORD_RESET_EMAIL", default="3/hour"),
    },
    # The same number as TRUSTED_PROXY_COUNT, for any DRF code that reads it.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# The deepest request body any endpoint needs is 4 levels (a profile's employment entries).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Platform data API",
    "DESCRIPTION": "Consent, identity verification and careers API. Errors share one shape: "
    '{"error": {"code": "...", "message": "...", "fields": {...}}}. Authenticate with '
    "`Authorization: Token <token>` from POST /api/v1/auth/token/ (or a browser session). "
    "Tokens expire 30 days after their last use (sliding) and at the latest 90 days after "
    "sign-in (defaults of API_TOKEN_IDLE_DAYS and API_TOKEN_MAX_AGE_DAYS); a password change, a "
    "password reset or a deactivated account ends them at once. Answers are never cacheable "
    "(Cache-Control: no-store, private).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: nothing on the docs page leaves this site.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Celery -------------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# No broker configured: tasks run in-process, eagerly (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only when it finishes, and re-queued if its worker dies; so every task
# is idempotent. Prefetch 1: face matching is slow, don't hoard work on one worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 600}
CELERY_TIMEZONE = "UTC"
# Two queues (docs/SCALING.md): face matching goes to "biometrics", consumed only by workers
# that hold the 1:N gallery (`celery worker -Q biometrics`); everything else to "celery". A
# worker started without -Q consumes both (the embedded and CI set-ups).
# BIOMETRICS_QUEUE renames that queue (tests isolate their workers with it).
CELERY_TASK_DEFAULT_QUEUE = "celery"
BIOMETRICS_QUEUE = env.str("BIOMETRICS_QUEUE", default="biometrics")
CELERY_TASK_QUEUES: dict[str, dict[str, Any]] = {"celery": {}, BIOMETRICS_QUEUE: {}}
CELERY_TASK_ROUTES = {
    "biometrics.tasks.verification_process_task": {"queue": BIOMETRICS_QUEUE},
    "biometrics.tasks.worker_heartbeat_task": {"queue": BIOMETRICS_QUEUE},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# API tokens that can no longer work (expired, deactivated account) are deleted hourly.
CELERY_BEAT_SCHEDULE["accounts-api-tokens-purge"] = {
    "task": "accounts.api_tokens_purge_task",
    "schedule": 3600.0,
}

# --- Biometrics ---------------------------------------------------------------------------------
DEEPFACE_HOME = env.str("DEEPFACE_HOME", default=str(VAR_DIR / "deepface"))

# --- Logging: never sensitive values; see docs/ARCHITECTURE.md ---------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Biometrics ---------------------------------------------------------------------------------
# docs/biometrics.md. Matching thresholds are only set here when given in the environment;
# otherwise biometrics.face_engine's calibrated defaults apply (docs/biometrics-engine.md).
BIOMETRICS: dict[str, float] = {
    key: env.float(f"BIOMETRICS_{key}")
    for key in ("MATCH_THRESHOLD", "REVIEW_MARGIN", "DEDUP_THRESHOLD")
    if env.str(f"BIOMETRICS_{key}", default="")
}
# "blas": the face ResNet's forward pass on numpy's BLAS (biometrics.face_resnet); "deepface":
# deepface's Dlib model object runs it on dlib's own code (six times slower, same descriptor)
BIOMETRICS_EMBEDDER = env.str("BIOMETRICS_EMBEDDER", default="blas")
BIOMETRICS_SUBMISSIONS_PER_DAY = env.int("BIOMETRICS_SUBMISSIONS_PER_DAY", default=5)
BIOMETRICS_LOCK_AFTER_MISMATCHES = env.int("BIOMETRICS_LOCK_AFTER_MISMATCHES", default=3)
# A case "processing" longer than this is taken as a dead worker: re-queued, or failed after
# BIOMETRICS_MAX_ATTEMPTS tries (a poison image never loops).
BIOMETRICS_STUCK_AFTER_MINUTES = env.int("BIOMETRICS_STUCK_AFTER_MINUTES", default=10)
BIOMETRICS_MAX_ATTEMPTS = env.int("BIOMETRICS_MAX_ATTEMPTS", default=3)
BIOMETRICS_TASK_SOFT_TIME_LIMIT = env.int("BIOMETRICS_TASK_SOFT_TIME_LIMIT", default=60)
BIOMETRICS_TASK_TIME_LIMIT = env.int("BIOMETRICS_TASK_TIME_LIMIT", default=90)
BIOMETRICS_REVIEW_RETENTION_DAYS = env.int("BIOMETRICS_REVIEW_RETENTION_DAYS", default=30)
# BIPA: templates go 3 years after the member's last interaction at the latest.
BIOMETRICS_TEMPLATE_RETENTION_DAYS = env.int("BIOMETRICS_TEMPLATE_RETENTION_DAYS", default=3 * 365)
# In-process 1:N gallery (biometrics/gallery.py): loaded in full once, when a face-matching
# worker starts; after that every search pulls new templates and tombstones of deleted ones.
# Outside searches, changes are pulled at most this often.
BIOMETRICS_GALLERY_REFRESH_SECONDS = env.int("BIOMETRICS_GALLERY_REFRESH_SECONDS", default=30)
# Tombstones (keys of deleted templates) are kept this long; a process that has not pulled for
# longer loads the gallery again in full.
BIOMETRICS_GALLERY_TOMBSTONE_DAYS = env.int("BIOMETRICS_GALLERY_TOMBSTONE_DAYS", default=7)
# Face-matching workers (the "biometrics" queue) record a heartbeat in the cache this often;
# /healthz reports one older than BIOMETRICS_WORKER_HEARTBEAT_MAX_AGE seconds as missing.
BIOMETRICS_WORKER_HEARTBEAT_SECONDS = env.int("BIOMETRICS_WORKER_HEARTBEAT_SECONDS", default=60)
BIOMETRICS_WORKER_HEARTBEAT_MAX_AGE = env.int("BIOMETRICS_WORKER_HEARTBEAT_MAX_AGE", default=300)
CELERY_BEAT_SCHEDULE["biometrics-worker-heartbeat"] = {
    "task": "biometrics.tasks.worker_heartbeat_task",
    "schedule": float(BIOMETRICS_WORKER_HEARTBEAT_SECONDS),
    # Unanswered heartbeats never pile up while no face worker runs.
    "options": {"expires": float(BIOMETRICS_WORKER_HEARTBEAT_SECONDS)},
}
CELERY_BEAT_SCHEDULE["biometrics-gallery-tombstones-purge"] = {
    "task": "biometrics.tasks.gallery_tombstones_purge_task",
    "schedule": 6 * 3600.0,
}
CELERY_BEAT_SCHEDULE["biometrics-sweep-stuck"] = {
    "task": "biometrics.tasks.verification_sweep_stuck_task",
    "schedule": 120.0,
}

# --- Consent ------------------------------------------------------------------------------------
# Receipts (Kantara v1.1) name the controller and jurisdiction; see docs/consent.md.
CONSENT_JURISDICTION = env.str("CONSENT_JURISDICTION", default="ID")
CONSENT_CONTROLLER = {
    "piiController": env.str("CONSENT_CONTROLLER_NAME", default="Platform"),
    "contact": env.str("CONSENT_CONTROLLER_CONTACT", default="Data Protection Officer"),
    "email": env.str("CONSENT_CONTROLLER_EMAIL", default=DEFAULT_FROM_EMAIL),
    "address": {"addressCountry": env.str("CONSENT_JURISDICTION", default="ID")},
    "piiControllerUrl": SITE_URL,
}
# The access log ("who accessed my data") is kept 3 years, then removed by the retention sweep.
CONSENT_ACCESS_LOG_RETENTION_DAYS = env.int("CONSENT_ACCESS_LOG_RETENTION_DAYS", default=3 * 365)
# Daily retention sweep at 02:30 Asia/Jakarta (19:30 UTC; CELERY_TIMEZONE is UTC).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE["retention-sweep"] = {
    "task": "consent.retention_sweep_task",
    "schedule": crontab(hour=19, minute=30),
}

# --- Careers (candidate search) -----------------------------------------------------------------
# Saved-search alerts: one digest e-mail a day per saved search with new matching candidates.
CELERY_BEAT_SCHEDULE["careers-saved-search-alerts"] = {
    "task": "careers.saved_search_alerts_task",
    "schedule": crontab(hour=0, minute=30),  # 07:30 in Jakarta
}
# The candidate postings' covering index INCLUDEs filter columns on PostgreSQL; SQLite ignores
# INCLUDE (the key columns still serve the search), which is all models.W040 warns about.
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "models.W040"]
# One OpenAPI enum name per careers choice set (the member and recruiter APIs share them).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    **SPECTACULAR_SETTINGS.get("ENUM_NAME_OVERRIDES", {}),
    "JobStatusEnum": "careers.models.jobs.Job.Status",
    "JobTypeEnum": "careers.models.profiles.JobType",
    "RemoteModeEnum": "careers.models.profiles.RemoteMode",
}

# --- Biometrics (liveness) -----------------------------------------------------------------------
# A submission must carry a redeemed liveness challenge and one frame per pose (docs/liveness.md).
BIOMETRICS_LIVENESS_REQUIRED = env.bool("BIOMETRICS_LIVENESS_REQUIRED", default=True)
# Challenges a member may request per hour (each start-page load issues one).
BIOMETRICS_CHALLENGES_PER_HOUR = env.int("BIOMETRICS_CHALLENGES_PER_HOUR", default=30)
BIOMETRICS_CHALLENGE_TTL_SECONDS = env.int("BIOMETRICS_CHALLENGE_TTL_SECONDS", default=180)
# A verification draft (details typed, encrypted ID photo) is deleted this long after its last
# change (docs/biometrics.md, "The stepper and its draft").
BIOMETRICS_DRAFT_RETENTION_HOURS = env.int("BIOMETRICS_DRAFT_RETENTION_HOURS", default=72)
# After an automatic face or liveness rejection its photos stay (encrypted) this long, so the
# member can ask a person to decide without uploading again; then they are deleted.
BIOMETRICS_REVIEW_REQUEST_DAYS = env.int("BIOMETRICS_REVIEW_REQUEST_DAYS", default=7)

# Document check (issue 12, docs/documents.md): the ID photo must show a KTP, SIM or passport
# whose printed details match what the member typed. ON everywhere; switching it off brings
# back the face-only check ("any photo with a face is an ID") and is for diagnosis only.
BIOMETRICS_DOCUMENT_CHECK = env.bool("BIOMETRICS_DOCUMENT_CHECK", default=True)
# onnxruntime threads per OCR engine; one per Celery process: workers scale by processes.
BIOMETRICS_OCR_THREADS = env.int("BIOMETRICS_OCR_THREADS", default=1)

# Identical reads of a member's data within this many seconds (a page reloaded) count on one
# access log row instead of adding rows; 0 records every read as its own row. See docs/consent.md.
CONSENT_ACCESS_LOG_COLLAPSE_SECONDS = env.int("CONSENT_ACCESS_LOG_COLLAPSE_SECONDS", default=600)
