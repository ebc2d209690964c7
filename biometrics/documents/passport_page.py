"""A passport data page's fields: the MRZ read (again from a sharpened copy when a check digit
fails, two reads combined when each is right in another part), and the name printed in the
visual zone when the MRZ's name is doubtful."""

from __future__ import annotations

import re
from datetime import date

import numpy as np

from biometrics.documents import mrz_reader, parsing
from biometrics.documents.mrz import mrz_combine, mrz_with_number
from biometrics.documents.ocr import OcrEngine, TextBox, TextLine
from biometrics.documents.results import DocumentRead, ReadField


def passport_parse(
    lines: list[TextLine], read: DocumentRead, card: np.ndarray, ocr: OcrEngine, *, today: date
) -> None:
    pair = parsing.mrz_lines(lines) if len(lines) != 2 else (lines[0], lines[1])
    if pair is None:
        return
    parsed, fields = parsing.parse_passport(pair, today=today)
    read.mrz_reads = pair
    if parsed is not None and parsed.failed:
        # Read the two lines again from a sharpened copy: an OCR slip rarely repeats.
        again = mrz_reader.mrz_read(card, (pair[0].box, pair[1].box), ocr, sharpen=True)
        if again is not None:
            read.mrz_reads = (*pair, again[1])
        parsed2, fields2 = (
            (None, {}) if again is None else parsing.parse_passport(again, today=today)
        )
        second = again[1] if again is not None else None
        combined = (
            None
            if second is None or (parsed2 is not None and parsed2.valid)
            else mrz_combine(pair[0].text, [pair[1].text, second.text])
        )
        if parsed2 is not None and parsed2.valid:
            parsed, fields = parsed2, fields2
        elif combined is not None and second is not None:
            # Each read right in another part of line 2 (one cut its end short, the other
            # dropped a letter in its head): together they verify every check digit.
            line2 = TextLine(
                pair[1].box,
                combined,
                min(pair[1].confidence, second.confidence),
                min(pair[1].weakest, second.weakest),
            )
            parsed, fields = parsing.parse_passport((pair[0], line2), today=today)
            if parsed is None:
                return
        elif (
            parsed2 is None
            or parsed2.failed != parsed.failed
            or any(line.weakest < parsing.CHAR_CONFIDENT for line in (*pair, *(again or ())))
        ):
            read.mrz_doubtful = True
    if parsed is None or not parsed.plausible:
        return
    read.mrz_failed = parsed.failed
    read.fields.update(fields)


def combine_regions(read: DocumentRead, line2s: list[TextLine], *, today: date) -> bool:
    """Verify a passport read whose zone failed a check digit from line 2 as read in every
    region of the photo (``line2s``): one region's read may have cut the line's end short,
    another's lost a character of its head; together (``mrz.mrz_combine``: exactly one
    combination verifies every check digit, the composite over both) they read the zone.
    True when ``read`` now holds the verified zone's fields."""
    if read.kind != "passport" or not read.mrz_failed or len(read.mrz_reads) < 2:
        return False
    line1 = read.mrz_reads[0]
    combined = mrz_combine(line1.text, [line.text for line in line2s])
    if combined is None:
        return False
    line2 = TextLine(
        read.mrz_reads[1].box,
        combined,
        min(line.confidence for line in line2s),
        min(line.weakest for line in line2s),
    )
    parsed, fields = parsing.parse_passport((line1, line2), today=today)
    if parsed is None or not parsed.valid:
        return False
    name = read.fields.get("full_name")
    read.fields.update(fields)
    if name is not None and name.source == "printed":  # chosen over a doubtful MRZ name
        read.fields["full_name"] = name
    read.mrz_failed, read.mrz_doubtful = (), False
    return True


# A name of fewer letters than this read from MRZ line 1 is more likely a line cut wrongly into
# cells than a name (Indonesian passports print the full name).
MRZ_NAME_MIN_LETTERS = 4


def doubtful_name(line1: TextLine, read: DocumentRead) -> bool:
    """Is the name read from MRZ line 1 doubtful: missing, very short, or read with a weak
    character (a soft line 1 loses letters to the filler cells or to the recogniser)?"""
    name = read.fields.get("full_name")
    if name is None:
        return True
    letters = sum(ch.isalpha() for ch in name.value)
    return letters < MRZ_NAME_MIN_LETTERS or line1.weakest < parsing.CHAR_CONFIDENT


def printed_name(
    card: np.ndarray,
    boxes: list[TextBox],
    mrz: tuple[TextBox, TextBox],
    number: str,
    ocr: OcrEngine,
) -> ReadField | None:
    """The name printed in a passport page's visual zone: the value line right under the
    passport number's (which the MRZ's check digit verified), skipping its label. Only the
    text column is recognised: above the MRZ, right of the portrait.
    None when the number's line is not found or the name is not read confidently."""
    ordered = _text_column(card, boxes, mrz)
    if not ordered:
        return None
    key = re.sub(r"[^A-Z0-9]", "", number.upper())
    lines: list[TextLine] = []
    # The number and the name are the column's first rows: recognise it a batch at a time
    # from the top and stop once the name's row is read (the whole column cost 0.5 s).
    for start in range(0, len(ordered), PRINTED_NAME_BATCH):
        lines += ocr.recognise(card, ordered[start : start + PRINTED_NAME_BATCH])
        rest = ordered[start + PRINTED_NAME_BATCH :]
        name = _name_under_number(lines, key)
        if name is not None and (not rest or rest[0].cy > name.box.y1):
            # (a box still unread on the name's row may be a piece of its label)
            return _confident_name(name)
    return None


