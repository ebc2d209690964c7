"""Simulated head turns from one frontal photo, for liveness evaluation, tests and the demo.

Moved out of the ``biometrics_evaluate_liveness`` command so production code (the demo seed)
can use it without importing a management command. A frame drawn here is weaker evidence than a
real camera frame: see docs/liveness.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from biometrics import face_engine, liveness

# Head model for the simulation, in units of the head's half-width `a` (jaw points 0 and 16
# span about 2a) and of the eye distance `s`. Anthropometric averages: head half-width ~75 mm,
# eye distance ~63 mm, cheek surface ~90 mm in front of the vertical turning axis, nose tip
# ~22 mm in front of the cheeks.
HEAD_DEPTH = 1.2  # cheek surface in front of the axis, in a
HEAD_SQUARENESS = 2.5  # superellipse exponent of a head cross-section (2 = ellipse)
NOSE_RIDGE = (0.08, 0.22)  # protrusion at the bridge, and gain to the tip, in s
NOSE_TIP = 0.08  # extra rounded tip, in s
EYE_SOCKET = 0.08  # depth of the eye sockets, in s

SIMULATED_TURN = (25.0, 35.0)  # degrees, drawn uniformly for every bona fide turn
TURNED_PHOTO_ANGLE = 35.0  # degrees a printed photo is turned in the tilted_photo attack


# --- simulation ---------------------------------------------------------------------------


def simulate_turn(img: np.ndarray, points: np.ndarray, degrees: float) -> np.ndarray:
    """Turn the head in a frontal photo by `degrees` of yaw (positive = the person's left).

    The head is modelled as a vertical superellipse cylinder through the jaw outline with a
    nose ridge and eye sockets; each image row is rotated about the vertical axis through the
    head's centre and projected orthographically, with hidden surface removal (the nose hides
    the far cheek). The neck and background stay put. This reproduces the parallax a real turn
    gives (the nose swings across the face outline) but not what the photo never showed (the
    side of the head, the ear): those pixels are stretched from the edge.
    """
    height, width = img.shape[:2]
    theta = math.radians(degrees)
    x0 = (points[0, 0] + points[16, 0]) / 2
    a = (points[16, 0] - points[0, 0]) / 2
    eyes_l, eyes_r = points[36:42].mean(axis=0), points[42:48].mean(axis=0)
    s = float(np.linalg.norm(eyes_r - eyes_l))
    y_eye = (eyes_l[1] + eyes_r[1]) / 2
    y_chin = points[8, 1]
    y_top = y_eye - (y_chin - y_eye) * 1.0
    y_neck = y_chin + (y_chin - y_eye) * 0.35
    depth = HEAD_DEPTH * a

    ys = np.arange(height, dtype=np.float64)
    # half-width of the head per row: a cylinder through the ear-level outline, closed by a
    # dome above the eyes (the jaw narrows in front, but the head behind it does not)
    half = np.full(height, a)
    dome = ys < y_eye
    v = np.clip((y_eye - ys[dome]) / (y_eye - y_top), 0, 1)
    half[dome] = a * np.sqrt(np.clip(1 - v**2, 0, 1))
    half = np.maximum(half, 1.0)
    # rotation per row: full over the head, fading out over the neck, none elsewhere
    weight = np.zeros(height)
    weight[(ys >= y_top) & (ys <= y_chin)] = 1.0
    neck = (ys > y_chin) & (ys < y_neck)
    weight[neck] = 1 - (ys[neck] - y_chin) / (y_neck - y_chin)
    dome_factor = np.ones(height)
    dome_factor[dome] = np.sqrt(np.clip(1 - v**2, 0, 1))

    xs = np.arange(width, dtype=np.float64)
    map_x = np.tile(xs.astype(np.float32), (height, 1))
    nose_top, nose_tip, nose_base = points[27], points[30], points[33]
    for y in np.nonzero(weight > 0)[0]:
        hw = half[y]
        lo, hi = int(math.floor(x0 - hw)), int(math.ceil(x0 + hw))
        lo, hi = max(lo, 0), min(hi, width - 1)
        if hi - lo < 3:
            continue
        x = xs[lo : hi + 1]
        u = np.clip(np.abs(x - x0) / hw, 0, 1)
        z = depth * (1 - u**HEAD_SQUARENESS) ** (1 / HEAD_SQUARENESS)
        z *= dome_factor[y]
        # nose ridge from the bridge to the tip, then a rounded tip down to the nostrils
        if nose_top[1] <= y <= nose_base[1]:
            if y <= nose_tip[1]:
                t = (y - nose_top[1]) / max(1.0, nose_tip[1] - nose_top[1])
                centre = nose_top[0] + t * (nose_tip[0] - nose_top[0])
                lift = s * (NOSE_RIDGE[0] + NOSE_RIDGE[1] * t)
            else:
                t = (y - nose_tip[1]) / max(1.0, nose_base[1] - nose_tip[1])
                centre = nose_tip[0] + t * (nose_base[0] - nose_tip[0])
                lift = s * (NOSE_RIDGE[0] + NOSE_RIDGE[1]) * (1 - 0.7 * t)
            sigma = s * (0.08 + 0.08 * min(t, 1.0))
            z = z + lift * np.exp(-((x - centre) ** 2) / (2 * sigma**2))
        z = z + s * NOSE_TIP * np.exp(
            -(
                (x - nose_tip[0]) ** 2 / (2 * (0.12 * s) ** 2)
                + (y - nose_tip[1]) ** 2 / (2 * (0.1 * s) ** 2)
            )
        )
        for eye in (eyes_l, eyes_r):
            z = z - s * EYE_SOCKET * np.exp(
                -((x - eye[0]) ** 2 + (y - eye[1]) ** 2) / (2 * (0.18 * s) ** 2)
            )
        angle = theta * weight[y]
        projected = x0 + (x - x0) * math.cos(angle) + z * math.sin(angle)
        # hidden surface removal: with the turn pushing points right, a point is visible only
        # if nothing to its left lands further right (and vice versa)
        if angle >= 0:
            visible = projected >= np.maximum.accumulate(projected) - 1e-9
        else:
            visible = projected <= np.minimum.accumulate(projected[::-1])[::-1] + 1e-9
        # beyond the turned outline, squeeze or stretch a band of background into the gap, so
        # the background does not show a copy of the cheek
        band = max(2.0, 0.3 * hw)
        px = np.concatenate([[lo - band], projected[visible], [hi + band]])
        sx = np.concatenate([[lo - band], x[visible], [hi + band]])
        out_lo, out_hi = max(0, math.floor(lo - band)), min(width - 1, math.ceil(hi + band))
        target = xs[out_lo : out_hi + 1]
        map_x[y, out_lo : out_hi + 1] = np.interp(target, px, sx).astype(np.float32)
    map_y = np.repeat(ys.astype(np.float32)[:, None], width, axis=1)
    return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def tilt_photo(img: np.ndarray, degrees: float) -> np.ndarray:
    """A flat photo turned about its vertical centre line by `degrees`, seen by a camera.

    This is a printed photo or a phone screen rotated in front of the webcam: a perspective
    warp of the whole plane, with no parallax between the nose and the face outline.
    """
    height, width = img.shape[:2]
    f = 1.2 * width  # a typical webcam field of view
    theta = math.radians(degrees)
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)
    centre = np.array([width / 2, height / 2])
    moved = []
    for x, y in corners - centre:
        xr, zr = x * math.cos(theta), x * math.sin(theta)
        scale = f / (f + zr)
        moved.append((xr * scale, y * scale))
    target = np.array(moved) + centre
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target.astype(np.float32))
    return cv2.warpPerspective(img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)


def camera_jitter(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What separates two real frames of a still scene: a small shift/scale, light, noise, JPEG."""
    height, width = img.shape[:2]
    scale = rng.uniform(0.97, 1.03)
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-2, 2), scale)
    matrix = np.asarray(rotation, dtype=np.float64)
    matrix[:, 2] += rng.uniform(-0.02, 0.02, size=2) * (width, height)
    moved = cv2.warpAffine(img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    gain, offset = rng.uniform(0.9, 1.1), rng.uniform(-12, 12)
    noisy = moved.astype(np.float32) * gain + offset + rng.normal(0, 2.5, size=moved.shape)
    return reencode(np.clip(noisy, 0, 255).astype(np.uint8), quality=int(rng.integers(80, 95)))


def reencode(img: np.ndarray, *, quality: int = 85) -> np.ndarray:
    """JPEG round trip (RGB in, RGB out)."""
    ok, data = cv2.imencode(".jpg", img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return decoded[:, :, ::-1].copy()


POSE_YAW_SIGN = {"straight": 0.0, "left": 1.0, "right": -1.0}


@dataclass
class Subject:
    """One single-face photo, its landmarks and template, ready for simulation."""

    name: str
    image: np.ndarray
    points: np.ndarray
    template: np.ndarray


def subject_load(name: str, img: np.ndarray) -> Subject | str:
    """Prepare a photo for simulation (webcam-like size, one frontal face); or why not."""
    scale = min(1.0, 720 / max(img.shape[:2]))
    if scale < 1.0:
        img = cv2.resize(
            img,
            (round(img.shape[1] * scale), round(img.shape[0] * scale)),
            interpolation=cv2.INTER_AREA,
        )
    try:
        analysis = liveness.analyse_frame(img)
    except face_engine.FaceError as error:
        return error.code
    if liveness.pose_label(analysis.pose.yaw) != "straight":
        # the head model turns a frontal face; a photo already turned would be turned twice
        return "not_frontal"
    return Subject(name=name, image=img, points=analysis.landmarks, template=analysis.template)


def pose_frame(
    subject: Subject,
    pose: str,
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> np.ndarray:
    """A bona fide frame of `subject` holding `pose` (a simulated turn of 25-35 degrees)."""
    yaw = POSE_YAW_SIGN[pose] * rng.uniform(*turn) + rng.uniform(-3, 3)
    turned = simulate_turn(subject.image, subject.points, yaw) if abs(yaw) > 0.5 else subject.image
    return camera_jitter(turned, rng)


def bona_fide(
    subject: Subject,
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """One independently simulated frame per pose."""
    return [pose_frame(subject, pose, rng, turn) for pose in poses]


# --- attacks on the per-still check (liveness.liveness_check), used by its tests -----------
# (moved here from the evaluation command when it switched to recordings, issue 17)


def _attack_static_photo(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A printed photo held in front of the camera for every step (the camera adds noise)."""
    return [camera_jitter(subject.image, rng) for _ in poses]


def _attack_tilted_photo(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A printed photo held straight, or turned left/right as a whole, for the asked pose."""
    frames = []
    for pose in poses:
        angle = POSE_YAW_SIGN[pose] * TURNED_PHOTO_ANGLE
        frames.append(camera_jitter(tilt_photo(subject.image, angle), rng))
    return frames


def _attack_identity_swap(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A genuine-looking sequence in which one step shows someone else in the right pose."""
    frames = bona_fide(subject, poses, rng, turn)
    step = int(rng.integers(len(poses)))
    other = others[int(rng.integers(len(others)))]
    frames[step] = pose_frame(other, poses[step], rng, turn)
    return frames


def _attack_wrong_order(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """Real poses, but not in the order asked (e.g. a recording made for another challenge)."""
    for _ in range(20):
        shuffled = list(rng.permutation(poses))
        if shuffled != poses:
            return bona_fide(subject, shuffled, rng, turn)
    wrong = ["straight" if pose != "straight" else "left" for pose in poses]
    return bona_fide(subject, wrong, rng, turn)


def _attack_mirror_replay(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """The attacker has one real turn and mirrors it (re-encoded) for the opposite turn."""
    frames = bona_fide(subject, poses, rng, turn)
    source = next(i for i, pose in enumerate(poses) if pose in liveness.TURNS)
    for i, pose in enumerate(poses):
        if i != source and pose in liveness.TURNS:
            copy = frames[source] if pose == poses[source] else frames[source][:, ::-1]
            frames[i] = reencode(np.ascontiguousarray(copy), quality=85)
    return frames


def _attack_replayed_frame(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A real sequence in which one frame is re-sent (re-encoded, resized) for a later step."""
    frames = bona_fide(subject, poses, rng, turn)
    for i in range(len(poses)):
        for j in range(i + 1, len(poses)):
            if poses[i] == poses[j]:
                height, width = frames[i].shape[:2]
                smaller = cv2.resize(frames[i], (round(width * 0.9), round(height * 0.9)))
                frames[j] = reencode(cv2.resize(smaller, (width, height)), quality=75)
                return frames
    raise ValueError("replayed_frame needs a challenge with a repeated pose")


def _both_turns(poses: list[str]) -> bool:
    return {"left", "right"} <= set(poses)


def _repeated_pose(poses: list[str]) -> bool:
    return len(set(poses)) < len(poses)


# Challenge length per attack kind: a frame replayed for a repeated pose needs a challenge that
# repeats a pose, which only challenges longer than 3 steps do.
ATTACK_LENGTH = {"replayed_frame": 4}


Attack = Callable[..., list[np.ndarray]]

# Each attack kind, and which challenges it makes sense for (the attacker does not choose the
# challenge; we draw challenges until one fits, e.g. a mirror replay needs both turns).
ATTACKS: dict[str, Attack] = {
    "static_photo": _attack_static_photo,
    "tilted_photo": _attack_tilted_photo,
    "identity_swap": _attack_identity_swap,
    "wrong_order": _attack_wrong_order,
    "mirror_replay": _attack_mirror_replay,
    "replayed_frame": _attack_replayed_frame,
}
