"""Record and delete job-search activity; only while job_recommendations consent holds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import Http404

from careers.models import ActivityEvent, Job
from consent.purposes import PurposeCode
from consent.selectors import has_consent, require_consent

if TYPE_CHECKING:
    from accounts.models import User


def activity_record(
    *, user: User, kind: str, job: Job | None = None, query: dict | None = None
) -> ActivityEvent | None:
    """Record an event if the member consents to job recommendations; otherwise do nothing.

    Browsing must keep working for members who object to profiling, so this never raises.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if not has_consent(user, PurposeCode.JOB_RECOMMENDATIONS):
        return None
    return ActivityEvent.objects.create(user=user, kind=kind, job=job, query=query or {})


@transaction.atomic
def job_mark(*, user: User, job: Job, kind: str) -> ActivityEvent:
    """Save or dismiss a job (needs job_recommendations consent: it is engagement we use).

    Saving undoes a dismissal and the other way round; marking twice keeps one event.
    """
    require_consent(user, PurposeCode.JOB_RECOMMENDATIONS)
    if kind not in (ActivityEvent.Kind.SAVED, ActivityEvent.Kind.DISMISSED):
        raise ValueError(kind)
    other = (
        ActivityEvent.Kind.DISMISSED
        if kind == ActivityEvent.Kind.SAVED
        else ActivityEvent.Kind.SAVED
    )
    ActivityEvent.objects.filter(user_id=user.pk, job=job, kind=other).delete()
    existing = ActivityEvent.objects.filter(user_id=user.pk, job=job, kind=kind).first()
    return existing or ActivityEvent.objects.create(user=user, kind=kind, job=job)


@transaction.atomic
def job_unmark(*, user: User, job: Job, kind: str) -> None:
    """Undo saving or dismissing a job."""
    ActivityEvent.objects.filter(user_id=user.pk, job=job, kind=kind).delete()


@transaction.atomic
def activity_delete(*, user: User, event_id: Any = None) -> int:
    """Delete one of the member's events (404 if not theirs) or, with no id, all of them."""
    events = ActivityEvent.objects.filter(user_id=user.pk)
    if event_id is None:
        deleted, _detail = events.delete()
        return deleted
    try:
        deleted, _detail = events.filter(pk=int(event_id)).delete()
    except (TypeError, ValueError):
        deleted = 0
    if not deleted:
        raise Http404
    return deleted
