"""Finding the document (round 5). A card whose outline is not one clean contour (held in a hand
whose palm covers a corner and touching other objects): its four straight sides still give it.
A passport page whose zone failed a check digit from one candidate region is read on from the
others. Real OCR on drawn documents, photographed here."""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import cv2
import numpy as np

from biometrics.documents import locate, reader
from biometrics.documents.check import document_check
from biometrics.documents.reader import document_read
from biometrics.documents.results import Typed, cut_but_verified
from biometrics.tests import factories as f

TODAY = date(2026, 1, 15)
CORNERS = np.array([[330, 620], [1060, 230], [1290, 660], [560, 1050]], np.float32)


def _photo(kind: str = "ktp") -> np.ndarray:
    """The card turned about 28 degrees on a grey-green table: a skin-coloured palm covers its
    right corner and runs off the photo, a teal lid touches its top side, a red coaster its
    bottom side (each joins the card's outline into one contour that is no quadrilateral)."""
    photo = f.card_on_table(f.flat_document_array(kind), CORNERS, (1500, 1200), (118, 124, 96))
    cv2.ellipse(photo, (1420, 560), (260, 170), -60, 0, 360, (168, 110, 80), -1)  # the palm
    cv2.circle(photo, (438, 471), 95, (20, 150, 140), -1)  # a lid touching the top side
    cv2.circle(photo, (958, 917), 80, (150, 60, 70), -1)  # a coaster touching the bottom
    out = io.BytesIO()
    from PIL import Image

    Image.fromarray(photo).save(out, format="JPEG", quality=88)
    return f.stored_array(out.getvalue())


def test_a_card_held_in_a_hand_and_touching_clutter_is_found_by_its_sides():
    # given a KTP whose outline joins a hand over its corner and two objects touching it
    img = _photo("ktp")
    # when the document is looked for and read
    regions = [r for r in locate.document_regions(img) if not r.whole_frame]
    read = document_read(img, today=TODAY)
    # then the card's own quadrilateral is a candidate (the covered corner where its sides meet)
    assert any(np.abs(_ordered(r.corners) - _ordered(CORNERS)).max() < 25 for r in regions)
    # and the card is read from it and passes
    assert (read.kind, read.problem) == ("ktp", "")
    assert read.value("id_number") == f.NIK
    typed = Typed("ktp", f.NIK, f.NAME, f.DOB, f.SEX)
    assert document_check(img, typed, today=TODAY).decision == "pass"
    # and a changed birth date is still caught
    other = Typed("ktp", f.NIK, f.NAME, date(1990, 1, 2), f.SEX)
    assert document_check(img, other, today=TODAY).decision != "pass"


def _ordered(corners: np.ndarray) -> np.ndarray:
    return np.array(sorted(np.round(corners).tolist()))


def test_a_passport_whose_zone_failed_from_one_region_is_read_from_the_next(monkeypatch):
    # given a photographed passport whose first candidate region reads its zone with a failed
    # check digit (a region that cut off the zone's last cells: its composite did not verify)
    img = f.stored_array(f.document("passport"))
    real = reader._read_region
    calls: list[int] = []

    def first_fails(*args, **kwargs):
        read = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1 and read is not None and read.kind == "passport":
            return dataclasses.replace(read, mrz_failed=("composite",))
        return read

    monkeypatch.setattr(reader, "_read_region", first_fails)
    # when it is read
    read = document_read(img, today=TODAY)
    # then the search went on, and the page read verified from another region is kept
    assert len(calls) > 1
    assert (read.kind, read.problem, read.mrz_failed) == ("passport", "", ())
    # and the submission passes (its first region failing the same way again)
    calls.clear()
    typed = Typed("passport", f.PASSPORT_NUMBER, f.NAME, f.DOB, f.SEX)
    assert document_check(img, typed, today=TODAY).decision == "pass"


