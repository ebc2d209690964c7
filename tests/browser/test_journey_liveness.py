"""Journey: identity verification with the liveness recording, in the browser.

Chromium's fake camera plays a y4m video that the test renders from the genuine burst renderer
(Grace Hopper, the ID's face, turning left, straight, right): the page records it for the
challenge as a burst, puts the frames and their times into the form, and the member submits and
gets a decision. A second journey checks that a member without a camera is told plainly that a
person can check a selfie instead, and gets there with the keyboard at 390 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from biometrics import liveness
from biometrics.liveness_light import PALETTE
from biometrics.models import LivenessChallenge, Verification
from biometrics.tests import bursts
from biometrics.tests.factories import DOB, NIK, grant_biometric_consent, hopper_card, hopper_selfie
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.support import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SEQUENCE = bursts.SEQUENCE


def write_y4m(path: Path, frames: list[np.ndarray], fps: int = 10) -> None:
    """Frames (RGB) as a 4:2:0 y4m video, the format Chromium's fake camera plays."""
    height, width = (frames[0].shape[0] // 2) * 2, (frames[0].shape[1] // 2) * 2
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            rgb = frame[:height, :width].astype(np.float32)
            r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
            y = 0.299 * r + 0.587 * g + 0.114 * b
            u = (b - y) * 0.564 + 128
            v = (r - y) * 0.713 + 128
            out.write(b"FRAME\n")
            out.write(np.clip(y, 0, 255).astype(np.uint8).tobytes())
            for plane in (u, v):
                small = plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))
                out.write(np.clip(small, 0, 255).astype(np.uint8).tobytes())


@pytest.fixture(scope="module")
def head_turn_video(tmp_path_factory) -> Path:
    """The genuine burst at 10 frames per second, held at the end (no loop while recording)."""
    burst = bursts.genuine()
    step = 100
    frames, k = [], 0
    for t in range(0, burst.times_ms[-1] + 2500, step):
        while k + 1 < len(burst.times_ms) and burst.times_ms[k + 1] <= t:
            k += 1
        frames.append(burst.frames[k])
    path = tmp_path_factory.mktemp("camera") / "head-turn.y4m"
    write_y4m(path, frames)
    return path


@pytest.fixture
def liveness_on(settings):
    settings.BIOMETRICS_LIVENESS_REQUIRED = True


@pytest.fixture
def phone(browser, live_server, head_turn_video) -> Iterator[object]:
    """A phone-sized page in a Chromium whose (fake) camera films a head turn."""
    fake_camera = [
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={head_turn_video}",
    ]
    with_camera = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *fake_camera]
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


COLOURS = {name: f"rgb({r}, {g}, {b})" for name, (r, g, b) in PALETTE.items()}


def _screen_colours(page, seconds: float = 6.0) -> set[str]:
    """The light screen's colours seen while recording (sampled every 100 ms)."""
    seen: set[str] = set()
    for _ in range(int(seconds * 10)):
        colour = page.evaluate(
            "(() => { const s = document.querySelector('[data-liveness-light-screen]');"
            " return s && !s.hidden ? getComputedStyle(s).backgroundColor : ''; })()"
        )
        if colour:
            seen.add(colour)
        if page.evaluate("!!document.querySelector('[data-liveness-frames]').files.length"):
            break
        page.wait_for_timeout(100)
    return seen


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


