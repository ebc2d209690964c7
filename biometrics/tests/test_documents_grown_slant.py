"""A card grown from its text's paper may be seen as steeply as one found by its outline."""

from __future__ import annotations

import cv2
import numpy as np

from biometrics.documents import locate
from biometrics.tests import factories as f


def _text_lines(corners: np.ndarray) -> list[np.ndarray]:
    """Four text lines on the card's left half, in photo pixels (as the detector gives them)."""
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    to_photo = cv2.getPerspectiveTransform(unit, corners)
    lines = []
    for top in (0.2, 0.35, 0.5, 0.65):
        strip = np.array([[0.1, top], [0.6, top], [0.6, top + 0.06], [0.1, top + 0.06]], np.float32)
        lines.append(cv2.perspectiveTransform(strip[None], to_photo)[0])
    return lines


def _grown(photo: np.ndarray, lines: list[np.ndarray]) -> locate.Region | None:
    """The first card the paper around ``lines`` gives (the widened quad, or the paper's own)."""
    grown = locate.regions_grown(photo, lines)
    return grown[0] if grown else None


# A KTP on a plain table seen so steeply that its sides measure 2.0 to one (beyond the 22 % any
# quadrilateral may be off a card's 1.586; a clean one may be 30 % off).
STEEP = np.array([[250, 260], [1250, 200], [1290, 700], [290, 760]], np.float32)
TABLE = (120, 60, 140)


def _on_table(corners: np.ndarray, *, notched: bool = False) -> np.ndarray:
    """The standard KTP seen at ``corners`` on a plain table; ``notched``: with a thumb-sized
    notch of the table's colour out of its lower edge (its paper fills 86 % of its outline)."""
    photo = f.card_on_table(f.flat_document_array("ktp"), corners, (1500, 1000), TABLE)
    if notched:
        cv2.rectangle(photo, (550, 560), (950, 1000), TABLE, -1)
    return photo


def test_a_steeply_slanted_card_is_grown_from_its_text():
    # given a KTP on a plain table seen so steeply that its sides measure 2.0 to one
    photo = _on_table(STEEP)
    # when the card is grown from the paper around its text
    grown = _grown(photo, _text_lines(STEEP))
    # then the paper fills its quadrilateral, which is the card's, flattened as a card
    assert grown is not None
    assert grown.aspect == locate.ID1_ASPECT
    assert np.abs(grown.corners - STEEP).max() < 12


def test_a_card_that_steep_and_partly_covered_is_grown_and_flattened_as_the_card():
    # given the same card with a thumb-sized notch of the table's colour out of its lower
    # edge (a thumb over a card bowed in the hand): its paper fills only 86 % of its outline
    photo = _on_table(STEEP, notched=True)
    # when it is grown from its text
    grown = _grown(photo, _text_lines(STEEP))
    # then its outline's hull is still the card's, flattened as a card: what its text says
    # decides whether it is a document (a KTP held bowed, a hand over its end, read every field)
    assert grown is not None
    assert grown.aspect == locate.ID1_ASPECT
    assert np.abs(grown.corners - STEEP).max() < 12


def test_paper_further_off_a_documents_shape_than_a_steep_slant_is_not_grown():
    # given a card seen so steeply that its sides measure 2.3 to one (45 % off ID-1's 1.586:
    # past any slant a member photographs a card at; a strip of paper, a receipt)
    corners = np.array([[150, 330], [1350, 290], [1370, 640], [170, 680]], np.float32)
    photo = _on_table(corners)
    # when it is grown from its text, it is not taken for a document
    assert _grown(photo, _text_lines(corners)) is None


def test_a_steep_partly_covered_card_running_off_the_photo_is_not_grown_as_a_whole_card():
    # given the notched card with the last few percent of its right end beyond the photo's
    # border: what is left reaches the border, 25 % off a card's shape, and does not fill its
    # outline
    photo = _on_table(STEEP, notched=True)
    cut = np.ascontiguousarray(photo[:, :1260])
    # when it is grown from its text, it is not taken for a card: only paper within the photo
    # may be that far off a card's shape and not fill its outline (the photo's other readings
    # report a card cut off by the frame)
    assert _grown(cut, _text_lines(STEEP)) is None
    # while a little more of it, closer to a card's shape, is grown and reported cut off
    shorter = _grown(np.ascontiguousarray(photo[:, :1200]), _text_lines(STEEP))
    assert shorter is not None and shorter.truncated


def test_text_beyond_the_papers_four_corners_is_taken_into_the_card():
    # given the four corners of a bowed card's paper, which cut the arc of its top edge off,
    # and a header line printed along that arc, above the corners' top side
    corners = np.array([[100, 120], [900, 100], [910, 600], [110, 620]], np.float32)
    header = np.array([[400, 70], [600, 65], [600, 95], [400, 100]], np.float64)
    inside = np.array([[200, 300], [700, 300]], np.float64)
    # when the quadrilateral is made to hold the text
    grown = locate._enclosing(corners, np.concatenate([header, inside]))
    # then its top side moved up, parallel to itself, to the header's top, and the other
    # sides stayed where they were
    top = grown[1] - grown[0]
    assert abs(top[1] / top[0] - (-20 / 800)) < 1e-6
    assert grown[0][1] < 120 - 40 and grown[1][1] < 100 - 40
    assert cv2.pointPolygonTest(grown.reshape(-1, 1, 2), (600, 65), True) >= -1e-3
    np.testing.assert_allclose(grown[2:], corners[2:], atol=1e-3)
    # and a quadrilateral that holds its text already is left as it is
    np.testing.assert_allclose(locate._enclosing(corners, inside), corners, atol=1e-3)


def test_a_card_widened_past_the_border_is_offered_as_its_paper_gives_it_too():
    # given a card turned 18 degrees whose top corner touches the photo's top border, and a
    # text box the detector drew a little past the card's left side, near that corner
    corners = np.array([[500, 0], [1400, 300], [1200, 900], [300, 600]], np.float32)
    photo = _on_table(corners)
    lines = _text_lines(corners)
    left = corners[3] - corners[0]
    outward = np.array([-left[1], left[0]]) / np.linalg.norm(left)
    start = corners[0] + left * 0.15 + outward * 25
    along = (corners[1] - corners[0]) / np.linalg.norm(corners[1] - corners[0])
    across = left / np.linalg.norm(left)
    lines.append(
        np.array(
            [start, start + along * 300, start + along * 300 + across * 30, start + across * 30],
            np.float32,
        )
    )
    # when it is grown from its text
    grown = [region for _tolerance, region in locate.regions_from_text(photo, lines)]
    # then widened to hold that box its corner crosses the border; and the paper's own
    # corners, whole inside the photo, are offered next (a page read from the widened region
    # alone was reported cut off: wild 70601 passport_0001)
    assert grown[0].corners[:, 1].min() < -1
    assert any(not region.truncated and region.corners[:, 1].min() >= -1 for region in grown[1:])
