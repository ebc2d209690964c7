"""What must never pass as a document, typed variants, and one-call samples."""

from __future__ import annotations

import io
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from biometrics.documents.generator.cards import _background, _dmy, _jitter, render
from biometrics.documents.generator.identities import (
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    ID1_ASPECT,
    JOBS,
    PLACES,
    RELIGIONS,
    STREETS,
    Identity,
    identity_random,
)
from biometrics.documents.generator.resources import _font, faces, font_files
from biometrics.documents.generator.scenes import _scene, photograph
from biometrics.nik import _today

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
