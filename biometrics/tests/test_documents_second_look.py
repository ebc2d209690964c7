"""A second look before asking the member for another photo: an MRZ that did not parse is read
again sharpened; a card identified by its number and most of its fields, with one field too
soft to read, goes to a person rather than back to the member. Real OCR on drawn documents."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np

from biometrics.documents import card_name, locate, mrz_reader, ocr, page_region
from biometrics.documents.check import document_check
from biometrics.documents.ocr import TextBox, TextLine
from biometrics.documents.reader import _read_region, document_read
from biometrics.documents.results import Typed
from biometrics.tests import factories as f
from biometrics.tests.ocr_cache import PassThrough

TODAY = date(2026, 1, 15)


class _SoftBirthLine(PassThrough):
    """The real engine, except that a SIM's birth line (line 2) reads as a date that is none,
    as a defocused line does ("27-05-1972" read as "22-46-1972")."""

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
    img = f.stored_array(f.document("driving_licence"))
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
    read = document_read(f.stored_array(f.document("passport")), today=TODAY)
    # then the sharpened second read gives the checked number
    assert calls[:2] == [False, True]
    assert (read.kind, read.problem) == ("passport", "")
    assert read.value("id_number") == f.PASSPORT_NUMBER


def _line(x0: float, y0: float, length: float, height: float, degrees: float) -> np.ndarray:
    """A text box's corners (TL, TR, BR, BL) for a line turned by ``degrees``."""
    along = np.array([np.cos(np.radians(degrees)), np.sin(np.radians(degrees))])
    across = np.array([-along[1], along[0]])
    start = np.array([x0, y0])
    return np.array(
        [
            start,
            start + along * length,
            start + along * length + across * height,
            start + across * height,
        ],
        np.float32,
    )


def test_a_passport_page_is_placed_above_its_two_mrz_lines():
    # given the two long lines of an MRZ, level, 890 px long, and a short line of other text
    lines = [_line(100, 600, 890, 20, 0), _line(100, 640, 890, 20, 0), _line(300, 200, 120, 20, 0)]
    # when the page is placed from them
    page = page_region.region_from_mrz((1000, 1400), lines)
    # then it is a TD3 page 1000 px wide whose bottom edge lies under line 2, above the lines
    assert page is not None
    (tl, tr, br, bl) = page.corners
    assert abs(np.linalg.norm(tr - tl) - 1000) < 2
    assert abs(np.linalg.norm(bl - tl) - 1000 / locate.ID3_ASPECT) < 2
    assert 660 < br[1] < 760 and tl[1] < 600 and not page.truncated
    # upside down, the page lies below the lines; one line alone places nothing
    flipped = page_region.region_from_mrz((1000, 1400), lines, flipped=True)
    assert flipped is not None and flipped.corners[0][1] < 600 < flipped.corners[2][1]
    assert page_region.region_from_mrz((1000, 1400), lines[:1] + lines[2:]) is None
    # turned by 20 degrees, the page turns with them
    turned = page_region.region_from_mrz(
        (1400, 1400), [_line(100, 600, 890, 20, 20), _line(86, 638, 890, 20, 20)]
    )
    assert turned is not None
    top = turned.corners[1] - turned.corners[0]
    assert abs(np.degrees(np.arctan2(top[1], top[0])) - 20) < 1


def test_a_passport_whose_outline_and_paper_were_not_found_is_read_from_its_mrz(monkeypatch):
    # given a photographed passport whose outline the edge search misses and whose paper the
    # colour search cannot tell from the sheet it lies on (a print-out photographed again)
    img = f.stored_array(f.document("passport"))
    whole = locate.document_regions(img)[-1]
    assert whole.whole_frame and not locate.scan_like(whole)
    monkeypatch.setattr(locate, "document_regions", lambda image, **kw: [whole])
    monkeypatch.setattr(locate, "regions_grown", lambda image, points, **kw: [])
    # when it is read
    read = document_read(img, today=TODAY)
    # then its MRZ lines placed the page, and the page was read
    assert (read.kind, read.problem) == ("passport", "")
    assert read.value("id_number") == f.PASSPORT_NUMBER


