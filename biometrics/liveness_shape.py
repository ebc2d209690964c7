"""Shape from motion: does the face move like a head, or like paper (flat, folded, bent)?

Landmarks of turned frames are compared with the member's own straight frame. A plane (print
or screen) moves by a homography; a print folded along the nose line or bent into a cylinder
keeps the face's midline on one straight line in space, so the nose tip stays on the line
through the brow centre, lips and chin; a real nose stands in front of that line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

_MIDLINE = [27, 51, 57, 8]  # brow centre (nasion), upper lip, lower lip, chin


def midline_offset(points: np.ndarray) -> float:
    """Signed offset of the nose tip from the line through the other midline points.

    Over half the outer-eye-corner width, along the eye line (positive towards the image right,
    like yaw). A fold along the nose line or a cylinder bend keeps those points on one straight
    line in space, whose image is a straight line: the nose tip stays on it. A real nose stands
    about 20 mm in front of that line and swings off it when the head turns.
    """
    mid = points[_MIDLINE]
    centre = mid.mean(axis=0)
    _u, _s, vt = np.linalg.svd(mid - centre)
    direction = vt[0]
    normal = np.array([-direction[1], direction[0]])
    axis = points[45] - points[36]
    if np.dot(normal, axis) < 0:
        normal = -normal
    half = max(float(np.linalg.norm(axis)) / 2, 1e-6)
    return float(np.dot(points[30] - centre, normal)) / half


_LEFT_HALF = [0, 1, 2, 3, 4, 5, 6, 7, 17, 18, 19, 20, 21, 36, 37, 38, 39, 40, 41, 31, 32, 48, 49]
_LEFT_HALF += [50, 58, 59]
_RIGHT_HALF = [16, 15, 14, 13, 12, 11, 10, 9, 26, 25, 24, 23, 22, 45, 44, 43, 42, 47, 46, 35, 34]
_RIGHT_HALF += [54, 53, 52, 56, 55]
# Mean 3-D face (mm, nose tip at 0, + towards the camera): the renderer's generic depths.
_MEAN_DEPTH_MM = np.array(
    [-95, -88, -80, -70, -58, -45, -33, -25, -22, -25, -33, -45, -58, -70, -80, -88, -95]
    + [-45, -33, -25, -21, -20, -20, -21, -25, -33, -45]
    + [-22, -15, -8, 0, -18, -12, -10, -12, -18]
    + [-35, -27, -26, -27, -28, -30, -27, -26, -27, -35, -30, -28]
    + [-33, -23, -17, -15, -17, -23, -33, -25, -19, -18, -19, -25, -30, -19, -17, -19, -30]
    + [-20, -18, -20],
    dtype=np.float64,
)
_FOLD_SLOPES = np.linspace(0.0, 1.0, 6)[1:]
SHAPE_FEATURES = ("protrusion", "half_plane_residual", "face_vs_paper")


def _homography_residual(a: np.ndarray, b: np.ndarray, idx: list[int]) -> float:
    matrix, _mask = cv2.findHomography(a[idx], b[idx], 0)
    if matrix is None:
        return 0.0
    moved = cv2.perspectiveTransform(a[idx].reshape(-1, 1, 2), matrix)[:, 0]
    return float(np.sqrt(((moved - b[idx]) ** 2).sum(axis=1).mean()))


def _pnp_residual(model: np.ndarray, points: np.ndarray, camera: np.ndarray) -> float:
    ok, rvec, tvec = cv2.solvePnP(model, points, camera, None, flags=cv2.SOLVEPNP_EPNP)
    if ok:
        ok, rvec, tvec = cv2.solvePnP(
            model, points, camera, None, rvec, tvec, True, flags=cv2.SOLVEPNP_ITERATIVE
        )
    if not ok:
        return math.inf
    projected, _jacobian = cv2.projectPoints(model, rvec, tvec, camera, None)
    return float(np.sqrt(((projected[:, 0] - points) ** 2).sum(axis=1).mean()))


def shape_features(anchor: np.ndarray, points: np.ndarray, width: int) -> tuple[float, ...]:
    """How paper-like one turned frame's landmarks are, against the member's straight frame.

    protrusion: the nose tip's swing off the midline (see `midline_offset`), unsigned here;
    half_plane_residual: how far each half of the face (left, right) is from moving as a plane
    (homography residual, in outer-eye-corner widths): a fold's halves are planes;
    face_vs_paper: the reprojection error of a rigid mean 3-D face (solvePnP, the straight
    frame's x and y with a generic depth per landmark) over that of the best fold (two planes
    meeting at the nose line, depth -|x| * slope) or plane: below 1 when a face explains the
    landmarks better than paper.
    """
    span = max(float(np.linalg.norm(points[45] - points[36])), 1.0)
    protrusion = abs(midline_offset(points) - midline_offset(anchor))
    half = (
        _homography_residual(anchor, points, _LEFT_HALF)
        + _homography_residual(anchor, points, _RIGHT_HALF)
    ) / (2 * span)
    mm = max(float(np.linalg.norm(anchor[45] - anchor[36])), 1.0) / 90.0
    flat = np.zeros((68, 3))
    flat[:, :2] = (anchor - anchor[30]) / mm
    focal = 1.2 * width
    cam = np.array([[focal, 0, width / 2], [0, focal, width / 2], [0, 0, 1.0]])
    target = points.astype(np.float64)
    face_model = flat.copy()
    face_model[:, 2] = _MEAN_DEPTH_MM
    face = _pnp_residual(face_model, target, cam)
    paper = math.inf
    for slope in _FOLD_SLOPES:
        fold = flat.copy()
        fold[:, 2] = -np.abs(fold[:, 0]) * slope
        paper = min(paper, _pnp_residual(fold, target, cam))
    ratio = face / max(paper, 1e-6) if math.isfinite(face) else 9.0
    return protrusion, half, min(ratio, 9.0)


# --- the check ----------------------------------------------------------------------------


# --- straight lines through the nose tip: paper has one, a head has none ----------------

# Points followed on the face's own texture, not dlib's landmarks: the landmark model has a face
# prior that places a folded print's nose and midline much like a head's, while texture moves
# exactly as the surface carrying it.
LK_WINDOW = (21, 21)
LK_LEVELS = 3
LK_CRITERIA = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 20, 0.03)

CHORD_DIRECTIONS = np.radians([0.0, 30.0, 60.0, 90.0, 120.0, 150.0])
CHORD_REACH = 0.45  # chord half-length, in outer-eye-corner widths
# The texture is followed on the face brought to one scale: outer eye corners TRACK_SPAN pixels
# apart, in a square TRACK_REACH eye widths either side of the nose tip. With the frame's own
# pixels the 21 px window covered half of a small face (eye corners 38 px apart), so the nose
# tip's track averaged in the cheeks around it and a head's relief shrank below the minimum.
TRACK_SPAN = 128.0
TRACK_REACH = 1.8
_CLUSTER = np.array([[0, 0], [-2, 0], [2, 0], [0, -2], [0, 2]], np.float32)


def follow(
    greys: Sequence[np.ndarray], start: np.ndarray, anchor: int, frames: Sequence[int]
) -> dict[int, np.ndarray]:
    """Texture at `start` (anchor frame pixels) followed frame by frame to each of `frames`.

    Each location is a small cluster of points tracked by pyramidal Lucas-Kanade; its position
    in a frame is the cluster's median (robust to a point that slips).
    """
    seeds = (start[:, None, :] + _CLUSTER[None]).reshape(-1, 1, 2).astype(np.float32)
    out: dict[int, np.ndarray] = {}
    for step in (1, -1):
        wanted = [k for k in frames if (k - anchor) * step > 0]
        if not wanted:
            continue
        last = max(wanted) if step > 0 else min(wanted)
        current = seeds.copy()
        for k in range(anchor + step, last + step, step):
            moved, _ok, _err = cv2.calcOpticalFlowPyrLK(
                greys[k - step],
                greys[k],
                current,
                current.copy(),
                winSize=LK_WINDOW,
                maxLevel=LK_LEVELS,
                criteria=LK_CRITERIA,
            )
            current = np.asarray(moved, np.float32)
            if k in wanted:
                out[k] = np.median(current.reshape(len(start), len(_CLUSTER), 2), axis=1)
    return out


def straight_line_relief(
    greys: Sequence[np.ndarray],
    points: np.ndarray,
    anchor: int,
    groups: Sequence[Sequence[int]],
) -> list[float | None]:
    """The nose tip's swing off the straightest line through it, per group of turned frames.

    Bent paper (flat, folded or rolled, along lines at any angle) is a developable surface: a
    straight line in space runs through every point on it, the nose tip's too. Image points on
    that line stay collinear however the paper is turned. A head has no such line through the
    nose tip: it stands in front of every chord joining two points of the face around it.
    Chords in six directions through the nose tip are followed on the face's own texture (not
    the landmark model, whose face prior makes a folded print's landmarks look like a head); for
    each, the nose tip's offset from the chord's middle (under an affine camera a 3-D line's
    midpoint stays the midpoint of its image), change since the anchor frame, in eye widths,
    median over a group's frames. Returns, per group, the smallest over the directions (paper:
    about 0 along its straight line), or None for an empty group.
    """
    frames = sorted({k for group in groups for k in group})
    if not frames:
        return [None for _group in groups]
    first = min(anchor, *frames)
    greys, points, anchor, frames = _face_scale(greys, points, anchor, frames)
    axis = points[45] - points[36]
    span = max(float(np.linalg.norm(axis)), 1.0)
    unit = axis / span
    normal = np.array([-unit[1], unit[0]])
    tip = points[30]
    ends = []
    for angle in CHORD_DIRECTIONS:
        direction = unit * math.cos(angle) + normal * math.sin(angle)
        ends += [tip + direction * CHORD_REACH * span, tip - direction * CHORD_REACH * span]
    start = np.vstack([tip[None], np.array(ends)])
    tracks = follow(greys, start, anchor, frames)

    def offsets(where: np.ndarray) -> np.ndarray:
        # the tip against the middle of each chord: under an affine camera the image of a 3-D
        # line's midpoint is the midpoint of its image, whatever the turn
        middles = (where[1::2] + where[2::2]) / 2
        return where[0] - middles

    base = offsets(start)
    swings = {
        k + first: np.linalg.norm(offsets(where) - base, axis=1) / span
        for k, where in tracks.items()
    }
    return [
        float(np.median([swings[k] for k in group], axis=0).min()) if group else None
        for group in groups
    ]


def _face_scale(
    greys: Sequence[np.ndarray], points: np.ndarray, anchor: int, frames: Sequence[int]
) -> tuple[list[np.ndarray], np.ndarray, int, list[int]]:
    """The frames from the anchor to the furthest of `frames`, cut around the face and resized
    so that the outer eye corners are TRACK_SPAN pixels apart; points and indices to match.

    The tracking window and the point clusters are then the same share of every face, whatever
    its size in the frame (and the cost no longer grows with a large face).
    """
    span = max(float(np.linalg.norm(points[45] - points[36])), 1.0)
    scale = TRACK_SPAN / span
    height, width = greys[anchor].shape[:2]
    reach = TRACK_REACH * span
    x0, y0 = (max(0, int(math.floor(c - reach))) for c in points[30])
    x1 = min(width, int(math.ceil(points[30][0] + reach)))
    y1 = min(height, int(math.ceil(points[30][1] + reach)))
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    first, last = min(anchor, *frames), max(anchor, *frames)
    interpolation = cv2.INTER_LINEAR if scale > 1 else cv2.INTER_AREA
    scaled = [
        cv2.resize(greys[k][y0:y1, x0:x1], size, interpolation=interpolation)
        for k in range(first, last + 1)
    ]
    moved = (points - np.array([x0, y0], np.float64)) * scale
    return scaled, moved, anchor - first, [k - first for k in frames]
