"""A second look before asking the member for another photo: an MRZ that did not parse is read
again sharpened; a card identified by its number and most of its fields, with one field too
soft to read, goes to a person rather than back to the member. Real OCR on drawn documents."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import numpy as np
from PIL import Image

from biometrics.documents import mrz_reader, ocr
from biometrics.documents.check import document_check
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.reader import document_read
from biometrics.documents.results import Typed
from biometrics.tests import factories as f

TODAY = date(2026, 1, 15)


def _array(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as img:
        img = img.convert("RGB")
        img.thumbnail((2000, 2000))
        return np.asarray(img)


class _SoftBirthLine:
    """The real engine, except that a SIM's birth line (line 2) reads as a date that is none,
    as a defocused line does ("27-05-1972" read as "22-46-1972")."""

    def __init__(self) -> None:
        self.real = ocr.engine()

    def detect(self, img: np.ndarray) -> list[TextBox]:
        return self.real.detect(img)

    def upside_down(self, img: np.ndarray, boxes: list[TextBox]) -> bool:
        return bool(self.real.upside_down(img, boxes))

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        lines = self.real.recognise(img, boxes)
        return [
            TextLine(line.box, "2. JAKARTA, 22-46-1972", line.confidence, line.weakest)
            if re.match(r"^\s*2\s*[.,]", line.text)
            else line
            for line in lines
        ]


def test_a_licence_whose_birth_line_is_too_soft_goes_to_review_not_back_to_the_member():
    # given a SIM whose number, name and sex read well but whose birth line does not
    img = _array(f.document("driving_licence"))
    engine = _SoftBirthLine()
    # when it is read and checked against what the member typed
    read = document_read(img, ocr=engine, today=TODAY)
    typed = Typed("driving_licence", f.SIM_NUMBER, f.NAME, f.DOB, f.SEX)
    result = document_check(img, typed, today=TODAY, ocr=engine)
    # then it is a licence with no problem, its birth date unread: a person reads it
    assert (read.kind, read.problem) == ("driving_licence", "")
    assert "date_of_birth" not in read.fields
    assert (result.decision, result.code) == ("review", "document_review")
    # and a changed number is still caught (review or rejection, never a pass)
    changed = Typed("driving_licence", "923456789012", f.NAME, f.DOB, f.SEX)
    assert document_check(img, changed, today=TODAY, ocr=engine).decision != "pass"


def test_an_mrz_that_does_not_parse_is_read_again_sharpened(monkeypatch):
    # given a passport whose first, unsharpened MRZ read lost its filler runs (glare over the
    # zone: the recogniser drops the fillers and line 2 no longer parses)
    real = mrz_reader.mrz_read
    calls: list[bool] = []

    def first_read_collapsed(*args: Any, sharpen: bool = False, **kwargs: Any) -> Any:
        calls.append(sharpen)
        pair = real(*args, sharpen=sharpen, **kwargs)
        if pair is None or sharpen:
            return pair
        return tuple(
            TextLine(line.box, line.text.replace("<", ""), line.confidence, line.weakest)
            for line in pair
        )

    monkeypatch.setattr(mrz_reader, "mrz_read", first_read_collapsed)
    # when it is read
    read = document_read(_array(f.document("passport")), today=TODAY)
    # then the sharpened second read gives the checked number
    assert calls[:2] == [False, True]
    assert (read.kind, read.problem) == ("passport", "")
    assert read.value("id_number") == f.PASSPORT_NUMBER
