import io
import struct
import tracemalloc
import zlib

import numpy as np
import pytest
from PIL import Image

from biometrics.image_intake import CleanImage, ImageRejected, image_intake
from biometrics.tests.faces import grace_hopper, jpeg_bytes, png_bytes

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


def intake(raw: bytes, **limits: int) -> CleanImage:
    return image_intake(
        raw,
        max_bytes=limits.get("max_bytes", MAX_BYTES),
        max_pixels=limits.get("max_pixels", MAX_PIXELS),
    )


def rejection(raw: bytes, **limits: int) -> ImageRejected:
    with pytest.raises(ImageRejected) as caught:
        intake(raw, **limits)
    return caught.value


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = struct.pack(">I", zlib.crc32(kind + payload))
    return struct.pack(">I", len(payload)) + kind + payload + crc


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given size (its pixel data is a few zero bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + png_chunk(b"IEND", b"")
    )


def test_a_plain_jpeg_photo_comes_back_as_a_jpeg_of_the_same_size():
    # given
    photo = grace_hopper()
    # when
    clean = intake(jpeg_bytes(photo))
    # then
    assert clean.content_type == "image/jpeg"
    assert (clean.width, clean.height) == (512, 600)
    assert clean.to_array().shape == (600, 512, 3)
    assert np.abs(clean.to_array().astype(int) - photo).mean() < 4


def test_an_empty_upload_is_refused_as_empty():
    assert rejection(b"").code == "image_empty"


def test_a_file_one_byte_over_the_cap_is_refused_before_decoding():
    # given
    raw = jpeg_bytes(grace_hopper())
    # when
    error = rejection(raw, max_bytes=len(raw) - 1)
    # then
    assert error.code == "image_too_large"
    assert intake(raw, max_bytes=len(raw)).width == 512


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20, "GIF"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40, "HEIC"),
        (b"My NIK is 3174094512900001, please verify me.\n", "text"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    ],
)
def test_files_that_are_not_jpeg_png_or_webp_are_refused_by_name(raw, named):
    # when
    error = rejection(raw)
    # then
    assert error.code == "image_type_not_allowed"
    assert named in str(error.message)
    assert "3174094512900001" not in str(error) + str(error.message)