def _text_column(
    card: np.ndarray, boxes: list[TextBox], mrz: tuple[TextBox, TextBox]
) -> list[TextBox]:
    """The visual zone's text column, top first: words above the MRZ, right of the portrait."""
    width = card.shape[1]
    column = [
        b
        for b in boxes
        if b.y1 < mrz[0].y0 and 0.2 * width < b.x0 < 0.5 * width and b.width > 1.3 * b.height
    ]
    return sorted(column, key=lambda b: b.cy)


def zone_with_printed_number(
    card: np.ndarray,
    boxes: list[TextBox],
    mrz: tuple[TextBox, TextBox],
    pair: tuple[TextLine, TextLine],
    ocr: OcrEngine,
) -> TextLine | None:
    """MRZ line 2 with the document number printed in the visual zone, when that verifies
    every check digit the zone's own read failed (``mrz.mrz_with_number``); else None.

    The number is among the first rows of the text column (type, number): those are read.
    Exactly one verifying line is taken; two different ones leave the zone as read.
    """
    column = _text_column(card, boxes, mrz)[:PRINTED_NAME_BATCH]
    found = {
        fixed
        for line in ocr.recognise(card, column)
        if (fixed := mrz_with_number(pair[0].text, pair[1].text, line.text)) is not None
    }
    if len(found) != 1:
        return None
    return TextLine(pair[1].box, found.pop(), pair[1].confidence, pair[1].weakest)


def _name_under_number(lines: list[TextLine], key: str) -> TextLine | None:
    """The first value line under the one that reads as the passport number, its label (and
    pieces of it on its row) skipped; None when there is none among `lines`."""
    labels = [line.box for line in lines if "/" in line.text]
    for index, line in enumerate(lines):
        if not _reads_as(re.sub(r"[^A-Z0-9]", "", line.text.upper()), key):
            continue
        for name in lines[index + 1 :]:
            if (
                "/" in name.text
                or parsing.contains([name], "FULLNAME", 80)
                or any(abs(name.box.cy - box.cy) < LABEL_ROW * box.height for box in labels)
            ):
                # the label ("Nama Lengkap / Full Name"), when it was detected, and a piece
                # of it the detector split off ("aLen"), on the label's row
                continue
            return name
    return None


def _reads_as(text: str, number: str) -> bool:
    """Is this line the passport number, allowing one character misread ("CS133150" for
    C6133150: small print read by a recogniser that has no check digit to go by)? The number
    only places the row; the MRZ's check digit verified the number itself."""
    if len(text) != len(number):
        return False
    return sum(a != b for a, b in zip(text, number, strict=True)) <= (1 if len(number) >= 6 else 0)


def _confident_name(name: TextLine) -> ReadField | None:
    value = parsing.name_value(name.text)
    if sum(ch.isalpha() for ch in value) >= 2 and name.confidence >= PRINTED_NAME_CONFIDENT:
        return ReadField(value, name.confidence)
    return None


PRINTED_NAME_BATCH = 6
PRINTED_NAME_CONFIDENT = 0.8
# A box whose centre lies within this share of a label's height from the label's is on the
# label's row (a piece of it): the detector's boxes of small print are tall, and the name right
# under its label was 0.48 of the label's height lower.
LABEL_ROW = 0.25


# A verified passport page whose name was read with less confidence than this is read once more
# from the next region (as check.NAME_READ_CONFIDENT: a name surer than that is compared as read).
NAME_READ_AGAIN_BELOW = 0.8


def name_in_doubt(read: DocumentRead) -> bool:
    name = read.fields.get("full_name")
    return read.kind == "passport" and (name is None or name.confidence < NAME_READ_AGAIN_BELOW)


def name_from_next_region(result: DocumentRead, again: DocumentRead) -> bool:
    """Add the name ``again`` read to ``result``'s readings of it, when both read the same page
    whose zone verified and ``result``'s name was in doubt; True if it was added.

    On a soft print-out a line 1 read from one region may lose letters that another region's
    flattening keeps ("TIAR RAHAYU" for TIARA WULAN RAHAYU, hand-held 70702 passport_0001, read
    whole from the next region): both readings are compared with what was typed, as the MRZ's
    and the visual zone's are (`ReadField.others`).
    """
    if not (
        name_in_doubt(result)
        and mrz_verified(result)
        and mrz_verified(again)
        and again.value("id_number") == result.value("id_number")
    ):
        return False
    first, second = result.fields.get("full_name"), again.fields.get("full_name")
    if second is None:
        return True
    if first is None:
        result.fields["full_name"] = second
        return True
    readings = [*first.others, second.value, *second.others]
    others = tuple(dict.fromkeys(r for r in readings if r != first.value))
    result.fields["full_name"] = ReadField(first.value, first.confidence, first.source, others)
    return True


def mrz_verified(read: DocumentRead) -> bool:
    """A passport read whose every check digit verified, without a problem."""
    return (
        read.kind == "passport"
        and "id_number" in read.fields
        and not read.mrz_failed
        and not read.mrz_doubtful
        and not read.problem
    )
