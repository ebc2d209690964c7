"""A passport data page's region from what lies on it, when its outline was not all found.

``extended`` lengthens a region that stopped at the edge of the page's MRZ band (printed on
another shade than the visual zone) to the page's proportions; ``region_from_mrz`` places the
page around its machine-readable zone's two lines of text when neither its outline nor its
paper was found. Both give a ``locate.Region`` that the reader flattens like any other.
"""

from __future__ import annotations

import numpy as np

from biometrics.documents.locate import ID3_ASPECT, Region, outside_photo, side_ratio

# A passport page's height over its visual zone's (the MRZ band is 23 of 88 mm): seen at a
# slant, the visual zone alone may measure close to a page's ratio, and lengthening it to the
# page's ratio would stop short of the MRZ.
MRZ_BAND_FACTOR = 88 / 65


def extended(
    region: Region, aspect: float, *, upward: bool, at_least: float = 1.0
) -> Region | None:
    """The region lengthened across its long sides until its sides are ``aspect`` to one.

    For a passport data page whose outline stopped at the edge of its MRZ band (printed on
    another shade): the edge search found the visual zone alone, too wide for its height. The
    short sides are extended along their own direction (perspective kept approximately), below
    the upright page, or above it when the page was read upside down, by ``at_least`` times
    the height or more. None when the region is not too wide for ``aspect``.
    """
    if region.whole_frame:
        return None
    c = region.corners.astype(np.float32)
    factor = side_ratio(c) / aspect
    if factor < 1.08:
        return None
    factor = max(factor, at_least)
    tl, tr, br, bl = c
    if upward:
        tl, tr = bl + (tl - bl) * factor, br + (tr - br) * factor
    else:
        bl, br = tl + (bl - tl) * factor, tr + (br - tr) * factor
    corners = np.array([tl, tr, br, bl], np.float32)
    return Region(
        corners,
        aspect,
        region.score,
        region.touches_edge,
        fit=region.fit,
        aspect_error=abs(side_ratio(corners) - aspect) / aspect,
        cut=region.cut,
    )


# A TD3 page around its machine-readable zone (ICAO 9303: 44 cells of 2.54 mm on a 125 mm page,
# about 7 mm margins, line 2 about 8 mm above the bottom edge), with some slack: a page framed a
# little large still reads, one framed short loses the end of the zone.
MRZ_LINE_SHARE = 0.89
MRZ_SIDE_MARGIN = 0.06
MRZ_BOTTOM_MARGIN = 0.12
# A text box is a line of the zone when it is this many times longer than high, and the two
# lines are parallel within this many degrees and one to four line heights apart.
MRZ_LINE_ELONGATION = 9.0
MRZ_PARALLEL_DEGREES = 6.0


def _axis(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """A text box's left end, unit direction, length and height (its corners TL, TR, BR, BL)."""
    left = (points[0] + points[3]) / 2
    right = (points[1] + points[2]) / 2
    length = float(np.linalg.norm(right - left))
    height = float(
        (np.linalg.norm(points[3] - points[0]) + np.linalg.norm(points[2] - points[1])) / 2
    )
    return left, (right - left) / max(length, 1e-6), length, height


def region_from_mrz(
    img_shape: tuple[int, ...],
    text_points: list[np.ndarray],
    *,
    flipped: bool = False,
    scale: float = 1.0,
) -> Region | None:
    """A passport page's outline from its machine-readable zone's two lines of text.

    For a page whose outline the edge search missed and whose paper the colour search cannot
    tell from what is around it (a print-out photographed again, a page on a white sheet): the
    two long parallel lines of a TD3 zone give the page's direction and scale, and the page
    lies above them in the photo (below them when ``flipped``: the page upside down; the
    reader turns it). The page is placed as a rectangle (perspective ignored): right for the
    zone itself, approximate for the visual zone. None without two such lines.

    ``scale`` > 1: the lines found were shorter than the zone (the detector on the whole photo
    lost the faint end of their filler runs), so the page is that much larger, growing away
    from the zone's start and its bottom edge.
    """
    long = []
    for points in text_points:
        left, direction, length, height = _axis(points.astype(np.float64))
        if height > 0 and length > MRZ_LINE_ELONGATION * height:
            if direction[0] < 0:  # every line left to right in the photo
                left, direction = left + direction * length, -direction
            long.append((left, direction, length, height))
    best: tuple[float, np.ndarray, np.ndarray, np.ndarray, float, float, float] | None = None
    for i, (left_a, along, len_a, h_a) in enumerate(long):
        across = np.array([-along[1], along[0]])  # perpendicular, pointing down the photo
        if across[1] < 0:
            across = -across
        for left_b, dir_b, len_b, h_b in long[i + 1 :]:
            if float(np.dot(along, dir_b)) < np.cos(np.radians(MRZ_PARALLEL_DEGREES)):
                continue
            gap = float(np.dot(left_b - left_a, across))
            line = max(h_a, h_b)
            if not line < abs(gap) < 4 * line:
                continue
            offset = float(np.dot(left_b - left_a, along))
            start, end = min(0.0, offset), max(len_a, offset + len_b)
            if best is None or end - start > best[0]:
                best = (end - start, left_a + along * start, along, across, line, 0.0, gap)
    if best is None:
        return None
    length, origin, along, across, line, t_a, t_b = best
    width = length / MRZ_LINE_SHARE
    height = width / ID3_ASPECT
    x0 = origin - along * MRZ_SIDE_MARGIN * width
    x1 = x0 + along * width
    if flipped:  # the zone starts at the right end of the lines in the photo
        x0 = x1 - along * width * scale
        top = min(t_a, t_b) - line / 2 - MRZ_BOTTOM_MARGIN * height
        bottom = top + height * scale
    else:
        x1 = x0 + along * width * scale
        bottom = max(t_a, t_b) + line / 2 + MRZ_BOTTOM_MARGIN * height
        top = bottom - height * scale
    corners = np.array(
        [x0 + across * top, x1 + across * top, x1 + across * bottom, x0 + across * bottom],
        np.float32,
    )
    outside = outside_photo(corners, img_shape)
    return Region(corners, ID3_ASPECT, 0.0, bool(outside.any()), cut=int(outside.sum()) >= 2)
