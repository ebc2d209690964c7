"""Offline OCR: PP-OCR models from the ``rapidocr-onnxruntime`` wheel, run with onnxruntime.

One engine per process, loaded lazily (or warmed in Celery's ``worker_process_init``), used
under a lock. We call its three stages ourselves instead of ``RapidOCR.__call__``:

- text *detection* runs on a copy of the rectified document at ``DETECT_WIDTH`` (rapidocr's
  default scales the short side *up* to 736 px, three times the pixels we need);
- *recognition* runs only on the lines a parser asks for, cut from the sharper full-size
  document, and returns a per-character confidence (rapidocr only gives the line's mean), so a
  doubtful digit can send a case to review instead of to a rejection.

Nothing is downloaded: the three ONNX files ship inside the wheel. Never log what is read.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any, Protocol

import cv2
import numpy as np

DETECT_WIDTH = 736
REC_HEIGHT = 48


@dataclass(frozen=True)
class TextBox:
    """A detected text line: its corners (4x2, clockwise from top-left) in document pixels."""

    points: np.ndarray

    @property
    def x0(self) -> float:
        return float(self.points[:, 0].min())

    @property
    def x1(self) -> float:
        return float(self.points[:, 0].max())

    @property
    def y0(self) -> float:
        return float(self.points[:, 1].min())

    @property
    def y1(self) -> float:
        return float(self.points[:, 1].max())

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True)
class TextLine:
    """What one box says, with the line's mean and weakest per-character confidence."""

    box: TextBox
    text: str
    confidence: float
    weakest: float
    char_confidences: tuple[float, ...] = ()


class OcrEngine(Protocol):
    """What the document reader needs from an OCR engine (tests may inject their own)."""

    def detect(self, img: np.ndarray) -> list[TextBox]: ...

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]: ...


def _threads() -> int:
    from django.conf import settings

    configured = getattr(settings, "BIOMETRICS_OCR_THREADS", None) if settings.configured else None
    return int(configured or os.environ.get("BIOMETRICS_OCR_THREADS") or 1)


