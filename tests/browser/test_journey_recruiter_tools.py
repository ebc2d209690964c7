"""Issue 16's recruiter tools, end to end in a browser: search with a count and a sort, saving a
candidate to a job, invitations accepted and declined, the board moved by keyboard, a note
that goes when the member withdraws, a saved-search alert e-mail, the owner removing a
recruiter, and the portal's pages on a 390 px phone."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from careers.models import ApplicationNote
from careers.search_query import CandidateQuery
from careers.services import application_submit
from careers.services.saved_searches import saved_search_create
from careers.services.search_index import candidate_index_refresh
from careers.tasks import saved_search_alerts_task
from careers.tests.factories import job_with_skills, profile_with_skills, skill
from consent.services import consent_grant
from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _candidate(user, *, headline: str, years: int, city: str = "Jakarta"):
    profile = profile_with_skills(
        user=user,
        skills={"Python": 4},
        headline=headline,
        years_experience=years,
        location_city=city,
        visibility="recruiters",
    )
    consent_grant(user=user, purpose="candidate_discovery", method="web")
    consent_grant(user=user, purpose="share_profile_with_employers", method="web")
    candidate_index_refresh(profile.pk)
    return profile


@pytest.fixture
def recruiter_page(browser, live_server, recruiter_a):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    recruiter = context.new_page()
    sign_in(recruiter, live_server, recruiter_a)
    yield recruiter
    context.close()


def test_search_count_sort_save_invite_accept_and_decline(
    page, recruiter_page, live_server, shot, member, other_member, employer_a
):
    # given two discoverable members and two open jobs
    skill("Python")
    _candidate(member, headline="Junior Analyst", years=2)
    _candidate(other_member, headline="Senior Architect", years=14)
    job_with_skills(skills=["Python"], title="Data Engineer", employer=employer_a)
    job_with_skills(skills=["Python"], title="Platform Engineer", employer=employer_a)

    # when the recruiter searches by skill, sorted by years
    recruiter_page.goto("/recruiter/candidates/")
    recruiter_page.get_by_label("Skills").fill("python")
    recruiter_page.get_by_label("Sort by").select_option("years")
    recruiter_page.get_by_role("button", name="Search", exact=True).click()

    # then the count and the order show
    expect(recruiter_page.get_by_role("status")).to_contain_text("2 candidates")
    cards = recruiter_page.locator("article.card h3")
    expect(cards.first).to_have_text("Senior Architect")
    shot(recruiter_page, "search-count-sort")

    # when the recruiter saves the junior to a job's pipeline and invites both
    recruiter_page.get_by_role("link", name="Junior Analyst").click()
    recruiter_page.get_by_label("Save to").select_option(label="Data Engineer")
    recruiter_page.get_by_role("button", name="Save", exact=True).click()
    expect(recruiter_page.get_by_text("Candidate saved.")).to_be_visible()
    recruiter_page.get_by_label("Job", exact=True).select_option(label="Data Engineer")
    recruiter_page.get_by_label("Message (optional)").fill("We liked your SQL.")
    recruiter_page.get_by_role("button", name="Send invitation").click()
    expect(recruiter_page.get_by_text("Invitation sent.")).to_be_visible()
    shot(recruiter_page, "candidate-saved-invited")

    # then the member sees the invitation and applies from it
    sign_in(page, live_server, member)
    page.goto("/invitations/")
    invitation = page.locator("article.card", has_text="Data Engineer")
    expect(invitation.get_by_text("We liked your SQL.")).to_be_visible()
    shot(page, "member-invitation")
    invitation.get_by_role("link", name="Apply").click()
    page.get_by_role("button", name="Send application").click()
    page.goto("/invitations/")
    expect(page.locator("article.card", has_text="Data Engineer")).to_contain_text("You applied")

    # and the other member declines theirs
    recruiter_page.goto("/recruiter/candidates/?skills=python")
    recruiter_page.get_by_role("link", name="Senior Architect").click()
    recruiter_page.get_by_label("Job", exact=True).select_option(label="Platform Engineer")
    recruiter_page.get_by_role("button", name="Send invitation").click()
    page.context.clear_cookies()
    sign_in(page, live_server, other_member)
    page.goto("/invitations/")
    page.locator("article.card", has_text="Platform Engineer").get_by_role(
        "button", name="Decline"
    ).click()
    expect(page.get_by_text("Invitation declined. The employer is not told.")).to_be_visible()


def test_board_moves_by_keyboard_and_a_note_goes_when_the_member_withdraws(
    page, recruiter_page, live_server, shot, member, employer_a
):
    # given an applicant
    skill("Python")
    job = job_with_skills(skills=["Python"], title="Backend Engineer", employer=employer_a)
    _candidate(member, headline="Backend person", years=5)
    application = application_submit(user=member, job_id=job.pk, note="")

    # when the recruiter moves the card with the keyboard on the board
    recruiter_page.goto(f"/recruiter/jobs/{job.pk}/board/")
    forward = recruiter_page.get_by_role("button", name="Move Backend person forward")
    forward.focus()
    recruiter_page.keyboard.press("Enter")
    screening = recruiter_page.locator("div.board-column", has_text="Reviewing")
    expect(screening.locator("h3", has_text="Backend person")).to_be_visible()
    expect(screening.locator("h2 .badge")).to_have_text("1")
    shot(recruiter_page, "board")

    # and writes a private note with a rating
    recruiter_page.get_by_role("link", name="Backend person").click()
    recruiter_page.get_by_label("Private note").fill("Great system design answers.")
    recruiter_page.get_by_label("Rating").select_option("5")
    recruiter_page.get_by_role("button", name="Add note").click()
    expect(recruiter_page.get_by_text("Great system design answers.")).to_be_visible()

    # then the member is told of the move
    sign_in(page, live_server, member)
    page.goto("/invitations/")
    expect(page.get_by_text("Your application is now: Reviewing")).to_be_visible()

    # when the member withdraws the application, the note is gone
    page.goto("/applications/")
    page.get_by_role("button", name="Withdraw").first.click()
    recruiter_page.reload()
    expect(recruiter_page.get_by_text("Great system design answers.")).to_have_count(0)
    assert not ApplicationNote.objects.filter(application_id=application.pk).exists()


def test_board_card_dragged_to_another_column_moves_there(recruiter_page, member, employer_a):
    # given an applicant in the Applied column
    skill("Python")
    job = job_with_skills(skills=["Python"], title="Data Engineer", employer=employer_a)
    _candidate(member, headline="Dragged person", years=4)
    application = application_submit(user=member, job_id=job.pk, note="")
    recruiter_page.goto(f"/recruiter/jobs/{job.pk}/board/")
    card = recruiter_page.locator("article.board-card", has_text="Dragged person")
    expect(card).to_have_attribute("draggable", "true")

    # when the recruiter drags the card onto the Interview column
    interview = recruiter_page.locator("div.board-column", has_text="Interview")
    card.drag_to(interview)

    # then it posted the same move the buttons post, and the board shows it there
    interview = recruiter_page.locator("div.board-column", has_text="Interview")
    expect(interview.locator("h3", has_text="Dragged person")).to_be_visible()
    expect(interview.locator("h2 .badge")).to_have_text("1")
    application.refresh_from_db()
    assert application.stage == "interview"
    # and the rejected column is no drop target: rejecting needs a reason
    expect(
        recruiter_page.locator("div.board-column[data-stage=rejected][data-drop]")
    ).to_have_count(0)


def test_alert_e_mail_and_the_owner_removing_a_recruiter(
    page, recruiter_page, live_server, shot, owner_a, recruiter_a, employer_a
):
    # given a saved search with a match
    skill("Python")
    _candidate(UserFactory(), headline="Alert Match", years=3)
    saved_search_create(
        employer=employer_a,
        actor=recruiter_a,
        name="Pythonistas",
        query=CandidateQuery(skills=("Python",)),
    )

    # when the recruiter turns its daily e-mail on and the daily task runs
    recruiter_page.goto("/recruiter/searches/")
    recruiter_page.get_by_role("button", name="Turn on the daily e-mail for Pythonistas").click()
    expect(recruiter_page.get_by_text("You will get a daily e-mail")).to_be_visible()
    assert saved_search_alerts_task() == 1

    # then the e-mail lists the match
    assert "Alert Match" in mail.outbox[-1].body

    # when the owner removes the recruiter on the team page
    sign_in(page, live_server, owner_a)
    page.goto(f"/accounts/employers/{employer_a.pk}/team/")
    shot(page, "team")
    page.get_by_role("button", name="Remove Recruiter A").click()
    expect(page.get_by_text("lost access to its applications")).to_be_visible()

    # then the recruiter is out of the portal at once
    response = recruiter_page.goto("/recruiter/")
    assert response.status == 404


def test_portal_pages_fit_a_phone(page, live_server, recruiter_a, owner_a, employer_a, member):
    # given
    skill("Python")
    job = job_with_skills(skills=["Python"], title="Data Engineer", employer=employer_a)
    profile = _candidate(member, headline="Data person with a rather long headline", years=4)
    application = application_submit(user=member, job_id=job.pk, note="")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, owner_a)
    too_wide, problems = {}, {}
    for name, url in (
        ("candidates", "/recruiter/candidates/?skills=python"),
        ("candidate", f"/recruiter/candidates/{profile.public_id}/"),
        ("board", f"/recruiter/jobs/{job.pk}/board/"),
        ("pools", "/recruiter/pools/"),
        ("searches", "/recruiter/searches/"),
        ("team", f"/accounts/employers/{employer_a.pk}/team/"),
        ("invitations", "/invitations/"),
        ("application", f"/recruiter/applications/{application.pk}/"),
    ):
        # when
        assert page.goto(url).ok, url
        # then
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[name] = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => "
                "e.getBoundingClientRect().right > window.innerWidth + 1)"
                ".map(e => e.tagName + '.' + e.className).slice(0, 8)"
            )
        found = axe_violations(page)
        if found:
            problems[name] = found
    assert too_wide == {} and problems == {}
