"""Two machines, no shared disk: a web process and a face-matching worker, each with its own
VAR_DIR, sharing only PostgreSQL, Redis and an S3-compatible bucket.

A verification submitted over HTTP to the web process (gunicorn) is decided by the worker
(Celery, its own queue), which reads the photos from the bucket; the case's files are gone from
the bucket afterwards and neither machine ever wrote a private file to its own disk.
Run by .ci/run (PostgreSQL, Redis and the S3 server); skipped elsewhere with the reason.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from accounts.services import api_token_issue
from biometrics.models import FaceTemplate, Verification
from consent.purposes import PurposeCode
from tests.hardening.conftest import grant
from tests.hardening.worker import database_url
from tests.s3server import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    bucket_keys,
    s3_client,
    s3_endpoint,  # noqa: F401
)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(__file__).resolve().parents[1]
FINAL = {"verified", "rejected", "needs_review", "cancelled"}


@pytest.fixture(autouse=True)
def _needs_postgresql_and_a_broker():
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.skip("needs PostgreSQL and a broker (the two machines share only those)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Machine:
    """One process with its own VAR_DIR (its "disk"), in its own process group."""

    def __init__(self, name: str, root: Path, command: list[str], env: dict[str, str]) -> None:
        self.var = root / name
        self.var.mkdir(parents=True)
        self.log = root / f"{name}.log"
        self.process = subprocess.Popen(  # noqa: S603 fixed arguments
            command,
            cwd=BASE_DIR,
            env={**env, "VAR_DIR": str(self.var), "TEST_VAR_DIR": str(self.var)},
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, marker: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.text():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"{self.log.name} exited:\n{self.text()[-3000:]}")
            time.sleep(0.5)
        tail = self.text()[-3000:]
        raise AssertionError(f"{self.log.name}: no {marker!r} in {timeout} s\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)

    def private_files(self) -> list[Path]:
        return [p for p in self.var.rglob("*") if p.is_file() and "private" in p.parts]


def _request(url: str, token: str, *, data: bytes | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = MULTIPART_CONTENT
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 local URL
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@pytest.fixture
def machines(tmp_path, s3_endpoint):  # noqa: F811
    bucket = f"two-machines-{uuid.uuid4().hex[:10]}"
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "BIOMETRICS_QUEUE": f"two-machines-{uuid.uuid4().hex[:8]}",
        "PRIVATE_STORAGE_URL": f"s3://{bucket}/private",
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_S3_REGION_NAME": REGION,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    bin_dir = Path(sys.executable).parent
    started: list[Machine] = []
    try:
        worker = Machine(
            "worker",
            tmp_path,
            [
                str(bin_dir / "celery"),
                "-A",
                "config",
                "worker",
                "-Q",
                env["BIOMETRICS_QUEUE"],
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"face-{uuid.uuid4().hex[:6]}@%h",
            ],
            env,
        )
        started.append(worker)
        web = Machine(
            "web",
            tmp_path,
            [str(bin_dir / "gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py"],
            env,
        )
        started.append(web)
        web.wait_for("Booting worker", timeout=60)
        worker.wait_for("Face gallery loaded", timeout=240)
        yield {"url": f"http://127.0.0.1:{port}", "web": web, "worker": worker, "bucket": bucket}
    finally:
        for machine in started:
            machine.stop()


def test_a_verification_sent_to_the_web_machine_is_decided_by_the_worker_machine(
    premium_member,
    machines,
    s3_endpoint,  # noqa: F811
):
    # given: a premium member with consent and an API token
    from biometrics.tests.factories import submission

    grant(premium_member, PurposeCode.BIOMETRIC_VERIFICATION)
    _token, key = api_token_issue(user=premium_member, name="two machines")
    fields = submission()
    fields["document"] = _upload("document.jpg", fields["document"])
    fields["selfie"] = _upload("selfie.jpg", fields["selfie"])
    fields["date_of_birth"] = fields["date_of_birth"].isoformat()
    url = machines["url"] + "/api/v1/me/verifications/"
    # when: the web machine takes the submission
    status, body = _request(url, key, data=encode_multipart(BOUNDARY, fields))
    assert status == 202, body
    case_id = body["id"]
    # then: the worker machine decides it
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status, body = _request(f"{url}{case_id}/", key)
        if body.get("status") in FINAL:
            break
        time.sleep(1)
    assert body.get("status") == "verified", body
    assert f"Verification {case_id}: verified" in machines["worker"].text()
    assert f"Verification {case_id}: verified" not in machines["web"].text()
    assert FaceTemplate.objects.filter(user=premium_member).count() == 1
    # and: the case's photos are gone from the bucket, and no machine used its own disk
    case = Verification.objects.get(pk=case_id)
    assert not case.images.exists()
    assert bucket_keys(s3_endpoint, machines["bucket"]) == []
    assert machines["web"].private_files() == []
    assert machines["worker"].private_files() == []


def _upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")
