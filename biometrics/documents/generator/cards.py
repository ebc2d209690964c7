"""Flat synthetic documents: KTP, passport data page, SIM."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from biometrics.documents.generator.identities import (
    ID1_ASPECT,
    ID3_ASPECT,
    JOBS,
    RELIGIONS,
    STREETS,
    Identity,
)
from biometrics.documents.generator.resources import _font, faces, font_files
from biometrics.documents.mrz import mrz_compose

# --- drawing helpers ------------------------------------------------------------------------


def _jitter(rng: random.Random, colour: tuple[int, int, int], amount: int) -> tuple[int, int, int]:
    r, g, b = (int(np.clip(c + rng.randint(-amount, amount), 0, 255)) for c in colour)
    return r, g, b


def _background(
    rng: random.Random, size: tuple[int, int], base: tuple[int, int, int]
) -> Image.Image:
    """A card's printed background: a vertical gradient plus faint guilloche waves."""
    width, height = size
    top, bottom = np.array(_jitter(rng, base, 18)), np.array(_jitter(rng, base, 25))
    ramp = np.linspace(0, 1, height)[:, None, None]
    pixels = (top * (1 - ramp) + bottom * ramp) * np.ones((height, width, 3))
    card = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(card)
    line = tuple(int(c * 0.9) for c in base)
    for k in range(rng.randint(3, 9)):
        amp, freq, phase = rng.uniform(5, 30), rng.uniform(2, 6), rng.uniform(0, 6.3)
        offset = height * (k + 1) / 10
        xs = np.arange(0, width, 6)
        ys = offset + amp * np.sin(xs / width * freq * 6.283 + phase)
        draw.line(list(zip(xs.tolist(), ys.tolist(), strict=True)), fill=line, width=1)
    return card


def _paste_portrait(
    card: Image.Image,
    face: np.ndarray,
    box: tuple[int, int, int, int],
    rng: random.Random,
    backdrop: tuple[int, int, int] | None,
    mono_chance: float = 0.3,
) -> None:
    x0, y0, x1, y1 = box
    if backdrop is not None:
        ImageDraw.Draw(card).rectangle(box, fill=backdrop)
    portrait = Image.fromarray(face)
    target_w, target_h = x1 - x0, y1 - y0
    scale = max(target_w / portrait.width, target_h / portrait.height)
    portrait = portrait.resize(
        (max(1, round(portrait.width * scale)), max(1, round(portrait.height * scale))),
        Image.Resampling.LANCZOS,
    )
    left = (portrait.width - target_w) // 2
    portrait = portrait.crop((left, 0, left + target_w, target_h))
    if rng.random() < mono_chance:
        portrait = portrait.convert("L").convert("RGB")  # some print runs are monochrome
    card.paste(portrait, (x0, y0))


def _text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: ImageFont.FreeTypeFont,
    fill: tuple[int, ...],
    anchor: str = "la",
) -> None:
    draw.text(xy, text, font=font, fill=fill, anchor=anchor)


def _fit(font_path: Path, text: str, width: float, start: int) -> ImageFont.FreeTypeFont:
    size = start
    font = _font(font_path, size)
    while size > 8 and font.getlength(text) > width:
        size -= 1
        font = _font(font_path, size)
    return font


def _dmy(value: date, sep: str = "-") -> str:
    return value.strftime(f"%d{sep}%m{sep}%Y")


# --- documents ------------------------------------------------------------------------------


