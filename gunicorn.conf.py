"""gunicorn settings for the web process (Procfile `web`); every value can be set from the
environment. Web processes never match faces (that is the "biometrics" Celery queue), so a few
sync workers with threads serve pages and the API; uploads are capped by MAX_UPLOAD_BYTES.
"""

import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter), bounding any slow leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = "-"
errorlog = "-"
# Never log query strings or headers beyond the request line (no personal data in logs).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# The proxies in front set X-Forwarded-*; the app reads them through TRUSTED_PROXY_COUNT.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
