"""Journey: the verification stepper, step by step, in English and Bahasa Indonesia, on a
desktop and a phone; a NIK checked as it is typed, an ID photo kept through an error, and an
expired liveness challenge that keeps the details.

The live server runs Celery eagerly; the ID photo and the selfie are drawn by the tests
(biometrics.tests.factories, Grace Hopper)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from biometrics.models import LivenessChallenge, VerificationDraft
from biometrics.tests.factories import DOB, NIK, grant_biometric_consent, hopper_card, hopper_selfie
from tests.browser.support import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# The README's screenshots are refreshed only on request: DOCS_SCREENSHOTS=1 pytest ...
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "static" / "screenshots"


def _docs_shot(page, name: str) -> None:
    if os.environ.get("DOCS_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS_SCREENSHOTS / name), full_page=True)


TEXT = {
    "en": {
        "type": "Type of ID",
        "number": "ID number",
        "name": "Full name as on the ID",
        "born": "Date of birth",
        "sex": "Sex as on the ID",
        "photo": "Photo of your ID",
        "selfie": "Selfie",
        "continue": "Continue",
        "submit": "Submit for verification",
        "saved": "Photo of your ID saved.",
        "sex_mismatch": "The NIK does not match the sex you entered.",
        "nik_ok": "The NIK matches the date of birth and sex you entered.",
        "step4": "4. Review and submit",
        "verified": "Your identity is verified.",
    },
    "id": {
        "type": "Jenis identitas",
        "number": "Nomor identitas",
        "name": "Nama lengkap sesuai identitas",
        "born": "Tanggal lahir",
        "sex": "Jenis kelamin sesuai identitas",
        "photo": "Foto kartu identitas Anda",
        "selfie": "Swafoto",
        "continue": "Lanjutkan",
        "submit": "Kirim untuk verifikasi",
        "saved": "Foto kartu identitas Anda tersimpan.",
        "sex_mismatch": "NIK tidak cocok dengan jenis kelamin yang Anda masukkan.",
        "nik_ok": "NIK cocok dengan tanggal lahir dan jenis kelamin yang Anda masukkan.",
        "step4": "4. Periksa dan kirim",
        "verified": "Identitas Anda sudah terverifikasi.",
    },
}


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _details(page, t, *, sex="F") -> None:
    page.get_by_label(t["type"]).select_option("ktp")
    page.get_by_label(t["number"]).fill(NIK)
    page.get_by_label(t["name"], exact=True).fill("Siti Rahayu")
    page.get_by_label(t["born"]).fill(DOB.isoformat())
    page.get_by_label(t["sex"]).select_option(sex)


def _photo(page, t) -> None:
    page.get_by_label(t["photo"]).set_input_files(
        {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": hopper_card()}
    )
    expect(page.get_by_text(t["saved"])).to_be_visible(timeout=30_000)


def _walk_through(page, live_server, shot, user, lang: str, *, phone: bool) -> None:
    t = TEXT[lang]
    sign_in(page, live_server, user)
    if phone:
        page.set_viewport_size(PHONE)
    page.goto("/verification/")
    # step 1: details; a NIK that contradicts the sex is caught as it is typed
    expect(page.locator("[data-step='1']")).to_be_visible()
    expect(page.locator("[data-step='2']")).to_be_hidden()
    _details(page, t, sex="M")
    expect(page.locator("[data-nik-check]")).to_have_text(t["sex_mismatch"])
    page.get_by_label(t["sex"]).select_option("F")
    expect(page.locator("[data-nik-check]")).to_have_text(t["nik_ok"])
    assert _overflow(page) <= 0
    shot(page, f"{lang}-1-details")
    if phone and lang == "en":
        _docs_shot(page, "verification-stepper-phone.png")
    page.get_by_role("button", name=t["continue"]).click()

    # step 2: the ID photo, kept in the draft as soon as it is chosen, with a preview
    expect(page.locator("[data-step='2']")).to_be_visible()
    _photo(page, t)
    expect(page.locator("#document-preview")).to_be_visible()
    # what the reader found is offered to prefill, and the member may keep what they typed
    prefill = page.locator("[data-prefill]")
    expect(prefill).to_be_visible()
    expect(prefill).to_contain_text(NIK)
    assert _overflow(page) <= 0
    shot(page, f"{lang}-2-document")
    if not phone and lang == "en":
        _docs_shot(page, "verification-stepper-desktop.png")
    prefill.locator("[data-prefill-ignore]").click()
    page.locator("[data-step='2'] [data-next]").click()

    # step 3: the selfie (liveness is off in these tests' settings)
    expect(page.locator("[data-step='3']")).to_be_visible()
    page.get_by_label(t["selfie"], exact=True).set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": hopper_selfie()}
    )
    page.locator("[data-step='3'] [data-next]").click()

    # step 4: review, keyboard only to the submit button
    expect(page.get_by_role("heading", name=t["step4"])).to_be_focused()
    expect(page.locator("[data-review]")).to_contain_text("Siti Rahayu")
    assert _overflow(page) <= 0
    assert axe_violations(page) == []
    shot(page, f"{lang}-4-review")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=t["submit"])).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text(t["verified"])).to_be_visible(timeout=60_000)
    assert not VerificationDraft.objects.filter(user=user).exists()


def test_the_stepper_on_a_desktop_in_english(page, live_server, shot, premium_member):
    grant_biometric_consent(premium_member)
    _walk_through(page, live_server, shot, premium_member, "en", phone=False)


def test_the_stepper_on_a_phone_in_english(page, live_server, shot, premium_member):
    grant_biometric_consent(premium_member)
    _walk_through(page, live_server, shot, premium_member, "en", phone=True)


@pytest.mark.lang("id-ID")
def test_the_stepper_on_a_phone_in_indonesian(page, live_server, shot, premium_member):
    grant_biometric_consent(premium_member)
    _walk_through(page, live_server, shot, premium_member, "id", phone=True)


def test_an_error_keeps_the_id_photo_already_taken(page, live_server, shot, premium_member):
    # given a member who typed their details and took the ID photo
    grant_biometric_consent(premium_member)
    t = TEXT["en"]
    sign_in(page, live_server, premium_member)
    page.goto("/verification/")
    _details(page, t)
    page.get_by_role("button", name=t["continue"]).click()
    _photo(page, t)
    # when they reload (or the page is sent with an error) the photo is still there
    page.goto("/verification/?step=2")
    expect(page.get_by_label("New photo of your ID (optional)")).to_be_visible()
    expect(page.locator("#document-preview")).to_be_visible()
    assert page.evaluate("document.getElementById('document-preview').naturalWidth") > 0
    # and an error on step 3 (no selfie) sends the whole form back with the photo kept
    page.locator("[data-step='2'] [data-next]").click()
    page.locator("[data-step='3'] [data-next]").click()
    page.get_by_role("button", name=t["submit"]).click()
    expect(page.locator("[data-field='selfie'] .errorlist")).to_be_visible()
    page.locator("[data-stepper] nav a[href='#step-document']").click()
    expect(page.get_by_label("New photo of your ID (optional)")).to_be_visible()
    expect(page.get_by_label(t["name"], exact=True)).to_have_value("Siti Rahayu")
    shot(page, "error-keeps-photo")


def test_an_expired_challenge_is_renewed_and_keeps_the_details(
    page, live_server, shot, premium_member, settings
):
    # given liveness on, and a member on the face step whose challenge runs out
    settings.BIOMETRICS_LIVENESS_REQUIRED = True
    grant_biometric_consent(premium_member)
    t = TEXT["en"]
    sign_in(page, live_server, premium_member)
    LivenessChallenge.objects.all().delete()
    page.goto("/verification/")
    first = LivenessChallenge.objects.get(user=premium_member)
    _details(page, t)
    page.get_by_role("button", name=t["continue"]).click()
    _photo(page, t)
    page.locator("[data-step='2'] [data-next]").click()
    expect(page.locator("[data-countdown]")).to_contain_text(":")
    LivenessChallenge.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # when the countdown reaches zero (sped up: the page counts from what the server said)
    page.evaluate(
        "document.querySelector('[data-liveness-container]')"
        ".dispatchEvent(new Event('verification:expire', {bubbles: true}))"
    )
    # then new instructions load on the face step, and the details and photo are kept
    renewed = page.get_by_text("The liveness instructions expired, so here are new ones.")
    expect(renewed).to_be_visible()
    expect(page.locator("[data-step='3']")).to_be_visible()
    assert LivenessChallenge.objects.filter(user=premium_member).exclude(pk=first.pk).exists()
    draft = VerificationDraft.objects.get(user=premium_member)
    assert draft.full_name == "Siti Rahayu" and draft.has_document
    page.locator("[data-stepper] nav a[href='#step-details']").click()
    expect(page.get_by_label(t["name"], exact=True)).to_have_value("Siti Rahayu")
    expect(page.get_by_label(t["number"])).to_have_value(NIK)
    shot(page, "challenge-renewed")


@pytest.mark.lang("id-ID")
def test_a_mismatch_names_the_step_and_a_person_is_asked_on_a_phone_in_indonesian(
    page, live_server, shot, premium_member
):
    # given an automatic face mismatch (someone else's ID)
    from biometrics import services
    from biometrics.models import Status, Verification
    from biometrics.tests.factories import astronaut_card, submission

    grant_biometric_consent(premium_member)
    case = services.verification_submit(
        user=premium_member, **submission(document=astronaut_card())
    )
    case.refresh_from_db()
    assert case.reason_code == "face_mismatch"
    sign_in(page, live_server, premium_member)
    page.set_viewport_size(PHONE)
    # when the member opens the decision
    page.goto(f"/verification/{case.pk}/")
    # then it names the face step and the attempts left, and offers a person
    expect(page.locator("#failed-step")).to_contain_text("3. Wajah Anda")
    expect(page.locator("#attempts-left")).to_contain_text("2")
    assert _overflow(page) <= 0
    assert axe_violations(page) == []
    shot(page, "mismatch-id")
    page.get_by_role("button", name="Minta petugas yang memutuskan").click()
    # and after asking, the case waits for a person and the button is gone
    expect(page.get_by_text("Anda meminta petugas")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="Minta petugas yang memutuskan")).to_have_count(0)
    assert Verification.objects.get(pk=case.pk).status == Status.NEEDS_REVIEW
    shot(page, "review-requested-id")


def test_without_javascript_the_stepper_is_one_form(browser, live_server, shot, premium_member):
    # given a browser with JavaScript off
    grant_biometric_consent(premium_member)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, premium_member)
        page.goto("/verification/")
        # then every step shows at once, without the step buttons
        for step in ("1", "2", "3", "4"):
            expect(page.locator(f"[data-step='{step}']")).to_be_visible()
        expect(page.get_by_role("button", name="Continue")).to_have_count(0)
        # and the whole form is sent in one go
        t = TEXT["en"]
        _details(page, t)
        page.get_by_label(t["photo"]).set_input_files(
            {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": hopper_card()}
        )
        page.get_by_label(t["selfie"], exact=True).set_input_files(
            {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": hopper_selfie()}
        )
        shot(page, "no-javascript")
        page.get_by_role("button", name=t["submit"]).click()
        page.goto(page.url)  # the status page refreshes itself with a <noscript> meta refresh
        expect(page.get_by_text(t["verified"])).to_be_visible(timeout=60_000)
    finally:
        context.close()
