"""An OCR engine wrapper for the test session: the real engine, each distinct input read once.

Dozens of tests submit the same standard document; its decoded pixels are identical each time
(image intake re-encodes deterministically), so detection and recognition results are cached
by a hash of the pixels and the boxes. Nothing is faked: a document the session has not read
yet goes through the real models.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from biometrics.documents.ocr import TextBox, TextLine


def _key(img: np.ndarray, *extra: Any) -> str:
    digest = hashlib.blake2b(np.ascontiguousarray(img).tobytes(), digest_size=16)
    digest.update(str(img.shape).encode())
    for item in extra:
        digest.update(repr(item).encode())
    return digest.hexdigest()


class CachingEngine:
    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._engine: Any = None
        self._cache: dict[str, Any] = {}

    @property
    def engine(self) -> Any:
        if self._engine is None:
            self._engine = self._factory()
        return self._engine

    def _cached(self, key: str, compute: Any) -> Any:
        if key not in self._cache:
            if len(self._cache) > 4000:
                self._cache.clear()
            self._cache[key] = compute()
        return self._cache[key]

    def detect(self, img: np.ndarray) -> list[TextBox]:
        return self._cached(_key(img, "detect"), lambda: self.engine.detect(img))

    def upside_down(self, img: np.ndarray, boxes: list[TextBox]) -> bool:
        points = [b.points.round(1).tolist() for b in boxes]
        return self._cached(_key(img, "flip", points), lambda: self.engine.upside_down(img, boxes))

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        points = [b.points.round(1).tolist() for b in boxes]
        lines = self._cached(_key(img, "rec", points), lambda: self.engine.recognise(img, boxes))
        # the caller's boxes (same coordinates) travel with the lines it gets back
        return (
            [
                TextLine(
                    box=box,
                    text=line.text,
                    confidence=line.confidence,
                    weakest=line.weakest,
                    char_confidences=line.char_confidences,
                )
                for box, line in zip(boxes, lines, strict=False)
            ]
            if len(lines) == len(boxes)
            else lines
        )


class PassThrough:
    """The session's real OCR engine, every call passed through: a test's engine that misreads
    one thing subclasses it and overrides only the call it alters."""

    def __init__(self) -> None:
        from biometrics.documents import ocr

        self.real = ocr.engine()

    def detect(self, img: np.ndarray) -> list[TextBox]:
        return self.real.detect(img)

    def upside_down(self, img: np.ndarray, boxes: list[TextBox]) -> bool:
        return bool(getattr(self.real, "upside_down")(img, boxes))  # noqa: B009

    def recognise(self, img: np.ndarray, boxes: list[TextBox]) -> list[TextLine]:
        return self.real.recognise(img, boxes)


class MrzFoundShort(PassThrough):
    """The real engine, except that the detector ends each MRZ line (a long line in the page's
    lower part) at ``share`` of its length: a soft photo, whose faint filler runs and the
    characters after them are not seen as text."""

    def __init__(self, share: float) -> None:
        super().__init__()
        self.share = share

    def detect(self, img: np.ndarray) -> list[TextBox]:
        boxes = []
        for box in self.real.detect(img):
            if box.width > 9 * box.height and box.cy > 0.6 * img.shape[0]:
                points = box.points.copy()
                points[[1, 2], 0] = points[[0, 3], 0] + self.share * box.width
                box = TextBox(points=points)
            boxes.append(box)
        return boxes
