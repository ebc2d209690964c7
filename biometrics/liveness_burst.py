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
   `liveness_too_fast`; also on the raw yaws: one step over both the per-frame and the speed
   limits, standing out from its neighbours, is a photo swapped for another, not a head);
5. a 3-D head, not paper (`liveness_flat_face`, `liveness_folded_face`): the nose tip swings
   against the corners once the best plane is taken out (a flat print or screen cannot); the
   landmark paper-or-face score; and, on the face's own texture, the nose tip leaves every
   straight line through it (paper, folded or bent, keeps one straight: liveness_shape);
5b. with a light challenge, the face's colour follows the screen's sequence on time, when
   measurable (`liveness_timing`: a recording made in advance cannot; liveness_light);
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

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from biometrics import face_engine, liveness
from biometrics import liveness_tracking as tracking
from biometrics.liveness_container import BURST_CONTENT_TYPE, burst_pack, burst_unpack
from biometrics.liveness_light import LightSequence, light_check
from biometrics.liveness_replay import HASH_BANDS, frame_hash, hamming, hash_bands
from biometrics.liveness_shape import (
    SHAPE_FEATURES,
    shape_features,
    straight_line_relief,
)
from biometrics.liveness_thresholds import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    configured_thresholds,
    shape_score,
)
from biometrics.reasons import LIVENESS_MESSAGES as _MESSAGES

# The public face of burst liveness; the hash helpers live in liveness_replay, the shape
# features in liveness_shape, the container in liveness_container; exported from here.
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


