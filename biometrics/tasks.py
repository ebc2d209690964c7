"""Celery tasks: process one verification, and sweep cases a dead worker left behind."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Worth another try: the database or the storage hiccuped, or the worker was too busy. Anything
# else (a bug) propagates once; the sweep and the attempts cap bound every path.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError, SoftTimeLimitExceeded)


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=settings.BIOMETRICS_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.BIOMETRICS_TASK_TIME_LIMIT,
)
def verification_process_task(self: Any, verification_id: str) -> str | None:
    """Match a submitted verification's selfie with its ID photo and decide."""
    from biometrics.gallery import gallery_loaded, worker_heartbeat_record
    from biometrics.services import verification_process

    verification = verification_process(verification_id=verification_id)
    if gallery_loaded():
        worker_heartbeat_record()
    return verification.status if verification is not None else None


@shared_task
def verification_sweep_stuck_task() -> dict[str, int]:
    """Re-queue (or fail, after max attempts) cases stuck in processing."""
    from biometrics.services import verification_sweep_stuck

    return verification_sweep_stuck()


@shared_task(ignore_result=True)
def worker_heartbeat_task() -> None:
    """Routed to the "biometrics" queue: a face-matching worker says it is taking jobs."""
    from biometrics.gallery import gallery, worker_heartbeat_record

    gallery()  # pulls changes made since the last search, so an idle worker keeps in step
    worker_heartbeat_record()


@shared_task(ignore_result=True)
def gallery_tombstones_purge_task() -> int:
    """Forget keys of templates deleted longer ago than BIOMETRICS_GALLERY_TOMBSTONE_DAYS."""
    from biometrics.gallery import tombstones_purge

    return tombstones_purge()


def _consumes_face_matching() -> bool:
    """False only for a worker that consumes nothing but the default queue (`-Q celery`).

    No -Q means every queue; a queue of another name (the biometrics queue, or one a test
    routes face matching to) may carry face matching.
    """
    from config.celery import app

    selected = app.amqp.queues.consume_from
    return not selected or set(selected) != {settings.CELERY_TASK_DEFAULT_QUEUE}


@worker_process_init.connect
def _warm_up(**kwargs: Any) -> None:
    """Load the face, liveness and OCR models and the 1:N gallery before taking a job.

    Only in workers that consume the "biometrics" queue: the others never match faces, so
    they hold neither the models nor the gallery.
    """
    from django.db import connections

    if not _consumes_face_matching():
        return

    from biometrics import face_engine, liveness
    from biometrics.documents import ocr
    from biometrics.gallery import gallery_warm_up, worker_heartbeat_record

    try:
        face_engine.warm_up()
        liveness.warm_up()  # the 68-point landmark model for head poses
        ocr.warm_up()  # the document check's OCR models
        gallery_warm_up()
        worker_heartbeat_record()
    except Exception:  # never keep a worker from starting; the first task loads them again
        logger.exception("Could not preload the face model or the gallery")
    finally:
        connections.close_all()  # tasks open their own
