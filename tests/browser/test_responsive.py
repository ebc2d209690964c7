"""On a phone (390 px wide) the main pages fit the screen: no sideways scrolling."""

from __future__ import annotations

import pytest
from django.urls import reverse

from careers.tests.factories import job_with_skills
from tests.browser.support import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_main_pages_fit_a_phone_screen(page, live_server, shot, member, recruiter_a, employer_a):
    # given
    job_with_skills(skills=["Python"], title="Backend Developer", employer=employer_a)
    page.set_viewport_size(PHONE)
    pages = {
        "home": (None, reverse("home")),
        "signup": (None, reverse("accounts:signup")),
        "privacy": (member, reverse("consent:centre")),
        "profile": (member, reverse("careers:profile")),
        "jobs": (member, reverse("careers:jobs")),
        "verification": (member, reverse("biometrics:start")),
        "recruiter-search": (recruiter_a, reverse("careers:recruiter-candidates")),
    }
    too_wide = {}
    for name, (user, url) in pages.items():
        page.context.clear_cookies()
        if user is not None:
            sign_in(page, live_server, user)
        # when
        page.goto(url)
        # then
        if _overflow(page) > 0:
            too_wide[name] = _overflow(page)
        shot(page, f"phone-{name}")
    assert too_wide == {}
