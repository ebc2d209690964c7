"""Factories and image builders for the verification tests (faces from installed packages)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from biometrics.tests import faces
from consent.purposes import PurposeCode
from consent.services import consent_grant

# 05-12-1990, female (day + 40), DKI Jakarta: agrees with DOB and SEX below.
NIK = "3174094512900001"
DOB = date(1990, 12, 5)
SEX = "F"


def grant_biometric_consent(user: Any) -> None:
    consent_grant(
        user=user,
        purpose=PurposeCode.BIOMETRIC_VERIFICATION,
        method="web",
        signature=user.display_name or "Member",
    )


@cache
def hopper_card() -> bytes:
    """An ID card with Grace Hopper's portrait."""
    return faces.jpeg_bytes(faces.id_card(faces.face_only(faces.grace_hopper())))


@cache
def hopper_selfie() -> bytes:
    """Another 'photo' of Grace Hopper."""
    return faces.jpeg_bytes(faces.retaken(faces.grace_hopper()))


@cache
def astronaut_card() -> bytes:
    """An ID card with Eileen Collins' portrait."""
    return faces.jpeg_bytes(faces.id_card(faces.face_only(faces.astronaut())))


@cache
def astronaut_selfie() -> bytes:
    """A single-face selfie of Eileen Collins (cropped: the full picture shows a patch face)."""
    return faces.jpeg_bytes(faces.retaken(faces.face_only(faces.astronaut())))


@cache
def blank_photo() -> bytes:
    """A plain grey photo: no face anywhere."""
    import numpy as np

    return faces.jpeg_bytes(np.full((480, 640, 3), 180, dtype=np.uint8))


@cache
def selfie_holding_card() -> bytes:
    """Grace Hopper holding her ID card: two faces."""
    person = faces.grace_hopper()
    card = faces.id_card(faces.face_only(person))
    return faces.jpeg_bytes(faces.selfie_holding_card(person, card))


def submission(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for verification_submit (a matching KTP case)."""
    values: dict[str, Any] = {
        "id_type": "ktp",
        "id_number": NIK,
        "full_name": "Siti Rahayu",
        "date_of_birth": DOB,
        "sex": SEX,
        "document": hopper_card(),
        "selfie": hopper_selfie(),
    }
    values.update(overrides)
    return values
