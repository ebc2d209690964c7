"""A local S3-compatible server for the object-storage tests (moto in server mode).

``TEST_S3_ENDPOINT_URL`` points the tests at a running server (``.ci/run`` starts one);
otherwise the session starts ``moto_server`` from this virtualenv on a free port, and the tests
skip with a reason when neither is possible. Each test gets its own bucket.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"  # noqa: S105 a local test server's credentials
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1)  # noqa: S310 a local URL we built
    except urllib.error.HTTPError:
        return True  # it speaks HTTP
    except OSError:
        return False
    return True


def moto_server_command() -> str | None:
    candidate = Path(sys.executable).parent / "moto_server"
    return str(candidate) if candidate.exists() else shutil.which("moto_server")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The URL of an S3-compatible server for this test session."""
    url = os.environ.get("TEST_S3_ENDPOINT_URL", "")
    if url:
        if not _answers(url):
            pytest.skip(f"TEST_S3_ENDPOINT_URL={url} does not answer")
        yield url
        return
    command = moto_server_command()
    if command is None:
        pytest.skip("no S3-compatible server: install moto[server] (requirements-dev.txt)")
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 our own virtualenv's script
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if _answers(url):
                break
            time.sleep(0.1)
        else:
            pytest.skip("moto_server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def storage_entry(endpoint: str, bucket: str) -> dict[str, Any]:
    """The STORAGES["private"] entry PRIVATE_STORAGE_URL=s3://BUCKET/private gives."""
    from config.settings.base import private_s3_storage

    entry = private_s3_storage(f"s3://{bucket}/private")
    entry["OPTIONS"].update(
        endpoint_url=endpoint, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region_name=REGION
    )
    return entry


def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


@pytest.fixture
def s3_bucket(s3_endpoint: str, settings: Any) -> Iterator[str]:
    """A fresh bucket that is this test's private storage; yields the bucket name."""
    bucket = f"private-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "private": storage_entry(s3_endpoint, bucket)}
    yield bucket
