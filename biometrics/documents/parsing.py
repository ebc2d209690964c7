"""Turn OCR'd lines of a rectified document into fields: KTP, SIM, passport (MRZ).

Pure functions over ``TextLine`` lists. The PP-OCR recogniser drops the spaces between words
("BUDISANTOSO") and reads ``:`` as a full-width colon now and then, so labels are matched with
spaces removed and by similarity (rapidfuzz), never by exact text.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import numpy as np
from rapidfuzz import fuzz

from biometrics.documents.mrz import TO_DIGIT, Mrz, mrz_date, mrz_parse, mrz_repair
from biometrics.documents.ocr import TextLine
from biometrics.documents.results import ReadField
from biometrics.nik import NikError, nik_parse

# Letters a recogniser confuses with digits, and the digits each may stand for.
DIGIT_LOOKALIKES = {
    "O": "0",
    "D": "0",
    "Q": "0",
    "U": "0",
    "I": "1",
    "L": "1",
    "|": "1",
    "!": "1",
    "J": "1",
    "T": "7",
    "Z": "27",
    "S": "58",
    "B": "83",
    "G": "6",
    "A": "4",
    "E": "8",
    "Y": "7",
    "C": "0",
}
# Below this a character is a guess: a field holding one is "doubtful".
CHAR_CONFIDENT = 0.75
# MRZ characters read with less confidence than this may be corrected when the check digits
# leave exactly one correction (``mrz.mrz_repair``).
MRZ_REPAIR_WEAK = 0.9


def norm(text: str) -> str:
    """Upper case, full-width punctuation folded, spaces removed."""
    text = text.upper().replace("：", ":").replace("；", ";").replace("，", ",")
    return re.sub(r"\s+", "", text)


def letters(text: str) -> str:
    """The letters A-Z of ``text``, upper case: nothing else (a name compared as read)."""
    return re.sub(r"[^A-Z]", "", text.upper())


def _slope(lines: list[TextLine]) -> float:
    """The page's residual tilt (dy/dx) from its long lines' top edges (median)."""
    slopes = []
    for line in lines:
        (x0, y0), (x1, y1) = line.box.points[0], line.box.points[1]
        if line.box.width > 3 * line.box.height and x1 > x0:
            slopes.append((y1 - y0) / (x1 - x0))
    return float(np.median(slopes)) if slopes else 0.0


def rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Group lines into rows, each sorted left to right.

    A flattened page may still tilt by a degree or two, enough to move a value printed 300 px
    right of its label by half a line: centres are compared after undoing the median tilt.
    """
    slope = _slope(lines)

    def level(line: TextLine) -> float:
        return line.box.cy - slope * (line.box.x0 + line.box.x1) / 2

    grouped: list[list[TextLine]] = []
    for line in sorted(lines, key=level):
        for row in grouped:
            ref = row[0]
            if abs(level(ref) - level(line)) < 0.45 * min(ref.box.height, line.box.height):
                row.append(line)
                break
        else:
            grouped.append([line])
    return [sorted(row, key=lambda line: line.box.x0) for row in grouped]


def contains(lines: list[TextLine], word: str, threshold: float = 85) -> bool:
    """Does any line contain ``word`` (spaces ignored, OCR slips tolerated)?"""
    target = norm(word)
    return any(
        fuzz.partial_ratio(target, norm(line.text)) >= threshold
        for line in lines
        if len(norm(line.text)) >= len(target) - 1
    )


def min_confidence(lines: list[TextLine]) -> float:
    return min((line.confidence for line in lines), default=0.0)


