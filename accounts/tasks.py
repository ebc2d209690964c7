"""Periodic accounts work: delete API tokens that can no longer work (beat entry below)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="accounts.api_tokens_purge_task")
def api_tokens_purge_task() -> int:
    """Delete expired tokens and those of deactivated accounts; idempotent."""
    from accounts.services import api_tokens_purge

    return api_tokens_purge()
