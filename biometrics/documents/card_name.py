"""A card's name read with doubt, or a SIM's birth date not read, read once more: step 13 of
the reader (docs/documents.md).

A KTP's or a SIM's name row is small print; on a soft print-out the recogniser, enlarging a
10-px row to its 48-px line height, takes halftone and noise for letters. The row is read
again from smoothed copies of the card, and every reading is kept for the comparison with
what was typed (``check.cross_check`` takes the closest). A SIM's line 2 (place and birth
date) is read again the same way when no date was found in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import cv2
import numpy as np

from biometrics.documents import parsing, sim_parsing
from biometrics.documents.ocr import OcrEngine, TextBox, TextLine
from biometrics.documents.parsing import DATE_PART_LOST, letters
from biometrics.documents.results import DocumentRead, ReadField

# A name read with less confidence than this is read again, from copies of the card scaled by
# these factors (INTER_AREA averages the halftone away: "CMSS CK CUOIAAN" for DIMAS ANDI
# GUNAWAN read "DMASANK GUNAN" from the half-size copy). Only the name's own row is read again
# and parsed in its place among the card's other lines: each reading is of the card's own
# name, so a name typed for someone else is no closer to any of them.
NAME_SECOND_LOOK = 0.8
NAME_SMOOTHED_SCALES = (0.7, 0.5)


def _row_smoothed(
    lines: list[TextLine], row: list[TextLine], card: np.ndarray, ocr: OcrEngine
) -> Iterator[list[TextLine]]:
    """The card's lines with ``row`` read again from each smoothed copy in turn (scaled by
    ``NAME_SMOOTHED_SCALES``), the other lines as they were read."""
    for scale in NAME_SMOOTHED_SCALES:
        smooth = cv2.resize(card, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        again = ocr.recognise(smooth, [TextBox(line.box.points * scale) for line in row])
        swapped = {
            id(old): TextLine(old.box, new.text, new.confidence, new.weakest, new.char_confidences)
            for old, new in zip(row, again, strict=False)
        }
        yield [swapped.get(id(line), line) for line in lines]


def name_read_again(
    kind: str,
    lines: list[TextLine],
    read: DocumentRead,
    card: np.ndarray,
    ocr: OcrEngine,
    *,
    today: date,
) -> None:
    """Read a doubtful card name's row again from smoothed copies; keep the readings as
    ``others`` (the most confident one as the value)."""
    name = read.fields.get("full_name")
    if name is None or name.confidence >= NAME_SECOND_LOOK:
        return
    wanted = letters(name.value)
    # the lines the name was read from: its letters, or a part of them (not a stray "AN")
    sources = [
        line
        for line in lines
        if len(letters(line.text)) >= min(3, len(wanted))
        and (letters(line.text) in wanted or wanted in letters(line.text))
    ]
    row = [
        line
        for line in lines
        if any(abs(line.box.cy - source.box.cy) < 0.5 * source.box.height for source in sources)
    ]
    if not row:
        return
    parse = parsing.parse_ktp if kind == "ktp" else sim_parsing.parse_sim
    readings = [name]
    for lines_again in _row_smoothed(lines, row, card, ocr):
        field = parse(lines_again, today=today).get("full_name")
        if field is not None and all(field.value != other.value for other in readings):
            readings.append(field)
    if len(readings) == 1:
        return
    best = max(readings, key=lambda field: field.confidence)
    read.fields["full_name"] = ReadField(
        best.value,
        best.confidence,
        name.source,
        others=tuple(field.value for field in readings if field is not best),
    )


def sim_birth_read_again(
    lines: list[TextLine], read: DocumentRead, card: np.ndarray, ocr: OcrEngine, *, today: date
) -> None:
    """Read a SIM's line 2 again from smoothed copies when no birth date was found in it
    ("2SEMARANG,18H0-1960" for 18-09-1960 read "2.SEMARANG,1809-1960" from the half-size
    copy). The first date found is kept as a guess (``DATE_PART_LOST``): matching what was
    typed it passes; otherwise a person compares (`check.cross_check`), never a rejection."""
    if "date_of_birth" in read.fields:
        return
    row = sim_parsing.line_row(lines, "2")
    if not row:
        return
    for lines_again in _row_smoothed(lines, row, card, ocr):
        field = sim_parsing.parse_sim(lines_again, today=today).get("date_of_birth")
        if field is not None:
            read.fields["date_of_birth"] = ReadField(
                field.value, min(field.confidence, DATE_PART_LOST)
            )
            return
