"""Photographing a flat document: scene, clutter, hand, reprint, perspective, light, JPEG."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image, ImageDraw

from biometrics.documents.generator.cards import _jitter
from biometrics.documents.generator.identities import ID1_ASPECT
from biometrics.documents.generator.resources import _font, font_files
from biometrics.documents.generator.surface import surface_drawn, surface_seen

# --- photographing --------------------------------------------------------------------------


def _scene(rng: random.Random, size: tuple[int, int], *, clutter: bool) -> Image.Image:
    width, height = size
    kind = rng.random()
    if kind < 0.35:  # table top: a plain surface with grain
        base = np.array(
            _jitter(
                rng,
                rng.choice(
                    [(120, 90, 60), (200, 200, 195), (60, 60, 65), (170, 150, 120), (90, 110, 90)]
                ),
                25,
            )
        )
        noise = np.random.default_rng(rng.randint(0, 2**31)).normal(0, 10, (height, width, 1))
        stripes = 12 * np.sin(np.arange(width) / rng.uniform(4, 25))[None, :, None]
        pixels = base + noise + (stripes if rng.random() < 0.5 else 0)
    elif kind < 0.7:  # gradient wall
        a, b = np.array(_jitter(rng, (160, 160, 160), 90)), np.array(_jitter(rng, (90, 90, 90), 80))
        ramp = np.linspace(0, 1, width)[None, :, None]
        pixels = a * (1 - ramp) + b * ramp + np.zeros((height, 1, 1))
    else:  # textured: blurred random blobs
        small = np.random.default_rng(rng.randint(0, 2**31)).integers(
            0, 255, (max(2, height // 60), max(2, width // 60), 3)
        )
        pixels = cv2.resize(
            small.astype(np.uint8), (width, height), interpolation=cv2.INTER_CUBIC
        ).astype(np.float64)
    scene = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if clutter:
        draw = ImageDraw.Draw(scene)
        sans, bold, _mono = font_files()
        for _ in range(rng.randint(2, 7)):
            x, y = rng.randint(0, width), rng.randint(0, height)
            w, h = rng.randint(40, width // 3), rng.randint(20, height // 3)
            colour = _jitter(rng, (128, 128, 128), 127)
            shape = rng.random()
            if shape < 0.4:
                draw.rectangle((x, y, x + w, y + h), fill=colour)
            elif shape < 0.7:
                draw.ellipse((x, y, x + w, y + h), fill=colour)
            elif shape < 0.85:
                draw.line((x, y, x + w, y + h), fill=colour, width=rng.randint(2, 9))
            else:
                word = rng.choice(["KOPI", "Receipt", "TOTAL 45.000", "Jakarta", "12:45", "PROMO"])
                draw.text(
                    (x, y), word, font=_font(rng.choice(sans), rng.randint(14, 40)), fill=colour
                )
    return scene


@dataclass(frozen=True)
class Conditions:
    """How harsh a profile's photographs are: each range is drawn from per photo."""

    angle: float  # degrees either way
    perspective: float  # corner jitter, share of the card's short side
    light_span: float  # uneven light across the frame
    light: tuple[float, float]  # overall exposure
    blurs: tuple[float, ...]  # defocus sigmas to choose from
    noise: tuple[float, float]
    quality: tuple[int, int]  # JPEG
    hand: float = 0.0  # chance of a hand holding the card (thumb over an edge)
    glare: float = 0.0  # chance of a glare spot
    reprint: float = 0.0  # chance the document was printed and photographed again
    paper_clutter: float = 0.0  # chance of other cards or paper with text in the scene
    cast: float = 0.0  # chance of a warm (tungsten) colour cast
    bend: float = 0.0  # chance the document is bent (a card bowed, a page curling to the spine)
    fold: float = 0.0  # chance the document (a print-out) was folded and opened again