def test_an_animated_gif_is_refused_as_gif():
    # given
    frames = [Image.new("RGB", (300, 300), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    # when
    error = rejection(out.getvalue())
    # then
    assert error.code == "image_type_not_allowed"
    assert "GIF" in str(error.message)


def test_an_animated_webp_is_refused_rather_than_silently_cut_to_one_frame():
    # given
    frames = [Image.fromarray(grace_hopper()), Image.new("RGB", (512, 600), "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="WEBP", save_all=True, append_images=frames[1:])
    # when
    error = rejection(out.getvalue())
    # then
    assert error.code == "image_type_not_allowed"
    assert "Animated" in str(error.message)


def test_a_still_webp_is_accepted_and_re_encoded_as_jpeg():
    # given
    out = io.BytesIO()
    Image.fromarray(grace_hopper()).save(out, format="WEBP", quality=90)
    # when
    clean = intake(out.getvalue())
    # then
    assert clean.content_type == "image/jpeg"
    assert clean.data[:3] == b"\xff\xd8\xff"


def test_a_truncated_jpeg_is_refused_instead_of_accepted_half_grey():
    # given
    raw = jpeg_bytes(grace_hopper())
    # when
    error = rejection(raw[: len(raw) // 2])
    # then
    assert error.code == "image_unreadable"


def test_a_png_header_claiming_30000_by_30000_is_refused_without_allocating_it():
    # given
    raw = png_header_only(30000, 30000)
    # when
    tracemalloc.start()
    error = rejection(raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then
    assert error.code == "image_too_many_pixels"
    assert peak < 5 * 1024 * 1024  # 30000x30000 RGB would be 2.7 GB


def test_a_header_between_our_cap_and_pillows_bomb_limit_is_refused_the_same_way():
    # given: 100 Mpx, where Pillow only warns
    raw = png_header_only(10000, 10000)
    # when / then
    assert rejection(raw).code == "image_too_many_pixels"


def test_the_pixel_cap_is_the_callers_not_pillows():
    # given
    raw = jpeg_bytes(grace_hopper())  # 0.3 Mpx
    # when / then
    assert rejection(raw, max_pixels=200_000).code == "image_too_many_pixels"


def test_a_thumbnail_is_refused_as_too_small():
    # given
    raw = jpeg_bytes(np.asarray(Image.fromarray(grace_hopper()).resize((150, 176))))
    # when / then
    assert rejection(raw).code == "image_too_small"


def test_a_16_bit_png_keeps_its_tones_instead_of_turning_white():
    # given: a 16-bit greyscale ramp whose top value is 40000 of 65535
    ramp = np.tile(np.linspace(0, 40000, 300, dtype=np.uint16), (300, 1))
    image = Image.fromarray(ramp)
    assert image.mode == "I;16"
    raw = png_bytes(image)
    # when
    pixels = intake(raw).to_array()
    # then: 40000/65535 of white is about 155, not 255
    assert 145 <= pixels[150, 299, 0] <= 165
    assert pixels[150, 0, 0] <= 5


def test_a_cmyk_jpeg_comes_back_in_rgb_with_its_colours():
    # given: pure cyan in CMYK
    cmyk = Image.new("CMYK", (300, 300), (255, 0, 0, 0))
    out = io.BytesIO()
    cmyk.save(out, format="JPEG", quality=95)
    # when
    pixel = intake(out.getvalue()).to_array()[150, 150]
    # then
    assert pixel[0] < 40 and pixel[1] > 200 and pixel[2] > 200


def test_a_32_bit_rgba_png_is_composited_on_white():
    # given: left half opaque red, right half fully transparent
    rgba = np.zeros((300, 400, 4), dtype=np.uint8)
    rgba[:, :200] = (200, 0, 0, 255)
    raw = png_bytes(Image.fromarray(rgba, mode="RGBA"))
    # when
    pixels = intake(raw).to_array()
    # then
    assert tuple(pixels[150, 50]) == pytest.approx((200, 0, 0), abs=6)
    assert tuple(pixels[150, 350]) == pytest.approx((255, 255, 255), abs=3)


def test_a_palette_png_is_accepted():
    # given
    raw = png_bytes(Image.fromarray(grace_hopper()).convert("P"))
    # when
    clean = intake(raw)
    # then
    assert (clean.width, clean.height) == (512, 600)


def test_exif_orientation_is_applied_and_all_metadata_is_dropped():
    # given: a landscape-stored JPEG that EXIF says to rotate 90 degrees (orientation 6)
    stored = np.asarray(Image.fromarray(grace_hopper()).transpose(Image.Transpose.ROTATE_90))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {2: (6.0, 10.0, 0.0)}  # GPS latitude
    raw = jpeg_bytes(stored, exif=exif.tobytes(), comment=b"secret")
    assert Image.open(io.BytesIO(raw)).size == (600, 512)
    # when
    clean = intake(raw)
    # then
    assert (clean.width, clean.height) == (512, 600)
    reopened = Image.open(io.BytesIO(clean.data))
    assert dict(reopened.getexif()) == {}
    assert "comment" not in reopened.info and "icc_profile" not in reopened.info
    assert b"SpyCam" not in clean.data and b"secret" not in clean.data
    upright = clean.to_array()
    assert np.abs(upright.astype(int) - grace_hopper()).mean() < 6


def test_refusals_print_as_their_code_only():
    # given
    error = rejection(b"")
    # then
    assert str(error) == "image_empty"


def test_a_12_megapixel_photo_is_stored_at_the_working_size_upright_and_still_matching():
    # given: Grace Hopper enlarged to 4000 x 3000, stored sideways with an EXIF rotation
    from biometrics import face_engine
    from biometrics.image_intake import WORKING_MAX_SIDE

    big = np.asarray(Image.fromarray(grace_hopper()).resize((3000, 4000)))
    sideways = np.asarray(Image.fromarray(big).transpose(Image.Transpose.ROTATE_90))
    exif = Image.Exif()
    exif[0x0112] = 6
    raw = jpeg_bytes(sideways, exif=exif.tobytes())
    # when
    clean = intake(raw)
    # then: long side capped, orientation applied, and the face still matches the original
    assert (clean.width, clean.height) == (WORKING_MAX_SIDE * 3 // 4, WORKING_MAX_SIDE)
    original = face_engine.selfie_face(grace_hopper())
    stored = face_engine.selfie_face(clean.to_array())
    assert face_engine.face_distance(original.vector, stored.vector) < 0.3
