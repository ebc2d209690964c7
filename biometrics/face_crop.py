"""The pixels around a detected face, for dlib's landmark predictor (one copy for every caller).

`face_engine` (alignment before the embedding) and `liveness` (68 landmarks for the pose) both
cut the face box plus a margin out of the original pixels, shrink it when the face is wider
than the predictor needs, and give dlib the box in the cut-out's coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np


@dataclass(frozen=True)
class FaceRegion:
    """A cut-out around a face: its pixels, where it came from, and the face box inside it."""

    pixels: np.ndarray  # contiguous, shrunk by `shrink`
    origin: tuple[int, int]  # (x0, y0) of the cut-out in the original image
    shrink: float  # cut-out pixels per original pixel (at most 1)
    box: tuple[int, int, int, int]  # left, top, right, bottom (inclusive) in the cut-out

    def rectangle(self) -> Any:
        """The face box as a dlib.rectangle in the cut-out's pixels."""
        import dlib

        return dlib.rectangle(*self.box)

    def to_image(self, points: np.ndarray) -> np.ndarray:
        """Points measured in the cut-out, back in the original image's pixels."""
        return points / self.shrink + self.origin


def face_region(
    img: np.ndarray,
    left: int,
    top: int,
    right: int,
    bottom: int,
    *,
    margin: int,
    max_side: int,
) -> FaceRegion:
    """Cut the box (exclusive right/bottom) plus `margin` pixels out of `img`.

    The cut-out is clipped to the image and shrunk (INTER_AREA) when the face's longer side is
    over `max_side`; it is never enlarged.
    """
    height, width = img.shape[:2]
    side = max(right - left, bottom - top)
    x0, y0 = max(0, left - margin), max(0, top - margin)
    x1, y1 = min(width, right + margin), min(height, bottom + margin)
    region = img[y0:y1, x0:x1]
    shrink = min(1.0, max_side / max(1, side))
    if shrink < 1.0:
        size = (max(1, round(region.shape[1] * shrink)), max(1, round(region.shape[0] * shrink)))
        region = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
    return FaceRegion(
        pixels=np.ascontiguousarray(region),
        origin=(x0, y0),
        shrink=shrink,
        box=(
            round((left - x0) * shrink),
            round((top - y0) * shrink),
            round((right - x0) * shrink) - 1,
            round((bottom - y0) * shrink) - 1,
        ),
    )
