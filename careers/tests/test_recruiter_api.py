"""Recruiter API: candidates, jobs, applicants, stages, saved searches; same rules as the portal."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from careers.models import Application
from careers.services.applications import application_submit
from careers.tests.factories import job_with_skills
from careers.tests.test_search import make_candidate
from consent.models import AccessLogEntry
from consent.purposes import PurposeCode
from consent.services import consent_grant

pytestmark = pytest.mark.django_db

CANDIDATES = reverse("api:recruiter-candidates")


def detail_url(public_id: object) -> str:
    # Built, not reversed: the <uuid:...> route cannot reverse a malformed id, which the 404
    # tests send on purpose.
    return f"{reverse('api:recruiter-candidates')}{public_id}/"


def test_search_returns_cards_without_names_contacts_or_account_ids(api_as, recruiter_a):
    # given
    profile = make_candidate(skills={"Python": 4, "Django": 3}, name="Rahasia Nama")
    # when
    response = api_as(recruiter_a).get(CANDIDATES, {"skills": "python,django", "match": "all"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert [r["id"] for r in body["results"]] == [str(profile.public_id)]
    text = response.content.decode()
    assert "Rahasia" not in text and profile.user.email not in text
    assert str(profile.user_id) not in text and str(profile.pk) not in text
    assert body["results"][0]["skills"][0] == {"name": "Python", "proficiency": 4, "matched": True}


@pytest.mark.parametrize(
    "params",
    [
        {"min_years": "abc"},
        {"match": "some"},
        {"page": "0"},
        {"page": "9999"},
        {"verified": "maybe"},
        {"remote": "moon"},
        {"skills": ",".join(f"s{i}" for i in range(11))},
    ],
)
def test_bad_search_parameters_get_400_in_the_error_envelope(api_as, recruiter_a, params):
    # when
    response = api_as(recruiter_a).get(CANDIDATES, params)
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) <= set(params)


def test_members_of_no_employer_get_403_from_the_recruiter_api(api_as, member):
    # when
    responses = [
        api_as(member).get(CANDIDATES),
        api_as(member).get(reverse("api:recruiter-jobs")),
        api_as(member).get(detail_url(uuid.uuid4())),
    ]
    # then
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert responses[0].json()["error"]["code"] == "recruiter_only"


def test_anonymous_callers_are_refused(api_client):
    assert api_client.get(CANDIDATES).status_code in (401, 403)


def test_full_profile_view_is_recorded_in_the_members_access_log(api_as, recruiter_a):
    # given
    profile = make_candidate(headline="Data Analyst")
    # when
    response = api_as(recruiter_a).get(detail_url(profile.public_id))
    # then
    assert response.status_code == 200
    assert response.json()["profile"]["headline"] == "Data Analyst"
    assert response.json()["source"] == "discovery"
    entry = AccessLogEntry.objects.get(subject=profile.user)
    assert entry.purpose == PurposeCode.CANDIDATE_DISCOVERY
    assert entry.accessor == recruiter_a
    assert entry.accessor_label == "Recruiter A (Employer A)"
    assert entry.detail == "Employer A"


def test_non_discoverable_member_looks_exactly_like_a_random_id(api_as, recruiter_a):
    # given
    hidden = make_candidate(consent=False)
    client = api_as(recruiter_a)
    # when
    for_hidden = client.get(detail_url(hidden.public_id))
    for_random = client.get(detail_url(uuid.uuid4()))
    for_garbage = client.get(detail_url("not-a-uuid"))
    # then
    assert for_hidden.status_code == for_random.status_code == for_garbage.status_code == 404
    assert for_hidden.content == for_random.content == for_garbage.content
    assert not AccessLogEntry.objects.filter(subject=hidden.user).exists()


def test_member_hiding_from_this_employer_is_a_404_for_it(api_as, recruiter_a, recruiter_b):
    # given
    profile = make_candidate(hide=True, current_employer=("Employer A", ""))
    # then
    assert api_as(recruiter_a).get(detail_url(profile.public_id)).status_code == 404
    assert api_as(recruiter_b).get(detail_url(profile.public_id)).status_code == 200


def test_applicant_profile_opens_for_the_employer_applied_to_only(
    api_as, recruiter_a, recruiter_b, employer_a
):
    # given: not discoverable, but applied to employer A sharing their profile
    profile = make_candidate(consent=False, headline="Applicant Headline")
    consent_grant(user=profile.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web")
    job = job_with_skills(skills=["Python"], employer=employer_a)
    application_submit(user=profile.user, job_id=job.pk)
    # when
    mine = api_as(recruiter_a).get(detail_url(profile.public_id))
    theirs = api_as(recruiter_b).get(detail_url(profile.public_id))
    # then
    assert mine.status_code == 200 and mine.json()["source"] == "application"
    assert mine.json()["profile"]["headline"] == "Applicant Headline"
    assert theirs.status_code == 404
    assert AccessLogEntry.objects.filter(
        subject=profile.user, accessor=recruiter_a, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS
    ).exists()


def test_candidate_list_query_count_does_not_grow_with_results(api_as, recruiter_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given a page with 3 results, then one with 20 (of 28)
    for years in range(3):
        make_candidate(skills={"Python": 3, "Django": 2, "SQL": 4}, years=years)
    client = api_as(recruiter_a)
    client.get(CANDIDATES, {"skills": "python"})  # once-a-day work (token and last-active touch)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(CANDIDATES, {"skills": "python"}).json()["results"]) == 3
    for years in range(25):
        make_candidate(skills={"Python": 3, "Django": 2, "SQL": 4}, years=years)
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get(CANDIDATES, {"skills": "python"})
    # then the same reads, whatever the number of results (no query per candidate)
    assert len(response.json()["results"]) == 20
    assert response.json()["next"] is not None
    assert len(many) == len(few)
    # the search, its count and the access log; auth, throttle, savepoints, SET LOCAL on PostgreSQL
    assert len(many) <= 18


def test_jobs_list_create_update_and_drafts_stay_private(
    api_as, recruiter_a, recruiter_b, employer_a
):
    # given
    client = api_as(recruiter_a)
    # when
    created = client.post(
        reverse("api:recruiter-jobs"),
        {
            "title": "Backend Engineer",
            "location_city": "Jakarta",
            "skills": [{"name": "JS", "weight": 4}, {"name": "Django", "required": False}],
        },
        format="json",
    )
    job_id = created.json()["id"]
    patched = client.patch(
        reverse("api:recruiter-job", args=[job_id]), {"status": "open"}, format="json"
    )
    # then
    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert {s["name"] for s in created.json()["skills"]} == {"JavaScript", "Django"}
    assert patched.status_code == 200 and patched.json()["status"] == "open"
    assert [j["id"] for j in client.get(reverse("api:recruiter-jobs")).json()["results"]] == [
        job_id
    ]
    other = api_as(recruiter_b)
    assert other.get(reverse("api:recruiter-jobs")).json()["results"] == []
    assert other.get(reverse("api:recruiter-job", args=[job_id])).status_code == 404
    assert (
        other.patch(
            reverse("api:recruiter-job", args=[job_id]), {"title": "x"}, format="json"
        ).status_code
        == 404
    )


def test_job_create_with_unknown_skill_is_a_400_not_a_500(api_as, recruiter_a):
    response = api_as(recruiter_a).post(
        reverse("api:recruiter-jobs"),
        {"title": "X", "skills": [{"name": "Underwater Basket Weaving"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "skills" in response.json()["error"]["fields"]


def test_applicants_and_stage_moves_only_for_the_employer_applied_to(
    api_as, recruiter_a, recruiter_b, employer_a
):
    # given
    profile = make_candidate(consent=False)
    consent_grant(user=profile.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web")
    job = job_with_skills(skills=["Python"], employer=employer_a)
    application = application_submit(user=profile.user, job_id=job.pk)
    apps_url = reverse("api:recruiter-job-applications", args=[job.pk])
    stage_url = reverse("api:recruiter-application-stage", args=[application.pk])
    # when
    listed = api_as(recruiter_a).get(apps_url)
    moved = api_as(recruiter_a).post(stage_url, {"stage": "interview"}, format="json")
    bad = api_as(recruiter_a).post(stage_url, {"stage": "promoted"}, format="json")
    # then
    assert [a["id"] for a in listed.json()["results"]] == [str(application.pk)]
    assert moved.status_code == 200 and moved.json()["stage"] == "interview"
    assert bad.status_code == 400
    assert Application.objects.get(pk=application.pk).stage == "interview"
    outsider = api_as(recruiter_b)
    assert outsider.get(apps_url).status_code == 404
    assert outsider.post(stage_url, {"stage": "hired"}, format="json").status_code == 404
    assert (
        outsider.get(reverse("api:recruiter-application", args=[application.pk])).status_code == 404
    )


def test_saved_searches_are_shared_within_the_employer_only(api_as, recruiter_a, recruiter_b):
    # given
    profile = make_candidate(skills={"Python": 3})
    client = api_as(recruiter_a)
    # when
    created = client.post(
        reverse("api:recruiter-searches"),
        {"name": "Pythonistas", "params": {"skills": ["py"], "match": "any", "page": 3}},
        format="json",
    )
    duplicate = client.post(
        reverse("api:recruiter-searches"), {"name": "pythonistas", "params": {}}, format="json"
    )
    invalid = client.post(
        reverse("api:recruiter-searches"),
        {"name": "Bad", "params": {"min_years": "lots"}},
        format="json",
    )
    saved = created.json()
    run = client.get(CANDIDATES, saved["params"])
    # then
    assert created.status_code == 201 and saved["params"] == {"skills": "py", "match": "any"}
    assert duplicate.status_code == 400 and invalid.status_code == 400
    assert [r["id"] for r in run.json()["results"]] == [str(profile.public_id)]
    detail = reverse("api:recruiter-search", args=[saved["id"]])
    assert api_as(recruiter_b).get(detail).status_code == 404
    assert api_as(recruiter_b).delete(detail).status_code == 404
    assert client.delete(detail).status_code == 204
    assert client.get(reverse("api:recruiter-searches")).json()["results"] == []
