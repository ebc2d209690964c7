"""The load client in CI: 10 seconds against gunicorn + a Celery worker, zero errors.

Slow (about a minute with setup) and needs PostgreSQL, Redis and a worker of its own:
marked slow and celery_worker, so it runs in the .ci/run worker pass with SLOW_TESTS=1.
The full run and its figures: docs/SECURITY.md.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.celery_worker]
BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_short_load_run_has_no_errors(tmp_path):
    # given: a fresh database of its own (serve.py drops and creates it), Redis dbs 2 and 3
    report = tmp_path / "load.json"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_VAR_DIR"}}
    # when
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "tests.load.serve",
            "--port",
            str(_free_port()),
            "--database",
            "platform_load_ci",
            "--seconds",
            "10",
            "--concurrency",
            "4",
            "--load-members",
            "20",
            "--json",
            str(report),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # then
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(report.read_text())
    assert figures["errors"] == 0
    assert figures["requests"] > 0
    assert set(figures["kinds"]) >= {"sign_in", "search", "recommend"}