HELDOUT = Conditions(35, 0.11, 0.6, (0.6, 1.15), (0, 0.8, 1.2, 1.8), (2, 10), (45, 85))
CONDITIONS = {
    "standard": Conditions(25, 0.07, 0.45, (0.75, 1.12), (0, 0, 0.6, 1.0, 1.4), (0, 6), (60, 95)),
    "heldout": HELDOUT,
    # Photos as members take them: held in a hand at a slant, a lamp's glare, soft focus, a dim
    # room, a photocopy or print of the card photographed again, other cards and papers about.
    "wild": Conditions(
        40,
        0.16,
        0.8,
        (0.45, 1.1),
        (0, 0.7, 1.0, 1.3, 1.6),
        (3, 12),
        (45, 80),
        hand=0.5,
        glare=0.35,
        reprint=0.3,
        paper_clutter=0.6,
        cast=0.4,
    ),
    # Held up to the camera: a card bowed between the fingers, a passport page curling towards
    # the spine, a print-out folded in half or in three and opened again. Otherwise as held-out.
    "handheld": replace(HELDOUT, hand=0.6, reprint=0.35, bend=0.7, fold=0.5),
}
PROFILES = tuple(CONDITIONS)


def _reprinted(document: np.ndarray, rng: random.Random) -> np.ndarray:
    """The document printed on paper (white margin, washed-out ink, halftone) to be photographed
    again: what a member holding a photocopy or a print-out of the card shows."""
    doc = document.astype(np.float32)
    grey = doc.mean(axis=2, keepdims=True)
    saturation = rng.uniform(0.3, 0.9)
    doc = grey + (doc - grey) * saturation  # an office printer's weak colours
    doc = 255 - (255 - doc) * rng.uniform(0.7, 0.95)  # lighter ink
    height, width = doc.shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    pitch = rng.uniform(3.0, 5.0)
    screen = np.sin(xx / pitch * 2.1) * np.sin(yy / pitch * 2.1)  # halftone screen, moire later
    doc = doc * (1 - 0.06 * (screen[..., None] + 1) / 2)
    doc = cv2.GaussianBlur(np.clip(doc, 0, 255).astype(np.uint8), (0, 0), rng.uniform(0.5, 1.0))
    margin = round(width * rng.uniform(0.05, 0.15))
    paper = np.full(
        (height + 2 * margin, width + 2 * margin, 3), _jitter(rng, (246, 246, 242), 6), np.uint8
    )
    paper[margin : margin + height, margin : margin + width] = doc
    return paper


