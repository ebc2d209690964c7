"""A document that is not flat: a passport page curling to the spine, a card bowed in the hand,
a print-out folded. Its long lines are arcs or kinked, not straight."""

from __future__ import annotations

from datetime import date

import cv2
import numpy as np
from PIL import Image, ImageDraw

from biometrics.documents import generator
from biometrics.documents.check import document_check
from biometrics.documents.generator.resources import _font
from biometrics.documents.generator.surface import Surface, bow, curl, folded, surface_seen
from biometrics.documents.mrz_reader import _straightened
from biometrics.documents.reader import document_read
from biometrics.documents.results import Typed
from biometrics.tests import factories as f

TODAY = date(2026, 1, 15)
TABLE = (70, 90, 120)


def _on_table(
    document: np.ndarray, surface: Surface, *, width: int = 1100, blur: float = 0.0
) -> np.ndarray:
    """The document bent to ``surface``, ``width`` px wide, lying at a slight slant on a plain
    table, the photo blurred by ``blur``."""
    seen, shape = surface_seen(document, surface)
    seen[shape == 0] = TABLE
    height = seen.shape[0] * width / seen.shape[1]
    corners = np.array(
        [[150, 140], [150 + width, 110], [170 + width, 110 + height], [170, 150 + height]]
    )
    photo = f.card_on_table(seen, corners, (width + 350, int(height) + 300), TABLE)
    return cv2.GaussianBlur(photo, (0, 0), blur) if blur else photo


def test_a_passport_page_curling_to_the_spine_passes():
    # given the standard passport page whose lower third, the MRZ's, curls up by 40 degrees
    page = f.flat_document_array("passport")
    photo = _on_table(page, Surface(across=False, theta=curl(40, 0.6), distance=3.0))
    # then its zone verifies and it passes with the member's details
    f.assert_passes_as_the_standard_passport(photo, TODAY)


def test_a_passport_page_bowed_along_its_width_passes():
    # given the page bowed in the hand by 40 degrees: its MRZ lines are arcs, which the text
    # detector scored by their rectangles (mostly paper) and dropped
    page = f.flat_document_array("passport")
    photo = _on_table(page, Surface(across=True, theta=bow(40), distance=3.0))
    f.assert_passes_as_the_standard_passport(photo, TODAY)


def test_a_ktp_bowed_in_the_hand_on_a_table_of_its_own_colour_passes():
    # given the standard KTP bowed by 55 degrees along its width, seen from 2.5 card lengths,
    # on a table a shade darker than its paper: it has no outline to find, so it is grown from
    # its text's paper, whose four corners cut off the arc of its top edge, and with it the
    # province header printed along that edge (hand-held 70806 ktp_0015: not found)
    card = f.flat_document_array("ktp")
    paper = np.median(card.reshape(-1, 3), axis=0) * 0.92
    table = (int(paper[0]), int(paper[1]), int(paper[2]))
    seen, shape = surface_seen(card, Surface(across=True, theta=bow(55), distance=2.5))
    height, width = seen.shape[:2]
    matrix = cv2.getPerspectiveTransform(
        np.float32([[0, 0], [width, 0], [width, height], [0, height]]),
        np.float32([[200, 260], [1200, 220], [1210, 860], [210, 880]]),
    )
    photo = np.full((1100, 1500, 3), table, np.uint8)
    on_card = cv2.warpPerspective(shape, matrix, (1500, 1100)) > 0
    photo[on_card] = cv2.warpPerspective(seen, matrix, (1500, 1100))[on_card]
    # when it is checked against the member's details
    read = document_read(photo, today=TODAY)
    # then it is read whole, and passes
    assert (read.kind, read.problem, read.value("id_number")) == ("ktp", "", f.NIK)
    typed = Typed("ktp", f.NIK, f.NAME, f.DOB, f.SEX)
    assert document_check(photo, typed, today=TODAY).decision == "pass"


def test_a_small_soft_passport_page_bowed_further_passes():
    # given the page bowed by 50 degrees, 700 px wide and a little soft: cut out as they
    # were, its MRZ lines' cells leaned with the arc and the zone did not verify
    page = f.flat_document_array("passport")
    photo = _on_table(page, Surface(across=True, theta=bow(50), distance=3.0), width=700, blur=0.8)
    f.assert_passes_as_the_standard_passport(photo, TODAY)


