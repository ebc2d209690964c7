"""``document_read`` with the real OCR models on synthetic documents and non-documents.

Each distinct image is read once per test session (biometrics/tests/ocr_cache.py).
"""

from __future__ import annotations

from datetime import date

import pytest

from biometrics import face_engine
from biometrics.documents import document_read
from biometrics.tests import factories as f


def _read(data: bytes):
    return document_read(f.stored_array(data))


@pytest.mark.parametrize(
    ("kind", "number"),
    [("ktp", f.NIK), ("passport", f.PASSPORT_NUMBER), ("driving_licence", f.SIM_NUMBER)],
)
def test_each_kind_of_document_is_found_and_read_from_a_photo(kind, number):
    read = _read(f.document(kind))
    assert (read.kind, read.problem) == (kind, "")
    assert read.value("id_number") == number
    assert read.value("date_of_birth") == f.DOB.isoformat()
    assert read.value("sex") == f.SEX
    assert read.value("full_name").replace(" ", "") == "SITIRAHAYU"
    assert all(0 <= field.confidence <= 1 for field in read.fields.values())


def test_a_passport_or_licence_reads_its_expiry_date():
    for kind in ("passport", "driving_licence"):
        read = _read(f.document(kind, expiry=date(2031, 3, 14)))
        assert read.value("expiry") == "2031-03-14"


def test_a_card_photographed_upside_down_or_sideways_is_read():
    for angle in (180, 90):
        read = _read(f.photo_variant(f.hopper_card(), rotate=angle))
        assert (read.kind, read.value("id_number")) == ("ktp", f.NIK)


def test_the_flattened_document_holds_the_portrait_to_match():
    read = _read(f.hopper_card())
    assert read.image is not None
    height, width = read.image.shape[:2]
    assert abs(width / height - 85.6 / 53.98) < 0.02  # an ID-1 card, flattened
    box = face_engine.document_face(read.image).box
    assert box.left > width * 0.6  # the KTP portrait sits on the right


@pytest.mark.parametrize(
    "photo",
    [f.holiday_photo, f.hopper_selfie, f.blank_photo],
    ids=["two people on holiday", "a selfie", "a blank photo"],
)
def test_photos_without_a_document_are_not_documents(photo):
    read = _read(photo())
    assert (read.kind, read.problem) == (None, "not_found")


def test_a_screenshot_of_text_and_cards_without_id_text_are_not_documents():
    import random

    from biometrics.documents import generator

    rng = random.Random(5)
    for data in (
        generator.text_screenshot(rng),
        generator.blank_card(rng, with_text=False),
        generator.blank_card(rng, with_text=True),
    ):
        assert _read(data).kind is None


def test_a_blurred_or_cut_off_document_is_unreadable_with_its_cause_or_not_found():
    blurred = _read(f.photo_variant(f.hopper_card(), blur=7))
    assert (blurred.problem, blurred.kind) in {("blur", "ktp"), ("not_found", None)}
    cut = _read(f.photo_variant(f.document("passport"), crop=0.62))
    assert cut.problem in {"cut_off", "not_found"}
    assert not (cut.found and not cut.problem)
