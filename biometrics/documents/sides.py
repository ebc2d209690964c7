"""A document's outline from its four straight sides, when its contour is not a quadrilateral.

A card held in a hand, or touching another object in the photo (a hand over a corner, a
paper, a cup), has one contour with that object: its convex hull is no quadrilateral, or a
much larger one, and the card was not found at all. Its sides are still four long straight
edges, most of each visible: the lines through them meet at the card's corners, a covered
corner included. The same holds when a busy background breaks the outline into several
contours. So the straight runs of every large contour are collected, joined into lines, and
four lines (two pairs of nearly parallel ones) whose quadrilateral has a document's side ratio
and whose sides are mostly covered by edges give a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import cv2
import numpy as np

# A straight run of a contour shorter than this share of the search copy's short side is
# ignored (text, a portrait's details); a card at the smallest readable size has sides of 25 %.
MIN_RUN = 0.08
# Runs on one line: within this many degrees and this many search pixels of each other.
SAME_ANGLE = 3.0
SAME_OFFSET = 4.0
# Lines tried (the best covered), and how parallel opposite sides must be (perspective
# narrows a card's far side; 25 degrees is a steep view) and how square adjacent ones.
MAX_LINES = 10
DIRECTION_BIN = 15  # degrees
OPPOSITE_DEGREES = 25.0
ADJACENT_DEGREES = 55.0
# A side must be covered by edges along this share of its length, and the outline along this
# share of its perimeter: a hand over a corner hides part of two sides, not most of one.
MIN_SIDE_COVER = 0.35
MIN_COVER = 0.7
# How far a corner may lie beyond the photo's border, as a share of the card's short side,
# before the card is cut off: about 2 mm of a 54 mm card, inside its printing margin (nothing
# printed is lost short of that).
CORNER_MARGIN = 0.04


@dataclass(frozen=True)
class _Line:
    normal: np.ndarray  # unit normal (angle in [0, 180) degrees)
    offset: float  # normal . p for every point p on the line
    intervals: tuple[tuple[float, float], ...]  # covered stretches along the direction

    @property
    def direction(self) -> np.ndarray:
        return np.array([-self.normal[1], self.normal[0]])

    @property
    def angle(self) -> float:
        return float(np.degrees(np.arctan2(self.normal[1], self.normal[0]))) % 180

    @property
    def covered(self) -> float:
        return sum(b - a for a, b in self.intervals)


def _union(intervals: list[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    merged: list[list[float]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


def _runs(contours: list[np.ndarray], min_length: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """The straight runs (end points) of the contours, at least ``min_length`` long."""
    runs = []
    for contour in contours:
        if cv2.arcLength(contour, True) < 2 * min_length:
            continue
        poly = cv2.approxPolyDP(contour, 2.5, True).reshape(-1, 2).astype(np.float64)
        for i in range(len(poly)):
            a, b = poly[i], poly[(i + 1) % len(poly)]
            if np.linalg.norm(b - a) >= min_length:
                runs.append((a, b))
    return runs


def _angle_gap(a: float, b: float) -> float:
    gap = abs(a - b) % 180
    return min(gap, 180 - gap)


def _lines(runs: list[tuple[np.ndarray, np.ndarray]]) -> list[_Line]:
    """Runs joined into lines (a closed edge's inner and outer contours give the same line)."""
    groups: list[list[tuple[np.ndarray, np.ndarray]]] = []
    keys: list[tuple[np.ndarray, float, float]] = []
    for a, b in sorted(runs, key=lambda r: -float(np.linalg.norm(r[1] - r[0]))):
        direction = (b - a) / np.linalg.norm(b - a)
        normal = np.array([-direction[1], direction[0]])
        if normal[1] < 0 or (normal[1] == 0 and normal[0] < 0):
            normal = -normal
        angle = float(np.degrees(np.arctan2(normal[1], normal[0]))) % 180
        for group, (g_normal, g_offset, g_angle) in zip(groups, keys, strict=True):
            mid = (a + b) / 2
            if (
                _angle_gap(angle, g_angle) < SAME_ANGLE
                and abs(float(np.dot(g_normal, mid)) - g_offset) < SAME_OFFSET
            ):
                group.append((a, b))
                break
        else:
            groups.append([(a, b)])
            keys.append((normal, float(np.dot(normal, (a + b) / 2)), angle))
    lines = []
    for group, (normal, _offset, _angle) in zip(groups, keys, strict=True):
        points = np.array([p for run in group for p in run])
        # the line through the group's runs, weighted by nothing: their end points
        centre = points.mean(axis=0)
        offset = float(np.dot(normal, centre))
        along = np.array([-normal[1], normal[0]])
        intervals = _union(
            [
                (
                    min(float(np.dot(along, a)), float(np.dot(along, b))),
                    max(float(np.dot(along, a)), float(np.dot(along, b))),
                )
                for a, b in group
            ]
        )
        lines.append(_Line(normal, offset, intervals))
    # The best covered lines, at most half of them in one direction: a card's text lines run
    # along its long sides, and would crowd out a short side half hidden by a hand.
    kept: list[_Line] = []
    per_direction: dict[int, int] = {}
    for line in sorted(lines, key=lambda line: line.covered, reverse=True):
        direction = int(line.angle // DIRECTION_BIN) % (180 // DIRECTION_BIN)
        if per_direction.get(direction, 0) < MAX_LINES // 2:
            per_direction[direction] = per_direction.get(direction, 0) + 1
            kept.append(line)
        if len(kept) == MAX_LINES:
            break
    return kept


def _meet(p: _Line, q: _Line) -> np.ndarray | None:
    matrix = np.array([p.normal, q.normal])
    if abs(float(np.linalg.det(matrix))) < 1e-6:
        return None
    return np.linalg.solve(matrix, np.array([p.offset, q.offset]))


def _cover(line: _Line, a: np.ndarray, b: np.ndarray) -> float:
    """The share of the side from a to b (on ``line``) that its edges cover."""
    along = line.direction
    lo, hi = sorted((float(np.dot(along, a)), float(np.dot(along, b))))
    if hi - lo < 1e-6:
        return 0.0
    inside = sum(max(0.0, min(hi, end) - max(lo, start)) for start, end in line.intervals)
    return inside / (hi - lo)


def _short_side(pts: np.ndarray) -> float:
    sides = [float(np.linalg.norm(pts[i] - pts[i - 1])) for i in range(4)]
    return min((sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2)


def side_quads(
    contours: list[np.ndarray], shape: tuple[int, int]
) -> list[tuple[np.ndarray, float, bool]]:
    """Quadrilaterals (corners, search pixels) from four covered straight lines, each with the
    share of its perimeter that edges cover and whether it is cut off: a corner beyond the
    photo's border is brought onto it, and the card is cut when the corner lay further out
    than ``CORNER_MARGIN``."""
    height, width = shape
    lines = _lines(_runs(contours, MIN_RUN * min(height, width)))
    found: list[tuple[np.ndarray, float, bool]] = []
    for four in combinations(lines, 4):
        for pair_a, pair_b in (
            ((four[0], four[1]), (four[2], four[3])),
            ((four[0], four[2]), (four[1], four[3])),
            ((four[0], four[3]), (four[1], four[2])),
        ):
            if (
                _angle_gap(pair_a[0].angle, pair_a[1].angle) > OPPOSITE_DEGREES
                or _angle_gap(pair_b[0].angle, pair_b[1].angle) > OPPOSITE_DEGREES
                or min(_angle_gap(p.angle, q.angle) for p in pair_a for q in pair_b)
                < ADJACENT_DEGREES
            ):
                continue
            corners = [
                _meet(pair_a[0], pair_b[0]),
                _meet(pair_b[0], pair_a[1]),
                _meet(pair_a[1], pair_b[1]),
                _meet(pair_b[1], pair_a[0]),
            ]
            if any(c is None for c in corners):
                continue
            pts = np.array(corners, np.float64)
            margin = 0.05 * max(height, width)
            if (
                (pts[:, 0] < -margin).any()
                or (pts[:, 1] < -margin).any()
                or (pts[:, 0] > width + margin).any()
                or (pts[:, 1] > height + margin).any()
            ):
                continue
            sides = (pair_a[0], pair_b[0], pair_a[1], pair_b[1])
            covers, lengths = [], []
            for i, line in enumerate(sides):
                a, b = pts[i - 1], pts[i]  # corner i is where side i meets the next
                covers.append(_cover(line, a, b))
                lengths.append(float(np.linalg.norm(b - a)))
            total = sum(c * length for c, length in zip(covers, lengths, strict=True))
            cover = total / max(sum(lengths), 1e-6)
            if min(covers) < MIN_SIDE_COVER or cover < MIN_COVER:
                continue
            beyond = max(0.0, float(-pts.min()), float((pts - [width - 1, height - 1]).max()))
            off = beyond > CORNER_MARGIN * _short_side(pts)
            inside = np.clip(pts, 0, [width - 1, height - 1]).astype(np.float32)
            found.append((inside, min(1.0, cover), off))
            break
    return found