def _label_value(row: list[TextLine], label: str) -> tuple[str, list[TextLine]] | None:
    """If ``row`` starts with ``label``, return the value printed after it (and its lines).

    The value runs from the colon (or the label's end) to the first wide gap, so a caption
    printed further right on the same line (under the portrait) is not taken along.
    """
    target = norm(label)
    flat = norm(" ".join(line.text for line in row))
    if len(flat) < len(target) or fuzz.ratio(target, flat[: len(target)]) < 80:
        return None
    # Where the value starts: in the box holding the colon, or the first box after the label.
    consumed, start, head = 0, len(row), ""
    for index, line in enumerate(row):
        text = line.text.replace("：", ":")
        if ":" in text:
            start, head = index, text.split(":", 1)[1]
            break
        consumed += len(norm(text))
        if consumed >= len(target) - 1:
            rest = (
                norm(text)[len(norm(text)) - (consumed - len(target)) :]
                if consumed > len(target)
                else ""
            )
            start, head = index, rest
            break
    if start >= len(row):
        return None
    parts, used = [head], [row[start]]
    height = max(line.box.height for line in row)
    previous = row[start]
    for line in row[start + 1 :]:
        if line.box.x0 - previous.box.x1 > 2.5 * height and "".join(parts).strip(" :"):
            break
        parts.append(line.text.replace("：", ":").lstrip(":"))
        used.append(line)
        previous = line
    value = " ".join(parts).strip(" :;.,").strip()
    return (value, used) if value else None


def find_labelled(
    lines: list[TextLine], *labels: str, grouped: list[list[TextLine]] | None = None
) -> tuple[str, float] | None:
    """The value printed after the first of ``labels`` that starts a row, and its confidence."""
    for row in grouped if grouped is not None else rows(lines):
        for label in labels:
            found = _label_value(row, label)
            if found:
                value, used = found
                return value, min_confidence(used)
    return None


def _digits_candidates(raw: str, weak: set[int]) -> list[str]:
    """All digit strings ``raw`` may stand for (letters mapped to look-alike digits)."""
    options = []
    for i, ch in enumerate(raw):
        if ch.isdigit():
            options.append(ch)
        elif ch in DIGIT_LOOKALIKES:
            options.append(DIGIT_LOOKALIKES[ch])
        else:
            return []
        del i
    if sum(len(o) > 1 for o in options) > 4:
        return []
    return ["".join(combo) for combo in itertools.product(*options)]


def read_nik(
    lines: list[TextLine], *, today: date, grouped: list[list[TextLine]] | None = None
) -> ReadField | None:
    """The printed NIK: 16 characters after the "NIK" label (or any 16-digit token).

    Letters are mapped to the digits they look like; where a letter may stand for several
    digits, the reading is kept only if exactly one of them is a valid NIK.
    """
    candidates: list[tuple[str, float]] = []
    for row in grouped if grouped is not None else rows(lines):
        joined = norm(" ".join(line.text for line in row))
        weakest = min_confidence(row)
        labelled = fuzz.partial_ratio("NIK", joined[:4]) >= 66
        # Up to 19 characters: the label joined to the number when the colon between them
        # was not read ("NIK7371266108600656"), its three letters then cut off.
        for token in re.findall(r"[0-9A-Z|!]{14,19}", joined.replace(":", " ").replace(".", "")):
            token = token[3:] if labelled and token.startswith(("NIK", "N1K", "NLK")) else token
            if len(token) == 16 and sum(ch.isdigit() for ch in token) >= 12:
                candidates.append((token, weakest if labelled else weakest * 0.95))
    for token, confidence in candidates:
        valid = []
        for digits in _digits_candidates(token, set()):
            try:
                nik_parse(digits, today=today)
            except NikError:
                continue
            valid.append(digits)
        if len(valid) == 1:
            penalty = 0.9 if valid[0] != token else 1.0
            return ReadField(valid[0], confidence * penalty)
        if len(valid) > 1 or token.isdigit():
            return ReadField(
                token.translate({ord(k): v[0] for k, v in DIGIT_LOOKALIKES.items()}), 0.3
            )
    return None


_DATE = re.compile(r"(\d{1,2})[-./\s]{1,2}(\d{1,2})[-./\s]{1,2}(\d{4})")
# One of the two separators lost by the recogniser (small print): DD-MMYYYY or DDMM-YYYY.
_DATE_SEPARATOR_LOST = re.compile(r"(?<!\d)(\d{2})[-./\s]?(\d{2})[-./\s]?((?:19|20)\d{2})(?!\d)")


def parse_date(text: str) -> date | None:
    """The first DD-MM-YYYY date in ``text`` (letter look-alikes of digits mapped)."""
    return date_read(text)[0]


