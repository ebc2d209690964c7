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
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from biometrics import face_engine

# The face geometry and the still replay comparison live in their own modules (used here).
from biometrics.liveness_landmarks import (
    HeadPose,
    face_landmarks,
    head_pose,
    load_predictor,
    mirror_landmarks,
    parallax,
)
from biometrics.liveness_replay import grey_of, replay_difference
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


def warm_up() -> None:
    """Load the face engine and the 68-point predictor now instead of on the first check."""
    face_engine.warm_up()
    load_predictor()


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
        grey=grey_of(img),
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
