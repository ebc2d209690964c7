"""Time exact 1:N template search on a synthetic gallery and check it against brute force.

With ``--cold-start`` it also measures what a face-matching worker meets in production, on the
configured database (use a database of its own, e.g. PostgreSQL ``platform_bench``): it stores
``--templates`` encrypted templates there (once; later runs reuse them), then a fresh process
loads the gallery the way a worker does at start (decrypting every template) and reports the
load time and its resident memory, then times the real search path (pull of new templates and
tombstones, search, database check of the hits) while another process enrols templates.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from biometrics.dedup import TemplateGallery
from biometrics.face_engine import EMBEDDING_DIM, dedup_threshold

BUILD_CHUNK = 100_000
POPULATE_BATCH = 20_000
# Real Dlib templates have norms around 1.3-1.5 and impostor distances around 0.9.
TEMPLATE_NORM = 1.4
EXACTNESS_QUERIES = 5


def random_templates(rng: np.random.Generator, count: int) -> np.ndarray:
    """Random 128-d float32 vectors on a sphere of Dlib-like radius."""
    vectors = rng.standard_normal((count, EMBEDDING_DIM), dtype=np.float32)
    vectors *= TEMPLATE_NORM / np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def near(rng: np.random.Generator, centre: np.ndarray, distance: float) -> np.ndarray:
    """A vector at exactly `distance` from `centre`, in a random direction."""
    direction = rng.standard_normal(EMBEDDING_DIM)
    return (centre + distance * direction / np.linalg.norm(direction)).astype(np.float32)


def brute_force(
    gallery_keys: list[str], gallery: np.ndarray, query: np.ndarray, threshold: float, limit: int
) -> list[tuple[str, float]]:
    """The reference answer: every distance in float64, filtered and sorted."""
    hits: list[tuple[float, str]] = []
    for start in range(0, len(gallery_keys), BUILD_CHUNK):
        block = gallery[start : start + BUILD_CHUNK].astype(np.float64)
        distances = np.linalg.norm(block - query.astype(np.float64), axis=1)
        for offset in np.flatnonzero(distances <= threshold).tolist():
            hits.append((float(distances[offset]), gallery_keys[start + offset]))
    hits.sort()
    return [(key, distance) for distance, key in hits[:limit]]


def rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


BENCH_EMAIL = "bench-dedup@bench.invalid"
MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py"), "biometrics_bench_dedup"]


def current_rss_mb() -> float:
    """Resident memory of this process now, in MB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return rss_mb()


def _bench_user() -> Any:
    from accounts.models import User

    user = User.objects.filter(email=BENCH_EMAIL).first()
    return user or User.objects.create_user(email=BENCH_EMAIL, password=None)


def populate(count: int, seed: int, out: Any) -> float:
    """Store encrypted templates for the bench user until there are ``count``; return seconds.

    Blocks of ``POPULATE_BATCH`` templates, one transaction each: a run that stops keeps what
    it stored, and the next run goes on from there.
    """
    from biometrics.models import EncryptedVectorField, FaceTemplate

    user = _bench_user()
    have = FaceTemplate.objects.filter(user=user).count()
    started = time.perf_counter()
    rng = np.random.default_rng(seed + have)
    field = EncryptedVectorField()
    created = timezone.now() - timedelta(days=30)
    bar = tqdm(total=count, initial=have, desc="Storing templates", unit="template", disable=None)
    while have < count:
        block = random_templates(rng, min(POPULATE_BATCH, count - have))
        rows = [(uuid.uuid4(), user.pk, field.get_prep_value(v), "Dlib", created) for v in block]
        with transaction.atomic():
            _store(rows, block)
        have += len(rows)
        bar.update(len(rows))
        out.write(f"  stored {have} templates\n")
    bar.close()
    return time.perf_counter() - started


def _store(rows: list[tuple[Any, ...]], block: np.ndarray) -> None:
    """Write one block of templates (COPY on PostgreSQL, bulk insert elsewhere)."""
    from biometrics.models import FaceTemplate

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql = (
                "COPY biometrics_facetemplate (id, user_id, vector, model_name, created_at) "
                "FROM STDIN"
            )
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
    else:
        FaceTemplate.objects.bulk_create(
            [
                FaceTemplate(id=k, user_id=u, vector=vec, model_name=m, created_at=c)
                for (k, u, _enc, m, c), vec in zip(rows, block, strict=True)
            ],
            batch_size=2000,
        )


def enrol_loop(seconds: float, seed: int) -> int:
    """Enrol templates one by one (as verifications do) for ``seconds``; return how many."""
    from biometrics.models import FaceTemplate

    user = _bench_user()
    rng = np.random.default_rng(seed)
    done, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        FaceTemplate.objects.create(
            user=user, vector=random_templates(rng, 1)[0], model_name="Dlib"
        )
        done += 1
        time.sleep(0.05)  # about 20 enrolments a second: far above the real rate
    return done


