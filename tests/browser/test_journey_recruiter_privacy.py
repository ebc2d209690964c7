"""Journeys across the recruiter portal and the privacy centre.

A recruiter finds a discoverable member by skills and opens the profile; the member sees that
access in their log, withdraws discovery and disappears from the search. A recruiter moves an
application through stages and the member sees the stage. A member exports their data and
deletes their account.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from accounts.models import User
from careers.services.applications import application_submit
from careers.services.search_index import candidate_index_refresh
from careers.tests.factories import job_with_skills, profile_with_skills, skill
from consent.services import consent_grant
from tests.browser.support import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recruiter_page(browser, live_server, recruiter_a):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    recruiter = context.new_page()
    sign_in(recruiter, live_server, recruiter_a)
    yield recruiter
    context.close()


def _search_python(recruiter) -> None:
    recruiter.goto("/recruiter/candidates/")
    recruiter.get_by_label("Skills").fill("python")
    recruiter.get_by_role("button", name="Search", exact=True).click()


def test_member_sees_a_recruiter_view_and_hides_from_search(
    page, recruiter_page, live_server, shot, member
):
    # given a member who agreed to be found, with Python on the profile
    profile = profile_with_skills(
        user=member, skills={"Python": 5, "Django": 4}, headline="Data engineer"
    )
    consent_grant(user=member, purpose="candidate_discovery", method="web")
    candidate_index_refresh(profile.pk)
    sign_in(page, live_server, member)

    # when a recruiter searches by skill and opens the profile
    _search_python(recruiter_page)
    card = recruiter_page.locator("article.card", has_text="Data engineer")
    expect(card.locator(".chip", has_text="Python")).to_be_visible()
    shot(recruiter_page, "recruiter-search")
    card.get_by_role("link", name="Data engineer").click()
    expect(recruiter_page.get_by_role("heading", name="Candidate profile")).to_be_visible()
    expect(recruiter_page.locator(".chip", has_text="Django")).to_be_visible()
    shot(recruiter_page, "recruiter-candidate")

    # then the member sees the access in their log
    page.goto("/privacy/access-log/")
    expect(page.get_by_role("cell", name="Career profile", exact=True)).to_be_visible()
    expect(
        page.get_by_role("cell", name="Employer A opened your profile from candidate search.")
    ).to_be_visible()
    expect(page.get_by_role("cell", name="Let employers find me", exact=True)).to_be_visible()
    shot(page, "access-log")

    # when the member withdraws discovery in one click
    page.goto("/privacy/")
    page.locator("#purpose-candidate_discovery").get_by_role("button", name="Withdraw").click()
    expect(
        page.get_by_text("Employers can no longer find you in candidate search.")
    ).to_be_visible()
    shot(page, "discovery-withdrawn")

    # then the recruiter's search no longer finds them
    _search_python(recruiter_page)
    expect(recruiter_page.get_by_text("No candidates match these filters.")).to_be_visible()
    expect(recruiter_page.locator("article.card", has_text="Data engineer")).to_have_count(0)


def test_recruiter_moves_an_application_and_the_member_sees_the_stage(
    page, recruiter_page, live_server, shot, member, employer_a
):
    # given a member who applied to Employer A's job
    skill("Python")
    job = job_with_skills(skills=["Python"], title="Platform Engineer", employer=employer_a)
    profile_with_skills(user=member, skills={"Python": 4}, headline="Platform person")
    consent_grant(user=member, purpose="share_profile_with_employers", method="web")
    application_submit(user=member, job_id=job.pk, note="Hello!")
    sign_in(page, live_server, member)

    # when the recruiter opens the applicants of the job and moves the application on
    recruiter_page.goto("/recruiter/")
    recruiter_page.get_by_role("link", name="Platform Engineer").click()
    recruiter_page.get_by_role("link", name="Platform person").click()
    expect(recruiter_page.get_by_text("Hello!")).to_be_visible()
    recruiter_page.get_by_role("button", name="Reviewing").click()
    expect(recruiter_page.get_by_text("Stage changed.")).to_be_visible()
    recruiter_page.get_by_role("button", name="Interview").click()
    expect(recruiter_page.locator(".badge", has_text="Interview")).to_be_visible()
    shot(recruiter_page, "recruiter-application")

    # then the member sees the stage
    page.goto("/applications/")
    expect(page.get_by_text("Interview").first).to_be_visible()
    shot(page, "member-applications")


def test_member_exports_their_data_and_deletes_the_account(
    page, live_server, shot, member, password
):
    # given
    consent_grant(user=member, purpose="job_recommendations", method="web")
    sign_in(page, live_server, member)

    # when the member downloads their data
    page.goto("/privacy/export/")
    shot(page, "export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download (JSON)").click()
    data = json.loads(open(download_info.value.path(), encoding="utf-8").read())

    # then the file holds their account and consents
    assert "member@example.test" in json.dumps(data)
    assert "job_recommendations" in json.dumps(data)

    # when the member deletes the account, confirming with the password
    page.goto("/privacy/erase/")
    page.get_by_label("Your password").fill("wrong password")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("The password is not correct.")).to_be_visible()
    page.get_by_label("Your password").fill(password)
    page.get_by_label("I understand").check()
    shot(page, "erase")
    page.get_by_role("button", name="Delete my account").click()

    # then the account is gone and they are signed out
    expect(page.get_by_text("Your account and your personal data are deleted.")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()
    assert not User.objects.filter(email="member@example.test").exists()