def date_read(text: str) -> tuple[date | None, bool]:
    """The first DD-MM-YYYY date in ``text``, and whether it was printed whole: two digits of
    day and of month (cards print them so; "30-1-1934" for 30-12-1994 lost a digit, and what
    is left is not to be trusted)."""
    mapped = re.sub(
        r"[A-Z|!]", lambda m: DIGIT_LOOKALIKES.get(m.group(0), m.group(0))[0], text.upper()
    )
    # The text as read too: a place's letters mapped to digits run into a date whose
    # separators were both lost ("SAMARINDA26091976" read "S4RINDA26091976")
    for source in (mapped, text.upper()):
        for pattern in (_DATE, _DATE_SEPARATOR_LOST):
            for day, month, year in pattern.findall(source):
                try:
                    return date(int(year), int(month), int(day)), len(day) == len(month) == 2
                except ValueError:
                    continue
    return None, False


# The confidence of a date read with a digit of its day or month lost (check: a KTP's NIK
# then gives the date; a SIM's guess is never a mismatch)
DATE_PART_LOST = 0.5


def date_field(text: str, confidence: float) -> ReadField | None:
    """The first date in ``text`` as a field read with ``confidence``; one that lost a digit
    of its day or month is kept only as a guess (``DATE_PART_LOST``)."""
    found, whole = date_read(text)
    if found is None:
        return None
    return ReadField(found.isoformat(), confidence if whole else min(confidence, DATE_PART_LOST))


def nik_birth_printed(lines: list[TextLine], nik: str, *, today: date) -> bool:
    """Is the birth date that ``nik`` encodes printed whole on one of the lines? (A KTP prints
    it after the place of birth; day and month as printed, the NIK adds 40 to a woman's day.)"""
    try:
        born = nik_parse(nik, today=today).birth_date
    except NikError:
        return False
    for line in lines:
        printed, whole = date_read(line.text)
        if whole and printed == born:
            return True
    return False


def sex_value(text: str, male: str, female: str) -> str | None:
    flat = norm(text)
    m, f = fuzz.partial_ratio(male, flat), fuzz.partial_ratio(female, flat)
    if max(m, f) < 75:
        return None
    return "M" if m > f else "F"


def name_value(text: str) -> str:
    return re.sub(r"[^A-Z' .-]", "", text.upper()).strip(" .-")


def _row_below(grouped: list[list[TextLine]], nik: str) -> tuple[str, float] | None:
    """The value of the row right under the one printing ``nik``: after its colon, or, when
    the colon was not read, the boxes after the label's. None when that row is another
    labelled field (its label read well enough to be known)."""
    digits = nik[4:12]
    for index, row in enumerate(grouped[:-1]):
        if digits not in norm(" ".join(line.text for line in row)).translate(TO_DIGIT):
            continue
        below = grouped[index + 1]
        text = " ".join(line.text for line in below).replace("：", ":")
        if any(fuzz.partial_ratio(norm(label), norm(text)) >= 85 for label in _NOT_NAME):
            return None
        if ":" in text:
            value = text.split(":", 1)[1]
            start = next(
                (i for i, line in enumerate(below) if ":" in line.text.replace("：", ":")), 0
            )
            used = below[start:]
        elif len(below) >= 2:
            used = below[1:]
            value = " ".join(line.text for line in used)
        elif _in_value_column(below[0], row) and not re.search(r"\d", below[0].text):
            # The label's small print not detected at all: a lone box in the NIK value's
            # column is the value (the birth row, next when the name's row was not found,
            # prints digits).
            used = below
            value = below[0].text
        else:
            return None
        value = value.strip(" :;.,")
        return (value, min_confidence(used)) if value else None
    return None


def _in_value_column(line: TextLine, nik_row: list[TextLine]) -> bool:
    """Does ``line`` start where the NIK row's value starts (within two line heights), right
    of the NIK's label?"""
    value = next((other for other in nik_row if sum(ch.isdigit() for ch in other.text) >= 8), None)
    if value is None:
        return False
    return abs(line.box.x0 - value.box.x0) < 2 * value.box.height


# Labels of the rows that may follow the NIK's when the name's row was not detected at all.
_NOT_NAME = ("Tempat/Tgl Lahir", "Jenis Kelamin", "Alamat", "Gol. Darah")


