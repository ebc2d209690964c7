"""Time exact 1:N template search on a synthetic gallery and check it against brute force."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandParser

from biometrics.dedup import TemplateGallery
from biometrics.face_engine import EMBEDDING_DIM, dedup_threshold

BUILD_CHUNK = 100_000
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


class Command(BaseCommand):
    help = "Benchmark TemplateGallery.search: latency percentiles, memory, exactness."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--templates", type=int, default=1_000_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=20240611)
        parser.add_argument("--json", type=Path, help="write the figures here")

    def handle(self, *args: Any, **options: Any) -> None:
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
        for start in range(0, count, BUILD_CHUNK):
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
        for query in queries:
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
