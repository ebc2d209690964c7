"""Profile editing: validation, skills with aliases, years of experience."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from careers import selectors, services
from careers.models import Employment, ProfileSkill

pytestmark = pytest.mark.django_db


def test_skill_aliases_resolve_to_one_skill():
    # when
    skills = selectors.skill_resolve(["JS", "javascript", "Python", "no-such-skill"])
    # then
    assert [s.name for s in skills] == ["JavaScript", "Python"]


def test_employment_ending_before_it_starts_is_refused(member):
    # when
    with pytest.raises(ValidationError) as exc:
        services.employment_add(
            user=member,
            employer_name="Acme",
            title="Developer",
            start_date=date(2022, 5, 1),
            end_date=date(2021, 1, 1),
        )
    # then
    assert "before the start date" in str(exc.value.message_dict["end_date"])
    assert not Employment.objects.exists()


def test_future_start_date_is_refused(member):
    with pytest.raises(ValidationError) as exc:
        services.employment_add(
            user=member,
            employer_name="Acme",
            title="Developer",
            start_date=timezone.localdate() + timedelta(days=30),
            is_current=True,
        )
    assert "future" in str(exc.value.message_dict["start_date"])


def test_current_job_with_an_end_date_is_refused(member):
    with pytest.raises(ValidationError) as exc:
        services.employment_add(
            user=member,
            employer_name="Acme",
            title="Developer",
            start_date=date(2020, 1, 1),
            end_date=date(2021, 1, 1),
            is_current=True,
        )
    assert "I work here now" in str(exc.value.message_dict["end_date"])


def test_years_of_experience_count_overlapping_jobs_once(member):
    # given two overlapping jobs covering 2018-2022
    services.employment_add(
        user=member,
        employer_name="A",
        title="Dev",
        start_date=date(2018, 1, 1),
        end_date=date(2021, 1, 1),
    )
    services.employment_add(
        user=member,
        employer_name="B",
        title="Dev",
        start_date=date(2020, 1, 1),
        end_date=date(2022, 1, 1),
    )
    # then
    profile = selectors.profile_for_user(user=member)
    assert float(profile.years_experience) == pytest.approx(4.0, abs=0.1)


def test_the_same_skill_twice_through_an_alias_is_refused(member):
    # given
    services.profile_skill_add(user=member, name="JavaScript", proficiency=4)
    # when
    with pytest.raises(ValidationError) as exc:
        services.profile_skill_add(user=member, name="js", proficiency=2)
    # then
    assert "already listed JavaScript" in str(exc.value)


def test_replacing_skills_reports_duplicates_and_bad_proficiency_and_saves_nothing(member):
    services.profile_skill_add(user=member, name="Python", proficiency=4)
    with pytest.raises(ValidationError) as exc:
        services.profile_skills_replace(
            user=member,
            items=[
                {"name": "JS", "proficiency": 3},
                {"name": "JavaScript", "proficiency": 3},
                {"name": "Django", "proficiency": 9},
                {"name": "Klingon", "proficiency": 3},
            ],
        )
    errors = " ".join(exc.value.message_dict["skills"])
    assert "same skill" in errors
    assert "1 to 5" in errors
    assert "not in the skill catalogue" in errors
    assert list(ProfileSkill.objects.values_list("skill__name", flat=True)) == ["Python"]


def test_profile_page_shows_field_errors_for_a_bad_employment(client, member):
    # given
    client.force_login(member)
    # when
    response = client.post(
        reverse("careers:employment_add"),
        {
            "employment-employer_name": "Acme",
            "employment-title": "Dev",
            "employment-start_date": "2022-05-01",
            "employment-end_date": "2021-05-01",
        },
    )
    # then
    assert response.status_code == 400
    assert "cannot be before the start date" in response.content.decode()


def test_member_adds_a_skill_by_alias_on_the_profile_page(client, member):
    client.force_login(member)
    response = client.post(
        reverse("careers:skill_add"),
        {"skill-name": "js", "skill-proficiency": "4", "skill-years": "2"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Added JavaScript" in response.content.decode()


def test_member_cannot_edit_someone_elses_employment(client, member, other_member):
    # given
    entry = services.employment_add(
        user=other_member,
        employer_name="A",
        title="Dev",
        start_date=date(2020, 1, 1),
        is_current=True,
    )
    client.force_login(member)
    # when
    page = client.get(reverse("careers:employment_edit", args=[entry.pk]))
    delete = client.post(reverse("careers:employment_delete", args=[entry.pk]))
    # then
    assert page.status_code == 404
    assert delete.status_code == 404
    assert Employment.objects.filter(pk=entry.pk).exists()


def test_api_put_profile_saves_nested_parts(api_as, member):
    # when
    response = api_as(member).put(
        reverse("api:careers-profile"),
        {
            "headline": "Data engineer",
            "visibility": "recruiters",
            "employment": [
                {
                    "employer_name": "Acme",
                    "title": "Data Engineer",
                    "start_date": "2019-01-01",
                    "is_current": True,
                }
            ],
            "education": [{"institution": "UI", "degree": "S1", "field": "Computer Science"}],
            "skills": [{"name": "py", "proficiency": 5, "years": 4}],
            "preferences": {"titles": ["Data Engineer"], "remote_modes": ["remote"]},
        },
        format="json",
    )
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["headline"] == "Data engineer"
    assert body["skills"] == [{"name": "Python", "proficiency": 5, "years": 4.0}]
    assert body["preferences"]["remote_modes"] == ["remote"]
    assert body["years_experience"] > 5


def test_api_put_profile_with_a_bad_entry_saves_nothing(api_as, member):
    client = api_as(member)
    response = client.put(
        reverse("api:careers-profile"),
        {
            "headline": "Changed",
            "employment": [
                {
                    "employer_name": "Acme",
                    "title": "Dev",
                    "start_date": "2022-01-01",
                    "end_date": "2020-01-01",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "employment[0].end_date" in response.json()["error"]["fields"]
    assert client.get(reverse("api:careers-profile")).json()["headline"] == ""


def test_api_put_profile_with_wrong_types_is_a_400_not_a_500(api_as, member):
    response = api_as(member).put(
        reverse("api:careers-profile"), {"skills": "python", "employment": [7]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
