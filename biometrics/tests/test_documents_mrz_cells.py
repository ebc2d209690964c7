"""Cutting text lines out of the page: with a margin, MRZ lines level, and keeping the
characters' own rows."""

from __future__ import annotations

from datetime import date

import cv2
import numpy as np
import pytest

from biometrics.documents import mrz_cells, mrz_reader, ocr
from biometrics.documents.mrz import mrz_parse
from biometrics.documents.ocr import TextBox
from biometrics.tests import factories as f
from biometrics.tests.ocr_cache import MrzFoundShort


def _bold_line(width: int = 880, rows: int = 40) -> np.ndarray:
    """An ink mask of one line of bold, blurred print: 44 glyphs of 20 px, whose middle rows
    are two thirds ink in runs of 13 px (a glyph), one third paper (the gaps)."""
    ink = np.zeros((rows, width), np.uint8)
    for cell in range(44):
        left = cell * 20 + 3
        ink[8:32, left : left + 13] = 1
    return ink


def test_bold_print_whose_middle_rows_are_mostly_ink_is_kept():
    ink = _bold_line()
    assert ink[8:32].mean(axis=1).min() > 0.6  # as much ink as a rule, row for row
    band = mrz_cells.text_band(ink)
    assert (band[8:32] == ink[8:32]).all()


def test_a_ruled_line_and_a_band_edge_are_dropped_and_the_print_kept():
    ink = _bold_line()
    ink[2] = 1  # a rule above the line: one unbroken run
    ink[36:] = 1  # the band's darker edge below it
    band = mrz_cells.text_band(ink)
    assert band[2].sum() == 0 and band[36:].sum() == 0
    assert (band[8:32] == ink[8:32]).all()


