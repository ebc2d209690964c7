"""The process-wide 1:N gallery of enrolled templates, loaded once and refreshed incrementally.

Each worker process holds one ``TemplateGallery``. Before every search, templates enrolled since
the last pull (by any process) are pulled by ``created_at``, with an overlap, since a template
committed late may carry an earlier timestamp; re-adding a key is harmless. That is one indexed
query returning a handful of rows, and it keeps the search exact: a face enrolled by another
worker a moment ago is searched too. Deletions in other processes are not seen until the next
full reload, so every hit is checked against the database before anyone sees it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from biometrics.dedup import TemplateGallery
from biometrics.face_engine import EMBEDDING_DIM
from biometrics.models import FaceTemplate

_OVERLAP = timedelta(minutes=5)
_BATCH = 5000
# PostgreSQL advisory lock key for "1:N search + enrolment" (any fixed 64-bit number).
_DEDUP_LOCK_KEY = 0x6269_6F6D_6465_6470  # "biomdedp"
_DEDUP_THREAD_LOCK = threading.Lock()


@dataclass
class _State:
    gallery: TemplateGallery
    synced_to: datetime | None = None  # newest created_at pulled so far
    refreshed: float = 0.0  # monotonic time of the last incremental pull
    loaded: float = 0.0  # monotonic time of the last full load


_STATE: _State | None = None
_LOCK = threading.Lock()


def _pull(state: _State, since: datetime | None) -> None:
    templates = FaceTemplate.objects.order_by("created_at")
    if since is not None:
        templates = templates.filter(created_at__gte=since - _OVERLAP)
    keys: list[str] = []
    vectors: list[np.ndarray] = []
    newest = state.synced_to
    for template in templates.only("id", "vector", "created_at").iterator(chunk_size=_BATCH):
        keys.append(str(template.pk))
        vectors.append(template.vector)
        newest = template.created_at if newest is None else max(newest, template.created_at)
        if len(keys) >= _BATCH:
            state.gallery.add(keys, np.vstack(vectors))
            keys, vectors = [], []
    if keys:
        state.gallery.add(keys, np.vstack(vectors))
    state.synced_to = newest or timezone.now()


def gallery(*, fresh: bool = False) -> TemplateGallery:
    """Return this process's gallery, loading or refreshing it as the settings say.

    ``fresh`` pulls every template enrolled since the last pull first (what a search needs).
    """
    global _STATE
    with _LOCK:
        now = time.monotonic()
        if _STATE is None or now - _STATE.loaded > settings.BIOMETRICS_GALLERY_RELOAD_SECONDS:
            state = _State(gallery=TemplateGallery(EMBEDDING_DIM), loaded=now, refreshed=now)
            _pull(state, None)
            _STATE = state
        elif fresh or now - _STATE.refreshed > settings.BIOMETRICS_GALLERY_REFRESH_SECONDS:
            _pull(_STATE, _STATE.synced_to)
            _STATE.refreshed = now
        return _STATE.gallery


def gallery_add(*, template: FaceTemplate) -> None:
    """Add a just-enrolled template to this process's gallery (if it is loaded)."""
    with _LOCK:
        if _STATE is not None:
            _STATE.gallery.add([str(template.pk)], template.vector)


def gallery_remove(*, keys: list[str]) -> None:
    """Drop templates from this process's gallery (other processes drop them on reload)."""
    with _LOCK:
        if _STATE is not None and keys:
            _STATE.gallery.remove(keys)


def gallery_reset() -> None:
    """Forget the loaded gallery; the next search reloads it from the database."""
    global _STATE
    with _LOCK:
        _STATE = None


def gallery_search(
    *, vector: np.ndarray, threshold: float, exclude_user_id: object, limit: int = 20
) -> list[tuple[FaceTemplate, float]]:
    """Return enrolled templates of other members within ``threshold``, nearest first.

    Hits are confirmed against the database, so a template deleted elsewhere (withdrawal,
    erasure, retention) is never reported even if this process still holds it.
    """
    own = {
        str(pk)
        for pk in FaceTemplate.objects.filter(user_id=exclude_user_id).values_list("pk", flat=True)
    }
    # Ask for extra rows: stale keys (deleted elsewhere) are dropped below.
    hits = gallery(fresh=True).search(
        vector, threshold=threshold, exclude=own, limit=limit * 2 + len(own)
    )
    if not hits:
        return []
    alive = {
        str(t.pk): t
        for t in FaceTemplate.objects.filter(pk__in=[key for key, _ in hits])
        .exclude(user_id=exclude_user_id)
        .only("id", "user_id", "verification_id")
    }
    stale = [key for key, _ in hits if key not in alive]
    if stale:
        gallery_remove(keys=stale)
    return [(alive[key], distance) for key, distance in hits if key in alive][:limit]


@contextmanager
def dedup_serialised(*, active: bool = True) -> Iterator[None]:
    """Serialise "search for duplicates, then enrol" across threads and worker processes.

    Without it, two workers handling the same new face at the same moment would each search
    before the other enrolled, and both verify. A thread lock covers one process (the embedded
    default runs tasks in the web process); a session-level PostgreSQL advisory lock covers
    every process. PostgreSQL releases it by itself if the worker dies. Held for the search and
    the decision only (tens of milliseconds), not for detection and embedding.
    """
    if not active:
        yield
        return
    with _DEDUP_THREAD_LOCK:
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_DEDUP_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_DEDUP_LOCK_KEY])
