"""Write jobs: recruiters of the employer create, edit, open and close them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import user_employer_ids
from careers.models import Job, JobSkill
from careers.selectors.profiles import skill_lookup

if TYPE_CHECKING:
    from accounts.models import Employer, User

JOB_FIELDS = (
    "title",
    "description",
    "location_city",
    "remote_mode",
    "job_type",
    "salary_min",
    "salary_max",
    "currency",
    "seniority",
)


def _require_member(*, actor: User, employer_id: Any) -> None:
    # Same 404 as a missing job: a stranger learns nothing about other employers' jobs.
    if employer_id not in user_employer_ids(user=actor):
        raise Http404


def _skills_rows(items: list[Any]) -> list[tuple[Any, bool, int]]:
    """Validate ``[{"name", "required", "weight"}]`` (or plain names); return rows."""
    normalised: list[dict[str, Any]] = [
        item if isinstance(item, dict) else {"name": str(item)} for item in items
    ]
    lookup = skill_lookup([str(item.get("name", "")) for item in normalised])
    errors: list[str] = []
    rows: list[tuple[Any, bool, int]] = []
    seen: set[int] = set()
    for item in normalised:
        name = str(item.get("name", "")).strip()
        skill = lookup.get(name)
        if skill is None:
            errors.append(_("“%(name)s” is not in the skill catalogue.") % {"name": name})
            continue
        if skill.pk in seen:
            errors.append(_("%(name)s is listed twice.") % {"name": skill.name})
            continue
        seen.add(skill.pk)
        try:
            weight = int(item.get("weight", 3))
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 5:
            errors.append(_("The weight of %(name)s must be from 1 to 5.") % {"name": skill.name})
            continue
        required = item.get("required", True)
        if isinstance(required, str):
            required = required.lower() in {"1", "true", "yes", "on", "required"}
        rows.append((skill, bool(required), weight))
    if errors:
        raise ValidationError({"skills": errors})
    return rows


def _skills_set(job: Job, rows: list[tuple[Any, bool, int]]) -> None:
    JobSkill.objects.filter(job=job).delete()
    is_open = job.status == Job.Status.OPEN
    JobSkill.objects.bulk_create(
        [
            JobSkill(
                job=job,
                skill=skill,
                required=required,
                weight=weight,
                job_open=is_open,
                job_published_at=job.published_at,
            )
            for skill, required, weight in rows
        ]
    )


def _apply(job: Job, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(JOB_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})
    for name, value in fields.items():
        setattr(job, name, value)
    job.currency = (job.currency or "IDR").upper()
    job.full_clean(exclude=["employer", "created_by"], validate_constraints=False)
    if job.salary_min is not None and job.salary_max is not None:
        if job.salary_max < job.salary_min:
            raise ValidationError(
                {"salary_max": [_("The maximum salary cannot be below the minimum.")]}
            )


@transaction.atomic
def job_create(
    *,
    employer: Employer,
    actor: User,
    skills: list[Any] | None = None,
    status: str = Job.Status.DRAFT,
    **fields: Any,
) -> Job:
    """Create a job for ``employer`` (the actor must belong to it, else 404).

    ``skills``: ``[{"name": "Python", "required": True, "weight": 5}, ...]``, aliases understood.
    """
    _require_member(actor=actor, employer_id=employer.pk)
    job = Job(employer=employer, created_by=actor)
    _apply(job, fields)
    rows = _skills_rows(skills or [])
    job.save()
    _skills_set(job, rows)
    if status != Job.Status.DRAFT:
        job_set_status(job=job, actor=actor, status=status)
    return job


@transaction.atomic
def job_update(*, job: Job, actor: User, skills: list[Any] | None = None, **fields: Any) -> Job:
    """Change a job's fields, and its skills when ``skills`` is given (replacing them)."""
    _require_member(actor=actor, employer_id=job.employer_id)
    status = fields.pop("status", None)
    _apply(job, fields)
    rows = _skills_rows(skills) if skills is not None else None
    job.save(update_fields=[*fields.keys(), "currency", "updated_at"])
    if rows is not None:
        _skills_set(job, rows)
    if status is not None and status != job.status:
        job_set_status(job=job, actor=actor, status=status)
    return job


@transaction.atomic
def job_set_status(*, job: Job, actor: User, status: str) -> Job:
    """Open, close or return a job to draft; opening the first time sets ``published_at``."""
    _require_member(actor=actor, employer_id=job.employer_id)
    if status not in Job.Status.values:
        raise ValidationError({"status": [_("Choose draft, open or closed.")]})
    job.status = status
    update = ["status", "updated_at"]
    if status == Job.Status.OPEN and job.published_at is None:
        job.published_at = timezone.now()
        update.append("published_at")
    job.save(update_fields=update)
    JobSkill.objects.filter(job=job).update(
        job_open=status == Job.Status.OPEN, job_published_at=job.published_at
    )
    return job