def parse_ktp(lines: list[TextLine], *, today: date) -> dict[str, ReadField]:
    fields: dict[str, ReadField] = {}
    grouped = rows(lines)
    nik = read_nik(lines, today=today, grouped=grouped)
    if nik:
        fields["id_number"] = nik
    name = find_labelled(lines, "Nama", grouped=grouped)
    if name and name_value(name[0]):
        fields["full_name"] = ReadField(name_value(name[0]), name[1])
    elif nik:
        # The label misread ("Hama", small print): the row right under the NIK is the name's.
        below = _row_below(grouped, nik.value)
        if below and name_value(below[0]):
            fields["full_name"] = ReadField(name_value(below[0]), below[1] * 0.9)
    born = find_labelled(
        lines, "Tempat/Tgl Lahir", "Tempat/Tgl.Lahir", "TempatTglLahir", grouped=grouped
    )
    if born:
        birth = date_field(born[0], born[1])
        if birth:
            fields["date_of_birth"] = birth
        place = name_value(born[0].split(",")[0])
        if place:
            fields["place_of_birth"] = ReadField(place, born[1])
    sex = find_labelled(lines, "Jenis Kelamin", "JenisKelamin", grouped=grouped)
    if sex:
        value = sex_value(sex[0].split("GOL")[0], "LAKI-LAKI", "PEREMPUAN")
        if value:
            fields["sex"] = ReadField(value, sex[1])
    province = next((norm(line.text) for line in lines if "PROVINSI" in norm(line.text)), "")
    if province:
        fields["province"] = ReadField(province.split("PROVINSI", 1)[1], 1.0)
    return fields


def mrz_lines(lines: list[TextLine]) -> tuple[TextLine, TextLine] | None:
    """The two MRZ lines: the lowest two long lines made of MRZ characters."""
    candidates = [
        line
        for line in lines
        if len(norm(line.text)) >= 28
        and (norm(line.text).count("<") >= 2 or re.fullmatch(r"[A-Z0-9<«]+", norm(line.text)))
    ]
    candidates.sort(key=lambda line: line.box.cy)
    if len(candidates) < 2:
        return None
    first, second = candidates[-2], candidates[-1]
    return first, second


def _names_confidence(line1: TextLine) -> float:
    """How sure the names on MRZ line 1 were read: its weakest cell between the issuing state
    and the padding (a letter read with doubt, or a separator guessed where a soft letter
    looked like one: `mrz_cells.line1_certainty`), and no surer than the line as a whole."""
    names = line1.text[5:].rstrip("<")
    cells = line1.char_confidences[5 : 5 + len(names)]
    if len(line1.char_confidences) != len(line1.text) or not cells:
        return line1.confidence
    return min(line1.confidence, min(cells))


def parse_passport(
    pair: tuple[TextLine, TextLine], *, today: date
) -> tuple[Mrz | None, dict[str, ReadField]]:
    first, second = pair
    parsed = mrz_parse(first.text, second.text)
    if parsed is None:
        return None, {}
    if parsed.failed:
        repaired = mrz_repair(
            first.text, second.text, second.char_confidences, weak=MRZ_REPAIR_WEAK
        )
        if repaired is not None:
            parsed = mrz_parse(first.text, repaired) or parsed
    confidence = min(first.confidence, second.confidence)

    def checked(name: str) -> float:
        # A field whose check digit verifies was read right, whatever the recogniser thought.
        return (
            0.99 if name not in parsed.failed and "composite" not in parsed.failed else (confidence)
        )

    fields = {"id_number": ReadField(parsed.number, checked("number"), "mrz")}
    if len(letters(parsed.full_name)) >= 2:  # line 1 may be unreadable
        fields["full_name"] = ReadField(parsed.full_name, _names_confidence(first), "mrz")
    birth = mrz_date(parsed.birth, today=today, future=False)
    if birth:
        fields["date_of_birth"] = ReadField(birth.isoformat(), checked("birth"), "mrz")
    if parsed.sex in ("M", "F"):
        fields["sex"] = ReadField(parsed.sex, checked("composite"), "mrz")
    expiry = mrz_date(parsed.expiry, today=today, future=True)
    if expiry:
        fields["expiry"] = ReadField(expiry.isoformat(), checked("expiry"), "mrz")
    fields["nationality"] = ReadField(parsed.nationality, confidence, "mrz")
    return parsed, fields
