"""Journey: a premium member gives biometric consent with a typed signature, submits a KTP and a
selfie, watches the status page reach a decision and sees the verified badge.

The live server runs Celery eagerly, so matching happens in the request's on_commit hook; the
ID photo and the selfie are drawn by the test (biometrics.tests.factories, Grace Hopper)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from biometrics.tests.factories import DOB, NIK, hopper_card, hopper_selfie
from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_premium_member_verifies_their_identity(page, live_server, shot, premium_member):
    # given a premium member without biometric consent
    sign_in(page, live_server, premium_member)
    page.goto("/verification/")
    expect(page.get_by_text("Consent needed")).to_be_visible()
    shot(page, "start-needs-consent")

    # when they read the notice and sign it by typing their name
    page.get_by_role("link", name="Read what we do and give consent").click()
    expect(page.get_by_text("What is collected:")).to_be_visible()
    page.get_by_label("I have read what is collected").check()
    page.get_by_label("Type your full name to sign").fill("Siti Rahayu")
    shot(page, "biometric-consent")
    page.get_by_role("button", name="Sign and give consent").click()
    expect(page.get_by_text("is recorded").first).to_be_visible()

    # and submit a KTP and a selfie
    page.goto("/verification/")
    page.get_by_label("Type of ID").select_option("ktp")
    page.get_by_label("ID number").fill(NIK)
    page.get_by_label("Full name as on the ID").fill("Siti Rahayu")
    page.get_by_label("Date of birth").fill(DOB.isoformat())
    page.get_by_label("Sex as on the ID").select_option("F")
    page.locator("[data-step='1'] [data-next]").click()
    page.get_by_label("Photo of your ID").set_input_files(
        {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": hopper_card()}
    )
    expect(page.get_by_text("Photo of your ID saved.")).to_be_visible(timeout=30_000)
    page.locator("[data-step='2'] [data-next]").click()
    page.get_by_label("Selfie").set_input_files(
        {"name": "selfie.jpg", "mimeType": "image/jpeg", "buffer": hopper_selfie()}
    )
    expect(page.locator("#selfie-preview")).to_be_visible()
    shot(page, "submission-with-previews")
    page.locator("[data-step='3'] [data-next]").click()
    page.get_by_role("button", name="Submit for verification").click()

    # then the status page reaches a decision by itself
    expect(page.get_by_role("heading", name="Verification status")).to_be_visible()
    page.get_by_text("Your identity is verified.").wait_for(timeout=60_000)
    shot(page, "status-verified")

    # and the member sees the badge
    page.goto("/verification/")
    expect(page.locator(".badge.ok", has_text="ID verified")).to_be_visible()
    shot(page, "badge")


def test_reviewer_resolves_a_close_call_in_the_admin(
    page, live_server, shot, premium_member, reviewer
):
    # given a case whose typed name is one step from the printed one: a near miss for a person
    from biometrics import services
    from biometrics.models import Status, Verification
    from biometrics.tests.factories import grant_biometric_consent, submission

    grant_biometric_consent(premium_member)
    case = services.verification_submit(
        user=premium_member, **submission(full_name="Siti Rahayuningsih", document=hopper_card())
    )
    case.refresh_from_db()
    assert (case.status, case.reason_code) == (Status.NEEDS_REVIEW, "document_review")
    sign_in(page, live_server, reviewer)

    # when the reviewer opens the queue from the staff dashboard and the case
    page.goto("/admin/dashboard/")
    expect(page.locator(".dashboard-figure").first).to_have_text("1")
    assert axe_violations(page) == []
    shot(page, "staff-dashboard")
    page.get_by_role("link", name="Open the review queue").click()
    review_url = reverse("admin:biometrics_verification_review", args=[case.pk])
    page.locator(f"#result_list a[href='{review_url}']").first.click()
    # the flattened document and the two face crops; each field typed vs read, with outcome
    expect(page.locator("img[src^='data:image/jpeg']")).to_have_count(3)
    expect(page.locator(".review-document-fields .outcome-near")).to_have_count(1)
    assert axe_violations(page) == []
    shot(page, "review")
    page.get_by_label("Approve: same person").check()
    page.get_by_role("button", name="Record decision").click()

    # then the case is verified and the images are gone
    expect(page.get_by_text("Decision recorded; the images were deleted.")).to_be_visible()
    case = Verification.objects.get(pk=case.pk)
    assert case.status == Status.VERIFIED
