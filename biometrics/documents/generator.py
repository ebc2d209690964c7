"""Synthetic identity documents for tests, the demo and the evaluation: never real ones.

``render_ktp``, ``render_passport`` and ``render_sim`` draw a flat document (RGB array) from an
``Identity``; ``photograph`` puts it in a scene (background, clutter, perspective, rotation,
uneven light, blur, noise, JPEG). ``non_documents`` draws what must never pass as a document:
selfies, group photos, screenshots of text, a blank card, a card-shaped object with other text.

Variety is the point (the check is measured on renderings it has never seen): fonts come from
matplotlib's bundled DejaVu family, plus any system TrueType fonts inside ``system_fonts()``
(the generation command uses them; tests and the demo do not, so the same call draws the same
pixels on every machine, whatever fonts a browser package happened to install), and colours,
sizes, layouts' offsets, backgrounds, angles and lighting are drawn from
``random.Random(seed)``. The ``profile`` argument ("standard", "heldout" or "wild") shifts
every distribution (``CONDITIONS``), so a held-out set made with another seed *and* profile is
not just more of the same; "wild" adds what members' own photos bring: a hand holding the card,
glare spots, a print-out photographed again, a lamp's colour cast, other cards and papers.

Faces: the portraits in ``FACES_DIR`` / ``../shared/faces`` when present, else the photos
shipped in installed packages (matplotlib's Grace Hopper, scikit-image's astronaut).
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from biometrics.documents.mrz import mrz_compose
from biometrics.nik import _today

ID1_ASPECT = 85.6 / 53.98
ID3_ASPECT = 125 / 88

# (province code, regency code, province, regency/city label) for NIKs and KTP headers.
PLACES = [
    ("31", "74", "DKI JAKARTA", "JAKARTA SELATAN", "JAKARTA"),
    ("31", "71", "DKI JAKARTA", "JAKARTA PUSAT", "JAKARTA"),
    ("32", "73", "JAWA BARAT", "KOTA BANDUNG", "BANDUNG"),
    ("32", "01", "JAWA BARAT", "KABUPATEN BOGOR", "BOGOR"),
    ("33", "74", "JAWA TENGAH", "KOTA SEMARANG", "SEMARANG"),
    ("35", "78", "JAWA TIMUR", "KOTA SURABAYA", "SURABAYA"),
    ("35", "07", "JAWA TIMUR", "KABUPATEN MALANG", "MALANG"),
    ("51", "71", "BALI", "KOTA DENPASAR", "DENPASAR"),
    ("12", "71", "SUMATERA UTARA", "KOTA MEDAN", "MEDAN"),
    ("73", "71", "SULAWESI SELATAN", "KOTA MAKASSAR", "MAKASSAR"),
    ("34", "71", "DI YOGYAKARTA", "KOTA YOGYAKARTA", "YOGYAKARTA"),
    ("64", "72", "KALIMANTAN TIMUR", "KOTA SAMARINDA", "SAMARINDA"),
]
GIVEN_M = [
    "BUDI",
    "AGUS",
    "ANDI",
    "RIZKY",
    "DWI",
    "EKO",
    "HENDRA",
    "FAJAR",
    "ADITYA",
    "BAYU",
    "IMAM",
    "JOKO",
    "KURNIAWAN",
    "MUHAMMAD",
    "YOGA",
    "WAHYU",
    "ARIF",
    "DIMAS",
    "GILANG",
]
GIVEN_F = [
    "SITI",
    "DEWI",
    "RINA",
    "PUTRI",
    "AYU",
    "INDAH",
    "LESTARI",
    "NURUL",
    "FITRI",
    "MAYA",
    "RATNA",
    "SRI",
    "WULAN",
    "YULIA",
    "ANISA",
    "DIAN",
    "KARTIKA",
    "MEGA",
    "TIARA",
]
FAMILY = [
    "SANTOSO",
    "WIJAYA",
    "SAPUTRA",
    "RAHAYU",
    "HIDAYAT",
    "PRATAMA",
    "KUSUMA",
    "NUGROHO",
    "SETIAWAN",
    "LUBIS",
    "SIREGAR",
    "HALIM",
    "SIMANJUNTAK",
    "WIBOWO",
    "PURNAMA",
    "SUHENDRA",
    "NASUTION",
    "HARAHAP",
    "GUNAWAN",
    "SUSANTO",
    "HASIBUAN",
    "MARPAUNG",
]
STREETS = [
    "JL. MERDEKA",
    "JL. SUDIRMAN",
    "JL. DIPONEGORO",
    "JL. GATOT SUBROTO",
    "JL. MAWAR",
    "JL. KENANGA",
    "JL. PAHLAWAN",
    "GG. MELATI",
    "JL. AHMAD YANI",
    "JL. CEMPAKA",
]
JOBS = [
    "KARYAWAN SWASTA",
    "PELAJAR/MAHASISWA",
    "WIRASWASTA",
    "PEGAWAI NEGERI SIPIL",
    "GURU",
    "MENGURUS RUMAH TANGGA",
    "PEDAGANG",
    "DOKTER",
]
RELIGIONS = ["ISLAM", "KRISTEN", "KATOLIK", "HINDU", "BUDDHA"]


@dataclass(frozen=True)
class Identity:
    """Who a synthetic document belongs to, and what it says."""

    kind: str  # ktp | passport | driving_licence
    id_number: str
    name: str
    birth_date: date
    sex: str  # M | F
    place: tuple[str, str, str, str, str]
    expiry: date | None = None
    face: int = 0  # index into faces()


def nik_for(place: tuple[str, ...], birth: date, sex: str, serial: int) -> str:
    """A NIK that encodes ``place``, ``birth`` and ``sex`` (women: day + 40)."""
    day = birth.day + (40 if sex == "F" else 0)
    district = f"{(serial * 7) % 40 + 1:02d}"
    return f"{place[0]}{place[1]}{district}{day:02d}{birth:%m%y}{serial % 9999 + 1:04d}"


def identity_random(rng: random.Random, kind: str, *, today: date, faces_count: int) -> Identity:
    """A consistent random identity for a document of ``kind``."""
    sex = rng.choice("MF")
    given = GIVEN_M if sex == "M" else GIVEN_F
    parts = [rng.choice(given)]
    if rng.random() < 0.5:
        parts.append(rng.choice(given))
    if rng.random() < 0.85:
        parts.append(rng.choice(FAMILY))
    name = " ".join(dict.fromkeys(parts))
    birth = today - timedelta(days=rng.randint(18 * 365, 70 * 365))
    place = rng.choice(PLACES)
    expiry = None
    if kind == "ktp":
        number = nik_for(place, birth, sex, rng.randint(1, 9998))
    elif kind == "passport":
        number = rng.choice("ABCXE") + f"{rng.randint(0, 9999999):07d}"
        expiry = today + timedelta(days=rng.randint(60, 9 * 365))
    else:
        groups = [4, 4, 4] if rng.random() < 0.5 else [4, 4, 6]
        number = "".join(str(rng.randint(0, 9)) for _ in range(sum(groups)))
        expiry = today + timedelta(days=rng.randint(60, 5 * 365))
    return Identity(kind, number, name, birth, sex, place, expiry, rng.randrange(faces_count))


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


CONDITIONS = {
    "standard": Conditions(25, 0.07, 0.45, (0.75, 1.12), (0, 0, 0.6, 1.0, 1.4), (0, 6), (60, 95)),
    "heldout": Conditions(35, 0.11, 0.6, (0.6, 1.15), (0, 0.8, 1.2, 1.8), (2, 10), (45, 85)),
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
    cast and other cards and papers in the scene.
    """
    cond = CONDITIONS[profile]
    wild = profile == "wild" and not gentle
    if wild and rng.random() < cond.reprint:
        document = _reprinted(document, rng)
    if wild and glare == 0 and rng.random() < cond.glare:
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
    if wild and rng.random() < cond.paper_clutter:
        _paper_clutter(scene_img, rng, target)
    scene = np.asarray(scene_img).copy()
    matrix = cv2.getPerspectiveTransform(corners, target)
    warped = cv2.warpPerspective(document, matrix, (out_w, out_h), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((doc_h, doc_w), 255, np.uint8), matrix, (out_w, out_h))
    if rng.random() < 0.5:  # a soft shadow under the card
        shadow = cv2.GaussianBlur(np.roll(mask, (8, 8), (0, 1)), (31, 31), 0)[..., None] / 255
        scene = (scene * (1 - 0.35 * shadow)).astype(np.uint8)
    alpha = cv2.GaussianBlur(mask, (3, 3), 0)[..., None] / 255.0
    photo = scene * (1 - alpha) + warped * alpha
    if wild and rng.random() < cond.hand:
        photo = _hand(photo.astype(np.uint8), target, rng, scale).astype(np.float64)
    # uneven light: a smooth multiplicative field
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    light = 1 + cond.light_span / 2 * (gx * (xx / out_w - 0.5) + gy * (yy / out_h - 0.5)) * 2
    light *= rng.uniform(*cond.light)
    photo = photo * light[..., None]
    if wild and rng.random() < cond.cast:
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