def _line(text: str) -> np.ndarray:
    """A long line of monospaced print (BGR, as the recogniser takes it), 40 px high."""
    _sans, _bold, mono = generator.font_files()
    font = _font(mono[0], 30)
    width = int(font.getlength(text)) + 40
    img = Image.new("RGB", (width, 40), (235, 235, 230))
    ImageDraw.Draw(img).text((20, 4), text, font=font, fill=(30, 30, 30))
    return np.asarray(img)[:, :, ::-1].copy()


def _ink_centres(crop: np.ndarray) -> np.ndarray:
    """The middle of the ink's rows in each stretch of 60 columns."""
    ink = crop.mean(axis=2) < 128
    centres = []
    for x0 in range(0, ink.shape[1] - 60, 60):
        rows = np.flatnonzero(ink[:, x0 : x0 + 60].any(axis=1))
        if len(rows):
            centres.append((rows[0] + rows[-1]) / 2)
    return np.array(centres)


def _shifted(line: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``line`` with each column moved down by ``rows`` (one value per column)."""
    height, width = line.shape[:2]
    map_x = np.tile(np.arange(width, dtype=np.float32), (height, 1))
    map_y = (np.arange(height)[:, None] - rows[None, :]).astype(np.float32)
    return cv2.remap(line, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _folded(text: str) -> np.ndarray:
    """A line of ``text`` folded at its middle: each half straight, one up and one down."""
    line = cv2.copyMakeBorder(_line(text), 12, 12, 0, 0, cv2.BORDER_REPLICATE)
    width = line.shape[1]
    return _shifted(line, 6 - 12 * (np.abs(np.arange(width) - width / 2) / (width / 2)))


LINE2 = "C1234567<4IDN9012052F3010241<<<<<<<<<<<<<<08"


def test_a_line_bent_into_an_arc_is_straightened():
    # given an MRZ line whose middle sags 14 px below its ends (a 40 px high line on a page
    # bowed in the hand), with room for the sag in its crop
    line = cv2.copyMakeBorder(_line(LINE2), 10, 20, 0, 0, cv2.BORDER_REPLICATE)
    width = line.shape[1]
    bent = _shifted(line, 14 * (1 - ((np.arange(width) - width / 2) / (width / 2)) ** 2))
    assert np.ptp(_ink_centres(bent)) > 10
    # when it is straightened, its characters sit on one row, and the crop is cut to them
    level = _straightened(bent)
    centres = _ink_centres(level)
    assert np.ptp(centres[2:]) < 4
    # (the first two characters, where the arc is steepest and the smoothed middle line lags
    # behind it, sit up to 6 px higher: the crop keeps them whole)
    assert np.ptp(centres) <= 6
    assert level.shape[0] < bent.shape[0] - 10


def test_a_straight_line_is_left_as_it_is():
    line = _line(LINE2)
    assert _straightened(line) is line


def test_a_folded_line_is_straightened_on_both_sides_of_the_crease():
    # given a line folded at its middle: each half runs straight, one up and one down
    assert np.ptp(_ink_centres(_straightened(_folded(LINE2)))) < 6


LINE1 = "P<IDNSANTOSO<<FITRI<<<<<<<<<<<<<<<<<<<<<<<<<"


def _ink_rows(crop: np.ndarray, columns: slice) -> int:
    """How many rows of ``columns`` hold ink."""
    return int((crop[:, columns].mean(axis=2) < 128).any(axis=1).sum())


def test_a_folded_line_of_fillers_keeps_its_names_whole_height():
    # given line 1 of a folded page's zone: names, then a run of fillers (lower than the
    # capitals) over most of the line, kinked at its middle
    line = _line(LINE1)
    bent = _folded(LINE1)
    # when it is straightened
    level = _straightened(bent)
    assert np.ptp(_ink_centres(level)) < 6
    # then the names keep their full height: the crop is cut to the capitals, not the fillers
    names = slice(20, 20 + int(line.shape[1] * 19 / 44) - 40)
    capitals = _ink_rows(line, names)
    assert _ink_rows(level, names) >= capitals - 2
    assert level.shape[0] > capitals


def test_the_generator_folds_a_document_with_a_crease_line():
    # the handheld profile's fold: flat strips at an angle, a darker line where they meet
    flat = np.full((200, 400, 3), 200, np.uint8)
    seen, shape = surface_seen(
        flat, Surface(across=True, theta=folded((0.5,), (30,)), creases=(0.5,), shading=0.0)
    )
    assert shape.min() == 0 and shape.max() == 255  # the folded sheet is narrower than flat
    middle = seen[100, :, 0].astype(int)
    assert middle.min() < 180  # the crease
    assert abs(int(np.argmin(middle)) - 200) < 20