def worker_phase(queries: int, seed: int) -> dict[str, Any]:
    """In a fresh process: load like a worker at start, then search while another enrols."""
    from biometrics.gallery import _DEDUP_THREAD_LOCK, gallery, gallery_search, gallery_warm_up

    rss_before = current_rss_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    gallery_warm_up()
    load_seconds = time.perf_counter() - started
    load_cpu = time.process_time() - cpu_started
    rss_after = current_rss_mb()
    loaded = len(gallery())
    enroller = subprocess.Popen(  # noqa: S603 this command, another mode
        [*MANAGE, "--enrol-seconds", "600", "--seed", str(seed + 1)],
        env=os.environ.copy(),
    )
    try:
        time.sleep(2)  # let it start enrolling
        rng = np.random.default_rng(seed)
        threshold = dedup_threshold()
        timings, cpu = [], []
        for _ in tqdm(range(queries), desc="Searching", unit="query", disable=None):
            query = random_templates(rng, 1)[0]
            t0, c0 = time.perf_counter(), time.process_time()
            with _DEDUP_THREAD_LOCK:  # what the lock covers: pull, search, check of the hits
                gallery_search(vector=query, threshold=threshold, exclude_user_id=None)
            timings.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    finally:
        enroller.terminate()
        enroller.wait(timeout=30)
    return {
        "cold_start_templates": loaded,
        "cold_start_load_seconds": round(load_seconds, 2),
        "cold_start_load_cpu_seconds": round(load_cpu, 2),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cold_start_rss_mb": round(rss_after, 1),
        "cold_start_rss_growth_mb": round(rss_after - rss_before, 1),
        "concurrent_templates_after": len(gallery()),
        "concurrent_search_p50_ms": round(float(np.percentile(timings, 50) * 1000), 2),
        "concurrent_search_p95_ms": round(float(np.percentile(timings, 95) * 1000), 2),
        "concurrent_search_cpu_p50_ms": round(float(np.percentile(cpu, 50) * 1000), 2),
        "concurrent_search_cpu_p95_ms": round(float(np.percentile(cpu, 95) * 1000), 2),
    }


class Command(BaseCommand):
    help = "Benchmark TemplateGallery.search: latency percentiles, memory, exactness."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--templates", type=int, default=1_000_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=20240611)
        parser.add_argument("--json", type=Path, help="write the figures here")
        parser.add_argument(
            "--cold-start",
            action="store_true",
            help="also measure a worker's cold start and searches during enrolment, on the "
            "configured database (stores --templates encrypted templates there once)",
        )
        parser.add_argument("--worker-phase", action="store_true", help="(internal)")
        parser.add_argument("--enrol-seconds", type=float, default=0, help="(internal)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enrol_seconds"]:
            enrol_loop(options["enrol_seconds"], options["seed"])
            return
        if options["worker_phase"]:
            self.stdout.write(json.dumps(worker_phase(options["queries"], options["seed"])))
            return
        if options["cold_start"]:
            self._cold_start(options)
            return
        rng = np.random.default_rng(options["seed"])
        count, n_queries = options["templates"], max(1, options["queries"])
        threshold = dedup_threshold()
        rss_before = rss_mb()

        # Keep the generated vectors: the brute-force check needs them and the gallery holds
        # its own copy, so RSS below includes both; memory_mb is the gallery alone.
        started = time.perf_counter()
        gallery = TemplateGallery(EMBEDDING_DIM, capacity=count + 64)
        all_vectors = np.empty((count, EMBEDDING_DIM), dtype=np.float32)
        keys = [f"t{i:08d}" for i in range(count)]
        for start in tqdm(
            range(0, count, BUILD_CHUNK), desc="Building", unit="block", disable=None
        ):
            block = random_templates(rng, min(BUILD_CHUNK, count - start))
            all_vectors[start : start + len(block)] = block
            gallery.add(keys[start : start + len(block)], block)
        build_seconds = time.perf_counter() - started

        # Half the queries are re-takes of enrolled faces (a hit exists), half are strangers.
        queries = []
        for i in range(n_queries):
            if i % 2 == 0 and count:
                queries.append(near(rng, all_vectors[rng.integers(count)], 0.3))
            else:
                queries.append(random_templates(rng, 1)[0])

        # Exactness: plant neighbours just inside and just outside the threshold around a few
        # queries, where float32 shortcuts would go wrong first.
        planted_keys, planted = [], []
        for q in range(min(EXACTNESS_QUERIES, n_queries)):
            for j, delta in enumerate((-1e-4, -1e-6, 1e-6, 1e-4, -0.05)):
                planted_keys.append(f"p{q}-{j}")
                planted.append(near(rng, queries[q], threshold + delta))
        if planted:
            gallery.add(planted_keys, np.stack(planted))
        reference_keys = keys + planted_keys
        reference = np.concatenate([all_vectors, np.stack(planted)]) if planted else all_vectors

        timings = []
        for query in tqdm(queries, desc="Searching", unit="query", disable=None):
            t0 = time.perf_counter()
            gallery.search(query, threshold=threshold, limit=10)
            timings.append(time.perf_counter() - t0)

        exact = True
        for query in queries[:EXACTNESS_QUERIES]:
            got = gallery.search(query, threshold=threshold, limit=10)
            want = brute_force(reference_keys, reference, query, threshold, 10)
            same_keys = [k for k, _ in got] == [k for k, _ in want]
            close = all(abs(a - b) < 1e-9 for (_, a), (_, b) in zip(got, want, strict=False))
            exact = exact and same_keys and close

        report = {
            "templates": len(gallery),
            "queries": n_queries,
            "threshold": threshold,
            "p50_ms": float(np.percentile(timings, 50) * 1000),
            "p95_ms": float(np.percentile(timings, 95) * 1000),
            "memory_mb": gallery.nbytes / 1e6,
            "rss_mb": rss_mb(),
            "rss_before_mb": rss_before,
            "build_seconds": build_seconds,
            "exact": exact,
        }
        for key, value in report.items():
            shown = f"{value:.2f}" if isinstance(value, float) else value
            self.stdout.write(f"{key}: {shown}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    def _cold_start(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"storing templates ({connection.vendor})...")
        populate_seconds = populate(options["templates"], options["seed"], self.stdout)
        connection.close()
        phase = subprocess.run(  # noqa: S603 this command, another mode
            [*MANAGE, "--worker-phase", "--queries", str(options["queries"])],
            env=os.environ.copy(),
            capture_output=True,
            text=True,
            check=True,
        )
        report = {"populate_seconds": round(populate_seconds, 1), **json.loads(phase.stdout)}
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
