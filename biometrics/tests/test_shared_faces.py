"""The whole pipeline on real photos of real people (../shared/faces), when that folder exists."""

from __future__ import annotations

import pytest

from biometrics.models import Status
from biometrics.tests import faces

FACES = faces.shared_faces_dir()

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(FACES is None, reason="../shared/faces (or $FACES_DIR) is not available"),
]


def _read(name: str) -> bytes:
    assert FACES is not None
    return (FACES / name).read_bytes()


def _card(name: str) -> bytes:
    """The standard KTP printed with this photo's face as its portrait."""
    import io

    import numpy as np
    from PIL import Image

    from biometrics.documents.generator import portrait_crop, sample_document
    from biometrics.tests import factories as f

    with Image.open(io.BytesIO(_read(name))) as img:
        portrait = portrait_crop(np.asarray(img.convert("RGB")))
    assert portrait is not None
    return sample_document(
        kind="ktp",
        id_number=f.NIK,
        name=f.NAME,
        birth_date=f.DOB,
        sex=f.SEX,
        portrait=portrait,
        seed=3,
    )


@pytest.mark.parametrize(
    ("document", "selfie"),
    [
        ("obama_1.jpg", "obama_2.jpg"),
        ("biden_1.jpg", "biden_2.jpg"),
        ("kit_harington_1.jpg", "kit_harington_3.jpg"),
    ],
)
def test_two_photos_of_the_same_person_are_not_rejected(verifier, submit, document, selfie):
    verification = submit(verifier, document=_card(document), selfie=_read(selfie))
    assert verification.status in (Status.VERIFIED, Status.NEEDS_REVIEW)


@pytest.mark.parametrize(
    ("document", "selfie"),
    [("obama_1.jpg", "biden_2.jpg"), ("rose_leslie_1.jpg", "kit_harington_3.jpg")],
)
def test_photos_of_two_people_are_rejected_as_a_mismatch(verifier, submit, document, selfie):
    verification = submit(verifier, document=_card(document), selfie=_read(selfie))
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "face_mismatch")


@pytest.mark.parametrize("selfie", ["edge_cases/two_people.jpg", "edge_cases/obama_and_biden.jpg"])
def test_a_selfie_with_two_people_is_rejected(verifier, submit, selfie):
    verification = submit(verifier, document=_card("obama_1.jpg"), selfie=_read(selfie))
    assert verification.reason_code == "multiple_faces_in_selfie"


def test_a_selfie_with_the_face_cut_off_finds_no_face(verifier, submit):
    verification = submit(
        verifier, document=_card("obama_1.jpg"), selfie=_read("edge_cases/obama_partial_face.jpg")
    )
    assert (verification.status, verification.reason_code) == (Status.REJECTED, "no_face_in_selfie")
