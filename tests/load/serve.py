"""Start gunicorn (4 workers) and a Celery worker on PostgreSQL + Redis with the demo data,
optionally run the load client against them, then tear everything down.

    python -m tests.load.serve --seconds 30 --concurrency 8 [--json OUT]   # serve, load, stop
    python -m tests.load.serve --serve-only                                # until Ctrl-C

A fresh database (``--database``, dropped and created), a temporary VAR_DIR, throttles and the
sign-in lockout raised out of the way (the load is one client; 429s would be noise), and
``--load-members`` premium members ``load-N@load.test`` with biometric consent, one
verification each.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent

CREATE_LOAD_MEMBERS = """
from accounts.models import User
from accounts.services import premium_grant, user_create
from consent.purposes import PurposeCode
from consent.services import consent_grant
for n in range(1, {count} + 1):
    email = f"load-{{n}}@load.test"
    if User.objects.filter(email=email).exists():
        continue
    user = user_create(email=email, password="demo-pass-2023!", display_name=f"Load {{n}}")
    premium_grant(user=user, days=30, source="load")
    consent_grant(user=user, purpose=PurposeCode.BIOMETRIC_VERIFICATION, method="web",
                  signature=f"Load {{n}}")
"""


def environment(args: argparse.Namespace, var_dir: Path) -> dict[str, str]:
    high = "1000000/min"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"{args.postgres}/{args.database}",
        "CELERY_BROKER_URL": args.broker,
        "CACHE_URL": args.cache,
        "VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "THROTTLE_AUTH_TOKEN": high,
        "THROTTLE_VERIFICATION": high,
        "THROTTLE_CANDIDATE_SEARCH": high,
        "LOGIN_FAILURE_LIMIT": "1000000",
        "BIOMETRICS_SUBMISSIONS_PER_DAY": "1000",
        # The client submits an ID photo and a selfie; the liveness path (challenge + one frame
        # per pose) is a later extension of the load mix.
        "BIOMETRICS_LIVENESS_REQUIRED": "0",
        "PYTHONUNBUFFERED": "1",
    }


def recreate_database(postgres: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{postgres}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def wait_until_up(url: str, timeout: float = 240) -> None:
    """Wait for /healthz to be 200: that includes a face-matching worker having loaded its
    models and gallery (it answers only then), which takes a while on a busy machine."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up")


def start(args: argparse.Namespace) -> tuple[list[subprocess.Popen[bytes]], dict[str, str]]:
    var_dir = Path(tempfile.mkdtemp(prefix="platform-load-"))
    env = environment(args, var_dir)
    recreate_database(args.postgres, args.database)
    subprocess.run(  # noqa: S603
        ["redis-cli", "-u", args.broker, "flushdb"], check=False, capture_output=True
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    manage(env, "shell", "--no-imports", "-c", CREATE_LOAD_MEMBERS.format(count=args.load_members))
    manage(env, "collectstatic", "--noinput", "-v0")
    log = (var_dir / "servers.log").open("ab")
    gunicorn = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "4",
            "--timeout",
            "120",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(  # noqa: S603
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            "--concurrency=2",
            "-n",
            f"load-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    print(f"servers: gunicorn pid {gunicorn.pid}, worker pid {worker.pid}, logs {var_dir}")
    wait_until_up(f"http://127.0.0.1:{args.port}")
    return [gunicorn, worker], env


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def verification_outcomes(env: dict[str, str]) -> str:
    """How the submitted verifications ended (none must stay stuck)."""
    script = (
        "from biometrics.models import Verification; from django.db.models import Count; "
        "print(dict(Verification.objects.values_list('status').annotate(n=Count('id'))))"
    )
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="platform_load")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--cache", default="redis://127.0.0.1:6379/2")
    parser.add_argument("--load-members", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json")
    parser.add_argument("--serve-only", action="store_true")
    args = parser.parse_args(argv)
    processes, env = start(args)
    try:
        if args.serve_only:
            print(f"serving on http://127.0.0.1:{args.port} (Ctrl-C stops)")
            while all(p.poll() is None for p in processes):
                time.sleep(1)
            return 1
        from tests.load.run import main as load

        run_args = [
            "--base-url",
            f"http://127.0.0.1:{args.port}",
            "--seconds",
            str(args.seconds),
            "--concurrency",
            str(args.concurrency),
            "--load-members",
            str(args.load_members),
        ]
        status = load([*run_args, *(["--json", args.json] if args.json else [])])
        time.sleep(5)  # let the worker finish the last submissions
        print(f"verifications: {verification_outcomes(env)}")
        return status
    except KeyboardInterrupt:
        return 0
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())