class RapidOcrEngine:
    """rapidocr-onnxruntime's PP-OCRv4 detection + recognition models (the direction model is
    not used: the reader settles the document's orientation from the whole page)."""

    def __init__(self, threads: int = 1) -> None:
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            det_limit_type="max",
            det_limit_side_len=DETECT_WIDTH,
            # A line's score is the mean text probability inside its own outline, not inside
            # the rectangle around it: a line on a bent page is an arc, most of whose
            # rectangle is paper, and "fast" scoring dropped a curled passport's MRZ lines.
            det_score_mode="slow",
        )
        self._det = engine.text_det
        self._cls = engine.text_cls
        self._rec = engine.text_rec
        self._charset: list[str] = list(engine.text_rec.postprocess_op.character)
        self.lock = threading.Lock()

    def detect(self, img: np.ndarray) -> list[TextBox]:
        """Find text lines in an RGB image; boxes come back in that image's pixels."""
        height, width = img.shape[:2]
        scale = min(1.0, DETECT_WIDTH / max(height, width))
        small = (
            img
            if scale == 1.0
            else cv2.resize(
                img, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
            )
        )
        with self.lock:
            boxes, _elapsed = self._det(np.ascontiguousarray(small[:, :, ::-1]))
        if boxes is None:
            return []
        return [TextBox(points=np.asarray(b, np.float32) / scale) for b in boxes]

    def upside_down(self, img: np.ndarray, boxes: list[TextBox]) -> bool:
        """Is the page upside down? The direction model's vote over the eight widest lines."""
        widest = sorted(boxes, key=lambda b: b.width, reverse=True)[:8]
        crops = [_line_crop(img, box) for box in widest]
        with self.lock:
            _crops, votes, _elapsed = self._cls(crops)
        flipped = sum(1 for label, score in votes if label == "180" and score > 0.6)
        return flipped * 2 > len(votes)

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        """Read each box of an RGB image; per-character confidences from the CTC output."""
        if not boxes:
            return []
        crops = [_line_crop(img, box) for box in boxes]
        order = np.argsort([c.shape[1] / c.shape[0] for c in crops])
        results: list[TextLine | None] = [None] * len(crops)
        for start in range(0, len(order), 6):
            batch = [int(i) for i in order[start : start + 6]]
            ratio = max(2.0, *(crops[i].shape[1] / crops[i].shape[0] for i in batch))
            target = int(REC_HEIGHT * ratio)
            tensor = np.zeros((len(batch), 3, REC_HEIGHT, target), np.float32)
            for row, i in enumerate(batch):
                crop = crops[i]
                w = min(target, int(np.ceil(REC_HEIGHT * crop.shape[1] / crop.shape[0])))
                resized = cv2.resize(crop, (max(1, w), REC_HEIGHT)).astype(np.float32)
                tensor[row, :, :, :w] = (resized.transpose(2, 0, 1) / 255 - 0.5) / 0.5
            with self.lock:
                preds = self._rec.session(tensor)[0]
            for row, i in enumerate(batch):
                results[i] = self._decode(boxes[i], preds[row])
        return [r for r in results if r is not None]

    def _decode(self, box: TextBox, pred: np.ndarray) -> TextLine:
        """Greedy CTC decoding with each kept character's probability."""
        indices = pred.argmax(axis=1)
        probs = pred.max(axis=1)
        chars, confs = [], []
        previous = -1
        for index, prob in zip(indices, probs, strict=True):
            if index != previous and index != 0:
                chars.append(self._charset[index] if index < len(self._charset) else "")
                confs.append(float(prob))
            previous = index
        mean = float(np.mean(confs)) if confs else 0.0
        return TextLine(
            box=box,
            text="".join(chars),
            confidence=mean,
            weakest=min(confs) if confs else 0.0,
            char_confidences=tuple(confs),
        )


# Each line is cut out with this share of its height added above and below. The detector's
# boxes hug small print: a serif name's tops and tails, or a bold line's blur, cut off cost
# letters ("KARHIKA KUSUXA" for KARTIKA KUSUMA, read whole with the margin). A line read right
# the first time is not read again from another region, so the check also costs less CPU
# (docs/documents.md, stop 25).
LINE_MARGIN = 0.05


def _line_crop(img: np.ndarray, box: TextBox) -> np.ndarray:
    """Cut a text box out of the image, straightened (BGR, as the model was trained), with
    ``LINE_MARGIN`` of its height added above and below."""
    pts = box.points.astype(np.float32)
    # points run clockwise from the top left: move the top edge up and the bottom edge down
    # along the box's own sides
    down = ((pts[3] - pts[0]) + (pts[2] - pts[1])) / 2 * LINE_MARGIN
    pts = pts + np.stack([-down, -down, down, down])
    width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    width, height = max(width, 2), max(height, 2)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(pts, target)
    crop = cv2.warpPerspective(
        img, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    return np.ascontiguousarray(crop[:, :, ::-1])


_ENGINE: OcrEngine | None = None
_LOAD_LOCK = threading.Lock()


def engine() -> OcrEngine:
    """The process-wide OCR engine, loaded on first use (about 0.3 s)."""
    global _ENGINE
    if _ENGINE is None:
        with _LOAD_LOCK:
            if _ENGINE is None:
                _ENGINE = RapidOcrEngine(threads=_threads())
    return _ENGINE


def warm_up() -> None:
    """Load the OCR models now (Celery's worker_process_init) instead of on the first task."""
    engine()


def engine_set(replacement: Any) -> OcrEngine | None:
    """Swap the process-wide engine (tests wrap it in a cache); returns the previous one."""
    global _ENGINE
    previous, _ENGINE = _ENGINE, replacement
    return previous
