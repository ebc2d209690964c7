"""Career pages as a member uses them: "Not now" leads back to the job, recommendations keep
weak matches out of the way, saved jobs have a list, skills suggest and correct, a skill's level
can be changed, and the profile says which section was saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from careers import services
from careers.models import ActivityEvent, ProfileSkill
from careers.tests.factories import job_with_skills, profile_with_skills
from consent.purposes import PurposeCode

pytestmark = pytest.mark.django_db


def test_not_now_on_the_apply_consent_prompt_returns_to_the_job(client, member):
    # given
    job = job_with_skills(skills=["Python"], title="Backend Developer")
    client.force_login(member)
    # when
    prompt = client.get(reverse("careers:job_apply", args=[job.pk]), follow=True)
    # then
    body = prompt.content.decode()
    job_url = reverse("careers:job_detail", args=[job.pk])
    assert prompt.request["PATH_INFO"] == reverse(
        "consent:prompt", args=[PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS]
    )
    assert f'class="btn secondary" href="{job_url}">Not now' in body
    # and agreeing still goes on to the application
    agreed = client.post(
        prompt.request["PATH_INFO"] + "?" + prompt.request["QUERY_STRING"],
        {"next": reverse("careers:job_apply", args=[job.pk]), "back": job_url},
    )
    assert agreed.url == reverse("careers:job_apply", args=[job.pk])


def test_saving_without_consent_comes_back_to_the_job_after_agreeing(client, member):
    # given
    job = job_with_skills(skills=["Python"])
    client.force_login(member)
    # when
    response = client.post(reverse("careers:job_save", args=[job.pk]))
    # then: never back to a POST-only address
    assert "next=%2Fjobs%2F" in response.url
    assert "save" not in response.url.split("next=")[1]


@pytest.fixture
def python_member(recommending_member):
    profile_with_skills(
        user=recommending_member,
        skills={"Python": 5, "Django": 4},
        headline="Backend Developer",
        location_city="Jakarta",
    )
    services.employment_add(
        user=recommending_member,
        employer_name="Old Co",
        title="Backend Developer",
        start_date=date(2021, 1, 1),
        is_current=True,
    )
    return recommending_member


def test_recommendations_show_good_matches_and_keep_weak_ones_behind_show_more(
    client, python_member
):
    # given
    strong = job_with_skills(
        skills={"Python": (True, 3), "Django": (True, 3)},
        title="Backend Developer",
        location_city="Jakarta",
    )
    weak = job_with_skills(skills=["SEO"], title="Marketing Lead", location_city="Bali")
    client.force_login(python_member)
    # when
    response = client.get(reverse("careers:recommended"))
    # then
    context = response.context
    assert [r.job for r in context["recommendations"]] == [strong]
    assert [r.job for r in context["weaker"]] == [weak]
    body = response.content.decode()
    assert "match-strong" in body or "match-good" in body
    assert (
        body.index("Backend Developer")
        < body.index("Show 1 weaker match")
        < body.index("Marketing Lead")
    )
    # each card can be saved or dismissed without leaving the list
    assert body.count(reverse("careers:job_save", args=[strong.pk])) == 1
    assert body.count(reverse("careers:job_dismiss", args=[weak.pk])) == 1


def test_save_on_a_card_returns_to_the_list_and_fills_saved_jobs(client, python_member):
    # given
    job = job_with_skills(skills=["Python"], title="Data Engineer")
    client.force_login(python_member)
    # when
    response = client.post(
        reverse("careers:job_save", args=[job.pk]), {"next": reverse("careers:recommended")}
    )
    saved = client.get(reverse("careers:saved_jobs"))
    # then
    assert response.url == reverse("careers:recommended")
    assert [j.pk for j in saved.context["jobs"]] == [job.pk]
    assert "Data Engineer" in saved.content.decode()


def test_save_refuses_to_send_the_member_to_another_site(client, python_member):
    job = job_with_skills(skills=["Python"])
    client.force_login(python_member)
    response = client.post(
        reverse("careers:job_save", args=[job.pk]), {"next": "https://evil.example/"}
    )
    assert response.url == reverse("careers:job_detail", args=[job.pk])


def test_the_job_page_shows_why_it_matches(client, python_member):
    job = job_with_skills(skills={"Python": (True, 3)}, title="Backend Developer")
    client.force_login(python_member)
    body = client.get(reverse("careers:job_detail", args=[job.pk])).content.decode()
    assert "How this job matches you" in body
    assert "Matches 1 of 1 required skill: Python" in body


def test_the_job_page_shows_no_match_without_the_consent(client, member):
    job = job_with_skills(skills=["Python"])
    client.force_login(member)
    body = client.get(reverse("careers:job_detail", args=[job.pk])).content.decode()
    assert "How this job matches you" not in body


def test_saved_and_dismissed_jobs_in_the_api(api_as, python_member, other_member):
    # given
    kept = job_with_skills(skills=["Python"], title="Kept")
    dropped = job_with_skills(skills=["Python"], title="Dropped")
    client = api_as(python_member)
    client.post(reverse("api:careers-job-save", args=[kept.pk]))
    client.post(reverse("api:careers-job-dismiss", args=[dropped.pk]))
    # when
    saved = client.get(reverse("api:careers-saved-jobs")).json()
    dismissed = client.get(reverse("api:careers-dismissed-jobs")).json()
    stranger = api_as(other_member).get(reverse("api:careers-saved-jobs")).json()
    # then
    assert [j["title"] for j in saved] == ["Kept"]
    assert "marked_at" in saved[0]
    assert [j["title"] for j in dismissed] == ["Dropped"]
    assert stranger == []


def test_skill_suggestions_come_from_names_and_aliases(api_as, member):
    # when
    by_name = api_as(member).get(reverse("api:careers-skill-suggest"), {"q": "pyth"}).json()
    by_alias = api_as(member).get(reverse("api:careers-skill-suggest"), {"q": "js"}).json()
    # then
    assert "Python" in [s["name"] for s in by_name["suggestions"]]
    assert {"name": "JavaScript", "matched": "js"} in by_alias["suggestions"]


def test_a_misspelt_skill_gets_did_you_mean(api_as, member):
    body = api_as(member).get(reverse("api:careers-skill-suggest"), {"q": "Pyhton"}).json()
    assert body["suggestions"] == []
    assert body["did_you_mean"] == "Python"


def test_adding_a_misspelt_skill_says_did_you_mean_and_keeps_the_input(client, member):
    client.force_login(member)
    response = client.post(
        reverse("careers:skill_add"),
        {"skill-name": "Pyhton", "skill-proficiency": "4", "skill-years": "2"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Did you mean “Python”?" in body
    assert 'value="Pyhton"' in body


def test_a_skills_level_and_years_can_be_changed(client, member):
    # given
    profile_with_skills(user=member, skills={"Python": 2})
    row = ProfileSkill.objects.get(profile__user=member)
    client.force_login(member)
    # when
    response = client.post(
        reverse("careers:skill_update", args=[row.pk]),
        {f"s{row.pk}-proficiency": "5", f"s{row.pk}-years": "4.5"},
    )
    # then
    row.refresh_from_db()
    assert (row.proficiency, float(row.years)) == (5, 4.5)
    assert response.url.endswith("?saved=skills#skills")


def test_a_strangers_skill_cannot_be_changed(client, member, other_member):
    profile_with_skills(user=other_member, skills={"Python": 2})
    row = ProfileSkill.objects.get(profile__user=other_member)
    client.force_login(member)
    response = client.post(
        reverse("careers:skill_update", args=[row.pk]),
        {f"s{row.pk}-proficiency": "5", f"s{row.pk}-years": "1"},
    )
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.proficiency == 2


def test_the_profile_says_which_section_was_saved(client, member):
    client.force_login(member)
    response = client.post(
        reverse("careers:profile"),
        {"headline": "Backend Developer", "visibility": "private", "location_country": "ID"},
        follow=True,
    )
    body = response.content.decode()
    assert "About me saved." in body
    assert 'id="about" aria-labelledby="h-about"' in body
    assert "just-saved" in body


def test_no_activity_is_recorded_by_listing_saved_jobs(client, python_member):
    client.force_login(python_member)
    client.get(reverse("careers:saved_jobs"))
    assert not ActivityEvent.objects.filter(user=python_member).exists()


def test_recorded_searches_read_in_indonesian(client, recommending_member):
    # given
    client.force_login(recommending_member)
    client.get(reverse("careers:jobs"), {"q": "python", "remote_mode": "remote"})
    client.cookies["django_language"] = "id"
    # when
    body = client.get(reverse("careers:activity")).content.decode()
    # then
    assert "Kata kunci: python" in body
    assert "remote_mode" not in body and ": remote<" not in body


def test_not_now_on_the_recommendations_prompt_goes_to_browsing_jobs(client, member):
    client.force_login(member)
    prompt = client.get(reverse("careers:recommended"), follow=True)
    assert f'class="btn secondary" href="{reverse("careers:jobs")}">Not now' in (
        prompt.content.decode()
    )


def test_the_job_in_the_api_says_how_it_matches(api_as, python_member, other_member):
    # given
    job = job_with_skills(skills={"Python": (True, 3)}, title="Backend Developer")
    # when
    mine = api_as(python_member).get(reverse("api:careers-job", args=[job.pk])).json()
    without_consent = api_as(other_member).get(reverse("api:careers-job", args=[job.pk])).json()
    # then
    assert mine["match"]["strength"] in {"strong", "good"}
    assert "Matches 1 of 1 required skill: Python" in mine["match"]["reasons"]
    assert without_consent["match"] is None