# --- non-documents --------------------------------------------------------------------------


def _jpeg(img: np.ndarray | Image.Image, quality: int = 88) -> bytes:
    pil = img if isinstance(img, Image.Image) else Image.fromarray(img)
    out = io.BytesIO()
    pil.convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue()


def selfie(rng: random.Random, face_index: int) -> bytes:
    """A selfie-like photo: one portrait on a plain scene."""
    face = faces()[face_index % len(faces())]
    scene = _scene(rng, (1000, 1250), clutter=False)
    portrait = Image.fromarray(face)
    portrait = portrait.resize((800, round(800 * portrait.height / portrait.width)))
    scene.paste(portrait, (100, 120))
    return _jpeg(scene)


def group_photo(rng: random.Random, faces_in: list[int]) -> bytes:
    """A holiday snapshot: two or three people side by side, no card."""
    scene = _scene(rng, (1600, 1000), clutter=True)
    slot = 1600 // len(faces_in)
    for k, index in enumerate(faces_in):
        portrait = Image.fromarray(faces()[index % len(faces())])
        portrait = portrait.resize(
            (slot - 60, round((slot - 60) * portrait.height / portrait.width))
        )
        scene.paste(portrait, (k * slot + 30, rng.randint(60, 200)))
    return _jpeg(scene)


