"""Fonts (matplotlib DejaVu; system fonts only inside system_fonts()) and face photos."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageFont

# --- resources ------------------------------------------------------------------------------


_SYSTEM_FONTS: ContextVar[bool] = ContextVar("system_fonts", default=False)


@contextmanager
def system_fonts() -> Iterator[None]:
    """Draw with the machine's TrueType fonts too (more variety, machine-dependent pixels)."""
    token = _SYSTEM_FONTS.set(True)
    try:
        yield
    finally:
        _SYSTEM_FONTS.reset(token)


def font_files() -> tuple[tuple[Path, ...], tuple[Path, ...], tuple[Path, ...]]:
    """(sans, bold, mono) TrueType files: matplotlib's DejaVu, plus system fonts if asked for."""
    return _font_files(_SYSTEM_FONTS.get())


@cache
def _font_files(
    include_system: bool,
) -> tuple[tuple[Path, ...], tuple[Path, ...], tuple[Path, ...]]:
    import matplotlib

    bundled = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    found = [p for p in bundled.glob("DejaVu*.ttf") if "Display" not in p.name]
    for root in ("/usr/share/fonts/truetype", "/usr/share/fonts/TTF"):
        if include_system and Path(root).is_dir():
            found += list(Path(root).rglob("*.ttf"))
    usable = [p for p in found if "Oblique" not in p.name and "Italic" not in p.name]
    usable = [p for p in usable if "Math" not in p.name and "ExtraLight" not in p.name]
    mono = tuple(sorted({p for p in usable if "Mono" in p.name}))
    bold = tuple(sorted({p for p in usable if "Bold" in p.name and "Mono" not in p.name}))
    sans = tuple(sorted({p for p in usable if p not in mono and p not in bold}))
    return sans, bold, mono


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), max(8, int(size)))


def _shared_faces_dir() -> Path | None:
    configured = os.environ.get("FACES_DIR")
    root = Path(__file__).resolve().parents[2]
    candidate = Path(configured) if configured else root / ".." / "shared" / "faces"
    return candidate.resolve() if candidate.is_dir() else None


def _package_faces() -> list[np.ndarray]:
    from matplotlib import cbook

    out = []
    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as img:
        out.append(np.asarray(img.convert("RGB"))[40:460, 60:460])
    try:
        import skimage

        path = Path(skimage.__file__).parent / "data" / "astronaut.png"
        with Image.open(path) as img:
            out.append(np.asarray(img.convert("RGB"))[0:300, 100:400])
    except ImportError:
        pass
    return out


@cache
def faces(use_shared: bool = True) -> tuple[np.ndarray, ...]:
    """Portrait crops (head and shoulders) to print on documents."""
    folder = _shared_faces_dir() if use_shared else None
    if folder is None:
        return tuple(_package_faces())

    portraits = []
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
            continue
        with Image.open(path) as img:
            crop = portrait_crop(np.asarray(img.convert("RGB")))
        if crop is not None:
            portraits.append(crop)
    return tuple(portraits) or tuple(_package_faces())


def portrait_crop(rgb: np.ndarray) -> np.ndarray | None:
    """Head and shoulders around the one face of a photo, as an ID portrait; None otherwise."""
    from biometrics import face_engine

    boxes = face_engine.detect_faces(rgb)
    if len(boxes) != 1 or boxes[0].width < 60:
        return None
    box = boxes[0]
    cx, cy = (box.left + box.right) / 2, (box.top + box.bottom) / 2
    half_w, half_h = box.width * 0.95, box.height * 1.25
    x0, x1 = max(0, int(cx - half_w)), min(rgb.shape[1], int(cx + half_w))
    y0, y1 = max(0, int(cy - half_h * 0.95)), min(rgb.shape[0], int(cy + half_h * 1.05))
    return rgb[y0:y1, x0:x1].copy()
