"""Recruiter portal (HTML): employer members only; jobs, applicants, search, saved searches."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from careers.models import Application, Job, SavedSearch
from careers.services.applications import application_submit
from careers.tests.factories import job_with_skills
from careers.tests.test_search import make_candidate
from consent.models import AccessLogEntry
from consent.purposes import PurposeCode
from consent.services import consent_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, recruiter_a):
    client.force_login(recruiter_a)
    return client


def test_the_portal_is_a_404_for_members_of_no_employer(client, member):
    # given
    client.force_login(member)
    # then
    for name in ("recruiter-dashboard", "recruiter-candidates", "recruiter-searches"):
        assert client.get(reverse(f"careers:{name}")).status_code == 404


def test_a_recruiter_posts_a_job_and_opens_it(portal, employer_a):
    # when
    response = portal.post(
        reverse("careers:recruiter-job-new"),
        {
            "title": "Barista",
            "location_city": "Denpasar",
            "remote_mode": "onsite",
            "job_type": "full_time",
            "seniority": "junior",
            "currency": "IDR",
            "required_skills": "Barista:5, Customer Service",
            "open": "1",
        },
    )
    # then
    job = Job.objects.get(title="Barista")
    assert response.status_code == 302
    assert job.employer == employer_a and job.status == "open"
    assert sorted(job.job_skills.values_list("skill__name", flat=True)) == [
        "Barista",
        "Customer Service",
    ]
    dashboard = portal.get(reverse("careers:recruiter-dashboard"))
    assert "Barista" in dashboard.content.decode()


def test_job_form_shows_a_clear_error_for_an_unknown_skill(portal):
    # when
    response = portal.post(
        reverse("careers:recruiter-job-new"),
        {
            "title": "X",
            "remote_mode": "onsite",
            "job_type": "full_time",
            "seniority": "mid",
            "currency": "IDR",
            "required_skills": "Quidditch",
        },
    )
    # then
    assert response.status_code == 200
    assert "Quidditch" in response.content.decode()
    assert not Job.objects.exists()


def test_another_employers_job_and_applicants_are_404(client, recruiter_b, employer_a):
    # given
    job = job_with_skills(skills=["Python"], employer=employer_a, status="draft")
    client.force_login(recruiter_b)
    # then
    assert client.get(reverse("careers:recruiter-job", args=[job.pk])).status_code == 404
    assert (
        client.post(
            reverse("careers:recruiter-job-status", args=[job.pk]), {"status": "open"}
        ).status_code
        == 404
    )


def test_applicants_show_the_shared_snapshot_and_move_through_stages(
    portal, employer_a, recruiter_b, client
):
    # given
    profile = make_candidate(consent=False, headline="Sous Chef")
    consent_grant(user=profile.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web")
    job = job_with_skills(skills=["Culinary Arts"], employer=employer_a)
    application = application_submit(user=profile.user, job_id=job.pk)
    # when
    job_page = portal.get(reverse("careers:recruiter-job", args=[job.pk]))
    detail = portal.get(reverse("careers:recruiter-application", args=[application.pk]))
    portal.post(
        reverse("careers:recruiter-application-stage", args=[application.pk]),
        {"stage": "reviewing"},
    )
    # then
    assert "Sous Chef" in job_page.content.decode()
    assert "Sous Chef" in detail.content.decode()
    assert Application.objects.get(pk=application.pk).stage == "reviewing"
    client.force_login(recruiter_b)
    assert (
        client.get(reverse("careers:recruiter-application", args=[application.pk])).status_code
        == 404
    )


def test_candidate_search_page_shows_cards_with_chips_and_no_names(portal):
    # given
    profile = make_candidate(skills={"Python": 5}, headline="ML Engineer", name="Hidden Name")
    # when
    response = portal.get(reverse("careers:recruiter-candidates"), {"skills": "python"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "ML Engineer" in html and "Python · 5/5" in html
    assert "Hidden Name" not in html
    assert str(profile.public_id) in html


def test_candidate_search_page_shows_filter_errors(portal):
    response = portal.get(reverse("careers:recruiter-candidates"), {"min_years": "-3"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_opening_a_candidate_logs_the_view_and_strangers_get_404(portal):
    # given
    profile = make_candidate(headline="Accountant")
    # when
    response = portal.get(reverse("careers:recruiter-candidate", args=[profile.public_id]))
    random = portal.get(reverse("careers:recruiter-candidate", args=[uuid.uuid4()]))
    # then
    assert response.status_code == 200 and "Accountant" in response.content.decode()
    assert random.status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            subject=profile.user, purpose=PurposeCode.CANDIDATE_DISCOVERY
        ).count()
        == 1
    )


def test_saving_running_and_deleting_a_search(portal, recruiter_b):
    # given
    make_candidate(skills={"Python": 3})
    # when
    portal.post(
        reverse("careers:recruiter-searches") + "?skills=python&min_years=1",
        {"name": "Python people"},
    )
    saved = SavedSearch.objects.get()
    listing = portal.get(reverse("careers:recruiter-searches")).content.decode()
    # then
    assert saved.params == {"skills": "python", "match": "all", "min_years": 1}
    assert "Python people" in listing and "skills=python" in listing
    stranger = Client()
    stranger.force_login(recruiter_b)
    assert (
        stranger.post(reverse("careers:recruiter-search-delete", args=[saved.pk])).status_code
        == 404
    )
    portal.post(reverse("careers:recruiter-search-delete", args=[saved.pk]))
    assert not SavedSearch.objects.exists()


def test_the_portal_candidate_search_is_rate_limited_like_the_api(client, recruiter_a, monkeypatch):
    # given: a limit of 3 searches a minute
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"candidate_search": "3/min"})
    client.force_login(recruiter_a)
    # when
    codes = [client.get("/recruiter/candidates/?skills=python").status_code for _ in range(4)]
    # then
    assert codes == [200, 200, 200, 429]
