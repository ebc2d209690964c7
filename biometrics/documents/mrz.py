"""ICAO Doc 9303 TD3 machine-readable zone (passport data page): check digits, parse, compose.

Two lines of 44 characters, filler ``<``:

- line 1: ``P`` + type letter or ``<``, issuing state (3), ``SURNAME<<GIVEN<NAMES`` padded;
- line 2: document number (9) + check, nationality (3), birth date YYMMDD + check, sex
  (``M``/``F``/``<``), expiry YYMMDD + check, optional data (14) + check, composite check over
  number+check, birth+check, expiry+check, optional+check.

Check digit: weights 7, 3, 1 repeating; digits count as their value, ``A``-``Z`` as 10-35,
``<`` as 0; the sum mod 10. ICAO's specimen (``L898902C36UTO7408122F1204159ZE184226B<<<<<10``)
is the test vector in ``biometrics/tests/test_documents_mrz.py``.

OCR reads ``<`` runs with the wrong length now and then; ``mrz_parse`` therefore anchors line 2
at both ends (the first 28 characters and the last two have fixed meanings) and rebuilds the
optional-data field in between.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import product

LINE_LENGTH = 44
_WEIGHTS = (7, 3, 1)
# OCR confusions between letters and digits, applied only where the field's type is certain.
TO_DIGIT = str.maketrans(
    {
        "O": "0",
        "Q": "0",
        "D": "0",
        "U": "0",
        "I": "1",
        "L": "1",
        "T": "1",
        "Z": "2",
        "S": "5",
        "G": "6",
        "B": "8",
        "A": "4",
        "<": "0",
    }
)
TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "6": "G", "8": "B", "4": "A"})
_MRZ_CHARS = re.compile(r"[^A-Z0-9<]")


def char_value(ch: str) -> int:
    """The value of one MRZ character in a check-digit sum."""
    if ch.isdigit():
        return int(ch)
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    if ch == "<":
        return 0
    raise ValueError(f"not an MRZ character: {ch!r}")


# Line 2's document number: left-justified in its first cells, padded with fillers after it.
NUMBER_CELLS = 9
# Letters whose value is 0 modulo 10 (A, K, U): in a check digit they weigh what the filler
# "<" weighs, at any position, so no check digit tells them from it.
CHECK_BLIND_LETTERS = "".join(
    chr(code) for code in range(ord("A"), ord("Z") + 1) if char_value(chr(code)) % 10 == 0
)


def check_digit(data: str) -> str:
    """The ICAO 9303 check digit of ``data`` (a string of 0-9, A-Z and <)."""
    total = sum(char_value(ch) * _WEIGHTS[i % 3] for i, ch in enumerate(data))
    return str(total % 10)


@dataclass(frozen=True)
class Mrz:
    """A parsed TD3 zone; ``failed`` names the check digits that do not verify."""

    document_type: str
    issuing_state: str
    surname: str
    given_names: str
    number: str
    nationality: str
    birth: str  # YYMMDD as printed
    sex: str  # M, F or <
    expiry: str  # YYMMDD
    optional: str
    failed: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.failed

    @property
    def plausible(self) -> bool:
        """Is this a machine-readable zone at all (and not a line of prose that starts with
        P)? Its dates are dates and most of its five check digits verify."""
        dates = all(re.fullmatch(r"\d{6}", d) for d in (self.birth, self.expiry))
        return dates and len(self.failed) <= 2 and len(self.number) >= 5

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.surname) if part)


def clean_line(text: str) -> str:
    """Upper-case an OCR'd MRZ line and map look-alikes of ``<`` onto it; drop other noise."""
    text = text.upper().replace(" ", "")
    for look_alike in ("«", "‹", "く", "〈", "＜", "(", "[", "{"):
        text = text.replace(look_alike, "<" * (2 if look_alike == "«" else 1))
    return _MRZ_CHARS.sub("", text)


def _anchored(line2: str) -> str:
    """A cleaned line 2 of another length than 44, anchored at both ends: positions 0-27 and
    the last two characters are fixed, the optional data between them padded or cut."""
    if len(line2) == LINE_LENGTH:
        return line2
    middle = line2[28:-2].rstrip("<")[:14]
    return line2[:28] + middle.ljust(14, "<") + line2[-2:]


# Line 2's head (document number, nationality, birth date, sex, expiry, with their check
# digits) and tail (optional data, its check digit, the composite).
_HEAD = 28


def mrz_combine(line1: str, reads: list[str]) -> str | None:
    """Line 2 from two or more reads of it, each right in a different part; None unless
    exactly one combination verifies every check digit.

    A read whose head verifies (number, birth and expiry check digits) is aligned there; the
    tail may come from another read (one that lost a character in the head, where the
    recogniser dropped a letter, may still have read the line's end, which the first read
    cut short). The composite, computed over both parts, must then verify as well, so a
    check digit printed wrong is never combined away.
    """
    lines = [_anchored(clean_line(text)) for text in reads if len(clean_line(text)) >= 30]
    heads = []
    for line in lines:
        parsed = mrz_parse(line1, line)
        if parsed is not None and not {"number", "birth", "expiry"} & set(parsed.failed):
            heads.append(line[:_HEAD])
    found: dict[Mrz, str] = {}  # by what the line says (a check digit "<" reads as 0)
    for head, tail in sorted(product(set(heads), {line[_HEAD:] for line in lines})):
        parsed = mrz_parse(line1, head + tail)
        if parsed is not None and parsed.valid:
            found.setdefault(parsed, head + tail)
    return next(iter(found.values())) if len(found) == 1 else None


