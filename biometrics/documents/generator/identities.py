"""Who a synthetic document is for: names, places, NIKs (never real people)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

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
