"""Exact 1:N search of a face template against every enrolled template, in memory.

One float32 matrix of templates plus their squared norms. A query is one BLAS matrix-vector
product: ||x - q||^2 = ||x||^2 - 2 x.q + ||q||^2. That expansion loses a little precision to
cancellation, so it is only used to shortlist (with a small slack) and the shortlisted rows are
re-measured directly in float64: the result is exactly what a brute-force loop would return.

At 1,000,000 templates the matrix is 512 MB (plus up to the same again of spare capacity while
growing by doubling); see docs/biometrics-engine.md for measured latency and memory.
"""

from __future__ import annotations

import threading
from collections.abc import Container, Iterable, Sequence

import numpy as np

# Squared-distance slack for the shortlist. float32 dot products of ~unit-scale 128-d vectors
# err by ~1e-6; 1e-3 is orders of magnitude safer and still shortlists only near neighbours.
_SLACK = 1e-3
_MIN_CAPACITY = 1024


class TemplateGallery:
    """An in-memory set of (key, template) pairs with exact thresholded nearest-neighbour search.

    Keys are opaque strings (template UUIDs). Adding an existing key replaces its vector, so
    re-running an enrolment task is harmless. Methods are serialised by a lock; BLAS itself
    uses all cores for one query.
    """

    def __init__(self, dim: int = 128, *, capacity: int = 0) -> None:
        self.dim = dim
        capacity = max(capacity, _MIN_CAPACITY)
        self._vectors = np.empty((capacity, dim), dtype=np.float32)
        self._sq_norms = np.empty(capacity, dtype=np.float32)
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    @property
    def nbytes(self) -> int:
        """Bytes held by the vector and norm arrays (allocated capacity, not just used rows)."""
        return int(self._vectors.nbytes + self._sq_norms.nbytes)

    def _grow(self, needed: int) -> None:
        capacity = self._vectors.shape[0]
        if needed <= capacity:
            return
        while capacity < needed:
            capacity *= 2
        size = len(self._keys)
        vectors = np.empty((capacity, self.dim), dtype=np.float32)
        vectors[:size] = self._vectors[:size]
        sq_norms = np.empty(capacity, dtype=np.float32)
        sq_norms[:size] = self._sq_norms[:size]
        self._vectors, self._sq_norms = vectors, sq_norms

    def add(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        """Insert or replace templates; `vectors` has one row per key."""
        rows = np.asarray(vectors, dtype=np.float32)
        if rows.ndim == 1:
            rows = rows[np.newaxis, :]
        if rows.shape != (len(keys), self.dim):
            raise ValueError(
                f"expected vectors of shape ({len(keys)}, {self.dim}), got {rows.shape}"
            )
        if not np.isfinite(rows).all():
            raise ValueError("templates must be finite")
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate keys in one add() call")
        with self._lock:
            positions = np.empty(len(keys), dtype=np.int64)
            new_keys: list[str] = []
            size = len(self._keys)
            for i, key in enumerate(keys):
                existing = self._index.get(key)
                if existing is None:
                    positions[i] = size + len(new_keys)
                    new_keys.append(key)
                else:
                    positions[i] = existing
            self._grow(size + len(new_keys))
            self._vectors[positions] = rows
            self._sq_norms[positions] = np.einsum("ij,ij->i", rows, rows)
            for offset, key in enumerate(new_keys):
                self._index[key] = size + offset
            self._keys.extend(new_keys)

    def remove(self, keys: Iterable[str]) -> None:
        """Drop templates by key; unknown keys are ignored (erasure may run twice).

        Each removal moves the last row into the freed slot, so it costs O(dim) whatever the
        gallery size.
        """
        with self._lock:
            for key in keys:
                position = self._index.pop(key, None)
                if position is None:
                    continue
                last = len(self._keys) - 1
                if position != last:
                    moved = self._keys[last]
                    self._vectors[position] = self._vectors[last]
                    self._sq_norms[position] = self._sq_norms[last]
                    self._keys[position] = moved
                    self._index[moved] = position
                self._keys.pop()

    def search(
        self,
        vector: np.ndarray,
        *,
        threshold: float,
        exclude: Container[str] = (),
        limit: int = 10,
    ) -> list[tuple[str, float]]:
        """Return up to `limit` (key, distance) pairs with distance <= threshold, nearest first.

        `exclude` typically holds the member's own template keys. Equal distances are ordered
        by key so results are deterministic.
        """
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape != (self.dim,):
            raise ValueError(f"expected a vector of shape ({self.dim},), got {query.shape}")
        if limit <= 0 or threshold < 0:
            return []
        with self._lock:
            size = len(self._keys)
            if size == 0:
                return []
            vectors = self._vectors[:size]
            approx = self._sq_norms[:size] - 2.0 * (vectors @ query)
            approx += float(query @ query)
            bound = threshold * threshold + _SLACK
            candidates = np.flatnonzero(approx <= bound)
            # Visit candidates nearest-first (by the estimate) in chunks, and stop once the
            # next chunk cannot beat the limit-th hit: a loose threshold then costs a sort, not
            # a float64 pass over the whole gallery.
            order = candidates[np.argsort(approx[candidates], kind="stable")]
            chunk = max(256, 4 * limit)
            hits: list[tuple[float, str]] = []
            for start in range(0, order.size, chunk):
                rows = order[start : start + chunk]
                if len(hits) >= limit:
                    hits.sort()
                    worst = hits[limit - 1][0]
                    if approx[rows[0]] - _SLACK > worst * worst:
                        break
                exact = np.linalg.norm(
                    vectors[rows].astype(np.float64) - query.astype(np.float64), axis=1
                )
                for row, distance in zip(rows.tolist(), exact.tolist(), strict=True):
                    key = self._keys[row]
                    if distance <= threshold and key not in exclude:
                        hits.append((distance, key))
        hits.sort()
        return [(key, distance) for distance, key in hits[:limit]]
