"""Cutting text lines out of the page: with a margin, MRZ lines level, and keeping the
characters' own rows."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from biometrics.documents import mrz_reader, ocr
from biometrics.documents.mrz import mrz_parse
from biometrics.tests import factories as f


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
    band = mrz_reader._text_band(ink)
    assert (band[8:32] == ink[8:32]).all()


def test_a_ruled_line_and_a_band_edge_are_dropped_and_the_print_kept():
    ink = _bold_line()
    ink[2] = 1  # a rule above the line: one unbroken run
    ink[36:] = 1  # the band's darker edge below it
    band = mrz_reader._text_band(ink)
    assert band[2].sum() == 0 and band[36:].sum() == 0
    assert (band[8:32] == ink[8:32]).all()


def test_longest_runs_per_row():
    mask = np.array([[0, 1, 1, 0, 1], [1, 1, 1, 1, 1], [0, 0, 0, 0, 0]], np.uint8)
    assert mrz_reader._longest_runs(mask).tolist() == [2, 5, 0]


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