def _date_field(raw: str) -> str:
    return raw.translate(TO_DIGIT)


# An empty optional data field's check digit can only be "<" or "0" (Doc 9303 part 4, 4.2.2).
# Read as an "8" (or its letter look-alike "B") it is the 0 with its waist closed, as soft
# print-outs of OCR-B read it (hand-held 71201 passport_0028: every field verified, the composite
# too with a 0 there). It counts as the 0 it must be, in the composite as well, which then
# decides independently.
EMPTY_CHECK_MISREADS = "8"


def mrz_parse(line1: str, line2: str) -> Mrz | None:
    """Parse two OCR'd TD3 lines; None when they cannot be a TD3 zone at all.

    Digit-only positions (dates, check digits) get letter look-alikes mapped to digits, and
    letter-only positions (states, sex) the reverse; the document number is alphanumeric and
    is left as read: its check digit decides.
    """
    line1, line2 = clean_line(line1), clean_line(line2)
    if len(line2) < 30:
        return None
    if len(line1) < 10 or not line1.startswith("P"):
        line1 = "P<<<<"  # line 1 unreadable: line 2 still holds the number, dates and checks
    line2 = _anchored(line2)
    number, number_check = line2[0:9], line2[9].translate(TO_DIGIT)
    nationality = line2[10:13].translate(TO_LETTER)
    birth, birth_check = _date_field(line2[13:19]), line2[19].translate(TO_DIGIT)
    sex = line2[20].translate(TO_LETTER).replace("H", "M")
    expiry, expiry_check = _date_field(line2[21:27]), line2[27].translate(TO_DIGIT)
    optional, optional_cell = line2[28:42], line2[42]
    if optional.strip("<") == "" and optional_cell.translate(TO_DIGIT) in EMPTY_CHECK_MISREADS:
        optional_cell = "0"
    optional_check = optional_cell.translate(TO_DIGIT)
    composite = line2[43].translate(TO_DIGIT)
    failed = []
    for name, data, digit in (
        ("number", number, number_check),
        ("birth", birth, birth_check),
        ("expiry", expiry, expiry_check),
    ):
        if check_digit(data) != digit:
            failed.append(name)
    # An empty optional field may carry "<" or "0" as its check digit (Doc 9303 part 4, 4.2.2).
    if check_digit(optional) != optional_check and not (
        optional.strip("<") == "" and optional_check in ("0", "<")
    ):
        failed.append("optional")
    composite_data = number + number_check + birth + birth_check + expiry + expiry_check
    composite_data += optional + optional_cell
    # The composite is always printed as a digit: a "<" there is a line read short of its end
    # (padded out by the anchoring), not a 0 that verifies one time in ten.
    if line2[43] == "<" or check_digit(composite_data) != composite:
        failed.append("composite")
    names = line1[5:].rstrip("<")
    surname, _sep, given = names.partition("<<")
    return Mrz(
        document_type=line1[0:2].replace("<", ""),
        issuing_state=line1[2:5].translate(TO_LETTER),
        surname=surname.replace("<", " ").strip(),
        given_names=given.replace("<", " ").strip(),
        number=number.replace("<", ""),
        nationality=nationality,
        birth=birth,
        sex=sex if sex in ("M", "F") else "<",
        expiry=expiry,
        optional=optional.replace("<", ""),
        failed=tuple(failed),
    )


# Characters OCR-B's glyphs are confused with by a scene-text recogniser, per position type.
_DIGITS = "0123456789"
_ALNUM = _DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
# Line 2's cells by what they may hold: the document number (alphanumeric, padded), the
# numeric dates and check digits, and the optional data (alphanumeric, padded).
_LINE2_ALNUM = set(range(0, 9)) | set(range(28, 42))
_LINE2_DIGITS = {9, *range(13, 20), *range(21, 28), 42, 43}
_FIELD_CELLS = {
    "number": range(0, 10),
    "birth": range(13, 20),
    "expiry": range(21, 28),
    "optional": range(28, 43),
}
# At most this many doubtful cells are tried (a line with more is read too badly to repair).
REPAIR_MAX_CANDIDATES = 6


