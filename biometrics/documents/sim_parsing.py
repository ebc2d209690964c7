"""A driving licence's (SIM's) fields: its numbered lines 1-6, its number and its expiry,
from the lines the recogniser read (each with its box)."""

from __future__ import annotations

import re
from datetime import date

from rapidfuzz import fuzz

from biometrics.documents.mrz import TO_DIGIT
from biometrics.documents.ocr import TextLine
from biometrics.documents.parsing import (
    date_field,
    min_confidence,
    name_value,
    norm,
    parse_date,
    rows,
    sex_value,
)
from biometrics.documents.results import ReadField

# A SIM's numbered line: "1. NAME"; the recogniser may drop the dot of small print ("2SEMARANG,
# 28-01-1995"): a line number straight before a word is still one (the card's number starts
# with digits; "1O.WANIIA" is line 3 misread, not line 1 saying "O.")
NUMBERED = re.compile(r"^\s*([1-6])\s*(?:[.,:;]\s*|(?=[A-Z(][A-Z0(]{2}))([A-Z0-9(].*)$")


# Rows between the card's number and its line 1 (a stray row: the number's own suffix
# split off, a speck read as text); a line "1" further down is another line misread.
LINE1_ROWS_UNDER = 2


def _placed(
    grouped: list[list[TextLine]],
) -> tuple[dict[str, tuple[str, float]], dict[str, int]]:
    """SIM lines 1-6 found among the card's rows: each line's text (its number dropped) and
    confidence, and the index of its row."""
    numbered: dict[str, tuple[str, float]] = {}
    where: dict[str, int] = {}
    for index, row in enumerate(grouped):
        match = NUMBERED.match(_row_text(row))
        if match and match.group(1) not in numbered:
            numbered[match.group(1)] = (match.group(2).strip(), min_confidence(row))
            where[match.group(1)] = index
    # Line 1 is printed right under the card's number. A row numbered "1" further down is
    # another line whose number read as 1 ("4.JL.GATOT SUBROTO" read "1LGAROT SUBROTO", wild
    # 70903 driving_licence_0029: the address taken for the name, refused as another person's).
    number_row = next((i for i, row in enumerate(grouped) if _sim_number(_row_text(row))), None)
    if "1" in where and number_row is not None and where["1"] > number_row + LINE1_ROWS_UNDER:
        del numbered["1"], where["1"]
    # A line whose number was misread ("1." read as "L"): the row right above line 2 is line 1,
    # the row right below line 1 is line 2, and so up from line 4 when lines 2 and 3 lost theirs
    # too; the number's look-alike is dropped.
    for missing, neighbour, step in (
        ("3", "4", -1),
        ("2", "3", -1),
        ("1", "2", -1),
        ("2", "1", 1),
    ):
        if missing in numbered or neighbour not in where:
            continue
        index = where[neighbour] + step
        if 0 <= index < len(grouped):
            row = grouped[index]
            text = _row_text(row)
            if not NUMBERED.match(text) and "BERLAKU" not in norm(text):
                text = re.sub(rf"^\s*[{missing}LI|!T]\s*[.,:;]?\s*", "", text)
                numbered[missing] = (text.strip(), min_confidence(row) * 0.9)
                where[missing] = index
    if number_row is not None and "1" not in numbered:
        # No line numbered at all (the small "1." and "2." lost with the separators): line 1
        # is the row right under the card's number, and line 2 the row under that.
        for key, index in (("1", number_row + 1), ("2", number_row + 2)):
            if key in numbered:
                continue
            if index >= len(grouped):
                break
            text = _row_text(grouped[index])
            has_digits = any(ch.isdigit() for ch in text)
            if NUMBERED.match(text) or "BERLAKU" in norm(text) or (key == "1" and has_digits):
                break  # another line, or no name (a name has no digits)
            # (a number's look-alike only before its separator: "TIARA" keeps its T)
            text = re.sub(rf"^\s*[{key}LI|!T]\s*[.,:;]\s*", "", text)
            numbered[key] = (text.strip(), min_confidence(grouped[index]) * 0.9)
            where[key] = index
    return numbered, where


def line_row(lines: list[TextLine], key: str) -> list[TextLine]:
    """The row of ``lines`` that prints SIM line ``key`` ("2": place and birth date), as
    `parse_sim` places it; empty when it is not found."""
    grouped = rows(lines)
    index = _placed(grouped)[1].get(key)
    return [] if index is None else grouped[index]


def parse_sim(lines: list[TextLine], *, today: date) -> dict[str, ReadField]:
    fields: dict[str, ReadField] = {}
    grouped = rows(lines)
    for row in grouped:
        text = _row_text(row)
        if "BERLAKU" in norm(text) or "S/D" in norm(text):
            expiry = parse_date(text.split(":")[-1] if ":" in text else text)
            if expiry:
                fields["expiry"] = ReadField(expiry.isoformat(), min_confidence(row))
    numbered, where = _placed(grouped)
    if "1" in numbered and name_value(numbered["1"][0]):
        fields["full_name"] = ReadField(name_value(numbered["1"][0]), numbered["1"][1])
    if "2" in numbered:
        birth = date_field(*numbered["2"])
        if birth:
            fields["date_of_birth"] = birth
    if "3" in numbered:
        sex = sex_value(numbered["3"][0], "PRIA", "WANITA")
        if sex:
            fields["sex"] = ReadField(sex, numbered["3"][1])
    if "sex" not in fields:  # line 3 not recognised as such: the word alone is enough
        for line in lines:
            flat = norm(line.text)
            pria, wanita = fuzz.partial_ratio("PRIA", flat), fuzz.partial_ratio("WANITA", flat)
            if max(pria, wanita) >= 80 and len(flat) <= 14:
                value = "F" if wanita >= pria else "M"
                fields["sex"] = ReadField(value, line.confidence * 0.9)
                break
    # The number is printed above line 1. Lines 1-3 bound it, not the first row that merely
    # looks numbered: the small "INDONESIA DRIVING LICENSE" under the header read "5 INOUOENS"
    # stood above the number, and the number was never looked for.
    first = [where[key] for key in ("1", "2", "3") if key in where]
    first_numbered_y = min(line.box.y0 for line in grouped[min(first)]) if first else None
    for line in sorted(lines, key=lambda line: line.box.cy):
        if first_numbered_y is not None and line.box.y0 >= first_numbered_y:
            break
        digits = _sim_number(line.text)
        if digits:
            fields["id_number"] = ReadField(digits, line.confidence)
            break
    return fields


def _row_text(row: list[TextLine]) -> str:
    return " ".join(line.text for line in row).upper().replace("：", ":")


def _sim_number(text: str) -> str | None:
    """The SIM number (12-16 digits in groups of four, look-alikes mapped) in ``text``."""
    match = re.search(r"[0-9OIL|]{4}-?[0-9OIL|]{4}-?[0-9OIL|]{2,8}", norm(text).replace(".", "-"))
    if match:
        digits = re.sub(r"[^0-9]", "", match.group(0).translate(TO_DIGIT))
        if 10 <= len(digits) <= 16:
            return digits
    return None
