"""Data at rest after a full demo: no plaintext ID number, face template or image anywhere.

Runs ``seed_demo``, then two verifications through the API with the in-process task: the demo
member's (verified: template enrolled, encrypted ID kept) and a second member with the same
face (sent to review: encrypted face crops and selfie template kept for the reviewer). Then
reads every row of every table with raw SQL and every file under the private storage and the
media folder, and every log record emitted at DEBUG along the way.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from tests.hardening.conftest import private_root

pytestmark = pytest.mark.django_db

# Magic bytes of the formats a member can upload (JPEG, PNG, WebP) and of GIF.
# Whole signatures: a bare "GIF8" turns up by chance in a few hundred kB of Fernet's base64
# text (about 2 % per stored photo), which made this scan fail at random.
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")
WEBP = re.compile(rb"RIFF....WEBP", re.S)
# The same, base64-encoded (standard alphabet; Fernet tokens use the URL-safe one).
IMAGE_MAGIC_B64 = ("/9j/", "iVBORw0KGgo", "R0lGOD")
FLOAT_ARRAY = re.compile(r"\[\s*-?\d+\.\d+(?:\s*,\s*-?\d+\.\d+(?:e-?\d+)?){63,}")


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def _needles(templates: list[np.ndarray]) -> list[bytes]:
    """Every way a template might sit in a column: raw float32, base64 of it, its decimals."""
    out: list[bytes] = []
    for vector in templates:
        raw = np.asarray(vector, dtype=np.float32).tobytes()
        out += [raw[:64], base64.b64encode(raw)[:40], base64.urlsafe_b64encode(raw)[:40]]
        out += [f"{float(vector[0]):.6f}, {float(vector[1]):.6f}".encode()]
        out += [f"{float(vector[0])!r}".encode()]
    return out


def _findings(blob: bytes, niks: list[str], needles: list[bytes]) -> list[str]:
    found = []
    for nik in niks:
        if nik.encode() in blob:
            found.append("ID number")
    for needle in needles:
        if needle in blob:
            found.append("face template")
    if any(magic in blob for magic in IMAGE_MAGIC) or WEBP.search(blob):
        found.append("image bytes")
    text = blob.decode("utf-8", "replace")
    if any(magic in text for magic in IMAGE_MAGIC_B64):
        found.append("base64 image")
    if FLOAT_ARRAY.search(text):
        found.append("array of floats")
    return found


def _tables() -> list[str]:
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return sorted(names & set(connection.introspection.table_names()))


def _scan_tables(niks: list[str], needles: list[bytes]) -> tuple[int, list[str]]:
    problems: list[str] = []
    rows = 0
    quote = connection.ops.quote_name
    for table in _tables():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 names from the registry
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                rows += 1
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    for what in _findings(_as_bytes(value), niks, needles):
                        problems.append(f"{table}.{column}: {what}")
    return rows, problems


def _scan_files(niks: list[str], needles: list[bytes]) -> tuple[int, list[str]]:
    roots = [private_root(), Path(settings.MEDIA_ROOT)]
    files = [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
    problems = [
        f"{path}: {what}" for path in files for what in _findings(path.read_bytes(), niks, needles)
    ]
    return len(files), problems


def test_after_a_full_demo_no_table_file_or_log_holds_an_id_number_template_or_image(
    demo_run, caplog
):
    # given
    niks = demo_run["niks"]
    needles = _needles(demo_run["templates"])
    records = caplog.get_records("setup") + caplog.records
    # when
    rows, in_tables = _scan_tables(niks, needles)
    files, in_files = _scan_files(niks, needles)
    in_logs = [r.name for r in records for n in niks if n in r.getMessage() or n in str(r.args)]
    # then
    print(
        f"\ndata at rest: {len(_tables())} tables, {rows} rows, {files} files, "
        f"{len(records)} log records scanned; findings {len(in_tables + in_files + in_logs)}"
    )
    assert rows > 100 and files >= 2 and len(records) > 5  # the review case keeps 2 crops
    assert in_tables == []
    assert in_files == []
    assert in_logs == []


def test_the_scanner_recognises_what_it_hunts_for(demo_run):
    # given: what a careless implementation would store
    from biometrics import demo_images

    template = demo_run["templates"][0]
    needles = _needles([template])
    samples = {
        "ID number": f"id={demo_run['niks'][0]}".encode(),
        "face template": np.asarray(template, dtype=np.float32).tobytes(),
        "image bytes": demo_images.selfie_jpeg()[:100],
        "base64 image": base64.b64encode(demo_images.selfie_jpeg()[:60]),
        "array of floats": str([round(float(x), 5) for x in template]).encode(),
    }
    # when / then
    for what, blob in samples.items():
        assert what in _findings(blob, demo_run["niks"], needles), what