def mrz_repair(
    line1: str, line2: str, confidences: tuple[float, ...], *, weak: float
) -> str | None:
    """Line 2 with one doubtful character corrected per failing field, when the check digits
    leave exactly one correction; else None.

    A recogniser's slip on an OCR-B glyph (8 for 3, 0 for 6, B for 8 in the document number)
    makes a check digit fail. Only characters read with less than ``weak`` confidence are
    candidates, each field may change in one cell, and a correction counts only if *every*
    check digit then verifies, the composite included: a field's own check digit picks the
    value, the composite (computed over all fields) confirms it independently. When two
    different corrections both verify, the reading is ambiguous and nothing is changed. A check
    digit printed wrong and read clearly is never "corrected" (its cell is not doubtful).
    """
    if len(line2) != LINE_LENGTH or len(confidences) != LINE_LENGTH:
        return None
    parsed = mrz_parse(line1, line2)
    if parsed is None or not parsed.failed or len(parsed.failed) > 3:
        return None
    fields = [name for name in parsed.failed if name in _FIELD_CELLS]
    if not fields:
        return None  # only the composite fails: every field verified on its own
    per_field: list[list[tuple[int, str]]] = []
    for name in fields:
        cells = sorted(
            (i for i in _FIELD_CELLS[name] if confidences[i] < weak),
            key=lambda i: confidences[i],
        )[:REPAIR_MAX_CANDIDATES]
        options = []
        for i in cells:
            alphabet = _ALNUM if i in _LINE2_ALNUM else _DIGITS
            for ch in alphabet:
                if ch == line2[i]:
                    continue
                again = mrz_parse(line1, line2[:i] + ch + line2[i + 1 :])
                if again is not None and name not in again.failed:
                    options.append((i, ch))
        if not options:
            return None
        per_field.append(options)
    # By what the line says: corrections that say the same (an empty optional field's check
    # digit as "0" or as the "8" that counts as 0) are one reading, the first tried ("0") kept.
    found: dict[Mrz, str] = {}
    for combo in product(*per_field):
        chars = list(line2)
        for i, ch in combo:
            chars[i] = ch
        candidate = "".join(chars)
        again = mrz_parse(line1, candidate)
        if again is not None and again.valid:
            found.setdefault(again, candidate)
            if len(found) > 1:
                return None
    return next(iter(found.values()), None)


# The printed number may differ from the zone's read in at most this many cells.
NUMBER_CELLS_APART = 2


def mrz_with_number(line1: str, line2: str, printed: str) -> str | None:
    """Line 2 with its document number taken from the visual zone's, when every check digit
    then verifies; else None.

    The document number mixes letters and digits, so a clear misread of an OCR-B glyph as its
    look-alike ("81932261" for B1932261) is not repaired by position, and the check digits
    cannot choose: 8 to B in the first cell and 1 to I in the second change the weighted sum
    alike. The number printed in the visual zone, in another font, is independent evidence:
    taken only when it differs from the zone's in at most ``NUMBER_CELLS_APART`` cells and the
    number's check digit and the composite both verify with it.
    """
    line2 = clean_line(line2)
    number = re.sub(r"[^A-Z0-9]", "", printed.upper())
    if len(line2) < 30 or not 1 <= len(number) <= 9:
        return None
    line2 = _anchored(line2)
    field = number.ljust(9, "<")
    if sum(a != b for a, b in zip(field, line2[:9], strict=True)) > NUMBER_CELLS_APART:
        return None
    candidate = field + line2[9:]
    parsed = mrz_parse(line1, candidate)
    return candidate if parsed is not None and parsed.valid else None


def mrz_date(yymmdd: str, *, today: date, future: bool) -> date | None:
    """Resolve a YYMMDD date: birth dates lie in the past, expiry dates within 20 years ahead."""
    if not re.fullmatch(r"\d{6}", yymmdd):
        return None
    yy, mm, dd = int(yymmdd[0:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    century = today.year // 100 * 100
    for year in (century + yy, century - 100 + yy, century + 100 + yy):
        try:
            value = date(year, mm, dd)
        except ValueError:
            return None
        if future and today.year - 30 <= value.year <= today.year + 20:
            return value
        if not future and value <= today:
            return value
    return None


def _name_field(text: str) -> str:
    return re.sub(r"[^A-Z]+", "<", text.upper()).strip("<")


def mrz_compose(
    *,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth: date,
    sex: str,
    expiry: date,
    issuing_state: str = "IDN",
    optional: str = "",
) -> tuple[str, str]:
    """Compose a valid TD3 zone (for the synthetic document generator and tests)."""
    names = f"{_name_field(surname)}<<{_name_field(given_names)}"
    line1 = f"P<{issuing_state}{names}"[:LINE_LENGTH].ljust(LINE_LENGTH, "<")
    number_field = number.upper().ljust(9, "<")[:9]
    birth_field, expiry_field = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    optional_field = optional.upper().ljust(14, "<")[:14]
    head = number_field + check_digit(number_field) + nationality
    head += birth_field + check_digit(birth_field) + sex
    head += expiry_field + check_digit(expiry_field)
    optional_part = optional_field + check_digit(optional_field)
    composite_data = (
        number_field + check_digit(number_field) + birth_field + check_digit(birth_field)
    )
    composite_data += expiry_field + check_digit(expiry_field) + optional_part
    line2 = head + optional_part + check_digit(composite_data)
    return line1, line2
