"""axe-core finds no serious or critical accessibility problem on the main pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from consent.services import consent_grant
from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, urls: list[str]) -> dict[str, list[str]]:
    found = {}
    for url in urls:
        response = page.goto(url)
        assert response.ok, url
        problems = axe_violations(page)
        if problems:
            found[url] = problems
    return found


def test_public_pages_have_no_serious_accessibility_problem(page):
    # given
    urls = [reverse("home"), reverse("accounts:login"), reverse("accounts:signup")]
    # when
    found = _check(page, urls)
    # then
    assert found == {}


def test_member_pages_have_no_serious_accessibility_problem(page, live_server, premium_member):
    # given
    for purpose in ("job_recommendations", "share_profile_with_employers"):
        consent_grant(user=premium_member, purpose=purpose, method="web")
    sign_in(page, live_server, premium_member)
    urls = [
        reverse("accounts:account"),
        reverse("consent:centre"),
        reverse("consent:prompt", args=["biometric_verification"]),
        reverse("consent:prompt", args=["candidate_discovery"]),
        reverse("consent:history"),
        reverse("consent:access_log"),
        reverse("careers:profile"),
        reverse("careers:jobs"),
        reverse("careers:recommended"),
        reverse("biometrics:start"),
    ]
    # when
    found = _check(page, urls)
    # then
    assert found == {}


def test_recruiter_pages_have_no_serious_accessibility_problem(page, live_server, recruiter_a):
    # given
    sign_in(page, live_server, recruiter_a)
    urls = [reverse("careers:recruiter-dashboard"), reverse("careers:recruiter-candidates")]
    # when
    found = _check(page, urls)
    # then
    assert found == {}


@pytest.mark.lang("id-ID")
def test_indonesian_pages_have_no_serious_accessibility_problem(page, live_server, member):
    # given
    sign_in(page, live_server, member)
    urls = [reverse("consent:centre"), reverse("careers:jobs")]
    # when
    found = _check(page, urls)
    # then
    assert found == {}


def test_the_check_reports_a_real_problem(page):
    # given a page with an unlabelled input and an image without text
    page.goto(reverse("home"))
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><img src=/static/css/app.css>')"
    )
    # when
    found = axe_violations(page)
    # then
    assert any("label" in problem for problem in found)
    assert any("image-alt" in problem for problem in found)


def test_keyboard_users_skip_to_the_content_and_sign_in_without_a_mouse(page, member, password):
    # given
    page.goto(reverse("accounts:login"))
    # when the first Tab lands on the skip link, and Enter follows it
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    # (the fragment is set by the browser after the key press: wait for it, do not race it)
    expect(page).to_have_url(re.compile(r"#main$"))
    # and the form is filled and sent with the keyboard alone
    page.get_by_label("E-mail address").focus()
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    # then
    expect(page.get_by_text("You are signed in.")).to_be_visible()


def test_focus_is_always_visible(page):
    # given
    page.goto(reverse("home"))
    # when
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    # then the focused element draws an outline
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_the_verification_form_with_liveness_steps_has_no_serious_problem(
    page, live_server, settings, premium_member
):
    # given a member who may submit, with the liveness steps on the form
    from biometrics.tests.factories import grant_biometric_consent

    settings.BIOMETRICS_LIVENESS_REQUIRED = True
    grant_biometric_consent(premium_member)
    sign_in(page, live_server, premium_member)
    # when the stepper opens on its first step, then on the liveness step
    start = reverse("biometrics:start")
    found = _check(page, [start, f"{start}?step=3"])
    # then
    expect(page.locator("#step-liveness [data-liveness]")).to_be_visible()
    # the recording (filled by the camera) and, for a member without a camera, a selfie
    expect(page.locator("#step-liveness input[type=file]")).to_have_count(2)
    assert found == {}
