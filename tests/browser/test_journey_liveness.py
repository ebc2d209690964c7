"""Journey: identity verification with the liveness check, in the browser.

The start page gives a random order of head poses. One test takes the photos with the device
camera (Chromium's fake camera, phone-sized) to check that the camera fills one photo per
step; the other uploads simulated head turns of the ID's face, one file per step, and gets
verified."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import expect

from biometrics import liveness
from biometrics.liveness_simulation import bona_fide, subject_load
from biometrics.models import LivenessChallenge
from biometrics.tests.faces import grace_hopper, jpeg_bytes
from biometrics.tests.factories import DOB, NIK, grant_biometric_consent, hopper_card
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.support import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SEQUENCE = ["left", "straight", "right"]
# A moving test pattern instead of a real camera, and no permission prompt.
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture
def liveness_on(settings):
    settings.BIOMETRICS_LIVENESS_REQUIRED = True


@pytest.fixture
def phone(browser, live_server) -> Iterator[object]:
    """A phone-sized page in a Chromium that has a (fake) camera."""
    with_camera = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_CAMERA]
    )
    context = with_camera.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, permissions=["camera"]
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    with_camera.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _wait_for_video(page) -> None:
    # wait_for_function evaluates a string, which the page's CSP (no unsafe-eval) refuses
    for _ in range(100):
        if page.evaluate("document.querySelector('[data-liveness-video]').videoWidth > 0"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the camera never showed a picture")


def _fill_identity(page) -> None:
    page.get_by_label("Type of ID").select_option("ktp")
    page.get_by_label("ID number").fill(NIK)
    page.get_by_label("Full name as on the ID").fill("Siti Rahayu")
    page.get_by_label("Date of birth").fill(DOB.isoformat())
    page.get_by_label("Sex as on the ID").select_option("F")
    page.locator("[data-step='1'] [data-next]").click()
    page.get_by_label("Photo of your ID").set_input_files(
        {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": hopper_card()}
    )
    # the stepper keeps the photo in the draft, then moves on to the face step
    expect(page.get_by_text("Photo of your ID saved.")).to_be_visible(timeout=30_000)
    page.locator("[data-step='2'] [data-next]").click()


def test_the_camera_takes_one_photo_per_liveness_step(
    phone, live_server, shot, liveness_on, premium_member
):
    # given a premium member who gave biometric consent, on a phone
    grant_biometric_consent(premium_member)
    sign_in(phone, live_server, premium_member)
    phone.goto("/verification/")
    steps = phone.locator("[data-liveness-step]:not(input)")
    expect(steps).to_have_count(3)
    _fill_identity(phone)

    # when they open the camera and take the photo of every step
    phone.get_by_role("button", name="Use my camera").click()
    expect(phone.get_by_label("Camera preview")).to_be_visible()
    expect(phone.get_by_role("button", name="Use my camera")).to_be_hidden()
    _wait_for_video(phone)
    shot(phone, "camera")
    for _step in range(3):
        phone.get_by_role("button", name="Take the photo for this step").click()
        phone.wait_for_timeout(200)

    # then each step's file input holds a JPEG from the camera
    expect(phone.get_by_text("All photos taken.")).to_be_visible()
    filled = phone.evaluate(
        "[1, 2, 3].map(n => document.getElementById('id_frame_' + n).files.length)"
    )
    assert filled == [1, 1, 1]
    shot(phone, "photos-taken")


def test_member_passes_the_liveness_check_with_a_photo_per_step(
    page, live_server, shot, liveness_on, premium_member, monkeypatch
):
    # given the start page's challenge, in the order the head-turn simulation is calibrated on
    # (biometrics/tests/test_liveness_flow.py uses the same)
    monkeypatch.setattr(liveness, "challenge_new", lambda rng=None, length=3: list(SEQUENCE))
    grant_biometric_consent(premium_member)
    sign_in(page, live_server, premium_member)
    page.goto("/verification/")
    poses = list(LivenessChallenge.objects.get(user=premium_member).poses)
    subject = subject_load("grace_hopper", grace_hopper())
    assert poses == SEQUENCE
    expect(page.locator("li[data-liveness-step]").first).to_contain_text("left")
    frames = bona_fide(subject, poses, np.random.default_rng(7))

    # when the member uploads one photo per step, in the order asked
    _fill_identity(page)
    for step, frame in enumerate(frames, start=1):
        page.locator(f"#id_frame_{step}").set_input_files(
            {"name": f"step-{step}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(frame)}
        )
    shot(page, "liveness-form")
    page.locator("[data-step='3'] [data-next]").click()
    page.get_by_role("button", name="Submit for verification").click()

    # then the status page reaches "verified"
    expect(page.get_by_text("Your identity is verified.")).to_be_visible(timeout=60_000)
    shot(page, "verified")
