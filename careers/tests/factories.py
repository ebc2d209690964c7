"""factory_boy factories and small builders for careers tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.tests.factories import EmployerFactory, UserFactory
from careers.models import CareerProfile, Job, JobSkill, ProfileSkill, Skill


def skill(name: str) -> Skill:
    """Return the catalogue skill ``name`` (created if the catalogue lacks it)."""
    found = Skill.objects.filter(name__iexact=name).first()
    return found or Skill.objects.create(name=name, slug=slugify(name) or name.lower())


class CareerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareerProfile

    user = factory.SubFactory(UserFactory)
    headline = "Backend Developer"
    location_city = "Jakarta"
    visibility = CareerProfile.Visibility.RECRUITERS
    hide_from_current_employer = False


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"Job {n}")
    description = "Build things."
    location_city = "Jakarta"
    remote_mode = Job.RemoteMode.ONSITE
    job_type = Job.JobType.FULL_TIME
    seniority = Job.Seniority.MID
    status = Job.Status.OPEN
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


def job_with_skills(*, skills: dict[str, tuple[bool, int]] | list[str], **fields: Any) -> Job:
    """Create an open job asking for ``{"Python": (required, weight)}`` (or names: required, 3)."""
    job = JobFactory(**fields)
    items = skills.items() if isinstance(skills, dict) else [(s, (True, 3)) for s in skills]
    for name, (required, weight) in items:
        JobSkill.objects.create(
            job=job,
            skill=skill(name),
            required=required,
            weight=weight,
            job_open=job.status == Job.Status.OPEN,
            job_published_at=job.published_at,
        )
    return job


def profile_with_skills(*, user: Any, skills: dict[str, int], **fields: Any) -> CareerProfile:
    """Create a profile with ``{"Python": proficiency}``."""
    profile = CareerProfileFactory(user=user, **fields)
    for name, proficiency in skills.items():
        ProfileSkill.objects.create(profile=profile, skill=skill(name), proficiency=proficiency)
    return profile
