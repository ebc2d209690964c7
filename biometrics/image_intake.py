"""Turn untrusted uploaded bytes into a clean, re-encoded photo, or refuse them with a clear code.

Order matters and is the point of this module: cheap checks first (byte count, magic bytes,
header dimensions), the full decode only once the image is known to be a JPEG, PNG or WebP of a
sane size. The output is always a freshly encoded sRGB JPEG with EXIF orientation applied and no
metadata (EXIF, GPS, XMP, ICC, comments), so nothing the camera wrote survives into storage.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

# Long side of the stored working copy (about 4 Mpx at 4:3): plenty for a face on an ID card
# photographed whole, and it keeps decoding in the worker cheap.
WORKING_MAX_SIDE = 2000
JPEG_QUALITY = 90
ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}

_SRGB_PROFILE = ImageCms.createProfile("sRGB")


class ImageRejected(Exception):
    """The upload is not an image we accept; `.code` is stable, `.message` is for the member.

    `str(exc)` is the code only, so logging the exception never drags user content along.
    """

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded, metadata-free photo ready to store and to hand to the face engine."""

    data: bytes
    content_type: str
    width: int
    height: int

    def to_array(self) -> np.ndarray:
        """Decode to an RGB uint8 array of shape (height, width, 3).

        OpenCV decodes our own JPEG about twice as fast as Pillow for 12 Mpx photos, which is a
        large share of a verification's time; the bytes were produced by `image_intake`, so the
        untrusted-input checks already happened.
        """
        bgr = cv2.imdecode(np.frombuffer(self.data, dtype=np.uint8), cv2.IMREAD_COLOR)
        if bgr is None:
            raise ImageRejected("image_unreadable", _("The image could not be read."))
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _sniff(raw: bytes) -> str:
    """Name the type of `raw` from its magic bytes: a Pillow format name, or a label to refuse.

    Returns "JPEG", "PNG" or "WEBP" for what we accept; anything else is a human-readable name
    (GIF, SVG, HEIC, text...) used in the refusal message.
    """
    head = raw[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"):
            return "HEIC"
        return "video"
    if head.startswith(b"%PDF"):
        return "PDF"
    if head.startswith(b"BM"):
        return "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:4] in (b"\x00\x00\x00\x0c", b"\xffO\xffQ"):
        return "JPEG 2000"
    if head.startswith(b"\xff\x0a") or head[4:12] == b"JXL \r\n\x87\n":
        return "JPEG XL"
    text = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<svg") or (
        text.startswith((b"<?xml", b"<!doctype svg")) and b"<svg" in text
    ):
        return "SVG"
    if b"\x00" not in raw[:4096]:
        try:
            raw[:4096].decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "text"
    return "unknown"


def _refuse_type(kind: str) -> ImageRejected:
    if kind == "unknown":
        message: str | Promise = _(
            "This file is not a photo we accept. Upload a JPEG, PNG or WebP."
        )
    else:
        message = format_lazy(
            _("{kind} files are not accepted. Upload a JPEG, PNG or WebP photo."), kind=kind
        )
    return ImageRejected("image_type_not_allowed", message)


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    return ImageRejected(
        "image_too_many_pixels",
        format_lazy(
            _("The photo has too many pixels. The limit is {megapixels} megapixels."),
            megapixels=max_pixels // 1_000_000,
        ),
    )


def _unreadable() -> ImageRejected:
    return ImageRejected(
        "image_unreadable",
        _("The photo could not be read; it may be damaged or incomplete. Please upload it again."),
    )


