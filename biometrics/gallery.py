"""The process-wide 1:N gallery of enrolled templates: loaded once, then kept in step.

Each face-matching worker process holds one ``TemplateGallery``, loaded in full when the process
starts (``gallery_warm_up``, from the worker's start-up hook, before it takes a job) and never
reloaded after that. Before every search, the changes made since the last pull by any process
are pulled:

- additions by ``created_at``, with an overlap, since a template committed late may carry an
  earlier timestamp (re-adding a key is harmless);
- deletions from ``FaceTemplateTombstone`` (written in the same transaction as the delete, by a
  ``post_delete`` receiver, so cascades count too), with the same overlap.

Both are indexed queries returning a handful of rows, so the search stays exact and a deletion
reaches every process without a reload. Hits are still checked against the database before
anyone sees them. Tombstones are kept ``BIOMETRICS_GALLERY_TOMBSTONE_DAYS``; a process that has
not pulled for longer than that loads the gallery again in full (outside the dedup lock).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from biometrics.dedup import TemplateGallery
from biometrics.face_engine import EMBEDDING_DIM
from biometrics.models import FaceTemplate, FaceTemplateTombstone
from config.encryption import key_ring

logger = logging.getLogger(__name__)

_OVERLAP = timedelta(minutes=5)
_BATCH = 5000
# PostgreSQL advisory lock key for "1:N search + enrolment" (any fixed 64-bit number).
_DEDUP_LOCK_KEY = 0x6269_6F6D_6465_6470  # "biomdedp"
_DEDUP_THREAD_LOCK = threading.Lock()


@dataclass
class _State:
    gallery: TemplateGallery
    synced_to: datetime | None = None  # newest created_at pulled so far
    tombstones_to: datetime | None = None  # newest tombstone pulled so far
    refreshed: float = 0.0  # monotonic time of the last incremental pull
    pulled_at: datetime | None = None  # wall time of the last pull (tombstone horizon)
    load_seconds: float = 0.0  # how long the full load took


_STATE: _State | None = None
_LOCK = threading.Lock()


def _pull_additions(state: _State, since: datetime | None) -> None:
    """Add templates created since ``since`` (with the overlap) that this gallery lacks.

    Keys and timestamps come first (no decryption); only templates not held yet are fetched
    and decrypted, so the overlap window costs an index scan, not a decryption per row.
    """
    templates = FaceTemplate.objects.order_by("created_at")
    if since is not None:
        templates = templates.filter(created_at__gte=since - _OVERLAP)
        recent = list(templates.values_list("id", "created_at"))
        newest_seen = max((at for _pk, at in recent), default=None)
        missing = [pk for pk, _at in recent if str(pk) not in state.gallery]
        if newest_seen is not None:
            state.synced_to = max(state.synced_to or newest_seen, newest_seen)
        if not missing:
            return
        templates = FaceTemplate.objects.filter(pk__in=missing).order_by("created_at")
    keys: list[str] = []
    vectors: list[np.ndarray] = []
    newest = state.synced_to
    for template in templates.only("id", "vector", "created_at").iterator(chunk_size=_BATCH):
        keys.append(str(template.pk))
        vectors.append(_vector(template))
        newest = template.created_at if newest is None else max(newest, template.created_at)
        if len(keys) >= _BATCH:
            state.gallery.add(keys, np.vstack(vectors))
            keys, vectors = [], []
    if keys:
        state.gallery.add(keys, np.vstack(vectors))
    state.synced_to = newest or state.synced_to


def _pull_tombstones(state: _State) -> None:
    tombstones = FaceTemplateTombstone.objects.order_by("deleted_at")
    if state.tombstones_to is not None:
        tombstones = tombstones.filter(deleted_at__gte=state.tombstones_to - _OVERLAP)
    rows = list(tombstones.values_list("key", "deleted_at"))
    if rows:
        state.gallery.remove(str(key) for key, _at in rows)
        state.tombstones_to = max(rows[-1][1], state.tombstones_to or rows[-1][1])


def _fetch_chunks(
    out: queue.Queue[list[tuple[Any, str]] | BaseException | None],
    own_connection: bool,
    *,
    unbounded: bool = False,
) -> None:
    """Put raw (key, ciphertext) rows in chunks, then None (or the error) on ``out``.

    ``unbounded``: called inline, the queue must take every chunk without a consumer.
    """
    if unbounded:
        out.maxsize = 0
    try:
        rows = FaceTemplate.objects.values_list("id", "vector").order_by()
        # Raw column values: decryption happens in the consumer, overlapping the next fetch.
        rows.query.clear_ordering(force=True)
        sql, params = rows.query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(_BATCH):
                out.put(chunk)
        out.put(None)
    except BaseException as exc:  # handed to the consumer, which raises it
        out.put(exc)
    finally:
        if own_connection:
            connection.close()  # this thread's own connection


def _full_load() -> _State:
    """Load every template: one thread fetches from the database while this one decrypts."""
    started = time.perf_counter()
    now = timezone.now()
    expected = FaceTemplate.objects.count()
    state = _State(
        gallery=TemplateGallery(EMBEDDING_DIM, capacity=int(expected * 1.05) + 1024),
        refreshed=time.monotonic(),
    )
    # Watermarks from before the load: anything enrolled or deleted meanwhile is pulled next.
    state.tombstones_to = now
    state.synced_to = now
    chunks: queue.Queue[list[tuple[Any, str]] | BaseException | None] = queue.Queue(maxsize=4)
    # A thread of its own sees only committed rows: fine for a worker starting up (autocommit),
    # not inside a transaction (tests, a shell), where the fetch runs inline instead.
    threaded = not connection.in_atomic_block
    fetcher = threading.Thread(target=_fetch_chunks, args=(chunks, threaded), daemon=True)
    if threaded:
        fetcher.start()
    else:
        _fetch_chunks(chunks, threaded, unbounded=True)
    ring = key_ring()
    while (chunk := chunks.get()) is not None:
        if isinstance(chunk, BaseException):
            raise chunk
        vectors = np.empty((len(chunk), EMBEDDING_DIM), dtype=np.float32)
        for row, (_key, token) in enumerate(chunk):
            vectors[row] = np.frombuffer(ring.decrypt(token.encode()), dtype=np.float32)
        # Raw ids: a uuid on PostgreSQL, 32 hex digits on SQLite; keys are the dashed form.
        state.gallery.add([str(uuid.UUID(str(key))) for key, _token in chunk], vectors)
    if threaded:
        fetcher.join()
    state.pulled_at = now
    state.load_seconds = time.perf_counter() - started
    return state


def _stale(state: _State) -> bool:
    """True when tombstones this process has not pulled may already be purged."""
    horizon = timedelta(days=settings.BIOMETRICS_GALLERY_TOMBSTONE_DAYS) - _OVERLAP
    return state.pulled_at is None or timezone.now() - state.pulled_at > horizon


def gallery_loaded() -> bool:
    """Whether this process holds a gallery (face-matching workers do, web processes don't)."""
    return _STATE is not None


def gallery_warm_up() -> float:
    """Load the whole gallery now unless loaded; return the seconds the load took.

    Face-matching workers call it when they start, before taking a job; a search never loads
    the gallery under the dedup lock (``dedup_serialised`` calls this first).
    """
    global _STATE
    with _LOCK:
        if _STATE is None or _stale(_STATE):
            _STATE = _full_load()
            logger.info(
                "Face gallery loaded: %d templates in %.1f s",
                len(_STATE.gallery),
                _STATE.load_seconds,
            )
        return _STATE.load_seconds


def gallery(*, fresh: bool = False) -> TemplateGallery:
    """Return this process's gallery, loading it once if needed.

    ``fresh`` pulls every template enrolled and every template deleted since the last pull
    first (what a search needs); otherwise changes are pulled at most every
    ``BIOMETRICS_GALLERY_REFRESH_SECONDS``.
    """
    global _STATE
    gallery_warm_up()
    with _LOCK:
        state = _STATE
        if state is None:  # reset by another thread between the two locks: load again
            state = _STATE = _full_load()
        now = time.monotonic()
        if fresh or now - state.refreshed > settings.BIOMETRICS_GALLERY_REFRESH_SECONDS:
            wall = timezone.now()
            _pull_additions(state, state.synced_to)
            _pull_tombstones(state)
            state.refreshed = now
            state.pulled_at = wall
        return state.gallery


def _vector(template: FaceTemplate) -> np.ndarray:
    """The template's vector (the column is NOT NULL; the field type allows None for cases)."""
    if template.vector is None:
        raise ValueError(f"face template {template.pk} has no vector")
    return template.vector


def gallery_add(*, template: FaceTemplate) -> None:
    """Add a just-enrolled template to this process's gallery (if it is loaded)."""
    with _LOCK:
        if _STATE is not None:
            _STATE.gallery.add([str(template.pk)], _vector(template))


def gallery_remove(*, keys: list[str]) -> None:
    """Drop templates from this process's gallery (others pull the tombstones)."""
    with _LOCK:
        if _STATE is not None and keys:
            _STATE.gallery.remove(keys)


def gallery_reset() -> None:
    """Forget the loaded gallery; the next search loads it again (tests, operators)."""
    global _STATE
    with _LOCK:
        _STATE = None


def gallery_search(
    *,
    vector: np.ndarray,
    threshold: float,
    exclude_user_id: uuid.UUID | str | None,
    limit: int = 20,
) -> list[tuple[FaceTemplate, float]]:
    """Return enrolled templates of other members within ``threshold``, nearest first.

    Hits are confirmed against the database, so a template deleted elsewhere (withdrawal,
    erasure, retention) is never reported even if this process still holds it.
    """
    mine = FaceTemplate.objects.none()
    if exclude_user_id is not None:
        mine = FaceTemplate.objects.filter(user_id=exclude_user_id)
    own = {str(pk) for pk in mine.values_list("pk", flat=True)}
    # Ask for extra rows: stale keys (deleted elsewhere) are dropped below.
    hits = gallery(fresh=True).search(
        vector, threshold=threshold, exclude=own, limit=limit * 2 + len(own)
    )
    if not hits:
        return []
    found = FaceTemplate.objects.filter(pk__in=[key for key, _ in hits])
    if exclude_user_id is not None:
        found = found.exclude(user_id=exclude_user_id)
    alive = {str(t.pk): t for t in found.only("id", "user_id", "verification_id")}
    stale = [key for key, _ in hits if key not in alive]
    if stale:
        gallery_remove(keys=stale)
    return [(alive[key], distance) for key, distance in hits if key in alive][:limit]


HEARTBEAT_CACHE_KEY = "biometrics:face-worker-heartbeat"


def worker_heartbeat_record() -> None:
    """Note in the shared cache that a face-matching worker holding the gallery answered."""
    from django.core.cache import cache

    state = _STATE
    cache.set(
        HEARTBEAT_CACHE_KEY,
        {
            "at": time.time(),
            "templates": len(state.gallery) if state else 0,
            "load_seconds": round(state.load_seconds, 2) if state else None,
        },
        timeout=max(settings.BIOMETRICS_WORKER_HEARTBEAT_MAX_AGE * 2, 60),
    )


def worker_heartbeat() -> dict[str, Any] | None:
    """The last heartbeat of any face-matching worker, with its age in seconds, or None."""
    from django.core.cache import cache

    beat = cache.get(HEARTBEAT_CACHE_KEY)
    if not isinstance(beat, dict) or "at" not in beat:
        return None
    return {**beat, "age_seconds": round(time.time() - float(beat["at"]), 1)}


@receiver(post_delete, sender=FaceTemplate, dispatch_uid="biometrics-template-tombstone")
def _template_deleted(sender: Any, instance: FaceTemplate, **kwargs: Any) -> None:
    """Record the deleted key (same transaction) so every worker's gallery drops it."""
    FaceTemplateTombstone.objects.bulk_create(
        [FaceTemplateTombstone(key=instance.pk)], ignore_conflicts=True
    )
    key = str(instance.pk)
    transaction.on_commit(lambda: gallery_remove(keys=[key]))


def tombstones_purge(*, now: datetime | None = None) -> int:
    """Delete tombstones older than ``BIOMETRICS_GALLERY_TOMBSTONE_DAYS``; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BIOMETRICS_GALLERY_TOMBSTONE_DAYS)
    deleted, _per_model = FaceTemplateTombstone.objects.filter(deleted_at__lt=cutoff).delete()
    return deleted


@contextmanager
def dedup_serialised(*, active: bool = True) -> Iterator[None]:
    """Serialise "search for duplicates, then enrol" across threads and worker processes.

    Without it, two workers handling the same new face at the same moment would each search
    before the other enrolled, and both verify. A thread lock covers one process (the embedded
    default runs tasks in the web process); on PostgreSQL a transaction-level advisory lock
    (``pg_advisory_xact_lock``) covers every process: the block runs in one transaction and the
    lock goes with its commit or rollback, so it works behind PgBouncer in transaction pooling
    and PostgreSQL frees it if the worker dies. The gallery is loaded before the lock is taken:
    the lock is held for the search and the decision only (milliseconds), never for a load,
    detection or embedding.
    """
    if not active:
        yield
        return
    gallery_warm_up()
    with _DEDUP_THREAD_LOCK:
        if connection.vendor != "postgresql":
            yield
            return
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DEDUP_LOCK_KEY])
            yield