def _style(rng: random.Random, profile: str) -> dict:
    sans, bold, mono = font_files()
    pool_sans = list(sans)
    if profile != "standard":  # the other sets prefer the fonts the standard set uses least
        pool_sans = list(reversed(pool_sans))
    pick = rng.choice(
        pool_sans[: max(1, len(pool_sans) // 2 + 1)] if rng.random() < 0.6 else pool_sans
    )
    return {
        "sans": pick,
        "bold": rng.choice(bold) if bold else pick,
        "mono": rng.choice(mono) if mono else pick,
        "ink": _jitter(rng, (20, 20, 30), 20),
        "scale": rng.uniform(0.92, 1.08),
    }


def _portrait_of(who: Identity, portrait: np.ndarray | None) -> np.ndarray:
    return portrait if portrait is not None else faces()[who.face % len(faces())]


def render_ktp(
    who: Identity,
    *,
    rng: random.Random,
    profile: str = "standard",
    portrait: np.ndarray | None = None,
    mono_chance: float = 0.3,
) -> np.ndarray:
    """An e-KTP-like card: header, labelled lines, portrait on the right."""
    width = rng.randint(900, 1250)
    height = round(width / ID1_ASPECT)
    st = _style(rng, profile)
    card = _background(
        rng,
        (width, height),
        rng.choice([(150, 195, 230), (170, 205, 235), (135, 185, 225), (185, 215, 238)]),
    )
    draw = ImageDraw.Draw(card)
    u = width / 1000 * st["scale"]
    ink = st["ink"]
    province, regency = who.place[2], who.place[3]
    header = _font(st["bold"], 30 * u)
    _text(draw, (width * 0.5, 18 * u), f"PROVINSI {province}", header, ink, "ma")
    _text(draw, (width * 0.5, 56 * u), regency, header, ink, "ma")
    label_x, colon_x = 32 * u + rng.uniform(0, 10), 300 * u
    nik_font = _font(st["bold"], 38 * u)
    _text(draw, (label_x, 108 * u), "NIK", nik_font, ink)
    _text(draw, (colon_x - 10 * u, 108 * u), ":", nik_font, ink)
    _text(draw, (colon_x + 12 * u, 108 * u), who.id_number, _font(st["mono"], 38 * u), ink)
    city = who.place[4]
    rows = [
        ("Nama", who.name),
        ("Tempat/Tgl Lahir", f"{city}, {_dmy(who.birth_date)}"),
        ("Jenis Kelamin", "LAKI-LAKI" if who.sex == "M" else "PEREMPUAN"),
        ("Alamat", f"{rng.choice(STREETS)} NO. {rng.randint(1, 200)}"),
        ("RT/RW", f"{rng.randint(1, 20):03d}/{rng.randint(1, 15):03d}"),
        ("Kel/Desa", rng.choice(["CITARUM", "MENTENG", "SUKAMAJU", "KEBON JERUK", "PADASUKA"])),
        ("Kecamatan", rng.choice(["BANDUNG WETAN", "TEBET", "COBLONG", "GUBENG", "KUTA"])),
        ("Agama", rng.choice(RELIGIONS)),
        ("Status Perkawinan", rng.choice(["BELUM KAWIN", "KAWIN"])),
        ("Pekerjaan", rng.choice(JOBS)),
        ("Kewarganegaraan", "WNI"),
        ("Berlaku Hingga", "SEUMUR HIDUP"),
    ]
    body = _font(st["sans"], 24 * u)
    pitch = (height - 175 * u) / len(rows)
    for i, (label, value) in enumerate(rows):
        y = 168 * u + i * pitch
        _text(draw, (label_x, y), label, body, ink)
        _text(draw, (colon_x - 10 * u, y), ":", body, ink)
        if label == "Jenis Kelamin":
            _text(draw, (colon_x + 12 * u, y), value, body, ink)
            blood = f"Gol. Darah : {rng.choice(['A', 'B', 'AB', 'O', '-'])}"
            _text(draw, (colon_x + 250 * u, y), blood, body, ink)
        else:
            _text(draw, (colon_x + 12 * u, y), value[:26], body, ink)
    px0, py0 = round(width * 0.735), round(height * 0.25)
    px1, py1 = round(width * 0.955), round(height * 0.72)
    backdrop = rng.choice([(200, 40, 40), (40, 70, 170), (200, 40, 40)])
    _paste_portrait(
        card, _portrait_of(who, portrait), (px0, py0, px1, py1), rng, backdrop, mono_chance
    )
    small = _font(st["sans"], 20 * u)
    issued = who.birth_date + timedelta(days=365 * 18 + rng.randint(0, 3000))
    _text(draw, ((px0 + px1) / 2, py1 + 12 * u), city, small, ink, "ma")
    _text(draw, ((px0 + px1) / 2, py1 + 38 * u), _dmy(issued), small, ink, "ma")
    draw.line((px0 + 20 * u, py1 + 90 * u, px1 - 10 * u, py1 + 75 * u), fill=ink, width=2)
    return np.asarray(card)


def render_passport(
    who: Identity,
    *,
    rng: random.Random,
    profile: str = "standard",
    broken_check: str = "",
    portrait: np.ndarray | None = None,
    mono_chance: float = 0.3,
) -> np.ndarray:
    """A passport data page (ID-3): visual zone and a TD3 MRZ.

    ``broken_check`` ("number", "birth", "expiry", "composite") prints that check digit wrong.
    """
    width = rng.randint(1000, 1300)
    height = round(width / ID3_ASPECT)
    st = _style(rng, profile)
    page = _background(
        rng,
        (width, height),
        rng.choice([(236, 228, 214), (228, 234, 222), (240, 232, 236), (225, 230, 240)]),
    )
    draw = ImageDraw.Draw(page)
    u = width / 1000 * st["scale"]
    ink = st["ink"]
    _text(draw, (width * 0.5, 20 * u), "REPUBLIK INDONESIA", _font(st["bold"], 30 * u), ink, "ma")
    _text(draw, (width * 0.5, 58 * u), "PASPOR / PASSPORT", _font(st["bold"], 24 * u), ink, "ma")
    px0, py0 = round(35 * u), round(110 * u)
    px1, py1 = round(width * 0.3), round(height * 0.66)
    _paste_portrait(page, _portrait_of(who, portrait), (px0, py0, px1, py1), rng, None, mono_chance)
    given, _sep, family = who.name.rpartition(" ")
    if not given:
        given, family = family, ""
    surname, given_names = (family, given) if family else (given, "")
    label_font, value_font = _font(st["sans"], 15 * u), _font(st["bold"], 24 * u)
    x = px1 + 35 * u
    issued = who.expiry - timedelta(days=5 * 365) if who.expiry else date(2020, 1, 1)
    fields = [
        ("Jenis / Type", "P", "Kode Negara / Country Code", "IDN"),
        ("No. Paspor / Passport No.", who.id_number, "", ""),
        ("Nama Lengkap / Full Name", who.name, "", ""),
        (
            "Jenis Kelamin / Sex",
            "L/M" if who.sex == "M" else "P/F",
            "Kewarganegaraan / Nationality",
            "INDONESIA",
        ),
        (
            "Tanggal Lahir / Date of Birth",
            who.birth_date.strftime("%d %b %Y").upper(),
            "Tempat Lahir / Place of Birth",
            who.place[4],
        ),
        (
            "Tanggal Pengeluaran / Date of Issue",
            issued.strftime("%d %b %Y").upper(),
            "Tanggal Habis Berlaku / Date of Expiry",
            who.expiry.strftime("%d %b %Y").upper() if who.expiry else "",
        ),
    ]
    pitch = (height * 0.68 - 110 * u) / len(fields)
    for i, (label, value, label2, value2) in enumerate(fields):
        y = 105 * u + i * pitch
        _text(draw, (x, y), label, label_font, ink)
        _text(draw, (x, y + 19 * u), value[:30], value_font, ink)
        if label2:
            x2 = x + (width - x) * 0.5
            _text(draw, (x2, y), label2, label_font, ink)
            _text(draw, (x2, y + 19 * u), value2, value_font, ink)
    line1, line2 = mrz_compose(
        surname=surname,
        given_names=given_names,
        number=who.id_number,
        nationality="IDN",
        birth=who.birth_date,
        sex=who.sex,
        expiry=who.expiry or date(2030, 1, 1),
    )
    if broken_check:
        position = {"number": 9, "birth": 19, "expiry": 27, "composite": 43}[broken_check]
        wrong = str((int(line2[position]) + rng.randint(1, 9)) % 10)
        line2 = line2[:position] + wrong + line2[position + 1 :]
    band_top = height * 0.76
    ImageDraw.Draw(page).rectangle(
        (0, band_top - 8 * u, width, height), fill=_jitter(rng, (245, 243, 238), 8)
    )
    mono = _fit(st["mono"], line1, width * 0.93, int(40 * u))
    for k, line in enumerate((line1, line2)):
        _text(
            draw,
            (width * 0.035, band_top + k * (height - band_top) * 0.45),
            line,
            mono,
            (15, 15, 20),
        )
    return np.asarray(page)


def render_sim(
    who: Identity,
    *,
    rng: random.Random,
    profile: str = "standard",
    portrait: np.ndarray | None = None,
    mono_chance: float = 0.3,
) -> np.ndarray:
    """A SIM (Indonesian driving licence) card: numbered lines 1-6, class, number, expiry."""
    width = rng.randint(900, 1250)
    height = round(width / ID1_ASPECT)
    st = _style(rng, profile)
    card = _background(
        rng,
        (width, height),
        rng.choice([(235, 232, 200), (215, 232, 215), (232, 232, 236), (238, 220, 205)]),
    )
    draw = ImageDraw.Draw(card)
    u = width / 1000 * st["scale"]
    ink = st["ink"]
    _text(
        draw, (width * 0.52, 16 * u), "SURAT IZIN MENGEMUDI", _font(st["bold"], 38 * u), ink, "ma"
    )
    _text(
        draw,
        (width * 0.52, 62 * u),
        "INDONESIA  DRIVING LICENSE",
        _font(st["sans"], 22 * u),
        ink,
        "ma",
    )
    cls = rng.choice(["A", "C", "B I", "A UMUM"])
    _text(draw, (width * 0.86, 100 * u), cls, _font(st["bold"], 40 * u), (170, 20, 20), "ma")
    digits = who.id_number
    grouped = "-".join([digits[0:4], digits[4:8], digits[8:]])
    _text(draw, (width * 0.31, 112 * u), grouped, _font(st["mono"], 36 * u), ink)
    px0, py0 = round(28 * u), round(110 * u)
    px1, py1 = round(width * 0.27), round(height * 0.70)
    _paste_portrait(
        card, _portrait_of(who, portrait), (px0, py0, px1, py1), rng, (40, 80, 170), mono_chance
    )
    lines = [
        who.name,
        f"{who.place[4]}, {_dmy(who.birth_date)}",
        f"{rng.choice(['A', 'B', 'AB', 'O'])} - {'PRIA' if who.sex == 'M' else 'WANITA'}",
        f"{rng.choice(STREETS)} NO. {rng.randint(1, 200)}",
        rng.choice(JOBS),
        f"POLDA {who.place[2]}",
    ]
    body = _font(st["sans"], 25 * u)
    x = width * 0.31
    pitch = (height * 0.8 - 185 * u) / len(lines)
    for i, text in enumerate(lines):
        _text(draw, (x, 185 * u + i * pitch), f"{i + 1}. {text[:30]}", body, ink)
    if who.expiry:
        _text(
            draw,
            (x, height * 0.86),
            f"Berlaku s/d : {_dmy(who.expiry)}",
            _font(st["bold"], 26 * u),
            ink,
        )
    return np.asarray(card)


def render(who: Identity, *, rng: random.Random, profile: str = "standard", **kw) -> np.ndarray:
    """Render ``who``'s document of its kind."""
    if who.kind == "ktp":
        return render_ktp(who, rng=rng, profile=profile, **kw)
    if who.kind == "passport":
        return render_passport(who, rng=rng, profile=profile, **kw)
    return render_sim(who, rng=rng, profile=profile, **kw)
