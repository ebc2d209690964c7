"""Every page each kind of user can reach, on a phone: no sideways scrolling, no accessibility
problem axe-core rates moderate or worse, no error page, in English and in Bahasa Indonesia.

The demo data (``seed_demo``) gives every page something to show: applications, saved searches,
verifications in each state, consent history. The crawler (tests/browser/crawl.py) follows links
from the home page (and the admin index for staff), one page per URL shape.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests.browser.crawl import crawl
from tests.browser.support import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

USERS = (
    None,
    "member@demo.test",
    "premium@demo.test",
    "dewi@demo.test",
    "recruiter1@acme.demo",
    "owner@acme.demo",
    "staff@demo.test",
)


@pytest.fixture
def demo(live_server):
    # An earlier transactional test's flush empties the catalogue its migration loaded.
    call_command("load_skills", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    return live_server


def test_every_reachable_page_fits_a_phone_and_passes_axe(browser, demo):
    # One test for both languages: the demo data is seeded once (a transactional test's flush
    # would also empty the skill catalogue its migration loads).
    too_wide: dict[str, int] = {}
    problems: dict[str, list[str]] = {}
    errors: dict[str, int] = {}
    visited = 0
    for locale, email in [(lang, user) for lang in ("en-GB", "id-ID") for user in USERS]:
        context = browser.new_context(base_url=demo.url, locale=locale)
        context.set_default_timeout(15_000)
        page = context.new_page()
        js_errors: list[str] = []
        page.on("pageerror", lambda exc, sink=js_errors: sink.append(str(exc)))
        if email:
            sign_in(page, demo, get_user_model().objects.get(email=email))
        start = ("/", "/admin/") if email == "staff@demo.test" else ("/",)
        # when
        report = crawl(page, demo.url, start=start, label=f"[{locale} {email}] ")
        context.close()
        # then (collected, so one run names every page at fault)
        visited += len(report.visited)
        too_wide.update(report.too_wide)
        problems.update(report.problems)
        errors.update(report.errors)
        assert not js_errors, f"JavaScript errors for {email}: {js_errors}"
    assert visited > 400, "the crawl should reach the whole site, in both languages"
    assert errors == {}
    assert too_wide == {}
    assert problems == {}
