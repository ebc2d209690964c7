"""Burst liveness: one continuous head movement through the challenge's poses, filmed.

The browser records the camera while the member follows the challenge (about 8-15 frames per
second over 2-5 seconds) and sends the frames with their capture times. `burst_check` then
requires, in this order (the first failure is reported):

1. a burst of the right size and timing, inside the challenge's window (`liveness_timing`);
2. one face, found by the detector on a few frames and tracked frame to frame by its 68
   landmarks (`liveness_no_face`, `liveness_multiple_faces`);
3. no cut: between neighbouring frames the face may not jump (position, size, landmarks) and
   the aligned face may not change its look more than motion explains (`liveness_cut`); a set
   of stills or photos of the member, each shown for a while, cuts from one to the next;
4. the poses, in order, with the yaw changing smoothly (`liveness_pose_mismatch`,
   `liveness_too_fast`);
5. a 3-D head, not paper: on every turned frame the nose tip must swing against the eye and
   mouth corners once the best plane (homography) is taken out (`liveness_flat_face`), and
   against the line through the face's other midline points (brow centre, lips, chin), which a
   print folded along the nose line or bent into a cylinder keeps straight because its crease or
   axis is a straight line in space (`liveness_folded_face`); a rigid mean 3-D face must explain
   the landmark motion better than those paper models;
6. the same person throughout (templates of three sampled frames, `liveness_identity_changed`),
   matching the ID (`liveness_document_mismatch`);
7. the frames never seen before (`liveness_replayed_burst`): perceptual hashes of the aligned
   face in each frame are compared with the hashes kept from earlier bursts by the caller's
   `seen` function (the database keeps hashes only, never images).

Pure computation, no database. Frames are unmirrored RGB uint8 arrays (see biometrics.liveness
for the sign convention). Thresholds are calibrated on rendered bursts (biometrics.liveness_render,
docs/liveness.md) and must be recalibrated on real captures (`biometrics_retune_liveness`).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from biometrics import face_engine, liveness
from biometrics import liveness_tracking as tracking
from biometrics.liveness_replay import HASH_BANDS, frame_hash, hamming, hash_bands
from biometrics.liveness_shape import SHAPE_FEATURES, shape_features
from biometrics.reasons import LIVENESS_MESSAGES as _MESSAGES

# The public face of burst liveness; the hash helpers live in liveness_replay and the shape
# features in liveness_shape, and are exported from here for the web layer.
__all__ = [
    "BURST_CONTENT_TYPE",
    "CAPTURE_FPS",
    "CAPTURE_LEAD_IN_SECONDS",
    "CAPTURE_STEP_SECONDS",
    "CAPTURE_WIDTH",
    "CODES",
    "DEFAULT_THRESHOLDS",
    "HASH_BANDS",
    "MAX_BURST_BYTES",
    "MAX_FRAME_BYTES",
    "MAX_FRAME_SIDE",
    "MAX_FRAMES",
    "MIN_FRAMES",
    "SHAPE_FEATURES",
    "BurstResult",
    "Thresholds",
    "burst_check",
    "burst_pack",
    "burst_unpack",
    "configured_thresholds",
    "frame_hash",
    "hamming",
    "hash_bands",
    "message_for",
    "shape_score",
]

# --- limits of a burst (also enforced by the web layer before anything is stored) -----------

MIN_FRAMES = 12
MAX_FRAMES = 60
MAX_FRAME_BYTES = 400 * 1024  # one JPEG frame
MAX_BURST_BYTES = 12 * 1024 * 1024  # all frames together
MAX_FRAME_SIDE = 1280
MIN_SECONDS = 1.5
MAX_SECONDS = 8.0
MAX_GAP_SECONDS = 0.4  # between two neighbouring frames (2.5 frames per second at worst)
# Frames may be stamped a little before the challenge was issued (clock skew) or after the
# upload started (none in practice); more is a burst prepared in advance.
CLOCK_SLACK_SECONDS = 5.0


# What the capture widget records (server-issued timing): each pose is prompted for
# CAPTURE_STEP_SECONDS, after a short lead-in, at CAPTURE_FPS; 3 poses give about 40 frames.
CAPTURE_STEP_SECONDS = 1.3
CAPTURE_LEAD_IN_SECONDS = 0.4
CAPTURE_FPS = 10
CAPTURE_WIDTH = 640


@dataclass
class Thresholds:
    """Decision thresholds; defaults calibrated on rendered bursts (docs/liveness.md)."""

    # largest face jump between neighbouring frames, in outer-eye-corner widths
    max_jump: float = 0.6
    # largest change of the aligned face's look between neighbours (standardised grey, mean
    # absolute difference): a different picture altogether
    max_look_change: float = 1.6
    # fastest yaw change between neighbours, degrees per second, and per frame
    max_yaw_speed: float = 400.0
    max_yaw_step: float = 25.0
    # nose parallax after the best homography (plane), median over turned frames
    parallax_min: float = 0.10
    # paper or face: a linear score of SHAPE_FEATURES (bias first), must reach shape_min
    shape_weights: tuple[float, ...] = (2.0, 10.0, 0.0, -3.0)
    shape_min: float = 0.0
    # a cut: one face jump (eye widths) much bigger than the jumps either side of it (a still
    # shown for a while, then the next); jumps under spike_min_jump are noise
    spike_ratio: float = 4.5
    spike_min_jump: float = 0.1
    # identity over sampled frames
    identity_max_distance: float = 0.6
    # replay: Hamming distance of 256-bit frame hashes (at most 7: see hash_bands), and the
    # share of a burst's frames seen before
    hash_max_bits: int = 7
    replay_min_share: float = 0.25

    @classmethod
    def load(cls, path: Path) -> Thresholds:
        """Thresholds from a JSON file written by `biometrics_retune_liveness`."""
        data = json.loads(path.read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_THRESHOLDS = Thresholds()


def configured_thresholds() -> Thresholds:
    """The thresholds in use: BIOMETRICS_LIVENESS_THRESHOLDS (a retune's JSON) or the defaults."""
    from django.conf import settings

    path = getattr(settings, "BIOMETRICS_LIVENESS_THRESHOLDS", "")
    return Thresholds.load(Path(path)) if path else DEFAULT_THRESHOLDS


CODES = (
    "liveness_incomplete",
    "liveness_timing",
    "liveness_no_face",
    "liveness_multiple_faces",
    "liveness_cut",
    "liveness_too_fast",
    "liveness_pose_mismatch",
    "liveness_flat_face",
    "liveness_folded_face",
    "liveness_identity_changed",
    "liveness_document_mismatch",
    "liveness_replayed_burst",
)


def _pose_message(step: int, expected: str) -> Promise:
    return format_lazy(
        _(
            "At step {step} we asked you to {pose}, but the recording did not show it. Follow "
            "each instruction as it appears, turn about a third of the way to your shoulder, and "
            "hold the pose for a moment."
        ),
        step=step,
        pose=liveness._POSE_NAMES[expected],
    )


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurstResult:
    """Outcome of a burst check; `reason_code` is '' or 'liveness_failed' (see liveness)."""

    passed: bool
    code: str
    message: str | Promise
    step: int | None = None
    frames: int = 0
    measured: dict[str, Any] = field(default_factory=dict)
    hashes: tuple[str, ...] = ()
    seconds: float = 0.0
    template: np.ndarray | None = field(default=None, repr=False, compare=False)
    reference_frame: int | None = None

    @property
    def reason_code(self) -> str:
        return "" if self.passed else liveness.REASON_CODE

    def as_record(self) -> dict[str, Any]:
        """JSON for the decision record: measurements only (no images, hashes or template)."""
        return {
            "passed": self.passed,
            "code": self.code,
            "step": self.step,
            "frames": self.frames,
            "reference_frame": self.reference_frame,
            "measured": self.measured,
            "seconds": round(self.seconds, 3),
        }


_MAGIC = b"LVB1"
BURST_CONTENT_TYPE = "application/x-liveness-burst"


def burst_pack(frames: Sequence[bytes], times_ms: Sequence[int]) -> bytes:
    """One file holding the (already cleaned) JPEG frames and their capture times."""
    header = json.dumps(
        {"times_ms": [int(t) for t in times_ms], "lengths": [len(f) for f in frames]}
    ).encode()
    return _MAGIC + len(header).to_bytes(4, "big") + header + b"".join(frames)


def burst_unpack(data: bytes) -> tuple[list[bytes], list[int]]:
    """The frames and times of `burst_pack`; ValueError if the file is not one."""
    if not data.startswith(_MAGIC) or len(data) < 8:
        raise ValueError("not a liveness burst")
    size = int.from_bytes(data[4:8], "big")
    header = json.loads(data[8 : 8 + size])
    frames, offset = [], 8 + size
    for length in header["lengths"]:
        frames.append(data[offset : offset + length])
        offset += length
    if offset != len(data) or len(frames) != len(header["times_ms"]):
        raise ValueError("truncated liveness burst")
    return frames, [int(t) for t in header["times_ms"]]


def shape_score(features: Sequence[float], thresholds: Thresholds) -> float:
    """Linear score of the shape features: positive looks like a head, negative like paper."""
    weights = thresholds.shape_weights
    return float(weights[0] + np.dot(weights[1:], np.asarray(features, dtype=np.float64)))


def _detect(frame: np.ndarray) -> tuple[face_engine.FaceTemplate | None, str]:
    try:
        return face_engine.selfie_face(frame), ""
    except face_engine.FaceError as error:
        return None, error.code


def burst_check(
    frames: Sequence[np.ndarray],
    times_ms: Sequence[int],
    poses: Sequence[str],
    *,
    reference: np.ndarray | None = None,
    window_ms: tuple[int, int] | None = None,
    seen: Callable[[list[str]], list[bool]] | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> BurstResult:
    """Check one burst against the challenge `poses`.

    `times_ms`: capture times in milliseconds (any origin when `window_ms` is None; else epoch
    milliseconds, which must fall inside `window_ms` = (challenge issued, burst received)).
    `reference`: the ID document's face template. `seen(hashes)`: for each frame hash, whether
    a close hash was kept from an earlier burst (the caller keeps the hashes of passed and
    failed bursts). Malformed `poses` or frames are a programming error (ValueError).
    """
    started = time.process_time()
    poses = list(poses)
    straight_steps = [k for k, pose in enumerate(poses) if pose == "straight"]
    if any(pose not in liveness.POSES for pose in poses) or not straight_steps:
        raise ValueError(f"poses must be from {liveness.POSES} with a straight step, got {poses!r}")
    measured: dict[str, Any] = {}
    hashes: list[str] = []

    def result(code: str = "", **kwargs: Any) -> BurstResult:
        message = kwargs.pop("message", None) or (_MESSAGES[code] if code else "")
        return BurstResult(
            passed=not code,
            code=code,
            message=message,
            frames=len(frames),
            measured=_rounded(measured),
            hashes=tuple(hashes),
            seconds=time.process_time() - started,
            **kwargs,
        )

    n = len(frames)
    if not MIN_FRAMES <= n <= MAX_FRAMES or len(times_ms) != n:
        return result("liveness_incomplete")
    for frame in frames:
        if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 or frame.shape[2:] != (3,):
            raise ValueError("frames must be RGB uint8 arrays of shape (height, width, 3)")
    # every frame's hash first, so that even a burst failing early is kept for the replay check
    greys = [cv2.cvtColor(np.ascontiguousarray(f), cv2.COLOR_RGB2GRAY) for f in frames]
    hashes.extend(frame_hash(g) for g in greys)
    times = np.asarray(times_ms, dtype=np.float64) / 1000.0
    gaps = np.diff(times)
    duration = float(times[-1] - times[0])
    measured["duration"] = duration
    measured["max_gap"] = float(gaps.max())
    if (
        (gaps <= 0).any()
        or gaps.max() > MAX_GAP_SECONDS
        or not MIN_SECONDS <= duration <= MAX_SECONDS
    ):
        return result("liveness_timing")
    if window_ms is not None:
        opened, received = window_ms[0] / 1000.0, window_ms[1] / 1000.0
        if times[0] < opened - CLOCK_SLACK_SECONDS or times[-1] > received + CLOCK_SLACK_SECONDS:
            return result("liveness_timing")
    height, width = frames[0].shape[:2]
    if any(frame.shape != frames[0].shape for frame in frames):
        return result("liveness_cut")

    # detection on a few frames: the middle first (usually nearest straight), then the ends
    samples = sorted({n // 2, 0, n - 1})
    detections: dict[int, face_engine.FaceTemplate] = {}
    for k in samples:
        template, error = _detect(frames[k])
        if error == "multiple_faces":
            return result("liveness_multiple_faces", step=None)
        if template is not None:
            detections[k] = template
    if not detections:
        return result("liveness_no_face")
    start = min(detections, key=lambda k: abs(k - n // 2))
    start_points = liveness.face_landmarks(frames[start], detections[start].box)
    relation = tracking.relation_of(start_points, detections[start].box)
    try:
        track = tracking.track_burst(list(frames), start, start_points, relation)
    except tracking.TrackLost:
        return result("liveness_no_face")

    # the tracker must agree with the detector where it ran (it did not drift off the face)
    for k, template in detections.items():
        box = template.box
        inside = (
            box.left <= track[k].centre[0] <= box.right
            and box.top <= track[k].centre[1] <= box.bottom
        )
        if not inside:
            return result("liveness_cut")

    # continuity: face jumps and look changes between neighbours
    crops = [tracking.aligned_crop(g, t.points) for g, t in zip(greys, track, strict=True)]
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
    jumps_a, looks_a = np.array(jumps), np.array(looks)
    measured["jumps"] = [round(float(j), 3) for j in jumps_a]
    measured["max_jump"] = float(jumps_a.max())
    measured["max_look_change"] = float(looks_a.max())
    jump_spikes = tracking.spikes(np.maximum(jumps_a, 0.01))
    measured["jump_spike"] = float(jump_spikes[jumps_a >= thresholds.spike_min_jump].max(initial=0))
    if measured["jump_spike"] >= thresholds.spike_ratio:
        return result("liveness_cut")
    if jumps_a.max() > thresholds.max_jump or looks_a.max() > thresholds.max_look_change:
        step = int(np.argmax(jumps_a / thresholds.max_jump + looks_a / thresholds.max_look_change))
        return result("liveness_cut", step=None, reference_frame=step + 1)

    # poses in order, smoothly
    yaws = np.array([t.yaw for t in track])
    smooth = np.convolve(np.pad(yaws, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    steps = np.abs(np.diff(smooth))
    speeds = steps / gaps
    measured["yaws"] = [round(float(y), 1) for y in yaws]
    measured["max_yaw_speed"] = float(speeds.max())
    measured["max_yaw_step"] = float(steps.max())
    if speeds.max() > thresholds.max_yaw_speed or steps.max() > thresholds.max_yaw_step:
        return result("liveness_too_fast")
    anchor = int(np.argmin(np.abs(smooth)))
    measured["reference_yaw"] = float(smooth[anchor])
    position = 0
    visits: list[tuple[int, int]] = []  # (first, last) frame of each pose held
    for step, pose in enumerate(poses, start=1):
        run_start = None
        found = None
        for k in range(position, n):
            if liveness.pose_matches(pose, float(smooth[k]), float(smooth[anchor])):
                run_start = k if run_start is None else run_start
                if k - run_start + 1 >= 2:
                    found = run_start
                    # extend to the end of the hold
                    end = k
                    while end + 1 < n and liveness.pose_matches(
                        pose, float(smooth[end + 1]), float(smooth[anchor])
                    ):
                        end += 1
                    visits.append((found, end))
                    position = end + 1 if pose != "straight" else found + 1
                    break
            else:
                run_start = None
        if found is None:
            return result("liveness_pose_mismatch", step=step, message=_pose_message(step, pose))
    # the member's straight reference: the straightest frame of a straight step
    straight_frames = [
        k
        for (first, last), pose in zip(visits, poses, strict=True)
        if pose == "straight"
        for k in range(first, last + 1)
    ]
    anchor = min(straight_frames, key=lambda k: abs(yaws[k]))

    # 3-D shape: plane (homography parallax) and fold/cylinder (nose off the midline)
    turned = [k for k in range(n) if abs(smooth[k] - smooth[anchor]) >= liveness.TURN_MIN_YAW]
    sign = np.sign(smooth[turned] - smooth[anchor])
    parallaxes = (
        np.array([liveness.parallax(track[anchor].points, track[k].points) for k in turned]) * sign
    )
    measured["parallax"] = float(np.median(parallaxes))
    if measured["parallax"] < thresholds.parallax_min:
        return result("liveness_flat_face")
    chosen_turned = [
        turned[i] for i in np.linspace(0, len(turned) - 1, min(10, len(turned))).round().astype(int)
    ]
    features = np.median(
        np.array(
            [shape_features(track[anchor].points, track[k].points, width) for k in chosen_turned]
        ),
        axis=0,
    )
    for name, value in zip(SHAPE_FEATURES, features, strict=True):
        measured[name] = float(value)
    score = shape_score(features, thresholds)
    measured["shape_score"] = score
    if score < thresholds.shape_min:
        return result("liveness_folded_face")

    # identity on the sampled frames (plus the reference frame), and the document
    for k in (anchor,):
        if k not in detections:
            template, error = _detect(frames[k])
            if error == "multiple_faces":
                return result("liveness_multiple_faces")
            if template is not None:
                detections[k] = template
    templates = list(detections.values())
    identity = max(
        (
            face_engine.face_distance(a.vector, b.vector)
            for i, a in enumerate(templates)
            for b in templates[i + 1 :]
        ),
        default=0.0,
    )
    measured["identity_distance"] = identity
    if identity > thresholds.identity_max_distance:
        return result("liveness_identity_changed")
    chosen = detections.get(anchor) or detections[start]
    if reference is not None:
        distance = face_engine.face_distance(reference, chosen.vector)
        measured["document_distance"] = distance
        if face_engine.match_verdict(distance) == "no_match":
            return result("liveness_document_mismatch", reference_frame=anchor + 1)

    # replay: frames seen in an earlier burst
    if seen is not None:
        hits = seen(list(hashes))
        share = sum(hits) / max(len(hits), 1)
        measured["replayed_share"] = share
        if share >= thresholds.replay_min_share:
            return result("liveness_replayed_burst")
    return result(template=chosen.vector, reference_frame=anchor + 1)


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, float):
            out[key] = round(value, 4) if math.isfinite(value) else None
        else:
            out[key] = value
    return out


def message_for(code: str) -> Promise:
    """The member's advice for a failure code."""
    return _MESSAGES[code]
