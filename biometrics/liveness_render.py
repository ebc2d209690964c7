"""Rendered head-turn bursts and paper/screen attacks, for liveness evaluation, tests and the demo.

A genuine burst maps one frontal photo onto a mean 3-D face: the 68 dlib landmarks get a
generic depth each (anthropometric averages, in millimetres behind the nose tip), a few
forehead points and a ring around the head are added, and each frame warps the Delaunay
triangles of that mesh (piecewise affine) to where the rotated, perspective-projected points
land. Triangles are drawn far to near, so the nose hides the far cheek. The head sweeps through
the challenge's poses smoothly (ease in, ease out, short holds), with small camera jitter,
sensor noise and JPEG, at 8-15 frames per second.

Attacks use the same warp on other surfaces: the whole photo as a flat print, a print folded
along the nose line, bent into a cylinder, a cut-out face bent in front of the real background,
a screen showing the photo; and burst-level attacks: a set of stills (real photos of the person
at different turns, each shown for a while), three unrelated stills, and a replay of a burst.

Rendered frames are weaker evidence than camera frames: see docs/liveness.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from biometrics import face_engine, liveness
from biometrics.liveness_light import Light

# Depth of each of the 68 landmarks, in mm behind the nose tip (0 = nose tip, negative = further
# from the camera), for an average adult head (outer eye corners ~90 mm apart).
_JAW = [-95, -88, -80, -70, -58, -45, -33, -25, -22, -25, -33, -45, -58, -70, -80, -88, -95]
_BROWS = [-45, -33, -25, -21, -20, -20, -21, -25, -33, -45]
_NOSE = [-22, -15, -8, 0, -18, -12, -10, -12, -18]
_EYES = [-35, -27, -26, -27, -28, -30, -27, -26, -27, -35, -30, -28]
_LIPS = [-33, -23, -17, -15, -17, -23, -33, -25, -19, -18, -19, -25, -30, -19, -17, -19, -30]
_LIPS += [-20, -18, -20]
MEAN_FACE_DEPTH_MM = np.array(_JAW + _BROWS + _NOSE + _EYES + _LIPS, dtype=np.float64)
EYE_SPAN_MM = 90.0  # outer eye corners
AXIS_DEPTH_MM = 95.0  # the head turns about a vertical axis this far behind the nose tip
CAMERA_DISTANCE_MM = 450.0

GENUINE_TURN = (22.0, 35.0)  # degrees of a turn pose, drawn per burst
FPS = (8.0, 15.0)
SECONDS_PER_POSE = (0.8, 1.3)


@dataclass
class Face:
    """A frontal photo and its landmarks, ready to render."""

    name: str
    image: np.ndarray
    points: np.ndarray
    template: np.ndarray


def face_load(name: str, img: np.ndarray, *, side: int = 640) -> Face | str:
    """Prepare a photo (webcam-like size, one frontal face); or the reason it cannot be used."""
    scale = side / max(img.shape[:2])
    if abs(scale - 1.0) > 0.01:
        img = cv2.resize(
            img,
            (round(img.shape[1] * scale), round(img.shape[0] * scale)),
            interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
        )
    img = np.ascontiguousarray(img)
    try:
        analysis = liveness.analyse_frame(img)
    except face_engine.FaceError as error:
        return error.code
    if liveness.pose_label(analysis.pose.yaw) != "straight":
        return "not_frontal"
    return Face(name=name, image=img, points=analysis.landmarks, template=analysis.template)


# --- the mesh -----------------------------------------------------------------------------


@dataclass
class Mesh:
    """Source points (pixels), their depth (pixels, + towards the camera), which move."""

    points: np.ndarray  # (n, 2)
    depth: np.ndarray  # (n,)
    moving: np.ndarray  # (n,) bool: False for the static background ring and the border
    triangles: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), int))
    pivot: tuple[float, float, float] = (0.0, 0.0, 0.0)  # x, y, z of the turning axis


def _scale(points: np.ndarray) -> float:
    """Pixels per mm of the face in the photo."""
    return float(np.linalg.norm(points[45] - points[36])) / EYE_SPAN_MM


def _border(width: int, height: int, n: int = 4) -> np.ndarray:
    xs = np.linspace(0, width - 1, n + 1)
    ys = np.linspace(0, height - 1, n + 1)
    edge = [(x, 0) for x in xs] + [(x, height - 1) for x in xs]
    edge += [(0, y) for y in ys[1:-1]] + [(width - 1, y) for y in ys[1:-1]]
    return np.array(edge, dtype=np.float64)


def _triangulate(points: np.ndarray, width: int, height: int) -> np.ndarray:
    subdiv = cv2.Subdiv2D((-1, -1, width + 2, height + 2))
    index = {}
    for k, (x, y) in enumerate(points):
        key = (round(float(x), 3), round(float(y), 3))
        if key in index:
            continue
        index[key] = k
        subdiv.insert((float(x), float(y)))
    triangles = []
    for t in subdiv.getTriangleList():
        corners = [(round(float(t[i]), 3), round(float(t[i + 1]), 3)) for i in (0, 2, 4)]
        if all(c in index for c in corners):
            triangles.append([index[c] for c in corners])
    return np.array(triangles, dtype=int)


def head_mesh(face: Face, depth_mm: np.ndarray | None = None) -> Mesh:
    """The head: landmarks with `depth_mm` (the mean face by default), forehead, static ring."""
    height, width = face.image.shape[:2]
    pts = face.points
    mm = _scale(pts)
    depth = (MEAN_FACE_DEPTH_MM if depth_mm is None else depth_mm) * mm
    eyes = (pts[36:42].mean(axis=0) + pts[42:48].mean(axis=0)) / 2
    lift = 0.55 * float(pts[8, 1] - eyes[1])
    forehead = np.array([[pts[k, 0], pts[k, 1] - lift] for k in (17, 19, 21, 22, 24, 26)])
    forehead_depth = np.array([-50, -32, -26, -26, -32, -50], dtype=np.float64) * mm
    if depth_mm is not None:  # a surface model: forehead on the same surface
        forehead_depth = np.interp(
            forehead[:, 0], pts[:, 0][np.argsort(pts[:, 0])], depth[np.argsort(pts[:, 0])]
        )
    hull = np.vstack([pts[:17], forehead])
    centre = hull.mean(axis=0)
    ring = centre + (hull - centre) * 1.35
    border = _border(width, height)
    points = np.vstack([pts, forehead, ring, border])
    depths = np.concatenate([depth, forehead_depth, np.zeros(len(ring) + len(border))])
    moving = np.concatenate(
        [np.ones(68 + len(forehead), bool), np.zeros(len(ring) + len(border), bool)]
    )
    points[:, 0] = np.clip(points[:, 0], 0, width - 1)
    points[:, 1] = np.clip(points[:, 1], 0, height - 1)
    mesh = Mesh(points=points, depth=depths, moving=moving)
    mesh.triangles = _triangulate(points, width, height)
    mesh.pivot = (float(pts[27, 0]), float(eyes[1]), -AXIS_DEPTH_MM * mm)
    return mesh


def surface_mesh(
    face: Face, surface: str, amount: float, *, cut_out: bool = False, grid: int = 14
) -> Mesh:
    """A print of the photo: flat, folded along the nose line, or bent into a cylinder.

    `amount`: the fold angle in degrees (each half is bent back by it), or the cylinder's bend
    in degrees (the angle the surface turns through from the nose line to the cheek edge).
    With `cut_out`, only the face (landmarks and forehead) is paper; the background is real.
    """
    height, width = face.image.shape[:2]
    pts = face.points
    crease = float((pts[27, 0] + pts[30, 0] + pts[8, 0]) / 3)
    half = float(pts[16, 0] - pts[0, 0]) / 2

    def depth_of(xs: np.ndarray) -> np.ndarray:
        dx = np.abs(xs - crease)
        if surface == "flat":
            return np.zeros_like(xs)
        if surface == "fold":
            return -dx * math.tan(math.radians(amount))
        if surface == "cylinder":
            radius = half / math.sin(math.radians(max(amount, 1.0)))
            dx = np.minimum(dx, radius)
            return -(radius - np.sqrt(radius**2 - dx**2))
        raise ValueError(surface)

    if cut_out:
        mesh = head_mesh(face, depth_mm=depth_of(pts[:, 0]) / _scale(pts))
        mesh.pivot = (crease, mesh.pivot[1], 0.0)
        return mesh
    xs = np.unique(np.concatenate([np.linspace(0, width - 1, grid), [crease]]))
    ys = np.linspace(0, height - 1, grid)
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    mesh = Mesh(points=points, depth=depth_of(points[:, 0]), moving=np.ones(len(points), bool))
    mesh.triangles = _triangulate(points, width, height)
    mesh.pivot = (crease, float(pts[30, 1]), 0.0)
    return mesh


# --- projection and warp ------------------------------------------------------------------


def _project(
    mesh: Mesh,
    yaw: float,
    pitch: float,
    roll: float,
    shift: tuple[float, float],
    zoom: float,
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each mesh point lands after turning the moving part; and its depth."""
    px, py, pz = mesh.pivot
    x = mesh.points[:, 0] - px
    y = mesh.points[:, 1] - py
    z = mesh.depth - pz
    a, b, c = math.radians(yaw), math.radians(pitch), math.radians(roll)
    # yaw about the vertical axis (positive: the nose moves to the image's right), then pitch
    x1 = x * math.cos(a) + z * math.sin(a)
    z1 = -x * math.sin(a) + z * math.cos(a)
    y1 = y * math.cos(b) - z1 * math.sin(b)
    z2 = y * math.sin(b) + z1 * math.cos(b)
    x2 = x1 * math.cos(c) - y1 * math.sin(c)
    y2 = x1 * math.sin(c) + y1 * math.cos(c)
    distance = CAMERA_DISTANCE_MM * width / 640.0 * 2.2  # pixels, about a webcam at arm's length
    # perspective relative to the photo's own (identity for a point that did not move)
    gain = (distance - (mesh.depth - pz)) / np.maximum(distance - z2, 1.0)
    moved_x = px + x2 * gain * zoom + shift[0]
    moved_y = py + y2 * gain * zoom + shift[1]
    out = mesh.points.copy()
    out[mesh.moving, 0] = moved_x[mesh.moving]
    out[mesh.moving, 1] = moved_y[mesh.moving]
    depth = np.where(mesh.moving, z2, -1e6)
    return out, depth


