"""Read jobs: member browse and search, and the recruiter's own jobs."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.selectors import user_employer_ids
from careers.ids import uuid_or_404
from careers.models import Application, Job, JobSkill
from careers.selectors.profiles import skill_lookup

if TYPE_CHECKING:
    from accounts.models import User


def job_queryset() -> QuerySet[Job]:
    """Return jobs with their employer and skills loaded (three queries for a page)."""
    return Job.objects.select_related("employer").prefetch_related(
        Prefetch("job_skills", queryset=JobSkill.objects.select_related("skill"))
    )


def jobs_open() -> QuerySet[Job]:
    """Return the jobs members may see: open ones, newest first."""
    return job_queryset().filter(status=Job.Status.OPEN).order_by("-published_at", "-created_at")


def job_search(
    *,
    q: str = "",
    location: str = "",
    remote_mode: str = "",
    job_type: str = "",
    seniority: str = "",
    skills: list[str] | None = None,
    min_salary: int | None = None,
    employer_id: Any = None,
) -> QuerySet[Job]:
    """Return open jobs matching the member's filters; every filter is optional.

    ``q`` matches title, description or employer name; ``skills`` (aliases understood) must all
    be asked for by the job.
    """
    jobs = jobs_open()
    q = q.strip()
    if q:
        jobs = jobs.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(employer__name__icontains=q)
        )
    if location.strip():
        jobs = jobs.filter(location_city__icontains=location.strip())
    if remote_mode in Job.RemoteMode.values:
        jobs = jobs.filter(remote_mode=remote_mode)
    if job_type in Job.JobType.values:
        jobs = jobs.filter(job_type=job_type)
    if seniority in Job.Seniority.values:
        jobs = jobs.filter(seniority=seniority)
    if min_salary:
        jobs = jobs.filter(Q(salary_max__gte=min_salary) | Q(salary_max__isnull=True))
    if employer_id:
        try:
            jobs = jobs.filter(employer_id=uuid.UUID(str(employer_id)))
        except ValueError:
            return jobs.none()
    if skills:
        found = skill_lookup(skills)
        if not found or None in found.values():
            # A skill the catalogue does not know matches no job; never silently drop it.
            return jobs.none()
        for skill_id in {skill.pk for skill in found.values() if skill is not None}:
            jobs = jobs.filter(job_skills__skill_id=skill_id)
    return jobs


def job_get_for_member(*, user: User, job_id: Any) -> Job:
    """Return an open job, or one the member applied to; 404 for anything else."""
    pk = uuid_or_404(job_id)
    job = job_queryset().filter(pk=pk).first()
    if job is None:
        raise Http404
    if job.status != Job.Status.OPEN and not (
        getattr(user, "is_authenticated", False)
        and Application.objects.filter(job=job, applicant_id=user.pk).exists()
    ):
        raise Http404
    return job


def jobs_for_employer(*, user: User, employer_id: Any = None) -> QuerySet[Job]:
    """Return the jobs of the employers ``user`` belongs to (or of one of them).

    Annotated with ``active_applications``: applications not withdrawn.
    """
    ids = user_employer_ids(user=user)
    if employer_id is not None:
        wanted = uuid_or_404(employer_id)
        if wanted not in ids:
            raise Http404
        ids = [wanted]
    return (
        job_queryset()
        .filter(employer_id__in=ids)
        .annotate(
            active_applications=Count(
                "applications", filter=~Q(applications__stage=Application.Stage.WITHDRAWN)
            )
        )
        .order_by("status", "-published_at", "-created_at")
    )


def job_get_for_recruiter(*, user: User, job_id: Any) -> Job:
    """Return a job of one of the user's employers (any status), else 404."""
    pk = uuid_or_404(job_id)
    job = job_queryset().filter(pk=pk, employer_id__in=user_employer_ids(user=user)).first()
    if job is None:
        raise Http404
    return job
