"""Periodic consent work: the daily retention sweep (beat entry ``retention-sweep``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="consent.retention_sweep_task")
def retention_sweep_task() -> dict[str, int]:
    """Run every registered retention rule once; idempotent, safe to run twice."""
    from consent.services import retention_sweep

    return retention_sweep()
