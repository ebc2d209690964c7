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

from biometrics.documents.mrz import LINE_LENGTH
from biometrics.documents.ocr import LINE_MARGIN, OcrEngine, TextBox, TextLine, _line_crop
from biometrics.documents.quality import sharpened

_GLYPH = 16
# How much the cell pitch may change from one end of a line to the other (a share of the mean).
MAX_PITCH_CHANGE = 0.2
# Where line 2 may hold a filler (ICAO 9303 TD3): padding of the document number, an
# unspecified sex, the optional data and its check digit. Dates, nationality and the other
# check digits never do, so a blurred letter there is never mistaken for one.
LINE2_FILLER_CELLS = np.zeros(LINE_LENGTH, bool)
LINE2_FILLER_CELLS[list(range(1, 9)) + [20] + list(range(28, 43))] = True
OPTIONAL_CELLS = np.zeros(LINE_LENGTH, bool)
OPTIONAL_CELLS[28:42] = True


# The share of a line's width one unbroken run of ink must cover to be a rule, not print.
RULE_RUN = 0.25


def _longest_runs(mask: np.ndarray) -> np.ndarray:
    """Per row of a 0/1 mask, the length of its longest run of ones."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), np.int8)
    padded[:, 1:-1] = mask > 0
    steps = np.diff(padded, axis=1)
    out = np.zeros(mask.shape[0], np.int64)
    for row in np.unique(np.nonzero(steps)[0]):
        starts, ends = np.flatnonzero(steps[row] == 1), np.flatnonzero(steps[row] == -1)
        out[row] = int((ends - starts).max())
    return out


def _text_band(ink: np.ndarray) -> np.ndarray:
    """Keep the rows of the line's characters: drop ruled lines and what pokes in from above
    or below (the band edge, the next line's descenders)."""
    rows = ink.mean(axis=1)
    ink = ink.copy()
    # A ruled line or a band edge, not characters: a row mostly ink in long unbroken runs.
    # (Bold, blurred print covers more than half of its middle rows too, but in runs of a
    # cell or two; taking those for a rule erased a whole line of names.)
    ink[(rows > 0.6) & (_longest_runs(ink) > RULE_RUN * ink.shape[1])] = 0
    rows = ink.mean(axis=1)
    busy = rows > 0.02
    best, run, best_range, start = 0, 0, (0, len(rows)), 0
    for i, flag in enumerate([*busy, False]):
        if flag:
            if run == 0:
                start = i
            run += 1
        else:
            if run > best:
                best, best_range = run, (start, i)
            run = 0
    out = np.zeros_like(ink)
    out[best_range[0] : best_range[1]] = ink[best_range[0] : best_range[1]]
    return out


def _cells(crop: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]] | None:
    """The line's ink mask and the 44 cell column ranges (pitch and phase fitted to the gaps)."""
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    # Halfway between the ink and the paper: the page and the MRZ band may differ in shade,
    # which fools Otsu's two-class split, but both are far lighter than the print.
    dark, light = np.percentile(grey, 3), np.percentile(grey, 90)
    ink = (grey < (dark + light) / 2).astype(np.uint8)
    ink = _text_band(ink)
    profile = ink.sum(axis=0).astype(np.float32)
    columns = np.where(profile > 1)[0]
    if len(columns) < LINE_LENGTH:
        return None
    first, last = int(columns[0]), int(columns[-1]) + 1
    span = last - first
    # The pitch may change along the line (a page flattened from a slightly wrong outline
    # keeps some perspective: one end's cells wider than the other's): cell edges are fitted
    # as start + pitch * i + bend * i * i, the bend small, to the gaps in the ink profile.
    index = np.arange(LINE_LENGTH + 1, dtype=np.float64)
    bends = np.linspace(-1, 1, 9)[:, None, None, None] * span * MAX_PITCH_CHANGE / LINE_LENGTH**2
    base = (span - bends * LINE_LENGTH**2) / LINE_LENGTH
    pitches = base * np.linspace(44 / 44.8, 44 / 43.4, 36)[None, :, None, None]
    phases = np.linspace(-0.45, 0.45, 19)[None, None, :, None]
    starts = first + (phases - 0.08) * pitches
    edges = starts + pitches * index + bends * index**2
    padded = np.concatenate([profile, np.zeros(2)])
    costs = padded[np.clip(np.round(edges).astype(int), 0, len(profile))].sum(axis=3)
    b, p, f = np.unravel_index(int(np.argmin(costs)), costs.shape)
    pitch, start, bend = (
        float(pitches[b, p, 0, 0]),
        float(starts[b, p, f, 0]),
        float(bends[b, 0, 0, 0]),
    )
    positions = start + pitch * index + bend * index**2
    cells = [(int(round(positions[i])), int(round(positions[i + 1]))) for i in range(LINE_LENGTH)]
    return ink, cells