def _hand(photo: np.ndarray, target: np.ndarray, rng: random.Random, scale: float) -> np.ndarray:
    """A hand holding the card: the palm beside one short edge, the thumb over the card's border
    (never deep into the text area)."""
    skin = np.array(
        rng.choice([(224, 172, 140), (198, 134, 99), (141, 85, 56), (236, 196, 170)]), np.float32
    )
    out = photo.astype(np.float32)
    mask = np.zeros(photo.shape[:2], np.uint8)
    edge = rng.choice([(0, 3), (1, 2)])  # the left or the right short side
    a, b = target[edge[0]], target[edge[1]]
    inward = target.mean(axis=0) - (a + b) / 2
    inward /= np.linalg.norm(inward) + 1e-6
    t = rng.uniform(0.3, 0.7)
    base = a + (b - a) * t
    card_short = np.linalg.norm(b - a)
    palm = base - inward * card_short * 0.45
    cv2.ellipse(
        mask,
        (int(palm[0]), int(palm[1])),
        (int(card_short * 0.45), int(card_short * 0.7)),
        float(np.degrees(np.arctan2(inward[1], inward[0]))),
        0,
        360,
        255,
        -1,
    )
    depth = card_short * rng.uniform(0.06, 0.12)  # how far the thumb reaches onto the card
    tip = base + inward * max(0.0, depth - card_short * 0.08)  # the thumb's round end
    thickness = max(6, int(card_short * 0.16))
    cv2.line(
        mask,
        tuple(int(v) for v in base - inward * card_short * 0.2),
        tuple(int(v) for v in tip),
        255,
        thickness,
    )
    cv2.circle(mask, (int(tip[0]), int(tip[1])), thickness // 2, 255, -1)
    soft = cv2.GaussianBlur(mask, (0, 0), max(1.0, 3 * scale))[..., None] / 255.0
    shade = 0.85 + 0.15 * np.random.default_rng(rng.randint(0, 2**31)).random(photo.shape[:2])
    smooth = cv2.GaussianBlur(shade.astype(np.float32), (0, 0), 15)[..., None]
    out = out * (1 - soft) + skin * smooth * soft
    return np.clip(out, 0, 255).astype(np.uint8)


def _paper_clutter(scene: Image.Image, rng: random.Random, keep_clear: np.ndarray) -> None:
    """Other cards and papers with text about the scene (beside the document, under it)."""
    width, height = scene.size
    sans, bold, _mono = font_files()
    draw = ImageDraw.Draw(scene)
    words = [
        "STRUK BELANJA",
        "TOTAL 125.000",
        "Terima kasih",
        "MEMBER CARD",
        "No. 0812 3344 5566",
        "Jl. Merdeka 10",
        "BANK NUSANTARA",
        "Tanggal 12-03-2024",
        "Kepada Yth.",
    ]
    x0, y0 = keep_clear.min(axis=0)
    x1, y1 = keep_clear.max(axis=0)
    for _ in range(rng.randint(1, 3)):
        w = rng.randint(width // 6, width // 3)
        h = round(w / (ID1_ASPECT if rng.random() < 0.5 else 0.72))
        for _attempt in range(6):
            x, y = rng.randint(-w // 3, width - w // 2), rng.randint(-h // 3, height - h // 2)
            if x + w < x0 or x > x1 or y + h < y0 or y > y1:
                break
        else:
            continue
        colour = _jitter(rng, rng.choice([(245, 245, 240), (200, 220, 240), (230, 200, 200)]), 10)
        draw.rectangle((x, y, x + w, y + h), fill=colour, outline=_jitter(rng, colour, 30))
        size = max(10, h // 12)
        font = _font(rng.choice(bold + sans), size)
        for k in range(rng.randint(2, 6)):
            draw.text(
                (x + size, y + size + k * size * 1.6),
                rng.choice(words),
                font=font,
                fill=(30, 30, 40),
            )


def photograph(
    document: np.ndarray,
    *,
    rng: random.Random,
    profile: str = "standard",
    glare: float = 0.0,
    blur: float | None = None,
    fill: float | None = None,
    gentle: bool = False,
) -> bytes:
    """Put a flat document into a photo; returns JPEG bytes.

    Perspective (corner jitter), rotation, scale in frame, clutter, uneven light, optional glare
    (0-1), defocus blur, sensor noise and JPEG compression, each drawn from ``rng`` within the
    profile's ``CONDITIONS``; the "wild" profile adds a hand, glare spots, reprints, a colour
    cast and other cards and papers in the scene; the "handheld" one bends and folds the
    document (``surface.surface_seen``) and holds it in a hand. A profile draws from ``rng``
    only for the conditions it has, so the older profiles' seeds give the same photos as
    before.
    """
    cond = CONDITIONS[profile]

    def happens(chance: float) -> bool:  # draws from rng only for a profile that has the condition
        return chance > 0 and not gentle and rng.random() < chance

    if happens(cond.reprint):
        document = _reprinted(document, rng)
    bend, fold = happens(cond.bend), happens(cond.fold)
    shape: np.ndarray | None = None
    if bend or fold:
        height, width = document.shape[:2]
        document, shape = surface_seen(
            document, surface_drawn(rng, width > height, bend=bend, fold=fold)
        )
    if glare == 0 and happens(cond.glare):
        glare = rng.uniform(0.1, 0.3)
    doc_h, doc_w = document.shape[:2]
    out_w = rng.randint(1200, 2000)
    out_h = round(out_w * rng.choice([0.75, 0.5625, 0.8, 1.0]))
    fill = fill if fill is not None else rng.uniform(0.45, 0.8)
    scale = fill * min(out_w, out_h * doc_w / doc_h) / doc_w
    w, h = doc_w * scale, doc_h * scale
    quarter = rng.random() if not gentle else 1.0
    angle = rng.uniform(-cond.angle, cond.angle)
    if gentle:
        angle = rng.uniform(-6, 6)
    if quarter < 0.08:
        angle += 180
    elif quarter < 0.14:
        angle += rng.choice([90, -90])
    corners = np.array([[0, 0], [doc_w, 0], [doc_w, doc_h], [0, doc_h]], np.float32)
    theta = np.deg2rad(angle)
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    centred = (corners - [doc_w / 2, doc_h / 2]) * scale
    jitter_amount = cond.perspective * min(w, h) * (0.3 if gentle else 1.0)
    centred += (
        np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]) * jitter_amount
    )
    placed = centred @ rot.T
    span_x = placed[:, 0].max() - placed[:, 0].min()
    span_y = placed[:, 1].max() - placed[:, 1].min()
    if span_x > out_w * 0.96 or span_y > out_h * 0.96:  # keep the whole card in the frame
        shrink = min(out_w * 0.96 / span_x, out_h * 0.96 / span_y)
        placed *= shrink
        span_x, span_y = span_x * shrink, span_y * shrink
    cx = rng.uniform(span_x / 2 + 4, out_w - span_x / 2 - 4)
    cy = rng.uniform(span_y / 2 + 4, out_h - span_y / 2 - 4)
    target = (placed + [cx, cy]).astype(np.float32)
    clutter = rng.random() < 0.7 and not gentle
    scene_img = _scene(rng, (out_w, out_h), clutter=clutter)
    if happens(cond.paper_clutter):
        _paper_clutter(scene_img, rng, target)
    scene = np.asarray(scene_img).copy()
    matrix = cv2.getPerspectiveTransform(corners, target)
    warped = cv2.warpPerspective(document, matrix, (out_w, out_h), flags=cv2.INTER_AREA)
    if shape is None:
        shape = np.full((doc_h, doc_w), 255, np.uint8)
    mask = cv2.warpPerspective(shape, matrix, (out_w, out_h))
    if rng.random() < 0.5:  # a soft shadow under the card
        shadow = cv2.GaussianBlur(np.roll(mask, (8, 8), (0, 1)), (31, 31), 0)[..., None] / 255
        scene = (scene * (1 - 0.35 * shadow)).astype(np.uint8)
    alpha = cv2.GaussianBlur(mask, (3, 3), 0)[..., None] / 255.0
    photo = scene * (1 - alpha) + warped * alpha
    if happens(cond.hand):
        photo = _hand(photo.astype(np.uint8), target, rng, scale).astype(np.float64)
    # uneven light: a smooth multiplicative field
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 1 + cond.light_span / 2 * (gx * (xx / out_w - 0.5) + gy * (yy / out_h - 0.5)) * 2
    light *= rng.uniform(*cond.light)
    photo = photo * light[..., None]
    if happens(cond.cast):
        photo = photo * np.array([1.08, 0.98, 0.8])  # tungsten lamp
    if glare > 0:
        gxc, gyc = rng.uniform(cx - w / 4, cx + w / 4), rng.uniform(cy - h / 4, cy + h / 4)
        radius = max(w, h) * (0.18 + 0.35 * glare)
        spot = np.exp(-(((xx - gxc) ** 2 + (yy - gyc) ** 2) / (2 * (radius / 2) ** 2)))
        photo = photo + 255 * 1.6 * glare * spot[..., None]
    photo = np.clip(photo, 0, 255).astype(np.uint8)
    sigma = blur if blur is not None else rng.choice(cond.blurs)
    if gentle and blur is None:
        sigma = 0
    if sigma > 0:
        photo = cv2.GaussianBlur(photo, (0, 0), sigma)
    noise = rng.uniform(*cond.noise)
    if noise > 0:
        grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, photo.shape)
        photo = np.clip(photo + grain, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    quality = rng.randint(*cond.quality)
    Image.fromarray(photo).save(out, format="JPEG", quality=quality)
    return out.getvalue()