def test_a_whole_card_whose_outline_merged_with_a_background_running_off_the_photo_is_read():
    # given a whole KTP on a table, and a candidate outline that merged it with the background
    # up to the photo's right border (a busy cloth): a region that runs off the photo
    card = f.stored_array(f.document("ktp", photographed=False))
    height, width = card.shape[:2]
    photo = np.full((height + 500, width + 500, 3), (90, 70, 50), np.uint8)
    photo[100 : 100 + height, 100 : 100 + width] = card
    right = photo.shape[1] - 1
    bottom = 60 + (right - 60) / locate.ID1_ASPECT
    corners = np.array([[60, 60], [right, 60], [right, bottom], [60, bottom]], np.float32)
    merged = locate.Region(corners, locate.ID1_ASPECT, 0.3, True, cut=True)
    assert merged.truncated
    # when the reader reads that candidate
    read = _read_region(photo, merged, ocr.engine(), today=TODAY)
    # then the card grown from its own text's paper lies whole in the photo: not cut off
    assert read is not None
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("id_number") == f.NIK
    assert read.image is not None
    assert abs(read.image.shape[1] / read.image.shape[0] - locate.ID1_ASPECT) < 0.02


def _soft_print_out(width: int, blur: float):
    """The standard passport printed on an office printer (washed-out ink, halftone, white
    margin; the generator's print-out), on a table, ``width`` px wide, photographed soft."""
    import random

    import cv2

    from biometrics.documents.generator.scenes import _reprinted

    sheet = _reprinted(f.flat_document_array("passport"), random.Random(3))
    height = sheet.shape[0] * width / sheet.shape[1]
    corners = [[150, 140], [150 + width, 120], [160 + width, 120 + height], [160, 150 + height]]
    photo = f.card_on_table(sheet, corners, (width + 320, int(height) + 300), (90, 70, 60))
    return cv2.GaussianBlur(photo, (0, 0), blur)


def test_a_soft_print_out_is_read_again_sharpened(monkeypatch):
    # given a soft photo of a passport's print-out: the text detector finds its lines only in
    # pieces, or not at all (stop 28: a zone found from lines a quarter of the page long reads
    # a 650 px print-out up to a blur of 2.2 without the sharpened read, a 600 px one to 1.9)
    photo = _soft_print_out(600, 2.0)
    monkeypatch.setattr("biometrics.documents.reader.SOFT_REGIONS", 0)
    read = document_read(photo, today=TODAY)
    assert (read.found, read.problem) == (False, "blur")
    # when its soft regions may be read once more sharpened, the page reads and verifies
    monkeypatch.undo()
    f.assert_passes_as_the_standard_passport(photo, TODAY)


def test_a_print_out_too_soft_even_sharpened_is_refused_as_blurred():
    read = document_read(_soft_print_out(650, 2.4), today=TODAY)
    assert (read.found, read.problem) == (False, "blur")


def _whole_card(img: np.ndarray) -> bool:
    """Is this image a whole card (not one line cut out of it)?"""
    return 1.3 < img.shape[1] / img.shape[0] < 1.8


class _SoftNameRow(PassThrough):
    """The real engine, except that a KTP's name row read from the card at full size comes
    back garbled and doubtful, as a soft print-out's halftone makes up letters; read from a
    smoothed (smaller) copy of the card, it reads as it is printed. ``garble=False``: the real
    engine, which counts the smaller copies it is given."""

    def __init__(self, *, garble: bool = True) -> None:
        super().__init__()
        self.garble = garble
        self.smoothed_widths: list[int] = []

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        lines = self.real.recognise(img, boxes)
        if not _whole_card(img):
            return lines
        if img.shape[1] < locate.READ_WIDTH:
            self.smoothed_widths.append(img.shape[1])
            return lines
        return [self.garbled(line) if self.garble else line for line in lines]

    def garbled(self, line: TextLine) -> TextLine:
        """How a line read from the card at full size comes back."""
        return TextLine(line.box, "SIFL RANNYO", 0.62, 0.3) if "RAHAYU" in line.text else line


