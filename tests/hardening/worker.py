"""A Celery worker the fault tests own: started, killed (SIGKILL) and restarted by the test.

It consumes only the ``hardening`` queue, so a worker ``.ci/run`` starts for other tests (on
the default queue) never takes these tests' tasks. Same environment as the test process, with
DATABASE_URL pointing at the test database and TEST_VAR_DIR at the test's private storage.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.core.files.storage import storages
from django.db import connection

QUEUE = "hardening"
BASE_DIR = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database the test runs on (the test database, by its real name)."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """``celery -A config worker`` in its own process group."""

    def __init__(self, **env: str) -> None:
        self.name = f"hardening-{uuid.uuid4().hex[:8]}@%h"
        var_dir = Path(storages["private"].location).parent
        self.log = var_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(),
            "TEST_VAR_DIR": str(var_dir),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 120) -> Worker:
        handle = self.log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--pool=prefork",
                "-Q",
                QUEUE,
                "-n",
                self.name,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the pool child too
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.tail()}")
            if " ready." in self.log.read_text(errors="replace"):
                return self
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready: {self.tail()}")

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes: no cleanup, no ack, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def send(verification_id: object) -> None:
    """Queue the processing task on the hardening queue."""
    from biometrics.tasks import verification_process_task

    verification_process_task.apply_async(args=[str(verification_id)], queue=QUEUE)


def wait_for(predicate, *, timeout: float = 120, every: float = 0.1) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
