"""Periodic careers work: the daily saved-search alert digests (beat entry in settings)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="careers.saved_search_alerts_task")
def saved_search_alerts_task() -> int:
    """Send each alerting saved search's new matching candidates; returns e-mails sent."""
    from careers.services.alerts import saved_search_alerts_send

    return saved_search_alerts_send()
