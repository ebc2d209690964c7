"""Jobs: browse and search for members, job services for recruiters."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from careers import selectors, services
from careers.models import Job, JobSkill
from careers.tests.factories import JobFactory, job_with_skills

pytestmark = pytest.mark.django_db


def test_recruiter_creates_and_opens_a_job_with_skills_by_alias(employer_a, recruiter_a):
    # when
    job = services.job_create(
        employer=employer_a,
        actor=recruiter_a,
        title="Frontend Developer",
        skills=[{"name": "JS", "required": True, "weight": 5}, {"name": "css", "required": False}],
    )
    # then
    assert job.status == Job.Status.DRAFT
    assert not JobSkill.objects.filter(job=job, job_open=True).exists()
    services.job_set_status(job=job, actor=recruiter_a, status="open")
    job.refresh_from_db()
    assert job.published_at is not None
    assert sorted(
        JobSkill.objects.filter(job=job, job_open=True).values_list("skill__name", flat=True)
    ) == ["CSS", "JavaScript"]


def test_recruiter_of_another_employer_cannot_create_or_edit_jobs(
    employer_a, recruiter_a, recruiter_b
):
    with pytest.raises(Http404):
        services.job_create(employer=employer_a, actor=recruiter_b, title="X")
    job = services.job_create(employer=employer_a, actor=recruiter_a, title="Mine")
    with pytest.raises(Http404):
        services.job_update(job=job, actor=recruiter_b, title="Hijacked")
    with pytest.raises(Http404):
        services.job_set_status(job=job, actor=recruiter_b, status="open")


def test_job_salary_range_must_be_in_order(employer_a, recruiter_a):
    with pytest.raises(ValidationError) as exc:
        services.job_create(
            employer=employer_a, actor=recruiter_a, title="X", salary_min=10, salary_max=5
        )
    assert "salary_max" in exc.value.message_dict


def test_drafts_are_hidden_from_members_and_other_employers(
    client, member, employer_a, recruiter_a, recruiter_b
):
    draft = services.job_create(employer=employer_a, actor=recruiter_a, title="Secret plan")
    client.force_login(member)
    assert client.get(reverse("careers:job_detail", args=[draft.pk])).status_code == 404
    assert "Secret plan" not in client.get(reverse("careers:jobs")).content.decode()
    assert not selectors.jobs_for_employer(user=recruiter_b).exists()
    assert list(selectors.jobs_for_employer(user=recruiter_a)) == [draft]


def test_search_filters_by_skills_with_aliases_and_by_work_mode(api_as, member):
    wanted = job_with_skills(title="JS dev", skills=["JavaScript"], remote_mode="remote")
    job_with_skills(title="JS onsite", skills=["JavaScript"], remote_mode="onsite")
    job_with_skills(title="Python dev", skills=["Python"], remote_mode="remote")
    response = api_as(member).get(
        reverse("api:careers-jobs"), {"skills": "js", "remote_mode": "remote"}
    )
    assert [j["id"] for j in response.json()["results"]] == [str(wanted.pk)]


def test_job_list_api_uses_a_bounded_number_of_queries(
    api_as, member, django_assert_max_num_queries
):
    for i in range(12):
        job_with_skills(title=f"Job {i}", skills=["Python", "Django"])
    client = api_as(member)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:careers-jobs"))
    assert response.json()["count"] == 12


def test_job_list_page_uses_a_bounded_number_of_queries(
    client, member, django_assert_max_num_queries
):
    for i in range(12):
        job_with_skills(title=f"Job {i}", skills=["Python", "Django"])
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("careers:jobs"))
    assert response.content.decode().count("/jobs/") >= 12


def test_unknown_job_id_is_404_in_html_and_api(client, api_as, member):
    client.force_login(member)
    job = JobFactory(status="closed")
    assert client.get(reverse("careers:job_detail", args=[job.pk])).status_code == 404
    assert api_as(member).get(reverse("api:careers-job", args=[job.pk])).status_code == 404


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "python\x00"}, "q"),
        ({"location": "Jakarta\x00"}, "location"),
        ({"skills": "Python,\x00SQL"}, "skills"),
        ({"remote_mode": "on the moon"}, "remote_mode"),
        ({"min_salary": "lots"}, "min_salary"),
        ({"employer": "not-a-uuid"}, "employer"),
    ],
)
def test_job_search_api_refuses_bad_filters_with_a_400_naming_the_field(
    api_as, recommending_member, params, field
):
    # given a member whose searches are recorded (job_recommendations consent)
    member = recommending_member
    # when they search with a filter the search form would refuse (a NUL character, which
    # PostgreSQL cannot store in the activity log, an unknown choice, a non-number, a bad id)
    response = api_as(member).get(reverse("api:careers-jobs"), params)
    # then the answer is a 400 naming the field, and nothing was recorded
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not member.career_activity.exists()