CODES = (
    "liveness_incomplete",
    "liveness_timing",
    "liveness_light_mismatch",
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
    # a passed burst's straight reference face (template, box, review crop): the selfie's face,
    # already found and embedded (biometric data: never log it)
    face: face_engine.FaceTemplate | None = field(default=None, repr=False, compare=False)

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


def selfie_frame(frames: int, poses: Sequence[str]) -> int:
    """The index of the frame kept as the selfie: the middle of the straight step, counted in
    frames (the upload keeps it; the check's own reference frame is found from the yaws)."""
    middle = (list(poses).index("straight") + 0.5) / len(poses)
    return min(frames - 1, int(middle * frames))


def _detect(frame: np.ndarray) -> tuple[face_engine.FaceBox | None, str]:
    """The one face's box (as detected), or None and the face engine's error code."""
    try:
        return face_engine.selfie_box(frame), ""
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
    light: LightSequence | None = None,
) -> BurstResult:
    """Check one burst against the challenge `poses`.

    `times_ms`: capture times in milliseconds (any origin when `window_ms` is None; else epoch
    milliseconds, which must fall inside `window_ms` = (challenge issued, burst received)).
    `reference`: the ID document's face template. `seen(hashes)`: for each frame hash, whether
    a close hash was kept from an earlier burst (the caller keeps the hashes of passed and
    failed bursts). `light`: the light challenge's colours, from the first frame (liveness_light).
    Malformed `poses` or frames are a programming error (ValueError).
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

    # the whole-frame detector on the middle frame (usually nearest straight), on the ends only
    # if it found no face there: at the ends the head is turned, the frontal detector often
    # finds nothing even on its second, twice-upsampled pass (0.1-0.2 s wasted); once the
    # face's size is known from tracking, the ends are searched at that size (below)
    samples = sorted({n // 2, 0, n - 1})
    detections: dict[int, face_engine.FaceBox] = {}  # as detected (may reach past the edges)
    for k in sorted(samples, key=lambda k: abs(k - n // 2)):
        box, error = _detect(frames[k])
        if error == "multiple_faces":
            return result("liveness_multiple_faces", step=None)
        if box is not None:
            detections[k] = box
            break
    if not detections:
        return result("liveness_no_face")
    start = min(detections, key=lambda k: abs(k - n // 2))
    start_box = tracking.clip(detections[start], width, height)
    start_points = liveness.face_landmarks(frames[start], start_box)
    relation = tracking.relation_of(start_points, start_box)
    try:
        track = tracking.track_burst(list(frames), start, start_points, relation)
    except tracking.TrackLost:
        return result("liveness_no_face")

    # the tracker must agree with a detector looking at the whole frame (it did not drift off
    # the face, nor stay behind when a photo was swapped for one whose face is elsewhere): on
    # the detected frame, and on the ends, searched at the tracked face's size
    def inside(box: face_engine.FaceBox, k: int) -> bool:
        box = tracking.clip(box, width, height)
        x, y = track[k].centre
        return box.left <= x <= box.right and box.top <= y <= box.bottom

    for k in samples:
        if k in detections:
            if not inside(detections[k], k):
                return result("liveness_cut")
            continue
        side = tracking.box_from(track[k].points, relation).width
        found = tracking.faces_at_scale(frames[k], side)
        if found and not any(inside(box, k) for box in found):
            return result("liveness_cut")
        agreeing = [box for box in found if inside(box, k)]
        if agreeing:
            detections[k] = agreeing[0]

    # continuity: face jumps and look changes between neighbours
    jumps_a, looks_a = tracking.continuity(greys, track)
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
    # the smoothing above spreads one jump over three steps: a photo swapped for another at a
    # different turn (a set of stills) hides under both limits there. On the raw yaws (they carry
    # landmark noise), one step over both limits that stands out from its neighbours as a cut
    # does (spike_ratio) is no head turning: a fast turn spans several frames, and a dropped
    # frame doubles a step, not its speed
    jumped = tracking.yaw_jumps(
        yaws, gaps, thresholds.max_yaw_step, thresholds.max_yaw_speed, thresholds.spike_ratio
    )
    measured["max_raw_yaw_step"] = float(np.abs(np.diff(yaws)).max())
    if jumped:
        return result("liveness_too_fast")
    anchor = int(np.argmin(np.abs(smooth)))
    measured["reference_yaw"] = float(smooth[anchor])
    visits, missed = tracking.pose_visits(smooth, poses, float(smooth[anchor]))
    if missed is not None:
        step = missed + 1
        return result(
            "liveness_pose_mismatch", step=step, message=_pose_message(step, poses[missed])
        )
    straight_frames = [
        k
        for (first, last), pose in zip(visits, poses, strict=True)
        if pose == "straight"
        for k in range(first, last + 1)
    ]
    # the member's straight reference: the frame of the straight step nearest its median yaw,
    # i.e. where the member held the pose (a photo whose frontal pose reads 10 degrees would
    # otherwise pick a frame passing through 0 on the way into a turn, and measure every turn
    # against that moving frame)
    held = float(np.median(smooth[straight_frames]))
    anchor = min(straight_frames, key=lambda k: abs(smooth[k] - held))

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
    # the nose tip against straight lines through it, on the face's texture (liveness_shape)
    # over the frames turned at least 70 % as far as the furthest (all of them, and per side)
    reach = max(abs(smooth[turned] - smooth[anchor]))
    far = [k for k in turned if abs(smooth[k] - smooth[anchor]) >= 0.7 * reach]
    sides = [[k for k in far if (smooth[k] - smooth[anchor]) * side > 0] for side in (1, -1)]
    relief, *by_side = straight_line_relief(greys, track[anchor].points, anchor, [far, *sides])
    measured["line_relief"] = relief
    # the texture's relief measures the nose standing out directly, and decides where it was
    # measured: on development seeds 3100 paper read 0.001-0.016 and heads 0.041 and more, while
    # the landmark score read 17 of 28 bent prints as heads and fell under 0 for 9 of 72 genuine
    # close-ups of Grace Hopper (their relief 0.024-0.078). The score decides only where the
    # texture could not be followed
    if relief is None and score < thresholds.shape_min:
        return result("liveness_folded_face")
    if relief is not None and relief < thresholds.line_relief_min:
        return result("liveness_folded_face")
    # too much relief for a head: the texture is not one moving surface (photos shown one after
    # the other). On the side that shows less of it: a head's texture track can be lost on one
    # side (the far cheek hidden behind the nose), which must not fail it as a cut
    least = min((r for r in by_side if r is not None), default=None)
    measured["line_relief_least_side"] = least
    if least is not None and least > thresholds.line_relief_max:
        return result("liveness_cut")

    if light is not None:
        shown = light_check(frames, times_ms, [t.points for t in track], light, yaws=list(yaws))
        measured["light_correlation"] = shown.correlation
        measured["light_response"] = shown.response
        if not shown.passed:
            return result("liveness_light_mismatch")

    # identity: the reference frame and the two of the first, middle and last frames furthest
    # from it in time (the burst's first and last thirds when the member held straight in the
    # middle), each embedded where a detector found the face (a whole-frame search, else the
    # tracker's local one) or, failing both, where its tracked landmarks put it: an embedding
    # costs about as much as tracking 15 frames, and no frame is detected twice
    def box_at(k: int) -> face_engine.FaceBox:
        found = detections.get(k) or track[k].detected
        return found or tracking.box_from(track[k].points, relation)

    boxes = {anchor: box_at(anchor)}
    # two frames equally far from the reference: the later one (a face swapped in once the
    # challenge was done is at the end; the middle frame lost such a tie and let it pass)
    for k in sorted(samples, key=lambda k: (abs(k - anchor), k), reverse=True)[:2]:
        boxes.setdefault(k, box_at(k))
    try:
        embedded = {k: face_engine.face_template(frames[k], box) for k, box in boxes.items()}
    except face_engine.FaceError:
        return result("liveness_no_face")
    templates = list(embedded.values())
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
    chosen = embedded[anchor]
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
    return result(template=chosen.vector, reference_frame=anchor + 1, face=chosen)


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
