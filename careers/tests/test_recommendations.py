"""Recommendations: consent gate, explainable ranking, exclusions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from careers import selectors, services
from careers.models import Job
from careers.tests.factories import job_with_skills, profile_with_skills
from consent.exceptions import ConsentRequired
from consent.purposes import PurposeCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def python_member(recommending_member):
    profile = profile_with_skills(
        user=recommending_member,
        skills={"Python": 5, "Django": 4, "PostgreSQL": 3, "Docker": 3},
        headline="Backend Developer",
        location_city="Jakarta",
    )
    services.employment_add(
        user=recommending_member,
        employer_name="Old Co",
        title="Backend Developer",
        start_date=date(2020, 1, 1),
        is_current=True,
    )
    services.preference_update(
        user=recommending_member,
        titles=["Backend Developer"],
        locations=["Jakarta"],
        remote_modes=["onsite", "remote"],
        min_salary=15_000_000,
    )
    return profile.user


def test_recommendations_need_consent(member):
    with pytest.raises(ConsentRequired):
        selectors.jobs_recommended(user=member)


def test_recommendations_page_without_consent_opens_the_prompt(client, member):
    client.force_login(member)
    response = client.get(reverse("careers:recommended"))
    assert response.status_code == 302
    assert reverse("consent:prompt", args=[PurposeCode.JOB_RECOMMENDATIONS]) in response.url


def test_recommendations_api_without_consent_is_403(api_as, member):
    response = api_as(member).get(reverse("api:careers-recommended"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"


def test_best_skill_match_ranks_first_with_its_reasons(python_member):
    # given
    best = job_with_skills(
        title="Senior Backend Developer",
        skills={
            "Python": (True, 5),
            "Django": (True, 4),
            "PostgreSQL": (True, 3),
            "Docker": (True, 2),
            "Kubernetes": (True, 2),
            "Redis": (False, 1),
        },
        seniority=Job.Seniority.MID,
        salary_max=25_000_000,
    )
    job_with_skills(title="Java Developer", skills=["Java", "Spring Boot"])
    job_with_skills(title="Marketing Lead", skills=["SEO"], location_city="Bali")
    # when
    recs = selectors.jobs_recommended(user=python_member)
    # then
    assert recs[0].job == best
    assert recs[0].reasons[0] == (
        "Matches 4 of 5 required skills: Python, Django, PostgreSQL, Docker"
    )
    assert "Title matches “Backend Developer”" in recs[0].reasons
    assert "In Jakarta, where you want to work" in recs[0].reasons
    assert "Pays up to Rp 25.000.000, above your minimum" in recs[0].reasons
    assert recs[0].score > recs[1].score


def test_dismissed_and_applied_jobs_are_never_recommended(python_member, grant):
    # given
    grant(python_member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    dismissed = job_with_skills(title="Backend Developer A", skills=["Python", "Django"])
    applied = job_with_skills(title="Backend Developer B", skills=["Python", "Django"])
    kept = job_with_skills(title="Backend Developer C", skills=["Python"])
    services.job_mark(user=python_member, job=dismissed, kind="dismissed")
    services.application_submit(user=python_member, job_id=applied.pk)
    # when
    jobs = [r.job for r in selectors.jobs_recommended(user=python_member)]
    # then
    assert kept in jobs
    assert dismissed not in jobs
    assert applied not in jobs


def test_closed_and_draft_jobs_are_not_recommended(python_member):
    closed = job_with_skills(title="Backend Developer", skills=["Python"], status=Job.Status.CLOSED)
    draft = job_with_skills(title="Backend Developer", skills=["Python"], status=Job.Status.DRAFT)
    jobs = [r.job for r in selectors.jobs_recommended(user=python_member)]
    assert closed not in jobs and draft not in jobs


def test_saving_a_job_boosts_other_jobs_at_that_employer(python_member):
    # given two otherwise equal jobs at different employers
    saved = job_with_skills(title="Ops", skills=["Go"])
    same_employer = job_with_skills(title="Data Analyst", skills=["Excel"], employer=saved.employer)
    other = job_with_skills(title="Data Analyst", skills=["Excel"])
    before = {r.job: r.score for r in selectors.jobs_recommended(user=python_member)}
    # when
    services.job_mark(user=python_member, job=saved, kind="saved")
    recs = {r.job: r for r in selectors.jobs_recommended(user=python_member)}
    # then
    assert recs[same_employer].score > recs[other].score
    assert before[same_employer] == before[other]
    assert f"You saved another job at {saved.employer.name}" in recs[same_employer].reasons


def test_newer_jobs_rank_above_older_equal_ones(python_member):
    old = job_with_skills(
        title="Backend Developer",
        skills=["Python"],
        published_at=timezone.now() - timedelta(days=50),
    )
    new = job_with_skills(title="Backend Developer", skills=["Python"])
    jobs = [r.job for r in selectors.jobs_recommended(user=python_member)]
    assert jobs.index(new) < jobs.index(old)


def test_api_lists_recommendations_with_reasons_in_bounded_queries(
    api_as, python_member, django_assert_max_num_queries
):
    for i in range(15):
        job_with_skills(title=f"Backend Developer {i}", skills=["Python", "Django", "Go"])
    client = api_as(python_member)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("api:careers-recommended"), {"limit": 10})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 10
    assert body[0]["reasons"][0].startswith("Matches 2 of 3 required skills")
    assert set(body[0]["parts"]) == {
        "skills",
        "title",
        "place",
        "salary",
        "seniority",
        "recency",
        "engagement",
    }


def test_withdrawing_the_consent_keeps_browse_and_search(client, python_member, withdraw):
    job_with_skills(title="Backend Developer", skills=["Python"])
    withdraw(python_member, PurposeCode.JOB_RECOMMENDATIONS)
    client.force_login(python_member)
    assert client.get(reverse("careers:jobs"), {"q": "backend"}).status_code == 200
    assert client.get(reverse("careers:recommended")).status_code == 302