def test_longest_runs_per_row():
    mask = np.array([[0, 1, 1, 0, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], np.uint8)
    assert mrz_cells.longest_runs(mask).tolist() == [2, 5, 0]


@pytest.mark.parametrize("degrees", [3.0, -4.5, 6.0])
def test_a_page_flattened_a_few_degrees_askew_still_reads_its_zone(degrees):
    """A page flattened from a slightly wrong outline comes out turned: its MRZ lines are cut
    out along their slant, so the 44 cells stand upright and every check digit verifies."""
    page = cv2.resize(f.flat_document_array("passport"), (1000, 704), interpolation=cv2.INTER_AREA)
    turn = cv2.getRotationMatrix2D((500, 352), degrees, 1.0)
    card = cv2.warpAffine(page, turn, (1000, 704), borderMode=cv2.BORDER_REPLICATE)
    engine = ocr.engine()
    lines = mrz_reader.mrz_boxes(engine.detect(card), 1000, 704)
    assert lines is not None
    pair = mrz_reader.mrz_read(card, lines, engine)
    assert pair is not None
    parsed = mrz_parse(pair[0].text, pair[1].text)
    assert parsed is not None and parsed.valid
    assert (parsed.surname, parsed.given_names, parsed.number) == ("RAHAYU", "SITI", "C1234567")


def test_a_line_is_cut_out_with_the_tops_and_tails_its_box_clips():
    # given a line whose glyphs reach 2 px above and below the detector's box (20 px tall)
    img = np.full((100, 200, 3), 255, np.uint8)
    img[38:62, 50:150] = 0
    box = ocr.TextBox(points=np.array([[50, 40], [150, 40], [150, 60], [50, 60]], np.float32))
    # when it is cut out for the recogniser
    crop = ocr._line_crop(img, box)
    # then the crop is 10 % taller and holds them, to its top and bottom rows
    assert crop.shape[:2] == (22, 100)
    assert (crop[0] == 0).all() and (crop[-1] == 0).all()


def _off_centre_page() -> np.ndarray:
    """The passport page flattened from an outline that took in 100 px of the table on its left
    (and 20 on its right): the zone is no longer centred, and it ends 65 px further right than
    the mirror of its left margin."""
    page = cv2.resize(f.flat_document_array("passport"), (1000, 704), interpolation=cv2.INTER_AREA)
    card = np.full((704, 1120, 3), (120, 90, 60), np.uint8)
    card[:, 100:1100] = page
    return card


def test_a_zone_off_the_middle_of_its_page_is_read_to_the_end_of_its_ink():
    # given a page whose zone lies off its middle, and lines found short of their ends
    card = _off_centre_page()
    engine = MrzFoundShort(0.85)  # lines found short of their ends
    lines = mrz_reader.mrz_boxes(engine.detect(card), card.shape[1], card.shape[0])
    assert lines is not None
    # (the lines' boxes end before the zone does: its last cells lie outside them)
    assert lines[1].x1 < 1040
    # when the zone is read
    pair = mrz_reader.mrz_read(card, lines, engine)
    # then each line is followed to the end of its ink, and every check digit verifies
    assert pair is not None
    parsed = mrz_parse(pair[0].text, pair[1].text)
    assert parsed is not None and parsed.valid
    assert parsed.number == "C1234567"


def test_a_line_is_not_followed_into_ink_that_runs_on_to_the_card_edge():
    # given a line of 44 glyphs whose box holds 40 of them, and beyond it dark table up to the
    # card's edge (no blank between the line and the edge)
    card = np.full((120, 1000, 3), 235, np.uint8)
    for cell in range(44):
        card[40:70, 60 + cell * 20 : 73 + cell * 20] = 20
    card[35:75, 935:] = 40
    box = TextBox(points=np.array([[55, 38], [855, 38], [855, 72], [55, 72]], np.float32))
    # when its crop is taken to the end of its ink
    crop = mrz_reader._to_ink_end(card, box)
    # then it stays the box's own: the table is not the line's
    assert crop.shape[1] == ocr._line_crop(card, box).shape[1]
    # and with paper beyond the line, the crop reaches past its last glyph, not farther
    card[35:75, 935:] = 235
    crop = mrz_reader._to_ink_end(card, box)
    assert 933 - 55 <= crop.shape[1] <= 933 - 55 + 2 * 20


class _Scripted:
    """Answers each recognise call with the next of ``answers`` (one text per box)."""

    def __init__(self, answers: list[list[str]]) -> None:
        self.answers = answers
        self.boxes: list[TextBox] = []

    def detect(self, img: np.ndarray) -> list[TextBox]:
        raise AssertionError("lines are recognised, not detected")

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[ocr.TextLine]:
        texts = self.answers.pop(0)
        self.boxes.extend(boxes)
        return [
            ocr.TextLine(b, t, 0.9, 0.9, tuple(0.9 for _ch in t))
            for b, t in zip(boxes, texts, strict=True)
        ]


def _line2_cells() -> tuple[np.ndarray, list[tuple[int, int]], np.ndarray]:
    crop = np.full((40, 880, 3), 235, np.uint8)
    cells = [(cell * 20, cell * 20 + 20) for cell in range(44)]
    is_filler = np.zeros(44, bool)
    is_filler[28:42] = True  # the optional data's run, found; the number's lone "<" was not
    return crop, cells, is_filler


def test_a_line_read_a_character_short_is_read_again_one_run_at_a_time():
    # given line 2 whose fillers were cut out but whose lone "<" after the number was not
    # found as one, so the line read a character short; read run by run, the first run is one
    # short (the recogniser drops a lone "<") and the last reads its two check digits
    crop, cells, is_filler = _line2_cells()
    alike = np.where(mrz_cells.LINE2_FILLER_CELLS, 0.1, -1.0)
    alike[8] = 0.6  # the cell after the number is the one most like the filler
    engine = _Scripted([["B47158145IDN9211100F3501221", "00"]])
    box = TextBox(points=np.array([[0, 0], [880, 0], [880, 40], [0, 40]], np.float32))
    # when the runs are read one at a time
    line = mrz_reader._read_by_runs(crop, cells, is_filler, alike, box, engine)
    # then each run is placed in its cells, the lone filler put back where it stood
    assert line is not None
    assert line.text == "B4715814<5IDN9211100F3501221" + "<" * 14 + "00"
    parsed = mrz_parse("P<IDNRAHAYU<<TIARA<WULAN" + "<" * 20, line.text)
    assert parsed is not None and parsed.valid
    # (two runs, each read from its own cells)
    assert [round(b.x0) for b in engine.boxes] == [0, 42 * 20 - 20 // 3]


def test_a_run_read_short_with_no_cell_like_the_filler_leaves_the_line_unplaced():
    crop, cells, is_filler = _line2_cells()
    alike = np.where(mrz_cells.LINE2_FILLER_CELLS, 0.1, -1.0)  # nothing like the filler
    engine = _Scripted([["B47158145IDN9211100F3501221", "00"]])
    box = TextBox(points=np.array([[0, 0], [880, 0], [880, 40], [0, 40]], np.float32))
    assert mrz_reader._read_by_runs(crop, cells, is_filler, alike, box, engine) is None
    # nor is a run read two characters short placed
    alike[8] = 0.6
    engine = _Scripted([["B4715814IDN9211100F3501221", "00"]])
    assert mrz_reader._read_by_runs(crop, cells, is_filler, alike, box, engine) is None


def _drawn_line(text: str) -> tuple[np.ndarray, TextBox]:
    """A card with one MRZ line drawn a character per 20 px cell, and the box around it."""
    card = np.full((120, 1000, 3), 235, np.uint8)
    for cell, ch in enumerate(text):
        x = 60 + cell * 20
        cv2.putText(card, ch, (x + 2, 72), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
    box = TextBox(points=np.array([[55, 40], [945, 40], [945, 80], [55, 80]], np.float32))
    return card, box


LINE2 = "E7083989<6IDN9504154F2804132" + "<" * 14 + "00"


@pytest.mark.parametrize(
    ("middle_run", "expected"),
    [
        # the runs read right: the line read run by run verifies, and is the line
        ("6IDN9504154F2804132", LINE2),
        # the runs repeat the slip: the first read is kept
        ("6IDN9604154F2804132", LINE2.replace("950415", "960415")),
    ],
)
def test_a_line_2_placed_whole_whose_check_digits_fail_is_read_again_run_by_run(
    middle_run, expected
):
    # given line 2 of a passport, whose read with its fillers cut out filled every cell but
    # misread a digit of the birth date (6 for 5: its check digit fails)
    card, box = _drawn_line(LINE2)
    engine = _Scripted([["E70839896IDN9604154F280413200"], ["E7083989", middle_run, "00"]])
    # when the line is read
    line = mrz_reader._read_line(card, box, engine, sharpen=False, paint="line2")
    # then its runs are read one at a time, and that read is kept only if it verifies
    assert line is not None and line.text == expected
    assert engine.answers == []


def test_a_mark_read_in_a_run_is_a_filler_the_recogniser_took_for_a_dash():
    crop, cells, is_filler = _line2_cells()
    alike = np.where(mrz_cells.LINE2_FILLER_CELLS, 0.1, -1.0)
    engine = _Scripted([["E7083989-6IDN9504154F2804132", "00"]])
    box = TextBox(points=np.array([[0, 0], [880, 0], [880, 40], [0, 40]], np.float32))
    line = mrz_reader._read_by_runs(crop, cells, is_filler, alike, box, engine)
    assert line is not None
    assert line.text == "E7083989<6IDN9504154F2804132" + "<" * 14 + "00"


# Line 1's filler similarity as measured on a soft print-out (handheld 70702 passport_0001):
# its "A"s (cells 8, 15, 17) measured 0.66-0.70, the "<<" between the names 0.67, the
# padding's first cells 0.73-0.76.
SOFT_LINE1_SIMILARITY = np.array(
    [0.21, 0.42, 0.27, 0.39, 0.58, 0.44, 0.63, 0.58, 0.66, 0.25, 0.51, 0.67, 0.67, 0.19, 0.27]
    + [0.69, 0.52, 0.70, 0.76, 0.76, 0.54, 0.42, 0.60, 0.72, 0.73, 0.75, 0.76, 0.76, 0.79]
    + [0.78, 0.83, 0.87, 0.87, 0.86, 0.86, 0.91, 0.88, 0.89, 0.86, 0.90, 0.91, 0.91, 0.94, 1.0]
)


def test_a_name_split_by_separators_guessed_on_soft_letters_is_read_with_doubt(monkeypatch):
    from biometrics.documents.check import cross_check, decide
    from biometrics.documents.parsing import parse_passport
    from biometrics.documents.results import DocumentRead, Typed

    # given line 1 of a soft print-out whose fillers and letters are alike: only the third,
    # permissive threshold's mask gives as many characters as its cells, and it takes two
    # "A"s for separators and "A<WULAN" for the padding ("TIARA" read "TI<R")
    line1 = "P<IDNRAHAYU<<TIARA<WULAN" + "<" * 20
    card, box = _drawn_line(line1)
    monkeypatch.setattr(mrz_cells, "filler_similarity", lambda *_a: SOFT_LINE1_SIMILARITY)
    engine = _Scripted([["P<IDNRAHAYUTIARAWULAN"], ["P<IDNRAHAYUTIARAWULAN"], ["P<IDNRAHYUTIR"]])
    # when it is read
    read = mrz_reader._read_line(card, box, engine, sharpen=False, paint="line1")
    assert read is not None and read.text == "P<IDNRAH<YU<<TI<R" + "<" * 27
    # then each separator painted on a guess carries its similarity, not a sure 1.0
    assert read.char_confidences[8] == pytest.approx(0.66)
    assert read.char_confidences[15] == pytest.approx(0.69)
    assert min(read.char_confidences[17:]) == 1.0  # the padding run is sure
    # so the name, though it fills the line, is read with doubt: typed as on the page, it
    # goes to a person instead of being rejected as another person's name
    line2 = ocr.TextLine(box, "B4715814<5IDN9211100F3501221<<<<<<<<<<<<<<00", 0.99, 0.99)
    today = date(2026, 6, 1)
    _parsed, fields = parse_passport((read, line2), today=today)
    result = DocumentRead(kind="passport", fields=fields)
    typed = Typed("passport", "B4715814", "Tiara Wulan Rahayu", date(1992, 11, 10), "F")
    outcomes = cross_check(result, typed, today=today)
    assert decide(result, outcomes, today=today).decision == "review"


def test_separators_and_padding_alike_the_filler_are_sure():
    # a sharp line 1: separators measure 0.9 and more, letters 0.3
    similarity = np.full(44, 0.3)
    similarity[[11, 12, 18]] = 0.92
    similarity[24:] = 0.95
    is_filler = similarity > mrz_cells.FILLER_SIMILARITY[0]
    assert mrz_cells.padding_start(is_filler) == 24
    assert (mrz_cells.line1_certainty(similarity, is_filler) == 1.0).all()
    # a separator found only by the permissive threshold is as sure as it is alike
    similarity[18] = 0.68
    is_filler = mrz_cells.line1_fillers(similarity > mrz_cells.FILLER_SIMILARITY[2])
    assert mrz_cells.line1_certainty(similarity, is_filler)[18] == pytest.approx(0.68)
