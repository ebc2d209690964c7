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
    from biometrics.services import verification_process

    verification = verification_process(verification_id=verification_id)
    return verification.status if verification is not None else None


@shared_task
def verification_sweep_stuck_task() -> dict[str, int]:
    """Re-queue (or fail, after max attempts) cases stuck in processing."""
    from biometrics.services import verification_sweep_stuck

    return verification_sweep_stuck()


@worker_process_init.connect
def _warm_up(**kwargs: Any) -> None:
    """Load the face, liveness and OCR models and the 1:N gallery once per worker process."""
    from django.db import connections

    from biometrics import face_engine, liveness
    from biometrics.documents import ocr
    from biometrics.gallery import gallery

    try:
        face_engine.warm_up()
        liveness.warm_up()  # the 68-point landmark model for head poses
        ocr.warm_up()  # the document check's OCR models
        gallery()
    except Exception:  # never keep a worker from starting; the first task loads them again
        logger.exception("Could not preload the face model or the gallery")
    finally:
        connections.close_all()  # tasks open their own
