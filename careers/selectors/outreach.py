"""Recruiter outreach (read side): pools, saved candidates, a member's invitations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from careers.discovery import discoverable_profiles
from careers.ids import uuid_or_404
from careers.models import Application, Job, JobInvitation, SourcedCandidate, TalentPool

if TYPE_CHECKING:
    from accounts.models import Employer, User


def pools_for(*, employer: Employer) -> QuerySet[TalentPool]:
    """The employer's talent pools, by name, with how many entries each holds (``size``)."""
    pools: QuerySet[TalentPool] = TalentPool.objects.filter(employer_id=employer.pk)
    return pools.annotate(size=Count("entries"))


def pool_get(*, employer: Employer, pool_id: Any) -> TalentPool:
    pool = pools_for(employer=employer).filter(pk=uuid_or_404(pool_id)).first()
    if pool is None:
        from django.http import Http404

        raise Http404
    return pool


def sourced_for(*, employer: Employer, job: Any = None, pool: Any = None) -> list[dict[str, Any]]:
    """Candidates saved to ``job``'s pipeline or to ``pool``, newest first.

    Only those the employer may still discover are listed: a member who withdrew, went private
    or hides from this employer drops out at once (their entry is deleted on withdrawal).
    """
    entries = SourcedCandidate.objects.filter(employer_id=employer.pk)
    entries = entries.filter(job=job) if job is not None else entries.filter(pool=pool)
    rows = list(entries.select_related("profile", "added_by").order_by("-created_at", "pk")[:500])
    live = set(
        discoverable_profiles(
            employer=employer, profile_ids=[e.profile_id for e in rows]
        ).values_list("pk", flat=True)
    )
    invited: set[Any] = set()
    if job is not None:
        invited = set(
            JobInvitation.objects.filter(job=job, profile_id__in=live).values_list(
                "profile_id", flat=True
            )
        )
    return [
        {
            "id": e.pk,
            "public_id": e.profile.public_id,
            "headline": e.profile.headline,
            "city": e.profile.location_city,
            "added_at": e.created_at,
            "added_by": getattr(e.added_by, "display_name", "") or "",
            "invited": e.profile_id in invited,
            "user_id": e.profile.user_id,  # internal: never serialised
        }
        for e in rows
        if e.profile_id in live
    ]


def invitations_for_member(*, user: User) -> QuerySet[JobInvitation]:
    """The member's invitations to apply, newest first, with whether they applied since."""
    applied = Application.objects.filter(job_id=OuterRef("job_id"), applicant_id=user.pk).exclude(
        stage=Application.Stage.WITHDRAWN
    )
    return (
        JobInvitation.objects.filter(profile__user_id=user.pk)
        .select_related("job", "job__employer")
        .annotate(applied=Exists(applied))
        .order_by("-created_at")
    )


# --- the board per job --------------------------------------------------------------------------

BOARD_STAGES = [
    Application.Stage.SUBMITTED,
    Application.Stage.REVIEWING,
    Application.Stage.INTERVIEW,
    Application.Stage.OFFER,
    Application.Stage.HIRED,
    Application.Stage.REJECTED,
]


def job_board(*, user: User, job: Any) -> list[dict[str, Any]]:
    """The job's columns, in order: sourced (saved, not applied), then each stage's applications.

    Applications are those ``user`` holds the grant for; each card carries the applicant's
    shared headline, the average rating and the number of notes.
    """
    from django.db.models import Avg

    from careers.selectors import applications_for_job

    applications = list(
        applications_for_job(user=user, job_id=job.pk)
        .exclude(stage=Application.Stage.WITHDRAWN)
        .annotate(rating=Avg("notes__rating"), note_count=Count("notes"))
    )
    applied_users = {a.applicant_id for a in applications}
    sourced = [
        row
        for row in sourced_for(employer=job.employer, job=job)
        if row["user_id"] not in applied_users
    ]
    columns: list[dict[str, Any]] = [
        {"stage": "sourced", "label": _sourced_label(), "sourced": sourced, "count": len(sourced)}
    ]
    for index, stage in enumerate(BOARD_STAGES):
        cards = [a for a in applications if a.stage == stage]
        columns.append(
            {
                "stage": stage.value,
                "label": stage.label,
                "cards": cards,
                "count": len(cards),
                "previous": BOARD_STAGES[index - 1].value if 0 < index < 5 else "",
                "next": BOARD_STAGES[index + 1].value if index < 4 else "",
            }
        )
    return columns


def _sourced_label() -> str:
    from django.utils.translation import gettext as _

    return _("Sourced")


def news_for_member(*, user: User, limit: int = 50) -> list[Any]:
    """The member's latest news (stage changes), each with its stage's label."""
    from careers.models import CareerNotification

    rows = list(
        CareerNotification.objects.filter(user_id=user.pk)
        .select_related("job", "job__employer")
        .order_by("-created_at")[:limit]
    )
    labels = dict(Application.Stage.choices)
    for row in rows:
        row.stage_label = labels.get(row.stage, row.stage)
    return rows


def outreach_targets(*, employer: Employer) -> dict[str, Any]:
    """Jobs and pools a recruiter can save a candidate to (for the candidate page)."""
    jobs = Job.objects.filter(employer_id=employer.pk).exclude(status=Job.Status.CLOSED)
    return {
        "outreach_jobs": list(jobs.order_by("title").values("pk", "title", "status")),
        "outreach_pools": list(pools_for(employer=employer).values("pk", "name")),
    }