def text_screenshot(rng: random.Random) -> bytes:
    """A phone screenshot of a chat or an article: lots of text, no document."""
    sans, bold, _mono = font_files()
    img = Image.new("RGB", (1080, 1920), _jitter(rng, (245, 245, 245), 10))
    draw = ImageDraw.Draw(img)
    font = _font(rng.choice(sans), rng.randint(30, 40))
    words = (
        "data pribadi nama alamat kirim besok pagi terima kasih nomor rekening transfer "
        "rapat jam sembilan tanggal lahir kartu identitas mohon dicek ya"
    ).split()
    y: float = 80  # ImageFont's size is typed as a float
    while y < 1800:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(3, 7)))
        draw.text((40, y), line.capitalize(), font=font, fill=(30, 30, 30))
        y += font.size + rng.randint(20, 60)
    return _jpeg(img)


def blank_card(rng: random.Random, *, with_text: bool) -> bytes:
    """A card-shaped object photographed like a document: blank, or with unrelated text."""
    width = rng.randint(900, 1200)
    height = round(width / ID1_ASPECT)
    card = _background(rng, (width, height), rng.choice([(150, 195, 230), (240, 240, 235)]))
    if with_text:
        sans, bold, _mono = font_files()
        draw = ImageDraw.Draw(card)
        draw.text(
            (50, 60), "PT MAJU JAYA ABADI", font=_font(rng.choice(bold), 46), fill=(20, 20, 60)
        )
        draw.text(
            (50, 160),
            "Andi Wirawan - Sales Manager",
            font=_font(rng.choice(sans), 34),
            fill=(20, 20, 20),
        )
        draw.text(
            (50, 230), "Telp 0812-3456-7890", font=_font(rng.choice(sans), 34), fill=(20, 20, 20)
        )
        draw.text(
            (50, 300), "www.majujaya.example", font=_font(rng.choice(sans), 30), fill=(20, 20, 20)
        )
    return photograph(np.asarray(card), rng=rng)


