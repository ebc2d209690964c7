"""Jobs employers post, with the skills they ask for."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from careers.models.profiles import JobType, RemoteMode, Skill


class Job(models.Model):
    """A job an employer posts; members see it only while ``status`` is open."""

    if TYPE_CHECKING:  # set on loaded rows by selectors and views, never stored
        marked_at: datetime.datetime
        marks: set[str]

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Seniority(models.TextChoices):
        JUNIOR = "junior", _("Junior")
        MID = "mid", _("Mid-level")
        SENIOR = "senior", _("Senior")
        LEAD = "lead", _("Lead")

    RemoteMode = RemoteMode
    JobType = JobType

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    employer = models.ForeignKey("accounts.Employer", on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    location_city = models.CharField(_("city"), max_length=100, blank=True)
    remote_mode = models.CharField(
        _("work mode"), max_length=10, choices=RemoteMode.choices, default=RemoteMode.ONSITE
    )
    job_type = models.CharField(
        _("job type"), max_length=12, choices=JobType.choices, default=JobType.FULL_TIME
    )
    salary_min = models.PositiveBigIntegerField(_("minimum monthly salary"), null=True, blank=True)
    salary_max = models.PositiveBigIntegerField(_("maximum monthly salary"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="IDR")
    seniority = models.CharField(
        _("seniority"), max_length=10, choices=Seniority.choices, default=Seniority.MID
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("job")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="careers_job_salary_range",
            ),
        ]
        indexes = [
            # Browse and recommendations: open jobs, newest first.
            models.Index(fields=["status", "-published_at"], name="careers_job_status_pub"),
            models.Index(fields=["employer", "status"], name="careers_job_employer_status"),
        ]

    def __str__(self) -> str:
        return self.title


class JobSkill(models.Model):
    """A skill a job asks for: required or nice to have, with a weight 1-5."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="job_skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="job_skills")
    required = models.BooleanField(_("required"), default=True)
    weight = models.PositiveSmallIntegerField(_("weight (1-5)"), default=3)
    # Denormalised copy of job.status == open (kept by the job services), so the recommendation
    # candidate query reads one index on (skill, job_open, -points) without joining the job table.
    job_open = models.BooleanField(default=False, editable=False)
    # Denormalised job.published_at (same services), so among equally weighted matches the
    # candidate query takes the newest jobs straight off the index.
    job_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What this skill is worth to a matching member: weight, doubled when required. Computed by
    # the database, so bulk loaders (COPY) need not know the rule.
    points = models.GeneratedField(
        expression=models.F("weight")
        * models.Case(
            models.When(required=True, then=models.Value(2)),
            default=models.Value(1),
            output_field=models.PositiveSmallIntegerField(),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("job skill")
        ordering = ["-required", "-weight"]
        constraints = [
            models.UniqueConstraint(fields=["job", "skill"], name="careers_job_skill_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=5), name="careers_job_skill_weight_1_5"
            ),
        ]
        indexes = [
            # Recommendations read the top jobs per skill straight off this index.
            models.Index(
                fields=["skill", "job_open", "-points", "-job_published_at", "job"],
                name="careers_jobskill_top_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ({'required' if self.required else 'nice to have'})"
