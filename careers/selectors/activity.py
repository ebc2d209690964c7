"""Read the member's job-search activity."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from careers.models import ActivityEvent

if TYPE_CHECKING:
    from accounts.models import User


def activity_for_user(*, user: User) -> QuerySet[ActivityEvent]:
    """Return the member's activity, newest first, with the jobs it refers to."""
    return (
        ActivityEvent.objects.filter(user_id=user.pk)
        .select_related("job", "job__employer")
        .order_by("-created_at")
    )


def job_marks_for_user(*, user: User, job_ids: list[Any] | None = None) -> dict[Any, set[str]]:
    """Return ``{job_id: {"saved", "dismissed", ...}}`` for the member (one query)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    events = ActivityEvent.objects.filter(
        user_id=user.pk,
        kind__in=[ActivityEvent.Kind.SAVED, ActivityEvent.Kind.DISMISSED],
        job__isnull=False,
    )
    if job_ids is not None:
        events = events.filter(job_id__in=job_ids)
    marks: dict[Any, set[str]] = defaultdict(set)
    for job_id, kind in events.values_list("job_id", "kind"):
        marks[job_id].add(kind)
    return dict(marks)


def jobs_marked_by_user(*, user: User, kind: str) -> list[Any]:
    """The jobs the member saved (or dismissed), most recently marked first (two queries).

    Closed jobs stay on the list, so the member sees what happened to a job they saved.
    """
    from careers.selectors.jobs import job_queryset

    events = list(
        ActivityEvent.objects.filter(user_id=user.pk, kind=kind, job__isnull=False)
        .order_by("-created_at")
        .values_list("job_id", "created_at")
    )
    jobs = job_queryset().in_bulk([job_id for job_id, _at in events])
    marked = []
    for job_id, at in events:
        job = jobs.get(job_id)
        if job is not None:
            job.marked_at = at
            marked.append(job)
    return marked