def _to_srgb(img: Image.Image) -> Image.Image:
    """Return an RGB image: colour-managed to sRGB, alpha composited on white, 16 bits scaled.

    Phones tag photos with Display P3 and print shops with CMYK profiles; since the ICC profile
    is stripped on re-encode, the pixels must be converted first or colours shift.
    """
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit greyscale: Pillow's convert("L") clips at 255 (a bright photo turns white).
        wide = np.asarray(img, dtype=np.uint32)
        scaled = (np.clip(wide, 0, 65535) // 257).astype(np.uint8)
        return Image.fromarray(scaled, mode="L").convert("RGB")
    if img.mode == "F":
        return Image.fromarray(np.clip(np.asarray(img), 0, 255).astype(np.uint8)).convert("RGB")

    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        img.mode in ("P", "L", "RGB") and "transparency" in img.info
    )
    if has_alpha:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")

    icc = img.info.get("icc_profile")
    if icc and img.mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(img, source, _SRGB_PROFILE, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # a broken profile is common enough; fall back to a plain convert
        if converted is not None:
            return converted
    return img.convert("RGB")


def image_intake(
    raw: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    min_side: int = 200,
    max_side: int | None = WORKING_MAX_SIDE,
) -> CleanImage:
    """Validate an uploaded photo and return it re-encoded as a metadata-free JPEG.

    Photos larger than ``max_side`` on their long side are scaled down to it: face matching
    needs far fewer pixels than a 12 Mpx camera gives, and a large JPEG is decoded at a reduced
    scale straight from its DCT coefficients (Pillow's draft mode), several times faster than a
    full decode followed by a resize.

    Raises ImageRejected with one of: image_empty, image_too_large, image_type_not_allowed,
    image_too_many_pixels, image_too_small, image_unreadable. Animated WebP/PNG are refused
    (image_type_not_allowed): an ID check needs one still photo, and a reviewer must see
    exactly the frame that was matched.
    """
    if not raw:
        raise ImageRejected("image_empty", _("The file is empty."))
    if len(raw) > max_bytes:
        raise ImageRejected(
            "image_too_large",
            format_lazy(
                _("The file is too large. The limit is {megabytes} MB."),
                megabytes=round(max_bytes / (1024 * 1024), 1),
            ),
        )

    kind = _sniff(raw)
    if kind not in ALLOWED_FORMATS:
        raise _refuse_type(kind)

    # Pillow's bomb check runs in Image.open (header only); our cap is lower. Turn its warning
    # into an error here so a 100 Mpx header is refused the same way as a 40 Mpx one.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(raw), formats=[kind])
            width, height = img.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except (Image.UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable() from None

    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    if min(width, height) < min_side:
        raise ImageRejected(
            "image_too_small",
            format_lazy(
                _("The photo is too small. Each side must be at least {pixels} pixels."),
                pixels=min_side,
            ),
        )
    if getattr(img, "is_animated", False):
        label = "Animated WebP" if kind == "WEBP" else "Animated PNG"
        raise _refuse_type(label)

    try:
        if max_side and max(width, height) > max_side and kind == "JPEG":
            # draft() picks the smallest DCT scale (1/2, 1/4, 1/8) that keeps the image at least
            # this large. Asking for 80 % of max_side lets a 3464 px square decode at half size
            # (1732 px) instead of in full; the long side then ends between 0.8 and 1 x max_side.
            scale = 0.8 * max_side / max(width, height)
            img.draft(img.mode, (round(width * scale), round(height * scale)))
        # load() raises on truncated data as long as ImageFile.LOAD_TRUNCATED_IMAGES is False
        # (Pillow's default); nothing in this project may turn it on.
        img.load()
        upright = ImageOps.exif_transpose(img)
        rgb = _to_srgb(upright)
        if max_side and max(rgb.size) > max_side:
            rgb.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise _unreadable() from None

    out = io.BytesIO()
    # Pillow's JPEG writer copies info["comment"] from the source by itself; empty it, and pass
    # no exif= or icc_profile=, so the new file carries pixels only.
    rgb.info = {}
    rgb.save(out, format="JPEG", quality=JPEG_QUALITY)
    return CleanImage(
        data=out.getvalue(), content_type="image/jpeg", width=rgb.width, height=rgb.height
    )