def warp(image: np.ndarray, mesh: Mesh, target: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Piecewise affine warp of `image` from the mesh's points to `target`, far to near."""
    height, width = image.shape[:2]
    out = image.copy()
    order = np.argsort(depth[mesh.triangles].mean(axis=1))
    for tri in mesh.triangles[order]:
        src = mesh.points[tri].astype(np.float32)
        dst = target[tri].astype(np.float32)
        x0, y0 = np.floor(dst.min(axis=0)).astype(int)
        x1, y1 = np.ceil(dst.max(axis=0)).astype(int) + 1
        x0, y0 = max(x0, 0), max(y0, 0)
        x1, y1 = min(x1, width), min(y1, height)
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        area = (dst[1, 0] - dst[0, 0]) * (dst[2, 1] - dst[0, 1]) - (dst[2, 0] - dst[0, 0]) * (
            dst[1, 1] - dst[0, 1]
        )
        if abs(area) < 0.5:
            continue
        local = (dst - np.array([x0, y0], np.float32)).astype(np.float32)
        matrix = cv2.getAffineTransform(local, src)
        patch = cv2.warpAffine(
            image,
            matrix,
            (x1 - x0, y1 - y0),
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_REFLECT,
        )
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillConvexPoly(mask, np.round(local).astype(np.int32), 1)
        region = out[y0:y1, x0:x1]
        region[mask > 0] = patch[mask > 0]
    return out


# --- camera -------------------------------------------------------------------------------


def camera(
    img: np.ndarray,
    rng: np.random.Generator,
    *,
    gain: float = 1.0,
    offset: float = 0.0,
    quality: int = 88,
) -> np.ndarray:
    """Sensor noise, exposure and JPEG: what separates a rendered frame from a camera frame."""
    noisy = img.astype(np.float32) * gain + offset + rng.normal(0, 2.0, size=img.shape)
    ok, data = cv2.imencode(
        ".jpg",
        np.clip(noisy, 0, 255).astype(np.uint8)[:, :, ::-1],
        [cv2.IMWRITE_JPEG_QUALITY, quality],
    )
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return decoded[:, :, ::-1].copy()


def screen_look(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone screen filmed by a webcam: gamma, a blue cast, moiré, a little blur."""
    height, width = img.shape[:2]
    out = (img.astype(np.float32) / 255.0) ** rng.uniform(0.8, 1.2) * 255.0
    out *= np.array([0.92, 0.97, 1.08], dtype=np.float32)
    yy, xx = np.mgrid[0:height, 0:width]
    period = rng.uniform(3.0, 6.0)
    angle = rng.uniform(0, math.pi)
    moire = np.sin((xx * math.cos(angle) + yy * math.sin(angle)) * 2 * math.pi / period)
    out += (6.0 * moire)[:, :, None]
    blurred = cv2.GaussianBlur(out, (0, 0), 0.8)
    return np.clip(blurred, 0, 255).astype(np.uint8)


# --- trajectories -------------------------------------------------------------------------


@dataclass
class Burst:
    """Frames (RGB uint8), capture times in ms from the start, and the yaw rendered per frame."""

    frames: list[np.ndarray]
    times_ms: list[int]
    yaws: list[float]


def _ease(t: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(t, 0, 1))


def sweep(
    poses: list[str], rng: np.random.Generator, *, turn: tuple[float, float] = GENUINE_TURN
) -> tuple[np.ndarray, np.ndarray]:
    """Times (s) and yaws (deg) of one smooth head movement through `poses`."""
    fps = rng.uniform(*FPS)
    targets = [
        liveness_sign(pose) * rng.uniform(*turn) + (rng.uniform(-3, 3) if pose == "straight" else 0)
        for pose in poses
    ]
    per_pose = rng.uniform(*SECONDS_PER_POSE)
    hold = 0.35 * per_pose
    duration = per_pose * len(poses)
    times = np.arange(0.0, duration, 1.0 / fps)
    times += rng.uniform(-0.15, 0.15, size=len(times)) / fps
    times = np.maximum.accumulate(np.maximum(times, 0.0))
    yaws = np.empty_like(times)
    for k, t in enumerate(times):
        step = min(int(t // per_pose), len(poses) - 1)
        local = (t - step * per_pose) / (per_pose - hold)
        if step == 0 or local >= 1.0:
            yaws[k] = targets[step]
        else:
            start = targets[step - 1]
            yaws[k] = start + (targets[step] - start) * float(_ease(np.array(local)))
    # the first pose is held, then each transition eases into the next pose and holds there
    return times, yaws


def liveness_sign(pose: str) -> float:
    return {"straight": 0.0, "left": 1.0, "right": -1.0}[pose]


def render(
    face: Face,
    mesh: Mesh,
    times: np.ndarray,
    yaws: np.ndarray,
    rng: np.random.Generator,
    *,
    screen: bool = False,
    jitter: float = 1.0,
    light: Light | None = None,
) -> Burst:
    """Render a burst: the mesh turned by `yaws`, with drifting jitter, noise and JPEG.

    With `light`, the screen's colours (liveness_light) light the scene near the face: each
    frame is tinted by the colour on screen then, at the light's strength, fading with the
    distance from the face (the background is further from the screen).
    """
    height, width = face.image.shape[:2]
    n = len(times)
    drift = np.cumsum(rng.normal(0, 0.6 * jitter, size=(n, 2)), axis=0)
    pitch = np.cumsum(rng.normal(0, 0.3 * jitter, size=n)) + rng.uniform(-3, 3)
    roll = np.cumsum(rng.normal(0, 0.2 * jitter, size=n)) + rng.uniform(-2, 2)
    zoom = 1.0 + np.cumsum(rng.normal(0, 0.002 * jitter, size=n))
    gain, offset = rng.uniform(0.92, 1.08), rng.uniform(-8, 8)
    base = screen_look(face.image, rng) if screen else face.image
    frames = []
    for k in range(n):
        target, depth = _project(
            mesh,
            float(yaws[k]),
            float(pitch[k]),
            float(roll[k]),
            tuple(drift[k]),
            float(zoom[k]),
            width,
        )
        frame = warp(base, mesh, target, depth)
        if light is not None:
            frame = light.apply(frame, float(times[k]) * 1000.0, target[:68])
        frames.append(
            camera(frame, rng, gain=gain, offset=offset, quality=int(rng.integers(82, 93)))
        )
    return Burst(
        frames=frames,
        times_ms=[round(float(t) * 1000) for t in times],
        yaws=[float(y) for y in yaws],
    )


def genuine_burst(
    face: Face, poses: list[str], rng: np.random.Generator, *, light: Light | None = None
) -> Burst:
    """A live member turning their head through `poses` in one smooth movement."""
    times, yaws = sweep(poses, rng)
    yaws = yaws + rng.normal(0, 0.4, size=len(yaws))
    return render(face, head_mesh(face), times, yaws, rng, light=light)


ATTACK_KINDS = (
    "flat_print",
    "folded_print",
    "cylinder_print",
    "bent_cutout",
    "screen_replay",
    "photo_set",
    "unrelated_stills",
    "replayed_burst",
)


def attack_burst(
    kind: str,
    face: Face,
    poses: list[str],
    rng: np.random.Generator,
    *,
    other: Face | None = None,
    light: Light | None = None,
) -> Burst:
    """One presentation attack of `kind` following the challenge `poses` as well as it can.

    `light`: the light challenge as paper in front of the screen reflects it (prints and
    cut-outs follow it like a face; a screen, emitting its own light, barely reflects it; a
    replayed burst followed an earlier challenge's light, which the caller passes).
    """
    times, yaws = sweep(poses, rng, turn=(15.0, 35.0))
    if kind == "flat_print":
        return render(face, surface_mesh(face, "flat", 0.0), times, yaws, rng, light=light)
    if kind == "folded_print":
        mesh = surface_mesh(face, "fold", rng.uniform(15, 40))
        return render(face, mesh, times, yaws, rng, light=light)
    if kind == "cylinder_print":
        mesh = surface_mesh(face, "cylinder", rng.uniform(25, 60))
        return render(face, mesh, times, yaws, rng, light=light)
    if kind == "bent_cutout":
        mesh = surface_mesh(face, "cylinder", rng.uniform(25, 60), cut_out=True)
        return render(face, mesh, times, yaws, rng, light=light)
    if kind == "screen_replay":
        glare = None if light is None else Light(light.sequence, light.strength * 0.1)
        mesh = surface_mesh(face, "flat", 0.0)
        return render(face, mesh, times, yaws, rng, screen=True, light=glare)
    if kind in ("photo_set", "unrelated_stills"):
        return stills_burst(face, poses, rng, other=other if kind == "unrelated_stills" else None)
    if kind == "replayed_burst":
        return genuine_burst(face, poses, rng, light=light)  # the caller submits it again
    raise ValueError(kind)


def stills_burst(
    face: Face, poses: list[str], rng: np.random.Generator, *, other: Face | None = None
) -> Burst:
    """Real photos of the person (or, with `other`, of unrelated pictures) at the asked turns.

    Each photo is its own picture (another moment: light, distance, position), shown for a
    while: the frames of one photo differ only by sensor noise.
    """
    fps = rng.uniform(*FPS)
    per_pose = rng.uniform(*SECONDS_PER_POSE)
    photos = []
    mesh = head_mesh(face)
    height, width = face.image.shape[:2]
    for k, pose in enumerate(poses):
        source = other if (other is not None and k % 2 == 1) else face
        yaw = liveness_sign(pose) * rng.uniform(22, 35)
        target, depth = _project(
            mesh if source is face else head_mesh(source),
            yaw,
            rng.uniform(-4, 4),
            rng.uniform(-4, 4),
            tuple(rng.uniform(-0.05, 0.05, size=2) * width),
            rng.uniform(0.9, 1.1),
            width,
        )
        photo = warp(source.image, mesh if source is face else head_mesh(source), target, depth)
        if photo.shape != face.image.shape:
            photo = cv2.resize(photo, (width, height))
        light = rng.uniform(0.8, 1.2)
        photos.append(np.clip(photo.astype(np.float32) * light, 0, 255).astype(np.uint8))
    count = max(2, round(fps * per_pose))
    frames: list[np.ndarray] = []
    times: list[float] = []
    for photo in photos:
        for _repeat in range(count):
            times.append(len(frames) / fps)
            frames.append(camera(photo, rng, quality=int(rng.integers(82, 93))))
    return Burst(frames=frames, times_ms=[round(t * 1000) for t in times], yaws=[])
