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


NAME = "Siti Rahayu"
# Thresholds that put the standard genuine pair (card portrait vs selfie, distance about 0.1)
# inside the band that goes to a person: [0.01, 0.31].
REVIEW_BAND = {"MATCH_THRESHOLD": 0.16, "REVIEW_MARGIN": 0.15}
PASSPORT_NUMBER = "C1234567"
SIM_NUMBER = "123456789012"


def document(kind: str = "ktp", *, portrait: str = "hopper", **overrides: Any) -> bytes:
    """A photographed synthetic document printing the standard submission's details.

    The same arguments give the same bytes, so the OCR cache of the test session reads each
    distinct document once (biometrics/tests/ocr_cache.py).
    """
    return _document(kind, portrait, tuple(sorted(overrides.items())))


@cache
def _document(kind: str, portrait: str, overrides: tuple[tuple[str, Any], ...]) -> bytes:
    from biometrics.documents.generator import sample_document

    if portrait == "blank":  # a card whose photo is missing (scratched off, covered)
        import numpy as np

        face = np.full((400, 300, 3), 205, dtype=np.uint8)
    else:
        face = faces.face_only(faces.grace_hopper() if portrait == "hopper" else faces.astronaut())
    values: dict[str, Any] = {
        "kind": kind,
        "id_number": {"ktp": NIK, "passport": PASSPORT_NUMBER}.get(kind, SIM_NUMBER),
        "name": NAME,
        "birth_date": DOB,
        "sex": SEX,
        "portrait": face,
        "seed": 3,
    }
    values.update(dict(overrides))
    return sample_document(**values)


def hopper_card() -> bytes:
    """A photographed KTP with Grace Hopper's portrait and the standard details."""
    return document("ktp")


@cache
def hopper_selfie() -> bytes:
    """Another 'photo' of Grace Hopper."""
    return faces.jpeg_bytes(faces.retaken(faces.grace_hopper()))


def astronaut_card() -> bytes:
    """The same KTP details with Eileen Collins' portrait (a face mismatch, nothing else)."""
    return document("ktp", portrait="astronaut")


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
        "full_name": NAME,
        "date_of_birth": DOB,
        "sex": SEX,
        "document": hopper_card(),
        "selfie": hopper_selfie(),
    }
    values.update(overrides)
    if "document" not in overrides:
        values["document"] = _document_for(values)
    return values


def _document_for(values: dict[str, Any]) -> bytes:
    """The photographed document that prints what ``values`` types (the standard one if unchanged).

    A test that changes the typed details gets a document printing them, as an honest member
    would upload; tests of a mismatch pass their own ``document``.
    """
    kind = (
        values["id_type"]
        if values["id_type"] in ("ktp", "passport", "driving_licence")
        else ("ktp")
    )
    typed = (kind, values["id_number"], values["full_name"], values["date_of_birth"], values["sex"])
    if typed == ("ktp", NIK, NAME, DOB, SEX):
        return hopper_card()
    if not (isinstance(values["date_of_birth"], date) and values["sex"] in ("F", "M")):
        return hopper_card()  # refused before any photo is looked at
    return document(
        kind,
        id_number=str(values["id_number"]),
        name=str(values["full_name"]),
        birth_date=values["date_of_birth"],
        sex=values["sex"],
    )


@cache
def flat_document(kind: str = "ktp") -> bytes:
    """The standard KTP (or another kind) as a flat scan, PNG-free JPEG bytes."""
    return document(kind, photographed=False)


def flat_document_array(kind: str = "ktp"):
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(flat_document(kind))) as img:
        return np.asarray(img.convert("RGB"))


def card_on_table(card: Any, corners: Any, size: tuple[int, int], colour: tuple[int, int, int]):
    """A flat document seen in perspective: `card` (RGB) warped onto `corners` (TL, TR, BR, BL)
    of a plain table `size` (width, height) of one `colour`."""
    import cv2
    import numpy as np

    height, width = card.shape[:2]
    matrix = cv2.getPerspectiveTransform(
        np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32),
        np.asarray(corners, np.float32),
    )
    photo = np.full((size[1], size[0], 3), colour, np.uint8)
    warped = cv2.warpPerspective(card, matrix, size)
    inside = cv2.warpPerspective(np.full((height, width), 255, np.uint8), matrix, size)
    photo[inside > 0] = warped[inside > 0]
    return photo


@cache
def holiday_photo() -> bytes:
    """Two people side by side on holiday: faces, no ID anywhere (issue 12's report)."""
    return faces.jpeg_bytes(faces.two_people(faces.grace_hopper(), faces.astronaut()))


@cache
def card_held_beside_a_face() -> bytes:
    """Grace Hopper in the photo, holding a KTP whose own portrait is Eileen Collins."""
    card = document_array("ktp", portrait="astronaut", photographed=False)
    return faces.jpeg_bytes(faces.selfie_holding_card(faces.grace_hopper(), card))


def stored_array(data: bytes):
    """An uploaded photo as the document check receives it: RGB, long side at most 2000 px."""
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
        rgb.thumbnail((2000, 2000))
        return np.asarray(rgb)


def document_array(kind: str = "ktp", **overrides: Any):
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(document(kind, **overrides))) as img:
        return np.asarray(img.convert("RGB"))


def photo_variant(data: bytes, *, rotate: int = 0, blur: float = 0.0, crop: float = 1.0) -> bytes:
    """The same photo turned by ``rotate`` degrees, blurred, or cut to its left ``crop``."""
    import io

    from PIL import Image, ImageFilter

    with Image.open(io.BytesIO(data)) as img:
        out = img.convert("RGB")
        if rotate:
            out = out.rotate(rotate, expand=True)
        if blur:
            out = out.filter(ImageFilter.GaussianBlur(blur))
        if crop < 1.0:
            out = out.crop((0, 0, round(out.width * crop), out.height))
        buffer = io.BytesIO()
        out.save(buffer, format="JPEG", quality=90)
        return buffer.getvalue()


def mrz_line2_misread(monkeypatch: Any, change: Any) -> None:
    """Make the MRZ reader return line 2 as ``change(text, sharpened)`` (what a recogniser that
    slips in one place would give), the line's box and confidences kept."""
    from biometrics.documents import mrz_reader
    from biometrics.documents.ocr import TextLine

    real = mrz_reader.mrz_read

    def misread(*args: Any, sharpen: bool = False, **kwargs: Any) -> Any:
        pair = real(*args, sharpen=sharpen, **kwargs)
        if pair is None:
            return pair
        line2 = pair[1]
        text = change(line2.text, sharpen)
        return pair[0], TextLine(line2.box, text, line2.confidence, line2.weakest)

    monkeypatch.setattr(mrz_reader, "mrz_read", misread)


def assert_passes_as_the_standard_passport(img: Any, today: date) -> None:
    """The photo reads as the standard passport, every check digit verified, and passes the
    check against the standard submission's details."""
    from biometrics.documents.check import document_check
    from biometrics.documents.reader import document_read
    from biometrics.documents.results import Typed

    read = document_read(img, today=today)
    assert (read.kind, read.problem, read.mrz_failed) == ("passport", "", ())
    assert read.value("id_number") == PASSPORT_NUMBER
    typed = Typed("passport", PASSPORT_NUMBER, NAME, DOB, SEX)
    assert document_check(img, typed, today=today).decision == "pass"
