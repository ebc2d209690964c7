"""A corpus of hostile and awkward uploads, drawn on the fly (no image file is committed)."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image


def _photo(width: int = 400, height: int = 300) -> Image.Image:
    """A smooth colour gradient (small as PNG and as JPEG)."""
    x = np.linspace(0, 255, width, dtype=np.uint8)
    y = np.linspace(0, 255, height, dtype=np.uint8)
    rgb = np.stack(
        np.broadcast_arrays(x[None, :], y[:, None], x[None, :] // 2 + y[:, None] // 2), -1
    )
    return Image.fromarray(rgb.astype(np.uint8))


def _save(img: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    img.save(out, format=fmt, **options)
    return out.getvalue()


def jpeg(width: int = 400, height: int = 300) -> bytes:
    return _save(_photo(width, height), "JPEG", quality=90)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + payload))
    return struct.pack(">I", len(payload)) + kind + payload + crc


def pixel_bomb_png(side: int = 30_000) -> bytes:
    """A 1 kB PNG whose header claims side x side pixels (900 Mpx at 30000)."""
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _png_chunk(b"IEND", b"")
    )


def png_16_bit() -> bytes:
    ramp = np.tile(np.linspace(0, 65535, 400).astype("<u2"), (300, 1))
    return _save(Image.frombytes("I;16", (400, 300), ramp.tobytes()), "PNG")


def cmyk_jpeg() -> bytes:
    return _save(_photo().convert("CMYK"), "JPEG", quality=90)


def animated_gif() -> bytes:
    frames = [_photo().convert("P"), _photo(400, 300).rotate(90).convert("P")]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)


def svg() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" '
        b'height="300"><script>alert(1)</script><rect width="400" height="300"/></svg>'
    )


def heic_header() -> bytes:
    """The start of an HEIC file (ISO BMFF 'ftyp' box with the heic brand)."""
    return struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 512


def exif_rotated_jpeg() -> bytes:
    """A 400x300 (landscape) JPEG whose EXIF says 'rotate 90 degrees': upright it is 300x400."""
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    return _save(_photo(400, 300), "JPEG", quality=90, exif=exif.tobytes())


def rgba_png() -> bytes:
    img = _photo().convert("RGBA")
    img.putalpha(128)
    return _save(img, "PNG")


def truncated_jpeg() -> bytes:
    data = jpeg()
    return data[: len(data) // 2]


def over_the_cap(cap: int) -> bytes:
    """A valid JPEG padded to one byte over ``cap`` (trailing bytes after EOI)."""
    data = jpeg()
    return data + b"\x00" * (cap + 1 - len(data))


@dataclass(frozen=True)
class Upload:
    """One corpus entry: how to draw it, the name it is uploaded under, and what must happen."""

    label: str
    build: Callable[[], bytes]
    filename: str
    code: str | None  # the refusal's field code; None: accepted
    says: str = ""  # words the member reads in the refusal

    @property
    def accepted(self) -> bool:
        return self.code is None


# The byte cap the tests set (MAX_UPLOAD_BYTES), small so the over-cap file is cheap to draw.
TEST_BYTE_CAP = 400_000

CORPUS: tuple[Upload, ...] = (
    Upload("zero_bytes", lambda: b"", "empty.jpg", "image_empty", "empty"),
    Upload("truncated_jpeg", truncated_jpeg, "cut.jpg", "image_unreadable", "could not be read"),
    Upload(
        "text_named_jpg",
        lambda: b"hello, I am not a photo\n" * 20,
        "fake.jpg",
        "image_type_not_allowed",
        "text files are not accepted",
    ),
    Upload(
        "pixel_bomb_png", pixel_bomb_png, "bomb.png", "image_too_many_pixels", "too many pixels"
    ),
    Upload("animated_gif", animated_gif, "anim.gif", "image_type_not_allowed", "gif files"),
    Upload("svg", svg, "vector.svg", "image_type_not_allowed", "svg files"),
    Upload("heic", heic_header, "phone.heic", "image_type_not_allowed", "heic files"),
    Upload(
        "over_byte_cap",
        lambda: over_the_cap(TEST_BYTE_CAP),
        "big.jpg",
        "image_too_large",
        "too large",
    ),
    Upload("png_16_bit", png_16_bit, "deep.png", None),
    Upload("cmyk_jpeg", cmyk_jpeg, "print.jpg", None),
    Upload("exif_rotated_jpeg", exif_rotated_jpeg, "rotated.jpg", None),
    Upload("rgba_png", rgba_png, "alpha.png", None),
)