def test_a_short_side_half_hidden_is_not_crowded_out_by_the_text_lines():
    from biometrics.documents import sides

    # given the edges of a card turned 25 degrees, a hand hiding most of its right short side,
    # and a dozen text lines along its long sides (each an outline of two long straight runs)
    angle = np.radians(25)
    along, down = (
        np.array([np.cos(angle), np.sin(angle)]),
        np.array([-np.sin(angle), np.cos(angle)]),
    )
    origin, length, height = np.array([200.0, 40.0]), 365.0, 230.0
    corners = [origin, origin + along * length, origin + along * length + down * height]
    corners.append(origin + down * height)
    edges = np.zeros((450, 800), np.uint8)
    for a, b in ((0, 1), (3, 2), (0, 3)):
        cv2.line(edges, _pt(corners[a]), _pt(corners[b]), 255, 3)
    cv2.line(edges, _pt(corners[1]), _pt(corners[1] + down * 0.4 * height), 255, 3)
    for row in range(12):
        start = origin + along * 30 + down * (25 + row * 16)
        box = [start, start + along * (300 - 8 * row), start + along * (300 - 8 * row) + down * 9]
        box.append(start + down * 9)
        cv2.polylines(edges, [np.array([_pt(p) for p in box])], True, 255, 2)
    contours, _hierarchy = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    # when quadrilaterals are made of its straight lines
    quads = sides.side_quads(list(contours), edges.shape)
    # then the card is one of them, its hidden corner where its sides meet
    expected = _ordered(np.array(corners, np.float32))
    assert any(np.abs(_ordered(quad) - expected).max() < 8 for quad, _cover, _cut in quads)


def _pt(point: np.ndarray) -> tuple[int, int]:
    return int(round(point[0])), int(round(point[1]))


def _region(corners: list[list[int]], score: float, *, cut: bool) -> locate.Region:
    return locate.Region(
        np.array(corners, np.float32), locate.ID3_ASPECT, score, True, aspect_error=0.02, cut=cut
    )


def test_a_card_whose_outline_gave_its_quad_is_not_read_from_its_sides_instead():
    # given a print-out whose sheet's corner the sides took for past the frame (a cut-off quad,
    # scoring higher: it takes in the sheet's margin), and the page's own outline, nearly the
    # same quad, whole (passport_0058 of wild 70301 was refused as cut off)
    page = [[473, 56], [973, 467], [613, 961], [79, 400]]
    sheet = [[471, 58], [968, 466], [637, 961], [80, 394]]
    found = [
        (_region(sheet, 0.40, cut=True), True),
        (_region(page, 0.35, cut=False), False),
        (_region([[0, 0], [300, 0], [300, 200], [0, 200]], 0.05, cut=False), True),
    ]
    # when one region per card is kept, best first
    distinct = locate._distinct(found, 0.03 * 1284, limit=3)
    # then the page is read from its outline, and not refused as cut off
    assert [region.truncated for region in distinct] == [False, False]
    assert distinct[0].corners.tolist() == page
    # and a quad from sides where no outline gave one is still read
    assert distinct[1].corners.tolist()[2] == [300, 200]


def test_a_page_on_its_side_that_no_outline_gave_is_read_a_quarter_turn_round(monkeypatch):
    # given a passport page held on its side (passport_0001 of wild 4242: a hand over one end,
    # the frame over the other, so no outline), whose MRZ lines run down the photo
    page = f.document_array("passport", photographed=False)
    corners = [[720, 230], [760, 1360], [240, 1370], [200, 240]]  # turned a quarter, clockwise
    photo = f.card_on_table(page, corners, (900, 1600), (70, 110, 80))
    # when nothing upright reads (no outline; the text grown from the whole photo upright)
    monkeypatch.setattr(reader, "_read_grown", _upright_only(reader._read_grown))
    monkeypatch.setattr(locate, "document_regions", lambda img, **kw: [locate.whole_frame(img)])
    read = document_read(photo, today=TODAY)
    # then the page is read turned, its zone verified, and flattened upright for the face match
    assert read.kind == "passport" and (not read.problem or cut_but_verified(read))
    assert read.value("id_number") == f.PASSPORT_NUMBER
    assert read.image is not None and read.image.shape[1] > read.image.shape[0]


def _upright_only(read_grown):
    """_read_grown that finds nothing in the photo as taken (tall), only turned (wide)."""

    def wrapped(img, *args, **kwargs):
        return read_grown(img, *args, **kwargs) if img.shape[1] > img.shape[0] else None

    return wrapped
