"""Face pictures for tests that must run anywhere: photos shipped inside installed packages.

grace_hopper.jpg comes with matplotlib (a runtime dependency) and astronaut.png (Eileen
Collins) with scikit-image (dev only). Nothing here reads ../shared/faces; `shared_faces_dir`
only says where that optional folder is.
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont


def _package_file(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@cache
def _load(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


def grace_hopper() -> np.ndarray:
    """Grace Hopper's portrait (512x600 RGB), one face."""
    return _load(_package_file("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg")).copy()


def astronaut() -> np.ndarray:
    """Eileen Collins' portrait (512x512 RGB), one face, a different person from Hopper."""
    return _load(_package_file("skimage", "data", "astronaut.png")).copy()


def face_only(img: np.ndarray) -> np.ndarray:
    """The face and some shoulders, as it would be printed on an ID card."""
    height, width = img.shape[:2]
    if img.shape[:2] == (600, 512):  # grace_hopper: face in the upper middle
        return img[40:460, 60:460].copy()
    return img[0:300, 100:400].copy()  # astronaut: face in the top middle


def retaken(img: np.ndarray) -> np.ndarray:
    """A second 'photo' of the same person: scaled, brighter, slightly rotated."""
    pil = Image.fromarray(img)
    pil = pil.resize((round(pil.width * 1.3), round(pil.height * 1.3)), Image.Resampling.BICUBIC)
    pil = pil.rotate(6, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(235, 235, 235))
    brighter = np.clip(np.asarray(pil).astype(np.int16) + 25, 0, 255).astype(np.uint8)
    return brighter


def id_card(
    face: np.ndarray, *, name: str = "SITI RAHAYU", nik: str = "3174094512900001"
) -> np.ndarray:
    """Draw a plausible KTP-like card (1000x630 RGB) with `face` as its photo."""
    card = Image.new("RGB", (1000, 630), (120, 170, 215))
    draw = ImageDraw.Draw(card)
    font = ImageFont.load_default(size=30)
    draw.rectangle((0, 0, 1000, 80), fill=(40, 90, 160))
    draw.text((30, 22), "PROVINSI DKI JAKARTA  KARTU TANDA PENDUDUK", fill="white", font=font)
    for row, (label, value) in enumerate(
        [
            ("NIK", nik),
            ("Nama", name),
            ("Tempat/Tgl Lahir", "JAKARTA, 05-12-1990"),
            ("Jenis Kelamin", "PEREMPUAN"),
            ("Berlaku Hingga", "SEUMUR HIDUP"),
        ]
    ):
        draw.text((30, 120 + row * 70), f"{label}: {value}", fill=(10, 10, 10), font=font)
    photo = Image.fromarray(face)
    photo.thumbnail((300, 400), Image.Resampling.LANCZOS)
    card.paste(photo, (670, 130))
    return np.asarray(card)


def selfie_holding_card(person: np.ndarray, card: np.ndarray) -> np.ndarray:
    """A selfie of `person` holding `card` beside their face: two faces in one frame."""
    canvas = Image.new("RGB", (1200, 800), (200, 190, 180))
    portrait = Image.fromarray(person)
    portrait.thumbnail((600, 780), Image.Resampling.LANCZOS)
    canvas.paste(portrait, (40, 10))
    held = Image.fromarray(card)
    held.thumbnail((540, 540), Image.Resampling.LANCZOS)
    canvas.paste(held, (640, 300))
    return np.asarray(canvas)


def two_people(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Two portraits side by side."""
    height = max(left.shape[0], right.shape[0])
    canvas = np.full((height, left.shape[1] + right.shape[1], 3), 255, dtype=np.uint8)
    canvas[: left.shape[0], : left.shape[1]] = left
    canvas[: right.shape[0], left.shape[1] :] = right
    return canvas


def jpeg_bytes(img: np.ndarray, *, quality: int = 90, **save: object) -> bytes:
    """Encode an RGB array as JPEG bytes."""
    out = io.BytesIO()
    Image.fromarray(img).save(out, format="JPEG", quality=quality, **save)
    return out.getvalue()


def png_bytes(img: np.ndarray | Image.Image) -> bytes:
    """Encode an array or Pillow image as PNG bytes."""
    pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
    out = io.BytesIO()
    pil.save(out, format="PNG")
    return out.getvalue()


def shared_faces_dir() -> Path | None:
    """The labelled photo folder (../shared/faces next to the checkout, or $FACES_DIR), if any."""
    configured = os.environ.get("FACES_DIR")
    candidate = (
        Path(configured)
        if configured
        else Path(__file__).resolve().parents[2] / ".." / "shared" / "faces"
    )
    return candidate.resolve() if (candidate / "pairs.csv").is_file() else None
