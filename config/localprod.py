"""`make prod`: the production topology (Procfile) on this machine, in one command.

Starts a local S3-compatible server (moto) for the private files, writes ``var/prod/prod.env``
(production settings; secrets generated once and kept in ``var/prod/prod-secrets.json``),
creates the PostgreSQL database if missing, migrates, collects static files, seeds the demo
data, then runs every Procfile process with honcho until Ctrl-C, and stops the S3 server.

PostgreSQL and Redis are taken from PROD_DATABASE_URL and PROD_REDIS_URL (defaults below);
PROD_S3_PORT (9000) is the local S3 server's port. Nothing here is used in a real deployment,
where the same Procfile lines run as services against real PostgreSQL, Redis and a bucket.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUCKET = "platform-private"


def _secrets(folder: Path) -> dict[str, str]:
    path = folder / "prod-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    values = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "LOOKUP_HASH_KEY": secrets.token_urlsafe(32),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
    }
    path.write_text(json.dumps(values))
    path.chmod(0o600)
    return values


def environment(folder: Path) -> dict[str, str]:
    """The variables every Procfile process gets (written to prod.env for honcho)."""
    database = os.environ.get("PROD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/platform")
    redis = os.environ.get("PROD_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
    s3_port = os.environ.get("PROD_S3_PORT", "9000")
    values = _secrets(folder)
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "VAR_DIR": str(folder),
        "SECRET_KEY": values["SECRET_KEY"],
        "FIELD_ENCRYPTION_KEY": values["FIELD_ENCRYPTION_KEY"],
        "LOOKUP_HASH_KEY": values["LOOKUP_HASH_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": "http://127.0.0.1:8000,http://localhost:8000",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": f"{redis}/{os.environ.get('PROD_REDIS_BROKER_DB', '0')}",
        "CACHE_URL": f"{redis}/{os.environ.get('PROD_REDIS_CACHE_DB', '1')}",
        "PRIVATE_STORAGE_URL": f"s3://{BUCKET}/private",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "platform-local",
        "AWS_SECRET_ACCESS_KEY": values["AWS_SECRET_ACCESS_KEY"],
        # Plain HTTP on this machine only: no HTTPS redirect, no HSTS.
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }


def _wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 a local URL we built
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def _create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def _create_bucket(env: dict[str, str]) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["AWS_S3_REGION_NAME"],
    )
    existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)


def main() -> int:
    folder = BASE_DIR / "var" / "prod"
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder)
    env_file = folder / "prod.env"
    env_file.write_text("".join(f"{key}={value}\n" for key, value in env.items()))
    env_file.chmod(0o600)
    full_env = {**os.environ, **env}
    s3_port = env["AWS_S3_ENDPOINT_URL"].rsplit(":", 1)[1]
    # moto keeps objects in memory: they last as long as this command.
    s3 = subprocess.Popen(  # noqa: S603 our own virtualenv's script
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", s3_port],
        stdout=(folder / "s3.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_http(env["AWS_S3_ENDPOINT_URL"])
        _create_bucket(env)
        _create_database(env["DATABASE_URL"])
        manage = [sys.executable, str(BASE_DIR / "manage.py")]
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["seed_demo"]):
            subprocess.run([*manage, *command, "-v", "1"], env=full_env, cwd=BASE_DIR, check=True)  # noqa: S603
        print("Serving http://127.0.0.1:8000 (web, biometrics worker, worker, beat); Ctrl-C stops")
        honcho = [str(BIN / "honcho"), "start", "-e", str(env_file), "-f", "Procfile", "-p", "8000"]
        return subprocess.call(honcho, env=full_env, cwd=BASE_DIR)  # noqa: S603
    except KeyboardInterrupt:
        return 130
    finally:
        s3.terminate()
        s3.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
