"""An MRZ line's 44 cells and which of them hold the filler ``<``.

The MRZ is printed in a monospaced font, 44 cells a line: the cells' pitch and phase are
fitted to the gaps in the line's ink, and the filler cells are found by their shape (the glyph
that repeats most often is ``<``, whatever the font), then held to where ICAO 9303 allows a
filler on each line. `mrz_reader` cuts them out before the recogniser reads the line.
"""

from __future__ import annotations

import cv2
import numpy as np

from biometrics.documents.mrz import LINE_LENGTH, NUMBER_CELLS

GLYPH = 16
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


def longest_runs(mask: np.ndarray) -> np.ndarray:
    """Per row of a 0/1 mask, the length of its longest run of ones."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), np.int8)
    padded[:, 1:-1] = mask > 0
    steps = np.diff(padded, axis=1)
    out = np.zeros(mask.shape[0], np.int64)
    for row in np.unique(np.nonzero(steps)[0]):
        starts, ends = np.flatnonzero(steps[row] == 1), np.flatnonzero(steps[row] == -1)
        out[row] = int((ends - starts).max())
    return out


def text_band(ink: np.ndarray) -> np.ndarray:
    """Keep the rows of the line's characters: drop ruled lines and what pokes in from above
    or below (the band edge, the next line's descenders)."""
    rows = ink.mean(axis=1)
    ink = ink.copy()
    # A ruled line or a band edge, not characters: a row mostly ink in long unbroken runs.
    # (Bold, blurred print covers more than half of its middle rows too, but in runs of a
    # cell or two; taking those for a rule erased a whole line of names.)
    ink[(rows > 0.6) & (longest_runs(ink) > RULE_RUN * ink.shape[1])] = 0
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


def fit_cells(crop: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]] | None:
    """The line's ink mask and the 44 cell column ranges (pitch and phase fitted to the gaps)."""
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    # Halfway between the ink and the paper: the page and the MRZ band may differ in shade,
    # which fools Otsu's two-class split, but both are far lighter than the print.
    dark, light = np.percentile(grey, 3), np.percentile(grey, 90)
    ink = (grey < (dark + light) / 2).astype(np.uint8)
    ink = text_band(ink)
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


def glyph(ink: np.ndarray, cell: tuple[int, int]) -> np.ndarray:
    patch = ink[:, max(0, cell[0]) : max(cell[0] + 1, cell[1])].astype(np.float32)
    if patch.size == 0:  # a cell fitted past the end of the crop: no ink, no glyph
        return np.zeros(GLYPH * GLYPH, np.float32)
    vector = cv2.resize(patch, (GLYPH, GLYPH), interpolation=cv2.INTER_AREA).ravel()
    vector -= vector.mean()
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector


def filler_similarity(glyphs: np.ndarray, candidates: np.ndarray | None = None) -> np.ndarray:
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


def without_fillers(
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


def carry_padding(is_filler: np.ndarray) -> np.ndarray:
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


def number_padding_only(is_filler: np.ndarray) -> np.ndarray:
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


def padding_start(is_filler: np.ndarray) -> int:
    """Where line 1's padding run begins: the first cell from which every cell is a filler
    (``LINE_LENGTH`` when the names run to the line's end)."""
    start = LINE_LENGTH
    while start > 0 and is_filler[start - 1]:
        start -= 1
    return start


def line1_certainty(similarity: np.ndarray, is_filler: np.ndarray) -> np.ndarray:
    """How sure each filler painted on line 1 is: a separator between the names painted
    only by the permissive threshold (`FILLER_SIMILARITY`'s last) is a guess, worth its
    similarity; every other cell, and the padding run, is sure (1.0).

    A soft line's letters may be as alike the filler as its separators (an "A" measured
    0.66, the ``<<`` between the names 0.67): painted, they split the names ("TIARA" read
    "TI<R") and the line still fills its cells, so only this certainty tells the name's
    read is in doubt (`parsing.parse_passport`).
    """
    sure = np.ones(LINE_LENGTH)
    names = np.arange(LINE_LENGTH) < padding_start(is_filler)
    guessed = is_filler & names & (similarity <= FILLER_SIMILARITY[0])
    sure[guessed] = similarity[guessed]
    return sure


def line1_fillers(is_filler: np.ndarray) -> np.ndarray:
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


def filler_allowed(paint: bool | str) -> np.ndarray:
    """Where a filler may stand on the line ``paint`` names."""
    if paint == "line2":
        return LINE2_FILLER_CELLS
    allowed = np.ones(LINE_LENGTH, bool)
    allowed[LINE1_FIXED] = False
    return allowed


def character_runs(is_filler: np.ndarray) -> list[tuple[int, int]]:
    """The runs of cells that are not fillers, as (first, end) cell indices."""
    runs, start = [], None
    for i, filler in enumerate([*is_filler, True]):
        if not filler and start is None:
            start = i
        elif filler and start is not None:
            runs.append((start, i))
            start = None
    return runs


def filler_masks(similarity: np.ndarray, paint: bool | str) -> list[np.ndarray]:
    """The filler masks to try in turn on the line ``paint`` names, each distinct: the first
    threshold with line 2's padded fields carried to their ends, then each threshold plain
    (`FILLER_SIMILARITY`); each held to where a filler may stand."""
    masks: list[np.ndarray] = []
    for threshold, padded in (
        (FILLER_SIMILARITY[0], True),
        *((t, False) for t in FILLER_SIMILARITY),
    ):
        is_filler = similarity > threshold
        if paint == "line1":
            is_filler = line1_fillers(is_filler)
        elif paint == "line2":
            is_filler &= LINE2_FILLER_CELLS
            if padded:
                is_filler = carry_padding(is_filler)
            is_filler = number_padding_only(is_filler)
        if not any(np.array_equal(is_filler, mask) for mask in masks):
            masks.append(is_filler)
    return masks
