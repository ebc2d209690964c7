"""The cause a member is told when a found document could not be read: blur or glare, each
measured where it means what it says."""

from __future__ import annotations

import cv2
import numpy as np

from biometrics.documents import locate, quality
from biometrics.tests import factories as f


def _region(card: np.ndarray) -> locate.Region:
    height, width = card.shape[:2]
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    return locate.Region(corners, locate.ID1_ASPECT, 1.0, False)


def _on_paper(card: np.ndarray, margin: float) -> np.ndarray:
    """The card printed on a sheet of blown-out white paper, ``margin`` of its width each side."""
    pad = round(card.shape[1] * margin)
    return cv2.copyMakeBorder(card, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(255, 255, 255))


def _reflection(img: np.ndarray) -> None:
    """A blown-out lamp's reflection over the middle quarter of ``img``, drawn in place."""
    height, width = img.shape[:2]
    centre, axes = (width // 2, height // 2), (width // 4, height // 4)
    cv2.ellipse(img, centre, axes, 0, 0, 360, (255, 255, 255), -1)


def test_a_sharp_card_under_a_lamps_reflection_is_unreadable_because_of_glare():
    # given a sharp card with a blown-out reflection over a quarter of its middle
    card = np.array(f.flat_document_array("ktp"))
    _reflection(card)
    # then the cause is glare
    assert quality.cause(_region(card), card) == "glare"


def test_a_print_outs_white_margin_is_not_glare():
    # given a sharp card printed on white paper, the paper blown out in the photo (up to 15 %
    # of the card's width each side)
    sheet = _on_paper(np.ascontiguousarray(f.flat_document_array("ktp")), 0.15)
    # then no cause is named for the light: the paper is no reflection
    assert quality.glare_fraction(sheet) <= quality.GLARE_LIMIT
    assert quality.cause(_region(sheet), sheet) == "unreadable"


def test_a_soft_print_out_is_blurred_whatever_its_white_margin():
    # given that print-out photographed out of focus
    sheet = _on_paper(np.ascontiguousarray(f.flat_document_array("ktp")), 0.15)
    soft = cv2.GaussianBlur(sheet, (0, 0), 6)
    # then the member is told to hold still, not to move away from a light
    assert quality.cause(_region(soft), soft) == "blur"
    # and a card that soft is blurred even with a reflection on it: blur is named first
    _reflection(sheet)
    soft = cv2.GaussianBlur(sheet, (0, 0), 6)
    assert quality.glare_fraction(soft) > quality.GLARE_LIMIT
    assert quality.cause(_region(soft), soft) == "blur"
