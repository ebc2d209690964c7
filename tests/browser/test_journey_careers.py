"""Journey: a member accepts the policy, fills a career profile, sees recommendations with their
reasons, and applies to a job after agreeing to share the profile."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from careers.tests.factories import job_with_skills, skill
from tests.browser.support import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def section(page, heading: str):
    return page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))


def test_member_builds_a_profile_gets_reasons_and_applies(
    page, live_server, shot, member, employer_a
):
    # given an open job asking for Python and Django, and a signed-in member
    skill("Python")
    skill("Django")
    job_with_skills(skills=["Python", "Django"], title="Backend Developer", employer=employer_a)
    sign_in(page, live_server, member)

    # the member reads the policy, then allows job recommendations in one click
    page.goto("/privacy/policies/")
    page.get_by_text("Full text").click()
    expect(page.get_by_text("Privacy policy, version 2023-09-29")).to_be_visible()
    shot(page, "policy")
    page.goto("/privacy/")
    card = page.locator("#purpose-job_recommendations")
    card.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Your consent for “Job recommendations” is recorded")).to_be_visible()
    expect(page.locator("#purpose-job_recommendations .badge.ok")).to_be_visible()
    shot(page, "privacy-centre")

    # when the member fills the profile
    page.goto("/profile/")
    about = section(page, "About me")
    about.get_by_label("Headline").fill("Backend developer")
    about.get_by_label("City").fill("Jakarta")
    about.get_by_role("button", name="Save").click()
    expect(page.get_by_text("About me saved.")).to_be_visible()
    for name in ("Python", "Django"):
        skills = section(page, "Skills")
        skills.get_by_label("Skill", exact=True).fill(name)
        skills.get_by_label("Proficiency", exact=True).select_option("4")
        skills.get_by_label("Years", exact=True).fill("3")
        skills.get_by_role("button", name="Add skill").click()
        expect(page.get_by_text(f"Added {name}.")).to_be_visible()
    shot(page, "profile")

    # then the recommendation says why
    page.goto("/jobs/recommended/")
    expect(page.get_by_text("Backend Developer").first).to_be_visible()
    expect(page.get_by_text("Matches 2 of 2 required skills").first).to_be_visible()
    shot(page, "recommendations")

    # when the member applies, the sharing consent is asked first
    page.get_by_role("link", name="Backend Developer").first.click()
    page.get_by_role("link", name="Apply").click()
    expect(page.get_by_role("heading", name="What you agree to")).to_be_visible()
    shot(page, "share-consent")
    page.get_by_role("button", name="I agree").click()
    page.get_by_label("Note to the employer (optional)").fill("I would love to join.")
    shot(page, "apply")
    page.get_by_role("button", name="Send application").click()

    # then the application is sent and visible with its stage
    expect(page.get_by_text("can now see the profile you shared")).to_be_visible()
    page.goto("/applications/")
    expect(page.get_by_text("Backend Developer").first).to_be_visible()
    expect(page.get_by_text("Submitted").first).to_be_visible()
    shot(page, "applications")


def test_a_wrong_employment_entry_explains_itself_and_keeps_what_was_typed(
    page, live_server, member
):
    # given
    sign_in(page, live_server, member)
    page.goto("/profile/")
    employment = section(page, "Employment history")
    # when the end date is before the start date
    employment.get_by_label("Employer", exact=True).fill("Tokopedia")
    employment.get_by_label("Job title").fill("Backend Engineer")
    employment.get_by_label("Start date").fill("2022-05-01")
    employment.get_by_label("End date", exact=True).fill("2021-01-01")
    employment.get_by_role("button", name="Add").click()
    # then
    expect(page.get_by_text("The end date cannot be before the start date.")).to_be_visible()
    expect(page.get_by_label("Employer", exact=True).first).to_have_value("Tokopedia")
    expect(page.get_by_label("Job title").first).to_have_value("Backend Engineer")
