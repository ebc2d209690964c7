"""Replay checks: a still frame laid over another (per-still check) and frame hashes (bursts).

`replay_difference` tells whether one still of a per-still challenge is a copy (resized,
re-encoded, mirrored) of another. `frame_hash` and `hamming` let the burst check recognise
frames of an earlier burst from hashes alone (the database keeps hashes, never images).
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

REPLAY_CROP_SIDE = 64
REPLAY_MARGIN = 8


def grey_of(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY)


def _crop_transform(points: np.ndarray) -> np.ndarray:
    """Similarity transform (2x3) taking the landmarks' face region to a REPLAY_CROP_SIDE square."""
    low, high = points.min(axis=0), points.max(axis=0)
    side = float(max(high - low)) * 1.2
    scale = REPLAY_CROP_SIDE / max(side, 1.0)
    centre = (low + high) / 2
    return np.array(
        [
            [scale, 0.0, REPLAY_CROP_SIDE / 2 + REPLAY_MARGIN - scale * centre[0]],
            [0.0, scale, REPLAY_CROP_SIDE / 2 + REPLAY_MARGIN - scale * centre[1]],
        ]
    )


def _standardised(crop: np.ndarray) -> np.ndarray:
    crop = cv2.GaussianBlur(crop.astype(np.float32), (0, 0), 1.0)
    return (crop - crop.mean()) / max(float(crop.std()), 1e-3)


def replay_difference(
    grey_a: np.ndarray, points_a: np.ndarray, grey_b: np.ndarray, points_b: np.ndarray
) -> float:
    """How different frame b looks from frame a once b is laid over a by its landmarks.

    b is mapped onto a with the similarity transform that best fits b's landmarks to a's, and
    both face regions are compared as small standardised grey crops (mean absolute difference,
    in standard deviations). A copy of a, even resized, re-encoded or brightened, lands on a
    almost exactly; a different frame of a real person does not (pose, expression, noise).
    """
    fit, _inliers = cv2.estimateAffinePartial2D(
        points_b.astype(np.float32), points_a.astype(np.float32), method=cv2.LMEDS
    )
    if fit is None:
        return math.inf
    crop = _crop_transform(points_a)
    into_a = np.vstack([crop, [0, 0, 1]]) @ np.vstack([fit, [0, 0, 1]])
    side = REPLAY_CROP_SIDE + 2 * REPLAY_MARGIN
    a = cv2.warpAffine(grey_a, crop, (side, side), flags=cv2.INTER_AREA)
    b = cv2.warpAffine(grey_b, into_a[:2], (side, side), flags=cv2.INTER_AREA)
    a_std, b_std = _standardised(a), _standardised(b)
    # Landmarks alone align a copy to a pixel or two (the predictor is not exactly equivariant
    # under flips and resampling); an intensity-based refinement (ECC) closes the gap.
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 40, 1e-4)
    try:
        # OpenCV's stubs lack the (inputMask=None, gaussFiltSize) overload that cv2 accepts.
        _score, warp = cv2.findTransformECC(  # type: ignore[call-overload]
            a_std, b_std, warp, cv2.MOTION_AFFINE, criteria, None, 1
        )
        b_std = cv2.warpAffine(
            b_std, warp, (side, side), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        )
    except cv2.error:
        pass  # did not converge: compare as aligned by the landmarks
    inner = slice(REPLAY_MARGIN, REPLAY_MARGIN + REPLAY_CROP_SIDE)
    a_in, b_in = a_std[inner, inner], b_std[inner, inner]
    a_in = (a_in - a_in.mean()) / max(float(a_in.std()), 1e-3)
    b_in = (b_in - b_in.mean()) / max(float(b_in.std()), 1e-3)
    return float(np.abs(a_in - b_in).mean())


HASH_SIDE = 16  # 16 x 16 difference hash = 256 bits


# A bit is set only for a clear brightness step between neighbouring cells (grey levels). With
# the bare sign of the step, flat regions (a plain wall, a saturated window, an upscaled
# low-resolution photo) gave bits that sensor noise and re-encoding flip at random, so a re-sent
# burst could land more than 7 bits away from its first submission.
HASH_STEP = 1.5


@functools.lru_cache(maxsize=16)
def _area_weights(source: int, target: int) -> np.ndarray:
    """(target, source) weights averaging `source` pixels into `target` cells, each pixel by
    the share of it a cell covers: OpenCV's INTER_AREA shrink, as a matrix."""
    edges = np.arange(target + 1) * (source / target)
    pixels = np.arange(source)
    covered = np.clip(
        np.minimum(edges[1:, None], pixels + 1) - np.maximum(edges[:-1, None], pixels), 0, None
    )
    weights = (covered / covered.sum(axis=1, keepdims=True)).astype(np.float32)
    weights.setflags(write=False)
    return weights


def _cell_means(grey: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """The frame's mean brightness over rows x cols cells (INTER_AREA), as two matrix products:
    a fifth of cv2.resize's time on a 640 x 610 frame, the same values to 1e-4 grey levels."""
    height, width = grey.shape[:2]
    if height < rows or width < cols:  # enlarging: not an average of cells
        return cv2.resize(grey.astype(np.float32), (cols, rows), interpolation=cv2.INTER_AREA)
    across = _area_weights(width, cols)
    down = _area_weights(height, rows)
    return np.asarray((down @ grey.astype(np.float32)) @ across.T)


def frame_hash(grey: np.ndarray, step: float = HASH_STEP) -> str:
    """256-bit difference hash of a whole grey frame, as 64 hex digits.

    Survives re-encoding, resizing and small brightness changes of the same frame; it says
    nothing about the face (16 x 16 brightness gradients of the whole picture). Each bit says
    whether a cell is brighter than its left neighbour by more than `step` grey levels.
    """
    small = _cell_means(grey, HASH_SIDE, HASH_SIDE + 1)
    bits = (small[:, 1:] - small[:, :-1] > step).ravel()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return f"{value:064x}"


def hamming(a: str, b: str) -> int:
    """Number of differing bits of two hashes."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


HASH_BANDS = 8


def hash_bands(value: str) -> list[int]:
    """The hash cut into 8 bands of 32 bits: hashes within 7 bits share at least one band."""
    width = len(value) // HASH_BANDS
    return [int(value[k * width : (k + 1) * width], 16) for k in range(HASH_BANDS)]


# --- the burst container (what the web layer stores, encrypted) ---------------------------