def letter(rng: random.Random, *, form: bool = False) -> bytes:
    """A printed letter (A4, portrait) or a form (A5, landscape, two columns) that quotes a
    person's KTP details (NIK, name, birth, sex) with the KTP's own labels: text about an ID,
    not an ID. Only a card's shape and layout tell them from a KTP."""
    who = identity_random(rng, "ktp", today=_today(), faces_count=1)
    sans, bold, _mono = font_files()
    width = 1000 if not form else 1200
    height = round(width * 297 / 210) if not form else round(width * 148 / 210)
    page = Image.new("RGB", (width, height), _jitter(rng, (247, 247, 243), 6))
    draw = ImageDraw.Draw(page)
    ink = (20, 20, 20)
    body = _font(rng.choice(sans), rng.randint(22, 28))
    head = _font(rng.choice(bold), rng.randint(28, 36))
    y = 50.0
    title = rng.choice(["SURAT KETERANGAN DOMISILI", "FORMULIR PENDAFTARAN", "SURAT PERNYATAAN"])
    draw.text((width / 2, y), title, font=head, fill=ink, anchor="ma")
    y += head.size * 2
    if not form:
        for sentence in (
            "Yang bertanda tangan di bawah ini menerangkan bahwa:",
            "dengan data sebagai berikut sesuai kartu identitas.",
        ):
            draw.text((70, y), sentence, font=body, fill=ink)
            y += body.size * 1.8
    rows = [
        ("Nama", who.name),
        ("NIK", who.id_number),
        ("Tempat/Tgl Lahir", f"{who.place[4]}, {_dmy(who.birth_date)}"),
        ("Jenis Kelamin", "LAKI-LAKI" if who.sex == "M" else "PEREMPUAN"),
        ("Alamat", f"{rng.choice(STREETS)} NO. {rng.randint(1, 200)}"),
        ("Agama", rng.choice(RELIGIONS)),
        ("Pekerjaan", rng.choice(JOBS)),
        ("Kewarganegaraan", "WNI"),
    ]
    second = [
        ("No. HP", f"0812-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"),
        ("Email", "warga@contoh.example"),
        ("Pendidikan", rng.choice(["SMA", "D3", "S1"])),
        ("Status", rng.choice(["BELUM KAWIN", "KAWIN"])),
        ("Keperluan", "PENDAFTARAN"),
        ("Tanggal", _dmy(_today())),
    ]
    top = y
    for label, value in rows:
        draw.text((60, y), label, font=body, fill=ink)
        draw.text((60 + 11 * body.size, y), f": {value}", font=body, fill=ink)
        y += body.size * 1.7
    if form:
        y2 = top
        for label, value in second:
            draw.text((width * 0.62, y2), f"{label} : {value}", font=body, fill=ink)
            y2 += body.size * 2.2
    else:
        y += body.size
        words = "adalah benar warga kami yang berdomisili di alamat tersebut demikian surat"
        while y < height - 250:
            line = " ".join(rng.choice(words.split()) for _ in range(rng.randint(7, 10)))
            draw.text((70, y), line.capitalize(), font=body, fill=ink)
            y += body.size * 1.8
        draw.text((width - 350, height - 200), "Kepala Desa", font=body, fill=ink)
    return photograph(np.asarray(page), rng=rng)


