"""Read a TD3 machine-readable zone from its two detected lines, cell by cell.

A scene-text recogniser is poor at runs of the filler ``<``: it collapses or drops them, and
the whole line shifts. The MRZ is printed in a monospaced font, 44 cells per line, so we
first cut each line into its 44 cells, find the filler cells by their shape (the glyph that
repeats most often across both lines is ``<``, whatever the font), paint them out, let the
recogniser read what is left in one pass, and put the ``<`` back where the cells were.
"""

from __future__ import annotations

import cv2
import numpy as np

from biometrics.documents import mrz_cells
from biometrics.documents.mrz import LINE_LENGTH, mrz_parse
from biometrics.documents.ocr import LINE_MARGIN, OcrEngine, TextBox, TextLine, _line_crop
from biometrics.documents.quality import sharpened

# An MRZ line may be bent with its page (a passport page curling to the spine or bowed in the
# hand, a print-out folded): its box is then the rectangle around an arc, the characters at
# one end higher than at the other, and its cells lean. Straightened when its centre strays
# from a straight line by more than BENT_SHARE of the characters' height.
BENT_SHARE = 0.2


def _ink_windows(ink: np.ndarray, step: int) -> list[tuple[int, float, float]]:
    """Per window two ``step`` wide: its middle column and its ink's top and bottom rows (5th
    and 95th percentile: a stray mark does not stretch them)."""
    windows = []
    for x0 in range(0, ink.shape[1] - step // 2, step):
        rows = np.flatnonzero(ink[:, x0 : x0 + 2 * step].sum(axis=1) > 0)
        if len(rows) >= 3:
            top, bottom = np.percentile(rows, 5), np.percentile(rows, 95)
            windows.append((x0 + step, float(top), float(bottom)))
    return windows


def _straightened(crop: np.ndarray) -> np.ndarray:
    """An MRZ line's crop with its characters' centre line made straight and level.

    The centre is measured in windows about two characters wide (the middle of each window's
    ink rows), smoothed, and each column shifted to put it on one row; the crop is then cut to
    the tallest characters' height and its margin. A kink (a fold) is followed as well as an
    arc. A line that is straight already comes back unchanged.
    """
    grey = crop.mean(axis=2)
    dark, light = np.percentile(grey, 3), np.percentile(grey, 90)
    if light - dark < 30:
        return crop
    threshold = (dark + light) / 2
    height, width = grey.shape
    step = max(4, height)  # the crop is the arc's rectangle: a character is at most this wide
    windows = _ink_windows(grey < threshold, step)
    if len(windows) < 5:
        return crop
    xs = [x for x, _top, _bottom in windows]
    centre = np.array([(top + bottom) / 2 for _x, top, bottom in windows])
    # a window's middle jumps where it caught a stray mark: each takes its neighbours' median
    smooth = np.array([np.median(centre[max(0, i - 2) : i + 3]) for i in range(len(centre))])
    char_height = float(np.median([bottom - top for _x, top, bottom in windows]))
    line = np.polyval(np.polyfit(xs, smooth, 1), xs)
    if char_height <= 2 or np.abs(smooth - line).max() < BENT_SHARE * char_height:
        return crop
    shift = np.interp(np.arange(width), xs, smooth) - height / 2
    map_x = np.tile(np.arange(width, dtype=np.float32), (height, 1))
    map_y = (np.arange(height, dtype=np.float32)[:, None] + shift[None, :]).astype(np.float32)
    level = cv2.remap(crop, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    # Cut to the tallest characters' height measured on the level line, not the median
    # window's: line 1 is mostly fillers, lower than the capitals, and cut to their height its
    # names lost their tops and feet ("SANTOSO<<FITRI" read "SANTOSO SEITRIK" on a folded
    # page). A tenth of the windows hold letters on any line 1 ("P<IDN" and a name).
    level_windows = _ink_windows(level.mean(axis=2) < threshold, step)
    heights = [bottom - top for _x, top, bottom in level_windows] or [char_height]
    tallest = max(char_height, float(np.percentile(heights, 90)))
    half = tallest * (0.5 + 2 * LINE_MARGIN) + 1
    return level[max(0, int(height / 2 - half)) : int(np.ceil(height / 2 + half))]


# How far past its box a line is followed to the end of its ink, in cells (a 44th of the box),
# and the blank run, in cells, that ends it.
REACH_CELLS = 8
REACH_GAP_CELLS = 1.0


def _lengthened(box: TextBox, share: float) -> TextBox:
    """The box lengthened to the right along its own direction by ``share`` of its length."""
    pts = box.points.astype(np.float32)
    along = ((pts[1] - pts[0]) + (pts[2] - pts[3])) / 2 * share
    return TextBox(points=pts + np.stack([0 * along, along, along, 0 * along]))


def _to_ink_end(card: np.ndarray, box: TextBox) -> np.ndarray:
    """The line's crop (RGB), reaching on to the right to the end of its ink.

    The box ends where the detector, or the zone's mirrored margin, put it; on a page whose
    outline cut off a strip of one side, the zone is not centred in the flattened page, and
    its last cells (the composite check digit) lay outside the box. The crop is followed on
    while its ink continues with gaps shorter than a cell; ink that runs on to the card's
    edge, or ``REACH_CELLS`` on, is not the line's (a page edge, the background) and the
    box is kept as it was.
    """
    crop = np.ascontiguousarray(_line_crop(card, box)[:, :, ::-1])
    cell = crop.shape[1] / LINE_LENGTH
    room = (card.shape[1] - 1 - box.x1) / max(box.width, 1.0)  # up to the card's edge
    share = min(REACH_CELLS / LINE_LENGTH, room)
    if share * LINE_LENGTH < REACH_GAP_CELLS + 1 or cell < 2:
        return crop
    longer = _lengthened(box, share)
    wide = np.ascontiguousarray(_line_crop(card, longer)[:, :, ::-1])
    grey = wide.mean(axis=2)
    dark, light = np.percentile(grey, 3), np.percentile(grey, 90)
    if light - dark < 30:
        return crop
    height = grey.shape[0]
    middle = grey[height // 4 : height - height // 4] < (dark + light) / 2
    inked = middle.sum(axis=0) >= 2
    gap = max(2, int(round(REACH_GAP_CELLS * cell)))
    end, blank = crop.shape[1], 0
    for x in range(crop.shape[1], wide.shape[1]):
        if inked[x]:
            end, blank = x + 1, 0
        else:
            blank += 1
            if blank >= gap:
                return wide[:, : min(wide.shape[1], end + gap)] if end > crop.shape[1] else crop
    return crop


def _read_line(
    card: np.ndarray, box: TextBox, ocr: OcrEngine, *, sharpen: bool, paint: bool | str
) -> TextLine | None:
    crop = _straightened(_to_ink_end(card, box))
    if sharpen:
        crop = sharpened(crop, amount=0.6, radius=2)
    found = mrz_cells.fit_cells(crop) if paint else None
    if found is None:
        return _recognised(crop, box, ocr, np.zeros(LINE_LENGTH, bool))
    ink, cells = found
    glyphs = np.stack([mrz_cells.glyph(ink, cell) for cell in cells])
    line2 = mrz_cells.OPTIONAL_CELLS if paint == "line2" else None
    similarity = mrz_cells.filler_similarity(glyphs, line2)
    alike = np.where(mrz_cells.filler_allowed(paint), similarity, -1.0)
    masks = mrz_cells.filler_masks(similarity, paint)
    fallback: TextLine | None = None
    for is_filler in masks:
        cut = mrz_cells.without_fillers(crop, ink, cells, is_filler) if is_filler.any() else crop
        sure = mrz_cells.line1_certainty(similarity, is_filler) if paint == "line1" else None
        line = _recognised(cut, box, ocr, is_filler, sure)
        if line is None or not is_filler.any():
            return line
        if len(line.text) == LINE_LENGTH:
            if paint != "line2" or _line2_verifies(line.text) or not line2_like(line.text):
                return line
            # Placed, but a check digit fails: the recogniser may have dropped a lone filler
            # and taken another cell for one, shifting the characters between. Read run by run.
            runs = _read_by_runs(crop, cells, is_filler, alike, box, ocr)
            return runs if runs is not None and _line2_verifies(runs.text) else line
        fallback = fallback or line
    # No mask's read filled the cells left: line 2 is read one run at a time, and kept so only
    # if it verifies (a line that read short fails to parse at all, and another region, or the
    # sharpened retry, may read it whole; placed but wrong, it would not be). Not line 1: its
    # names are compared by similarity), nor a row without line 2's digits (a KTP's last row,
    # "Berlaku Hingga SEUMUR HIDUP", taken for one: each would pay a recognition).
    if paint == "line2" and fallback is not None and line2_like(fallback.text):
        runs = _read_by_runs(crop, cells, masks[0], alike, box, ocr)
        if runs is not None and _line2_verifies(runs.text):
            return runs
    return fallback


# A run read a character short gets a lone filler back only in a cell at least this much like
# the filler (a blurred ``<`` between the number and its check digit measured 0.5-0.7).
LONE_FILLER_SIMILARITY = 0.4


def _line2_verifies(text: str) -> bool:
    """Does a line 2 read whole verify every one of its check digits?"""
    parsed = mrz_parse("P<", text)
    return parsed is not None and parsed.valid


def _read_by_runs(
    crop: np.ndarray,
    cells: list[tuple[int, int]],
    is_filler: np.ndarray,
    alike: np.ndarray,
    box: TextBox,
    ocr: OcrEngine,
) -> TextLine | None:
    """The line read one run of characters at a time, between its filler runs; None unless
    every run reads as many characters as it has cells.

    Read with its fillers cut out, a line may come back a character short or long (two soft
    digits at its end read as one) and its ``<`` cannot then be put back. Each run read on
    its own is placed cell by cell, so the line's every position is known again. A run read
    one character short has dropped a lone filler its cells were not found to hold (the
    recogniser drops a single ``<``): it goes back in the run's cell most like the filler
    (``alike``: the similarity, below zero where a filler may not stand). The check digits
    then verify the guess.
    """
    height, width = crop.shape[:2]
    pitch = max(1, cells[0][1] - cells[0][0])
    runs = mrz_cells.character_runs(is_filler)
    if not runs:
        return None
    boxes = []
    for first, end in runs:
        left = max(0, cells[first][0] - pitch // 3)
        right = min(width, max(left + 2, cells[end - 1][1] + pitch // 3))
        boxes.append(
            TextBox(
                points=np.array(
                    [[left, 0], [right, 0], [right, height], [left, height]], np.float32
                )
            )
        )
    reads = ocr.recognise(crop, boxes)
    if len(reads) != len(runs):
        return None
    chars, confs = ["<"] * LINE_LENGTH, [1.0] * LINE_LENGTH
    for (first, end), read in zip(runs, reads, strict=True):
        # an MRZ holds only capitals, digits and "<": other marks read in a run are fillers
        # the recogniser took for a dash or a bracket
        pairs = [
            (ch if ch.isascii() and ch.isalnum() else "<", conf)
            for ch, conf in zip(read.text.upper(), read.char_confidences, strict=False)
            if not ch.isspace()
        ]
        if len(pairs) == end - first - 1:
            lone = first + int(np.argmax(alike[first:end]))
            if alike[lone] < LONE_FILLER_SIMILARITY:
                return None
            pairs.insert(lone - first, ("<", 1.0))
        if len(pairs) != end - first:
            return None
        for k, (ch, conf) in enumerate(pairs):
            chars[first + k], confs[first + k] = ch, conf
    return TextLine(
        box=box,
        text="".join(chars),
        confidence=float(np.mean(confs)),
        weakest=min(confs),
        char_confidences=tuple(confs),
    )


def _recognised(
    crop: np.ndarray,
    box: TextBox,
    ocr: OcrEngine,
    is_filler: np.ndarray,
    sure: np.ndarray | None = None,
) -> TextLine | None:
    """Recognise a line whose ``is_filler`` cells were cut out, and put the ``<`` back, each
    with its ``sure`` as its confidence (1.0 if not given)."""
    height, width = crop.shape[:2]
    flat = TextBox(points=np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32))
    read = ocr.recognise(crop, [flat])
    if not read:
        return None
    pairs = [
        (ch, conf)
        for ch, conf in zip(read[0].text.upper(), read[0].char_confidences, strict=False)
        if ch.isascii() and (ch.isalnum() or ch == "<")
    ]
    slots = int((~is_filler).sum())
    if is_filler.any() and len(pairs) == slots:
        chars, confs, k = [], [], 0
        for cell, filler in enumerate(is_filler):
            if filler:
                chars.append("<")
                confs.append(1.0 if sure is None else float(sure[cell]))
            else:
                chars.append(pairs[k][0])
                confs.append(pairs[k][1])
                k += 1
    elif is_filler.any():
        # The painted runs can't be placed: keep the read with each run as one "<" run.
        chars, confs = [ch for ch, _c in pairs], [0.5 for _p in pairs]
    else:
        chars, confs = [ch for ch, _c in pairs], [c for _ch, c in pairs]
    return TextLine(
        box=box,
        text="".join(chars),
        confidence=float(np.mean(confs or [0])),
        weakest=min(confs or [0]),
        char_confidences=tuple(confs),
    )


def mrz_read(
    card: np.ndarray, boxes: tuple[TextBox, TextBox], ocr: OcrEngine, *, sharpen: bool = False
) -> tuple[TextLine, TextLine] | None:
    """Read the two MRZ lines cell by cell, line 2 first: None, and line 1 not read, when line
    2 holds too few digits to be one (`line2_like`). Line 2's fillers may only stand where ICAO
    allows them (its check digits depend on every position); line 1's are the separators
    between the names and the padding run (``mrz_cells.line1_fillers``): its names are compared by
    similarity, so a letter taken for a filler costs little, while a run of ``<`` left to the
    recogniser costs the whole line."""
    second = _read_line(card, boxes[1], ocr, sharpen=sharpen, paint="line2")
    if second is None or not line2_like(second.text):
        return None
    first = _read_line(card, boxes[0], ocr, sharpen=sharpen, paint="line1")
    if first is None:
        return None
    return first, second


# Line 2 holds the birth date and the expiry with their check digits (14 digits), the
# composite, and the document number's check digit: a read that lost every filler still keeps
# them. A row with fewer digits is not an MRZ line: a KTP's lower rows ("Pekerjaan", "Status
# Perkawinan") are wide enough to be taken for one, and reading them as an MRZ (both lines,
# then sharpened) cost a KTP 0.4 s of recognition.
LINE2_MIN_DIGITS = 10


def line2_like(text: str) -> bool:
    """Could this read be an MRZ's line 2 (however badly its fillers were read)?"""
    return sum(ch.isdigit() for ch in text) >= LINE2_MIN_DIGITS


# Below this slant (degrees) a page's lines are taken as level: a box around a line slanted
# by less stays within half a line's height of it (and reads as well as one cut along it, or
# better: the recogniser and the cell fit keep the margin). Above the second, the region is
# not the page's outline at all (the page lies turned inside a larger quadrilateral): its
# lines are left as they are, and another region, or the page grown from its text, reads it.
LEVEL_DEGREES = 1.5
MAX_SLANT_DEGREES = 8.0


def _slant(boxes: list[TextBox]) -> float:
    """The page's text slant in radians: the median direction of its long boxes' top edges.
    (A page flattened from a slightly wrong outline comes out turned a few degrees.)"""
    angles = [
        float(np.arctan2(b.points[1][1] - b.points[0][1], b.points[1][0] - b.points[0][0]))
        for b in boxes
        if b.width > 4 * b.height
    ]
    return float(np.median(angles)) if angles else 0.0


def _turned(box: TextBox, angle: float, centre: tuple[float, float]) -> TextBox:
    """The box turned by ``angle`` radians about ``centre``."""
    cos, sin = np.cos(angle), np.sin(angle)
    shifted = box.points - np.asarray(centre, np.float32)
    turned = shifted @ np.array([[cos, sin], [-sin, cos]], np.float32)
    return TextBox(points=(turned + np.asarray(centre, np.float32)).astype(np.float32))


def mrz_boxes(boxes: list[TextBox], width: int, height: int) -> tuple[TextBox, TextBox] | None:
    """The two MRZ lines' boxes on a rectified page, both spanning line 2's width, along the
    page's text slant (so each line is cut out level, its cells upright).

    Line 2 ends in check digits, so its detected box spans all 44 cells; line 1 often ends in
    a run of fillers the detector cuts short or splits, so it gets line 2's left and right.
    """
    angle = _slant(boxes)
    if not LEVEL_DEGREES <= abs(np.degrees(angle)) <= MAX_SLANT_DEGREES:
        return _level_mrz_boxes(boxes, width, height)
    centre = (width / 2, height / 2)
    level = _level_mrz_boxes([_turned(b, -angle, centre) for b in boxes], width, height)
    if level is None:
        return None
    return _turned(level[0], angle, centre), _turned(level[1], angle, centre)


# The shortest share of the page's width a box (with the others on its row) may span to be
# taken for an MRZ line (stop 28: was 0.5).
MRZ_MIN_EXTENT = 0.25


def _level_mrz_boxes(
    boxes: list[TextBox], width: int, height: int
) -> tuple[TextBox, TextBox] | None:
    """``mrz_boxes`` on a page whose lines run level."""

    def extent(box: TextBox) -> float:
        # The detector may split a soft line where its filler run is faint: a line is every
        # box on its row.
        row = [b for b in boxes if abs(b.cy - box.cy) < 0.5 * box.height]
        return max(b.x1 for b in row) - min(b.x0 for b in row)

    # A zone's line spans 89 % of the page; a soft print-out's may be found a quarter of it
    # long (its faint filler runs, and what follows them, not seen as text): the line is cut
    # out across the page from where it starts, and its cells are fitted to the ink.
    wide = [
        b
        for b in boxes
        if b.cy > 0.5 * height
        and b.width > 4 * b.height
        and extent(b) > MRZ_MIN_EXTENT * width
        and extent(b) > 10 * b.height
    ]
    if not wide:
        return None
    second = max(wide, key=lambda b: b.cy)
    line_height = second.height
    # The detector may split a line at a long filler run: a line is every box on its row.
    row2 = [b for b in boxes if abs(b.cy - second.cy) < 0.5 * line_height]
    left2, right2 = min(b.x0 for b in row2), max(b.x1 for b in row2)
    above = [
        b
        for b in boxes
        if second.cy - 4.5 * line_height < b.cy < second.cy - 0.6 * line_height
        and b.x0 < left2 + 0.35 * (right2 - left2)
        and b.height > 0.5 * line_height
    ]
    if not above:
        return None
    nearest = max(b.cy for b in above)  # line 1 is the row right above line 2, not the VIZ
    row1 = [b for b in boxes if abs(b.cy - nearest) < 0.5 * line_height]
    top, bottom = min(b.y0 for b in row1), max(b.y1 for b in row1)
    left = min(left2, *(b.x0 for b in row1))
    # The zone is centred on the page: a last filler run the detector missed still lies
    # within the mirror of the left margin (the cells are then fitted to the ink).
    right = max(right2, min(float(width), width - left + 0.01 * width))
    first = TextBox(
        points=np.array([[left, top], [right, top], [right, bottom], [left, bottom]], np.float32)
    )
    top2, bottom2 = min(b.y0 for b in row2), max(b.y1 for b in row2)
    line2 = TextBox(
        points=np.array(
            [[left, top2], [right, top2], [right, bottom2], [left, bottom2]], np.float32
        )
    )
    return first, line2
