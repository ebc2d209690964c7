"""Validate government ID numbers: the Indonesian NIK in depth, passports and licences by shape.

NIK layout (16 digits, no checksum): PP RR SS DDMMYY NNNN = province, regency/city, district,
birth date with 40 added to the day for women, serial. Place codes record where the NIK was first
issued, which is why a resident of a province created since then may still hold an older code.

Never log an ID number: errors carry a code and a member-facing message only, and `str(error)`
is the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Kemendagri (Dukcapil) province codes, which NIKs use. They differ from BPS statistical codes
# for Papua: BPS has 91 Papua Barat, 92 Papua Barat Daya, 94 Papua, 95-97 for the 2022
# provinces, but the KTP of someone from Kota Jayapura starts 9171 (Kemendagri 91 = Papua).
# The four 2022 provinces (UU 14, 15, 16/2022 and UU 29/2022) got 93-96 in Kepmendagri
# 100.1.1-6117/2022; there is no 97 in the Kemendagri list.
PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "DKI Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "DI Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

MAX_AGE_YEARS = 120
ID_TYPES = ("nik", "passport", "driving_licence")

# Separators people type or paste when copying a number off a card: "3174 0912 ..." or
# "32.01.234...". Anything else (letters, other scripts' digits) is an error, not noise.
_SEPARATORS = re.compile(r"[\s.\-]")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_ALNUM = re.compile(r"[A-Z0-9]+")

_MESSAGES: dict[str, str | Promise] = {
    "nik_not_digits": _("The NIK may contain digits only."),
    "nik_wrong_length": _("The NIK must be exactly 16 digits."),
    "nik_unknown_province": _("The NIK does not start with a known province code."),
    "nik_invalid_date": _("The NIK does not contain a valid date of birth."),
    "nik_future_date": _("The date of birth is in the future."),
    "nik_bad_serial": _("The NIK's last four digits cannot be 0000."),
    "nik_birth_date_mismatch": _("The NIK does not match the date of birth you entered."),
    "nik_sex_mismatch": _("The NIK does not match the sex you entered."),
    "id_number_invalid": _("This ID number does not look valid. Check it and try again."),
}


class NikError(ValueError):
    """An ID number failed validation; `.code` is stable, `.message` is for the member."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


@dataclass(frozen=True)
class NikInfo:
    """What a NIK encodes. `birth_date`'s century is inferred (see `nik_parse`)."""

    province_code: str
    province_name: str
    regency_code: str
    district_code: str
    birth_date: date
    sex: Literal["F", "M"]
    serial: str


def nik_normalise(nik: str) -> str:
    """Strip the spaces, dots and hyphens people type between digit groups."""
    return _SEPARATORS.sub("", nik)


def _birth_date(day: int, month: int, yy: int, today: date) -> date:
    """Resolve the two-digit year to the century that gives an age of 0 to 120 on `today`."""
    candidates: list[date] = []
    for century in (today.year // 100 * 100, today.year // 100 * 100 - 100):
        try:
            candidates.append(date(century + yy, month, day))
        except ValueError:
            continue
    if not candidates:
        raise NikError("nik_invalid_date")
    for born in candidates:  # most recent century first
        if born <= today and _age(born, today) <= MAX_AGE_YEARS:
            return born
    raise NikError("nik_future_date")


def _today() -> date:
    """Today in the project's time zone (Jakarta is UTC+7: the server's UTC date lags at 6 am)."""
    if settings.configured:
        return timezone.localdate()
    return datetime.now(UTC).date()


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def nik_parse(nik: str, *, today: date | None = None) -> NikInfo:
    """Check a NIK's structure and decode it.

    Spaces, dots and hyphens are removed first; any other non-ASCII-digit character is
    `nik_not_digits` (`"١٢".isdigit()` is True in Python, hence the explicit [0-9]).
    The century is the one that puts the birth date 0 to 120 years before `today`, so a date
    that is in the future this century reads as the previous one; `nik_validate` settles the
    century from the member's own birth date instead.
    """
    today = today or _today()
    digits = nik_normalise(nik)
    if not _ASCII_DIGITS.fullmatch(digits):
        raise NikError("nik_not_digits")
    if len(digits) != 16:
        raise NikError("nik_wrong_length")
    province = digits[0:2]
    if province not in PROVINCES:
        raise NikError("nik_unknown_province")

    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex: Literal["F", "M"] = "F" if day > 40 else "M"
    if sex == "F":
        day -= 40
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        raise NikError("nik_invalid_date")
    birth_date = _birth_date(day, month, yy, today)

    serial = digits[12:16]
    if serial == "0000":
        raise NikError("nik_bad_serial")
    return NikInfo(
        province_code=province,
        province_name=PROVINCES[province],
        regency_code=digits[2:4],
        district_code=digits[4:6],
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def _check_sex(sex: str) -> Literal["F", "M"]:
    normalised = sex.strip().upper()
    if normalised == "F":
        return "F"
    if normalised == "M":
        return "M"
    raise ValueError("sex must be 'F' or 'M'")


def nik_validate(nik: str, *, birth_date: date, sex: str, today: date | None = None) -> NikInfo:
    """Parse a NIK and check it agrees with the birth date and sex the member entered.

    The member's birth date settles the century: someone born in 1925 has the same DDMMYY as
    someone born in 2025, and only the entered date tells them apart. A birth date in the
    future is `nik_future_date`.
    """
    today = today or _today()
    member_sex = _check_sex(sex)
    info = nik_parse(nik, today=today)
    encoded = (info.birth_date.day, info.birth_date.month, info.birth_date.year % 100)
    if encoded != (birth_date.day, birth_date.month, birth_date.year % 100):
        raise NikError("nik_birth_date_mismatch")
    if birth_date > today:
        raise NikError("nik_future_date")
    if _age(birth_date, today) > MAX_AGE_YEARS:
        raise NikError("nik_invalid_date")
    if info.sex != member_sex:
        raise NikError("nik_sex_mismatch")
    return NikInfo(
        province_code=info.province_code,
        province_name=info.province_name,
        regency_code=info.regency_code,
        district_code=info.district_code,
        birth_date=birth_date,
        sex=info.sex,
        serial=info.serial,
    )


def id_number_validate(id_type: str, number: str, *, birth_date: date, sex: str) -> str:
    """Validate an ID number of type "nik", "passport" or "driving_licence"; return it normalised.

    A NIK gets the full `nik_validate`. Passport and licence numbers encode nothing we can
    cross-check, so they are only normalised (separators removed, upper case) and checked for
    shape, raising `NikError("id_number_invalid")`:
    - passport: 6 to 9 letters/digits with at least one digit (ICAO 9303 document-number field
      is 9 characters; Indonesian passports are one letter and seven digits);
    - driving licence: 5 to 20 letters/digits with at least one digit (Indonesian SIM numbers
      are 12 to 14 digits; other countries mix letters in, e.g. UK licences are 16 characters).
    """
    if id_type == "nik":
        nik_validate(number, birth_date=birth_date, sex=sex)
        return nik_normalise(number)
    if id_type not in ID_TYPES:
        raise ValueError(f"unknown id_type {id_type!r}")
    _check_sex(sex)
    normalised = _SEPARATORS.sub("", number).upper()
    shortest, longest = (6, 9) if id_type == "passport" else (5, 20)
    if (
        not _ALNUM.fullmatch(normalised)
        or not shortest <= len(normalised) <= longest
        or not any(ch.isdigit() for ch in normalised)
        or len(set(normalised)) == 1
    ):
        raise NikError("id_number_invalid")
    return normalised
