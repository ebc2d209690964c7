"""Issue 11's new page parts on a phone and for assistive technology: the API token list on the
account page, the registered-employer picker and the "hidden from" box on the career profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.services import api_token_issue, employer_create
from accounts.tests.factories import UserFactory
from careers import services as careers_services
from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
LONG = "Perusahaan Perseroan Pengembangan Teknologi Informasi Nusantara Raya Sejahtera"


@pytest.fixture
def member_with_tokens_and_hiding(member):
    owner = UserFactory(email="owner@long.example")
    employer = employer_create(name=f"PT {LONG} Tbk", domain="nusantara-raya.co.id", owner=owner)
    for name in ("Budi's phone", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 " * 2):
        api_token_issue(user=member, name=name)
    careers_services.profile_update(user=member, visibility="recruiters")
    careers_services.employment_add(
        user=member,
        employer_id=str(employer.pk),
        employer_name="",
        title="Engineer",
        start_date=dt.date(2020, 1, 1),
        is_current=True,
    )
    return member


def test_the_token_list_and_the_hidden_from_box_fit_a_phone_and_pass_axe(
    page, live_server, member_with_tokens_and_hiding, shot
):
    # given
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, member_with_tokens_and_hiding)
    too_wide, problems = {}, {}
    for name, url in (
        ("account", reverse("accounts:account")),
        ("profile", reverse("careers:profile")),
        ("employment", reverse("careers:employment_add")),
    ):
        # when
        response = page.goto(url)
        assert response.ok, url
        # then
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            too_wide[name] = overflow
        found = axe_violations(page)
        if found:
            problems[name] = found
        shot(page, f"phone-{name}")
    assert too_wide == {}
    assert problems == {}
    page.goto(reverse("careers:profile"))
    assert LONG in page.locator("#hidden-from").inner_text()