def test_the_camera_records_the_challenge_and_the_member_gets_a_decision(
    phone, live_server, shot, liveness_on, premium_member, monkeypatch
):
    # given a premium member who gave biometric consent, on a phone, with the challenge the
    # rendered video follows (left, straight, right)
    monkeypatch.setattr(liveness, "challenge_new", lambda rng=None, length=3: list(SEQUENCE))
    grant_biometric_consent(premium_member)
    sign_in(phone, live_server, premium_member)
    phone.goto("/verification/")
    assert list(LivenessChallenge.objects.get(user=premium_member).poses) == SEQUENCE
    expect(phone.locator("li[data-liveness-step]")).to_have_count(3)
    _fill_identity(phone)

    # the page warns, in plain words, that the screen will change colour
    expect(phone.get_by_text("The screen will change colour while you record.")).to_be_visible()

    # when they start the camera and follow the prompts until the recording ends
    start = phone.get_by_role("button", name="Start the camera and record")
    start.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_label("Camera preview")).to_be_visible()
    # the screen shows the challenge's colours while recording (the fake camera cannot reflect
    # them: the server's light check is inconclusive, which does not fail)
    colours = _screen_colours(phone)
    shot(phone, "recording")
    expect(phone.get_by_text("Recording done.")).to_be_visible(timeout=20_000)
    asked = {
        COLOURS[name]
        for name in LivenessChallenge.objects.get(user=premium_member).light["colours"]
    }
    assert colours and colours <= asked and len(colours) >= 2
    expect(phone.locator("[data-liveness-light-screen]")).to_be_hidden()
    # each step shows a thumbnail of what the camera recorded during that pose
    thumbs = phone.locator("li[data-liveness-step] img.liveness-thumb")
    expect(thumbs).to_have_count(3)
    assert all(
        phone.evaluate(
            "[...document.querySelectorAll('img.liveness-thumb')].map(i => i.naturalWidth > 0)"
        )
    )
    frames = phone.evaluate("document.querySelector('[data-liveness-frames]').files.length")
    times = phone.evaluate("document.querySelector('[data-liveness-times]').value.split(',')")
    assert 12 <= frames <= 60 and len(times) == frames
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "recorded")
    phone.locator("[data-step='3'] [data-next]").click()
    phone.get_by_role("button", name="Submit for verification").click()

    # then the status page shows a decision, and the case was checked as the recording sent
    # (the decision itself depends on thresholds calibrated on rendered bursts; the video went
    # through y4m and the browser's JPEG encoder, so it is not asserted here: see
    # biometrics/tests/test_liveness_flow.py for genuine and attack decisions)
    decided = phone.get_by_text("Your identity is verified.").or_(
        phone.get_by_text(re.compile(r"The liveness check (\(step \d\) )?failed"))
    )
    expect(decided).to_be_visible(timeout=90_000)
    verification = Verification.objects.get(user=premium_member)
    assert verification.status in {"verified", "rejected"}
    assert verification.liveness["frames"] == frames
    assert verification.liveness["measured"]["duration"] > 3.0
    shot(phone, "decided")


def test_without_a_camera_the_member_asks_a_person_with_the_keyboard(
    page, live_server, shot, liveness_on, premium_member
):
    # given
    grant_biometric_consent(premium_member)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, premium_member)
    page.goto("/verification/")
    _fill_identity(page)
    # then the face step says plainly what to do without a camera
    expect(page.get_by_role("heading", name="No camera?")).to_be_visible()
    # when the member ticks the box with the keyboard and uploads a selfie
    box = page.get_by_label("I have no camera: ask a person to check my selfie instead")
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.get_by_label("Selfie", exact=True).set_input_files(
        {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": hopper_selfie()}
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "no-camera")
    page.locator("[data-step='3'] [data-next]").click()
    page.get_by_role("button", name="Submit for verification").click()
    # then a person will decide
    expect(page).to_have_url(re.compile(r"/verification/[0-9a-f-]{36}/$"))
    verification = Verification.objects.get(user=premium_member)
    assert verification.human_review_requested is True


def test_with_reduced_motion_the_screen_does_not_flash_and_a_person_is_offered(
    phone, live_server, shot, liveness_on, premium_member
):
    # given a member whose device asks for reduced motion
    phone.emulate_media(reduced_motion="reduce")
    grant_biometric_consent(premium_member)
    sign_in(phone, live_server, premium_member)
    phone.goto("/verification/")
    _fill_identity(phone)
    # then the page says plainly that the screen will not flash, and offers a person
    expect(
        phone.get_by_text("Your device is set to reduce motion, so the screen will not change")
    ).to_be_visible()
    expect(
        phone.get_by_text("ask a person to check your selfie instead (below)").first
    ).to_be_visible()
    expect(phone.get_by_text("The screen will change colour while you record.")).to_be_hidden()
    expect(
        phone.get_by_label("I have no camera: ask a person to check my selfie instead")
    ).to_be_visible()
    shot(phone, "reduced-motion")
    # when they record anyway, the screen keeps its colour
    phone.get_by_role("button", name="Start the camera and record").click()
    expect(phone.get_by_label("Camera preview")).to_be_visible()
    assert _screen_colours(phone) == set()
    expect(phone.get_by_text("Recording done.")).to_be_visible(timeout=20_000)