def _glyph(ink: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    patch = ink[:, max(0, cell[0]) : max(cell[0] + 1, cell[1])].astype(np.float32)
    if patch.size == 0:  # a cell fitted past the end of the crop: no ink, no glyph
        return np.zeros(_GLYPH * _GLYPH, np.float32)
    vector = cv2.resize(patch, (_GLYPH, _GLYPH), interpolation=cv2.INTER_AREA).ravel()
    vector -= vector.mean()
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def _filler_similarity(glyphs: np.ndarray, candidates: np.ndarray | None = None) -> np.ndarray:
    """Per cell, how alike it is to the filler ``<``: the glyph with the most look-alikes.

    ``candidates`` limits where the template may come from (line 2: the optional-data run),
    so blurred digits that all look alike are never taken for the filler. All zeros when no
    glyph repeats enough to be the filler.
    """
    similarity = glyphs @ glyphs.T
    alike = (similarity > 0.8).sum(axis=1)
    if candidates is not None:
        alike = np.where(candidates, alike, -1)
    template = int(np.argmax(alike))
    if alike[template] < 5:
        return np.zeros(len(glyphs))
    return similarity[template]


# Similarity above which a cell is the filler; the first is tried first, the others only when
# the recogniser's characters do not fill the cells left (a digit taken for a filler, or a
# blurred filler left as a character).
FILLER_SIMILARITY = (0.72, 0.8, 0.64)


def _without_fillers(
    crop: np.ndarray, ink: np.ndarray, cells: list[tuple[int, int]], is_filler: np.ndarray
) -> np.ndarray:
    """The line with its filler cells cut out; each removed run leaves a narrow gap.

    Less to recognise (a third of line 2 is usually fillers) and no run of ``<`` for the
    recogniser to miscount; the cells' order tells where the ``<`` go back.
    """
    background = np.median(crop[ink == 0], axis=0) if (ink == 0).any() else 255
    pitch = max(1, cells[0][1] - cells[0][0])
    parts, previous_filler = [crop[:, : max(0, cells[0][0])]], False
    for (left, right), filler in zip(cells, is_filler, strict=True):
        if filler:
            if not previous_filler:
                gap = np.empty((crop.shape[0], max(2, pitch // 2), 3), crop.dtype)
                gap[:] = background
                parts.append(gap)
        else:
            parts.append(crop[:, max(0, left) : max(0, right)])
        previous_filler = bool(filler)
    parts.append(crop[:, max(0, cells[-1][1]) :] if not is_filler[-1] else crop[:, :0])
    return np.ascontiguousarray(np.concatenate([p for p in parts if p.shape[1]], axis=1))


# Line 2's fields that are left-justified and padded with fillers: the document number (cells
# 0-8) and the optional data (28-41). A filler there is followed by fillers to the field's end.
PADDED_FIELDS = ((0, 9), (28, 42))


def _padding(is_filler: np.ndarray) -> np.ndarray:
    """The filler mask with each padded field's run carried to the field's end: the last cells
    of a long run, where the fitted pitch drifts most, are often a little less alike."""
    out = is_filler.copy()
    for start, end in PADDED_FIELDS:
        hits = np.where(is_filler[start:end])[0]
        if len(hits) and end - start - hits[0] > 1:
            first = start + int(hits[0])
            if is_filler[first:end].mean() >= 0.6:  # a run, not a stray look-alike
                out[first:end] = True
    return out


# Line 2's document number: left-justified in cells 0-8, padded with fillers after it.
NUMBER_CELLS = 9


def _number_padding_only(is_filler: np.ndarray) -> np.ndarray:
    """The filler mask without the document number's cells that a character follows: the
    number is left-justified, so its fillers only pad it out to the end of the field. (Some
    fonts' "4" looks like the filler; two such cells at weights 3 and 7 cancel in the check
    digit, and "X4642089" was read and verified as "X<6<2089".)"""
    out = is_filler.copy()
    characters = np.where(~is_filler[:NUMBER_CELLS])[0]
    if len(characters):
        out[: int(characters[-1])] = False
    return out


# Line 1's cells that never hold a filler: the document code's "P" and the issuing state.
LINE1_FIXED = [0, 2, 3, 4]


def _line1_fillers(is_filler: np.ndarray) -> np.ndarray:
    """Line 1's filler cells: those between the names (``<<`` and ``<``), and the run that pads
    the line out, carried from its first three fillers to the line's end (names never hold
    ``<<<``; the run's far cells, where the fitted pitch drifts most, are often a little less
    alike, and a scene-text recogniser given a run of ``<`` collapses it and the names)."""
    out = is_filler.copy()
    out[LINE1_FIXED] = False
    for first in range(5, LINE_LENGTH - 2):
        if out[first : first + 3].all():  # names never hold "<<<": the padding starts here
            out[first:] = True
            break
    return out


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
    found = _cells(crop) if paint else None
    if found is None:
        return _recognised(crop, box, ocr, np.zeros(LINE_LENGTH, bool))
    ink, cells = found
    glyphs = np.stack([_glyph(ink, cell) for cell in cells])
    similarity = _filler_similarity(glyphs, OPTIONAL_CELLS if paint == "line2" else None)
    tried: list[bytes] = []
    fallback: TextLine | None = None
    for threshold, padded in (
        (FILLER_SIMILARITY[0], True),
        *((t, False) for t in FILLER_SIMILARITY),
    ):
        is_filler = similarity > threshold
        if paint == "line1":
            is_filler = _line1_fillers(is_filler)
        elif paint == "line2":
            is_filler &= LINE2_FILLER_CELLS
            if padded:
                is_filler = _padding(is_filler)
            is_filler = _number_padding_only(is_filler)
        if is_filler.tobytes() in tried:
            continue
        tried.append(is_filler.tobytes())
        cut = _without_fillers(crop, ink, cells, is_filler) if is_filler.any() else crop
        line = _recognised(cut, box, ocr, is_filler)
        if line is None or len(line.text) == LINE_LENGTH or not is_filler.any():
            return line
        fallback = fallback or line
    # No mask's read filled the cells left: read the first mask's runs one at a time.
    alike = np.where(_filler_allowed(paint), similarity, -1.0)
    first_mask = np.frombuffer(tried[0], bool)
    return _read_by_runs(crop, cells, first_mask, alike, box, ocr) or fallback


# A run read a character short gets a lone filler back only in a cell at least this much like
# the filler (a blurred ``<`` between the number and its check digit measured 0.5-0.7).
LONE_FILLER_SIMILARITY = 0.4


def _filler_allowed(paint: bool | str) -> np.ndarray:
    """Where a filler may stand on the line ``paint`` names."""
    if paint == "line2":
        return LINE2_FILLER_CELLS
    allowed = np.ones(LINE_LENGTH, bool)
    allowed[LINE1_FIXED] = False
    return allowed


def _runs(is_filler: np.ndarray) -> list[tuple[int, int]]:
    """The runs of cells that are not fillers, as (first, end) cell indices."""
    runs, start = [], None
    for i, filler in enumerate([*is_filler, True]):
        if not filler and start is None:
            start = i
        elif filler and start is not None:
            runs.append((start, i))
            start = None
    return runs


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
    runs = _runs(is_filler)
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
        pairs = [
            (ch, conf)
            for ch, conf in zip(read.text.upper(), read.char_confidences, strict=False)
            if ch.isascii() and (ch.isalnum() or ch == "<")
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
    crop: np.ndarray, box: TextBox, ocr: OcrEngine, is_filler: np.ndarray
) -> TextLine | None:
    """Recognise a line whose ``is_filler`` cells were cut out, and put the ``<`` back."""
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
        for filler in is_filler:
            if filler:
                chars.append("<")
                confs.append(1.0)
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
    between the names and the padding run (``_line1_fillers``): its names are compared by
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
