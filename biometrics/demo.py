"""Demo for identity verification: photos premium@demo.test can upload at /verification/.

An ID card and a selfie. Liveness is recorded with the browser's camera; without a camera the
member ticks "I have no camera" and uploads the selfie, and a person decides.

Idempotent: the images are redrawn into var/demo/ (git-ignored) on every run; no case is
created, so the newcomer walks through the real flow in the browser.
"""

from __future__ import annotations

from typing import TextIO

from django.conf import settings

from biometrics.demo_images import write_demo_images

DEMO_EMAIL = "premium@demo.test"
DEMO_NAME = "Budi Santoso"
# DKI Jakarta, born 12-05-1990, male (a woman's day would be 52), serial 0003.
DEMO_NIK = "3174091205900003"
DEMO_BIRTH = "1990-05-12"


def seed(stdout: TextIO) -> list[str]:
    """Draw the demo ID card and selfie; return the lines telling how to use them."""
    folder = settings.VAR_DIR / "demo"
    card, selfie = write_demo_images(
        folder, name=DEMO_NAME.upper(), nik=DEMO_NIK, birth="12-05-1990", sex_label="LAKI-LAKI"
    )
    stdout.write(f"biometrics demo: images written to {folder}\n")
    return [
        f"Identity verification: sign in as {DEMO_EMAIL}, open /verification/ and submit",
        f"  ID type KTP, NIK {DEMO_NIK}, name {DEMO_NAME}, born {DEMO_BIRTH}, sex Male,",
        f"  ID photo {card}",
        "  liveness: record it with your camera (the page shows each head turn), or tick",
        f"  'I have no camera' and upload the selfie {selfie} (a reviewer then decides)",
    ]
