"""How a flattened document photographs: contrast, focus, glare, size, and the cause the member
is told when a document could not be read (blur, glare, cut off, too small)."""

from __future__ import annotations

import cv2
import numpy as np

from biometrics.documents import locate
from biometrics.documents.ocr import TextBox
from biometrics.documents.results import DocumentRead

# Grey levels the darkest and lightest percent of a flattened document should span; a card in a
# dim room (ink 30, card 135) or under a haze spans less, and the text detector then misses
# most of its small print.
LEGIBLE_RANGE = 160.0


def legible(card: np.ndarray) -> np.ndarray:
    """The card with its contrast stretched to the full range when it spans less than
    ``LEGIBLE_RANGE`` (the same gain on every channel: colours keep their balance)."""
    grey = card[::4, ::4].mean(axis=2)
    low, high = np.percentile(grey, (1, 99))
    if high - low >= LEGIBLE_RANGE or high - low < 20:
        return card
    lut = np.clip((np.arange(256, dtype=np.float32) - low) * 250 / (high - low) + 2, 0, 255)
    return cv2.LUT(card, lut.astype(np.uint8))


def sharpened(card: np.ndarray, *, amount: float = 1.0, radius: float = 2.5) -> np.ndarray:
    """An unsharp mask: the image plus ``amount`` times its difference from a Gaussian blur of
    ``radius``. The default is strong enough to give a soft print's strokes edges again."""
    return cv2.addWeighted(card, 1 + amount, cv2.GaussianBlur(card, (0, 0), radius), -amount, 0)


def sharpness(card: np.ndarray) -> float:
    """Variance of the Laplacian of the rectified card (grey); low means out of focus."""
    grey = cv2.cvtColor(card, cv2.COLOR_RGB2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


# Left out on every side when glare is measured, as a share of the width: a print-out's white
# paper margin (5-15 % of the document's width each side: up to 11.5 % of the sheet's) is blown
# out in a well-exposed photo, and is no glare.
GLARE_INSET = 0.12


def glare_fraction(card: np.ndarray) -> float:
    """Share of the card's inner part that is blown-out white (all channels at least 250)."""
    height, width = card.shape[:2]
    inset = min(round(width * GLARE_INSET), height // 4)
    inner = card[inset : height - inset, inset : width - inset]
    return float((inner.min(axis=2) >= 250).mean())


# Below these the cause of an unreadable document is named. Variance of the Laplacian of the
# flattened card at 1000 px, measured on the generator's photos: sharp 450-1400, still read
# down to about 25 (defocus sigma 1), unreadable below 10 (sigma 2: 4.5); docs/documents.md.
BLUR_LIMIT = 10.0
GLARE_LIMIT = 0.05
SMALL_WIDTH = 480


def cause(region: locate.Region, card: np.ndarray) -> str:
    """Why a document whose kind we recognised could not be read."""
    if region.whole_frame and not locate.scan_like(region):
        return "cut_off"
    if region.truncated:
        return "cut_off"
    if region.source_width < SMALL_WIDTH:
        return "too_small"
    return _photo_problem(card) or "unreadable"


def _photo_problem(card: np.ndarray) -> str | None:
    """What spoils the photo: blur, glare, or nothing (None). Blur first: a photo that soft is
    soft wherever the light falls (a glare spot leaves the rest of the card sharp), and the
    member must hold still."""
    if sharpness(card) < BLUR_LIMIT:
        return "blur"
    if glare_fraction(card) > GLARE_LIMIT:
        return "glare"
    return None


def unreadable_card(
    region: locate.Region, card: np.ndarray, boxes: list[TextBox]
) -> DocumentRead | None:
    """A card-shaped region with text on it that could not be read, and why; else None.

    Only a clean card outline (tight fit, a document's aspect) carrying at least one block of
    text, that is too small in the photo, out of focus or blown out by glare: the member can fix
    each of these. Anything else is no document.
    """
    if region.whole_frame or region.fit < 0.85 or not boxes:
        return None
    if region.source_width < SMALL_WIDTH and len(boxes) >= 3 and region.fit >= 0.9:
        return DocumentRead(problem="too_small", image=card)
    if region.score < 0.1:  # a small patch of the picture, not what the member photographed
        return None
    problem = _photo_problem(card)
    return DocumentRead(problem=problem, image=card) if problem else None
