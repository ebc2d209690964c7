"""Following one face through a burst: cheap local re-detection and 68 landmarks per frame.

The detector runs on a few frames; every other frame gets a local detection around the box
predicted from its neighbour's landmarks (dlib's landmarks depend on where the box is) and its
landmarks. `aligned_crop` gives the face in a canonical frame, for the look-change (cut) test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from biometrics import face_engine
from biometrics.liveness_landmarks import face_landmarks, head_pose

_ALIGN = [36, 39, 42, 45, 31, 35, 48, 54]  # eyes, nostrils, mouth corners: similarity alignment


@dataclass
class Tracked:
    points: np.ndarray  # (68, 2)
    yaw: float
    eye_span: float
    centre: np.ndarray
    # the local detection the landmarks were found in (None: the box predicted from the
    # neighbour's landmarks, or the start frame's own detection)
    detected: face_engine.FaceBox | None = None


def frame_of(points: np.ndarray) -> tuple[np.ndarray, float]:
    """A centre and a scale for the face that a head turn hardly changes.

    The centre is the mean of the eyes and the mouth; the scale is the distance from the eyes'
    midpoint to the mouth's (vertical, so a turn does not shrink it as it shrinks the eye span).
    """
    eyes = points[36:48].mean(axis=0)
    mouth = points[48:68].mean(axis=0)
    return (eyes + mouth) / 2, max(float(np.linalg.norm(mouth - eyes)), 1.0)


def relation_of(points: np.ndarray, box: face_engine.FaceBox) -> np.ndarray:
    """The detector's box in the face's own frame (centre offset and half sides, over scale)."""
    centre, scale = frame_of(points)
    return np.array(
        [
            ((box.left + box.right) / 2 - centre[0]) / scale,
            ((box.top + box.bottom) / 2 - centre[1]) / scale,
            box.width / 2 / scale,
            box.height / 2 / scale,
        ]
    )


def box_from(points: np.ndarray, relation: np.ndarray) -> face_engine.FaceBox:
    """The detector-like box for tracked landmarks, as the detection related to its landmarks."""
    centre, scale = frame_of(points)
    cx, cy = centre + relation[:2] * scale
    hw, hh = relation[2:] * scale
    return face_engine.FaceBox(
        left=round(cx - hw), top=round(cy - hh), right=round(cx + hw), bottom=round(cy + hh)
    )


TRACK_FACE_SIDE = 100  # the face is scaled to about this many pixels for the per-frame detector


def redetect(img: np.ndarray, guess: face_engine.FaceBox) -> face_engine.FaceBox | None:
    """Run the HOG detector around the face's predicted box only; the detection nearest to it.

    dlib's landmarks depend on where the box is; a box derived from the previous frame's
    landmarks drifts on a turned face, so every frame gets a cheap local detection (the face
    scaled to ~100 px, a region twice its size) and falls back on the prediction if none.
    """
    height, width = img.shape[:2]
    side = max(guess.width, guess.height, 1)
    margin = int(side * 0.6)
    x0, y0 = max(0, guess.left - margin), max(0, guess.top - margin)
    x1, y1 = min(width, guess.right + margin), min(height, guess.bottom + margin)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    factor = TRACK_FACE_SIDE / side
    region = cv2.resize(
        img[y0:y1, x0:x1],
        (max(1, round((x1 - x0) * factor)), max(1, round((y1 - y0) * factor))),
        interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
    )
    with face_engine._LOCK:
        rects, _scores, _kinds = face_engine._engine().detector.run(
            np.ascontiguousarray(region), 0, -0.2
        )
    best = None
    centre = np.array([(guess.left + guess.right) / 2, (guess.top + guess.bottom) / 2])
    for rect in rects:
        box = face_engine.FaceBox(
            left=x0 + round(rect.left() / factor),
            top=y0 + round(rect.top() / factor),
            right=x0 + round((rect.right() + 1) / factor),
            bottom=y0 + round((rect.bottom() + 1) / factor),
        )
        found = np.array([(box.left + box.right) / 2, (box.top + box.bottom) / 2])
        distance = float(np.linalg.norm(found - centre))
        if distance < side * 0.35 and (best is None or distance < best[0]):
            best = (distance, box)
    return None if best is None else best[1]


def faces_at_scale(img: np.ndarray, side: int) -> list[face_engine.FaceBox]:
    """Every face about `side` pixels wide anywhere in the frame, largest first.

    The whole frame scaled so that such a face is ~TRACK_FACE_SIDE px, one HOG pass without
    upsampling: a few milliseconds, where the whole-frame detector (which does not know the
    face's size: it upsamples, and upsamples twice when the first pass finds nothing) spends
    0.05-0.2 s on a turned head.
    """
    height, width = img.shape[:2]
    factor = TRACK_FACE_SIDE / max(side, 1)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    small = cv2.resize(img, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    with face_engine._LOCK:
        rects, _scores, _kinds = face_engine._engine().detector.run(
            np.ascontiguousarray(small), 0, 0.0
        )
    boxes = [
        face_engine.FaceBox(
            left=round(rect.left() / factor),
            top=round(rect.top() / factor),
            right=round((rect.right() + 1) / factor),
            bottom=round((rect.bottom() + 1) / factor),
        )
        for rect in rects
    ]
    return sorted(boxes, key=lambda box: box.area, reverse=True)


def clip(box: face_engine.FaceBox, width: int, height: int) -> face_engine.FaceBox:
    return face_engine.FaceBox(
        left=max(0, box.left),
        top=max(0, box.top),
        right=min(width, box.right),
        bottom=min(height, box.bottom),
    )


def track(img: np.ndarray, points: np.ndarray) -> Tracked:
    span = float(np.linalg.norm(points[45] - points[36]))
    return Tracked(
        points=points,
        yaw=head_pose(points).yaw,
        eye_span=max(span, 1.0),
        centre=points[_ALIGN].mean(axis=0),
    )


_CANONICAL: np.ndarray | None = None
CROP = 48


def _canonical() -> np.ndarray:
    """Where the alignment landmarks of a frontal face land in a CROP x CROP face crop."""
    global _CANONICAL
    if _CANONICAL is None:
        # a frontal mean face in crop coordinates (eyes at 30 % height, mouth at 75 %)
        _CANONICAL = (
            np.array(
                [
                    [0.18, 0.32],
                    [0.40, 0.33],
                    [0.60, 0.33],
                    [0.82, 0.32],
                    [0.43, 0.60],
                    [0.57, 0.60],
                    [0.33, 0.78],
                    [0.67, 0.78],
                ]
            )
            * CROP
        )
    return _CANONICAL


def aligned_crop(grey: np.ndarray, points: np.ndarray) -> np.ndarray:
    fit, _inliers = cv2.estimateAffinePartial2D(
        points[_ALIGN].astype(np.float32), _canonical().astype(np.float32)
    )
    if fit is None:
        return np.zeros((CROP, CROP), np.float32)
    warped = cv2.warpAffine(grey, fit, (CROP, CROP), flags=cv2.INTER_AREA).astype(np.float32)
    crop = np.asarray(cv2.GaussianBlur(warped, (0, 0), 0.8))
    return (crop - crop.mean()) / max(float(crop.std()), 1e-3)


def spikes(values: np.ndarray) -> np.ndarray:
    """Each step over the larger of its two neighbouring steps."""
    padded = np.pad(values, 1, mode="edge")  # the first and last steps are never spikes
    neighbours = np.maximum(padded[:-2], padded[2:])
    return values / np.maximum(neighbours, 1e-6)


def yaw_jumps(
    yaws: np.ndarray, gaps: np.ndarray, max_step: float, max_speed: float, spike_ratio: float
) -> int:
    """How many steps between neighbouring frames (raw, unsmoothed yaws) turn the head further
    than ``max_step`` degrees, faster than ``max_speed`` degrees a second, and ``spike_ratio``
    times further than the steps either side: a photo swapped for another at another turn. A
    head that turns fast turns over several frames (the steps around a big one are big too)."""
    steps = np.abs(np.diff(np.asarray(yaws, dtype=np.float64)))
    speeds = steps / np.maximum(np.asarray(gaps, dtype=np.float64), 1e-6)
    isolated = spikes(np.maximum(steps, 0.5)) >= spike_ratio
    return int(((steps > max_step) & (speeds > max_speed) & isolated).sum())


class TrackLost(Exception):
    """The face left the frame (or became too small) while it was followed."""


def track_burst(
    frames: list[np.ndarray], start: int, start_points: np.ndarray, relation: np.ndarray
) -> list[Tracked]:
    """Follow the face from frame `start` (its landmarks known) to both ends of the burst."""
    n = len(frames)
    height, width = frames[0].shape[:2]
    tracked: list[Tracked | None] = [None] * n
    first = tracked[start] = track(frames[start], start_points)
    for order in (range(start + 1, n), range(start - 1, -1, -1)):
        previous = first
        for k in order:
            box = clip(box_from(previous.points, relation), width, height)
            if box.width < face_engine.MIN_FACE_SIDE or box.height < face_engine.MIN_FACE_SIDE:
                raise TrackLost
            detected = redetect(frames[k], box)
            previous = tracked[k] = track(frames[k], face_landmarks(frames[k], detected or box))
            previous.detected = detected
    return [t for t in tracked if t is not None]


def pose_visits(
    yaws: np.ndarray, poses: Sequence[str], reference: float
) -> tuple[list[tuple[int, int]], int | None]:
    """Where the (smoothed) yaws hold each pose in order, for at least two frames.

    Returns the (first, last) frame of each pose's hold, and the index of the first pose not
    found after the previous one (None when every pose was held in order).
    """
    from biometrics.liveness import pose_matches

    n = len(yaws)
    position = 0
    visits: list[tuple[int, int]] = []
    for index, pose in enumerate(poses):
        run_start = None
        found = None
        for k in range(position, n):
            if pose_matches(pose, float(yaws[k]), reference):
                run_start = k if run_start is None else run_start
                if k - run_start + 1 >= 2:
                    found = run_start
                    end = k  # extend to the end of the hold
                    while end + 1 < n and pose_matches(pose, float(yaws[end + 1]), reference):
                        end += 1
                    visits.append((found, end))
                    position = end + 1 if pose != "straight" else found + 1
                    break
            else:
                run_start = None
        if found is None:
            return visits, index
    return visits, None


def continuity(
    greys: Sequence[np.ndarray], track: Sequence[Tracked]
) -> tuple[np.ndarray, np.ndarray]:
    """Between neighbouring frames: the face's jump (position, size, landmarks, in eye widths)
    and the change of the aligned face's look (standardised grey, mean absolute difference)."""
    crops = [aligned_crop(g, t.points) for g, t in zip(greys, track, strict=True)]
    jumps = []
    looks = []
    for a, b, ca, cb in zip(track, track[1:], crops, crops[1:], strict=False):
        span = (a.eye_span + b.eye_span) / 2
        jumps.append(
            max(
                float(np.linalg.norm(b.centre - a.centre)) / span,
                abs(math.log(b.eye_span / a.eye_span)),
                float(np.median(np.linalg.norm(b.points - a.points, axis=1))) / span,
            )
        )
        looks.append(float(np.abs(ca - cb).mean()))
    return np.array(jumps), np.array(looks)
