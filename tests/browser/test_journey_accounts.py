"""Journey: a newcomer signs up, becomes premium (demo) and sees it on the account page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_newcomer_signs_up_and_activates_demo_premium(page, shot):
    # given
    page.goto("/")
    shot(page, "home")
    page.get_by_role("link", name="Create an account").first.click()
    # when
    page.get_by_label("E-mail address").fill("ayu@example.test")
    page.get_by_label("Display name").fill("Ayu Lestari")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-pass-42")
    page.get_by_label("Password again").fill("a-long-unusual-pass-42")
    page.get_by_role("button", name="Create account").click()
    # right after sign-up: every use of the data is explained and switched off
    expect(page.get_by_role("heading", name="Choose how your data is used")).to_be_visible()
    boxes = page.locator("input[name=purpose]")
    assert boxes.count() == 3
    assert not any(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_label("Allow: Job recommendations").check()
    shot(page, "consents-after-sign-up")
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Recorded: you allowed Job recommendations.")).to_be_visible()
    page.goto("/accounts/")
    page.get_by_role("button", name="Activate demo premium (30 days)").click()
    # then
    expect(page.get_by_text("Premium is active for 30 days.")).to_be_visible()
    expect(page.locator(".badge.ok", has_text="Premium")).to_be_visible()
    shot(page, "account-premium")


def test_sign_up_errors_keep_what_was_typed(page):
    # given
    page.goto("/accounts/signup/")
    # when
    page.get_by_label("E-mail address").fill("ayu@example.test")
    page.get_by_label("Display name").fill("Ayu Lestari")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    # then
    expect(page.get_by_text("too short").first).to_be_visible()
    expect(page.get_by_label("Display name")).to_have_value("Ayu Lestari")