def non_documents(
    rng: random.Random, count: int, *, letters: bool = False
) -> list[tuple[str, bytes]]:
    """``count`` non-documents in rotation: selfie, group, screenshot, blank card, other card,
    and with ``letters`` a printed letter and a form quoting a KTP's details."""
    makers = [
        ("selfie", lambda: selfie(rng, rng.randrange(len(faces())))),
        ("group", lambda: group_photo(rng, rng.sample(range(max(2, len(faces()))), 2))),
        ("screenshot", lambda: text_screenshot(rng)),
        ("blank_card", lambda: blank_card(rng, with_text=False)),
        ("other_card", lambda: blank_card(rng, with_text=True)),
    ]
    if letters:
        makers += [
            ("letter", lambda: letter(rng)),
            ("form", lambda: letter(rng, form=True)),
        ]
    return [(makers[i % len(makers)][0], makers[i % len(makers)][1]()) for i in range(count)]


def typed_variant(who: Identity, rng: random.Random) -> tuple[str, Identity]:
    """The same identity with one typed field changed: (field name, changed identity)."""
    field = rng.choice(["id_number", "name", "birth_date", "sex"])
    if field == "id_number":
        digits = list(who.id_number)
        positions = [i for i, c in enumerate(digits) if c.isdigit()]
        if who.kind == "ktp":  # keep the NIK consistent with itself: change place or serial
            positions = [2, 3, 4, 5, 12, 13, 14, 15]
        i = rng.choice(positions)
        digits[i] = str((int(digits[i]) + rng.randint(1, 9)) % 10)
        return field, replace(who, id_number="".join(digits))
    if field == "name":
        given = GIVEN_M + GIVEN_F
        other = " ".join(rng.choice(given + FAMILY) for _ in range(len(who.name.split())))
        while other == who.name:
            other = " ".join(rng.choice(given + FAMILY) for _ in range(len(who.name.split())))
        return field, replace(who, name=other)
    if field == "birth_date":
        return field, replace(
            who,
            birth_date=who.birth_date + timedelta(days=rng.choice([-1, 1, 31, -365, 400, 3000])),
        )
    return field, replace(who, sex="F" if who.sex == "M" else "M")


def blurred(document_photo: bytes, sigma: float) -> bytes:
    """The same photo, out of focus."""
    with Image.open(io.BytesIO(document_photo)) as img:
        return _jpeg(img.filter(ImageFilter.GaussianBlur(sigma)))


def sample_document(
    *,
    kind: str,
    id_number: str,
    name: str,
    birth_date: date,
    sex: str,
    expiry: date | None = None,
    portrait: np.ndarray | None = None,
    seed: int = 0,
    photographed: bool = True,
    broken_check: str = "",
) -> bytes:
    """One document with exactly these details, as JPEG bytes (tests, demo, load client).

    ``photographed`` puts it in a gentle scene (small tilt, even light, no clutter), so the
    detection and flattening run too; otherwise the flat document itself, like a scan.
    """
    place = next((p for p in PLACES if id_number.startswith(p[0] + p[1])), None)
    place = place or next((p for p in PLACES if id_number.startswith(p[0])), PLACES[0])
    if kind != "ktp" and expiry is None:
        expiry = _today() + timedelta(days=3 * 365)
    who = Identity(kind, id_number, name.upper(), birth_date, sex, place, expiry)
    rng = random.Random(seed)
    extra = {"broken_check": broken_check} if kind == "passport" else {}
    flat = render(who, rng=rng, portrait=portrait, mono_chance=0.0, **extra)
    if not photographed:
        return _jpeg(flat, quality=92)
    return photograph(flat, rng=random.Random(seed), gentle=True)