def test_a_doubtful_card_name_is_read_again_from_a_smoothed_copy(monkeypatch):
    # given a KTP whose name row reads garbled and doubtful ("SIFL RANNYO" for SITI RAHAYU)
    img = f.stored_array(f.document("ktp"))
    typed = Typed("ktp", f.NIK, f.NAME, f.DOB, f.SEX)
    # when the name is only read once, a person has to compare it
    monkeypatch.setattr(card_name, "NAME_SMOOTHED_SCALES", ())
    once = document_check(img, typed, today=TODAY, ocr=_SoftNameRow())
    assert (once.decision, once.code, once.mismatched) == ("review", "document_review", [])
    # but read again from smoothed copies of the card, one reading is the printed name
    monkeypatch.setattr(card_name, "NAME_SMOOTHED_SCALES", (0.7, 0.5))
    engine = _SoftNameRow()
    read = document_read(img, ocr=engine, today=TODAY)
    name = read.fields["full_name"]
    assert "SITI RAHAYU" in (name.value, *name.others)
    assert "SIFL RANNYO" in (name.value, *name.others)
    assert sorted(set(engine.smoothed_widths)) == [500, 700]
    # and the check passes on it
    assert document_check(img, typed, today=TODAY, ocr=_SoftNameRow()).decision == "pass"
    # while a name typed for someone else is no closer to any of the readings
    other = Typed("ktp", f.NIK, "Dewi Kartika", f.DOB, f.SEX)
    result = document_check(img, other, today=TODAY, ocr=_SoftNameRow())
    assert (result.decision, result.mismatched) == ("reject", ["full_name"])


def test_a_confidently_read_card_name_is_not_read_again():
    # given a KTP whose name reads as printed, confidently
    engine = _SoftNameRow(garble=False)
    # when it is read
    read = document_read(f.stored_array(f.document("ktp")), ocr=engine, today=TODAY)
    # then nothing was recognised from a smoothed copy, and the name has one reading
    assert read.value("full_name") == "SITI RAHAYU"
    assert read.fields["full_name"].others == ()
    assert engine.smoothed_widths == []


class _SoftBirthLineAtFullSize(_SoftNameRow):
    """The real engine, except that a SIM's line 2 read from the card at full size loses the
    separator and a digit of its date ("18-09-1960" read "18H0-1960"); read from a smoothed
    (smaller) copy of the card, it reads as printed."""

    def garbled(self, line: TextLine) -> TextLine:
        if not re.match(r"^\s*2\s*[.,]", line.text):
            return line
        text = re.sub(r"\d\d-\d\d-(\d{4})", r"18H0-\1", line.text)
        return TextLine(line.box, text, 0.7, 0.4)


def test_a_licence_birth_line_read_without_a_date_is_read_again_from_a_smoothed_copy():
    from biometrics.documents.parsing import DATE_PART_LOST

    # given a SIM whose line 2 reads at full size with its date garbled
    img = f.stored_array(f.document("driving_licence"))
    engine = _SoftBirthLineAtFullSize()
    # when it is read
    read = document_read(img, ocr=engine, today=TODAY)
    # then line 2 was read again from a smoothed copy, and the date found there is kept as a
    # guess: it passes what the member typed
    assert read.fields["date_of_birth"].value == f.DOB.isoformat()
    assert read.fields["date_of_birth"].confidence <= DATE_PART_LOST
    assert engine.smoothed_widths
    typed = Typed("driving_licence", f.SIM_NUMBER, f.NAME, f.DOB, f.SEX)
    engine = _SoftBirthLineAtFullSize()
    assert document_check(img, typed, today=TODAY, ocr=engine).decision == "pass"
    # while another birth date typed goes to a person, never to a rejection on a guess
    other = Typed("driving_licence", f.SIM_NUMBER, f.NAME, date(1971, 3, 4), f.SEX)
    result = document_check(img, other, today=TODAY, ocr=_SoftBirthLineAtFullSize())
    assert (result.decision, result.mismatched) == ("review", [])


def test_a_licence_whose_birth_date_read_is_not_read_again():
    # given a SIM whose line 2 reads as printed
    engine = _SoftNameRow(garble=False)
    # when it is read
    read = document_read(f.stored_array(f.document("driving_licence")), ocr=engine, today=TODAY)
    # then its date was read once, from the card at full size
    assert read.value("date_of_birth") == f.DOB.isoformat()
    assert engine.smoothed_widths == []
