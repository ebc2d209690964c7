"""Find an ID card or passport data page in a photo and flatten it (perspective transform).

Candidates are quadrilaterals in edge maps of a small copy of the photo (Canny on the L, a and
b channels of Lab, so a blue card on a grey table has an edge even when the brightness is the
same), closed to bridge gaps; each large contour's convex hull is reduced to four corners
(``approxPolyDP``, or the minimum-area rectangle for rounded corners). A candidate's score
prefers a large region whose side ratio is a document's: ID-1 cards (KTP, SIM) 85.60 x 53.98
mm, aspect 1.586; passport data pages (ID-3) 125 x 88 mm, aspect 1.42.

The photo itself is a candidate too: a scan or a crop of a card fills the frame. The reader
tries candidates best first and keeps the first whose text is a document's, so clutter that
happens to be rectangular costs one extra text detection, not a wrong answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from biometrics.documents.sides import side_quads

ID1_ASPECT = 85.60 / 53.98
ID3_ASPECT = 125 / 88
SEARCH_SIDE = 800
READ_WIDTH = 1000
MIN_AREA_FRACTION = 0.04
MAX_ASPECT_ERROR = 0.22
# A clean outline (it fills its quadrilateral) may be further off: a card photographed at a
# steep slant measured 2.02 (27 % over ID-1's 1.586) and was not found at all. The region is
# flattened to the document's own aspect anyway; its text still has to read as a document.
SLANTED_ASPECT_ERROR = 0.30
CLEAN_FIT = 0.9
# Edge thresholds tried, as multiples of the adaptive one: the second keeps only strong edges,
# so a card on a textured background keeps an outline of its own.
EDGE_STRENGTHS = (1.0, 3.0)


@dataclass(frozen=True)
class Region:
    """A candidate document: corners in photo pixels (TL, TR, BR, BL), long side first."""

    corners: np.ndarray  # float32 (4, 2)
    aspect: float  # the document aspect it was snapped to
    score: float
    touches_edge: bool
    whole_frame: bool = False
    fit: float = 1.0  # how tightly the outline fills its quadrilateral (1 = a clean card edge)
    aspect_error: float = 0.0  # relative distance of its side ratio from the document's
    cut: bool = False  # one of its sides runs along the photo's border

    @property
    def truncated(self) -> bool:
        """Part of it is outside the photo: a side runs along the photo's border, or it
        reaches the border and is far too short for a whole document. (A whole card photographed
        at a slant may touch the border with a corner and look a little short: not cut.)"""
        if self.whole_frame or not self.touches_edge:
            return False
        return self.cut or self.aspect_error > 0.18

    @property
    def source_width(self) -> float:
        """Length of the long sides in photo pixels (how much detail the photo holds)."""
        c = self.corners
        return float((np.linalg.norm(c[1] - c[0]) + np.linalg.norm(c[2] - c[3])) / 2)


def _order(points: np.ndarray) -> np.ndarray:
    """Order four points TL, TR, BR, BL, then rotate so that the first side is a long one."""
    pts = points.reshape(4, 2).astype(np.float32)
    centre = pts.mean(axis=0)
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles)]  # clockwise in image coordinates, starting near -180 deg
    start = int(np.argmin(pts.sum(axis=1)))
    pts = np.roll(pts, -start, axis=0)
    top = np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3])
    side = np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])
    if side > top:  # portrait in the photo: make the long side the top (turned 90 degrees)
        pts = np.roll(pts, -1, axis=0)
    return pts


def side_ratio(pts: np.ndarray) -> float:
    """A quadrilateral's (corners TL, TR, BR, BL) mean width over its mean height."""
    top = np.linalg.norm(pts[1] - pts[0]) + np.linalg.norm(pts[2] - pts[3])
    side = np.linalg.norm(pts[3] - pts[0]) + np.linalg.norm(pts[2] - pts[1])
    return float(top) / max(float(side), 1e-6)


def _angles_ok(pts: np.ndarray) -> bool:
    for i in range(4):
        a, b, c = pts[i - 1], pts[i], pts[(i + 1) % 4]
        v1, v2 = a - b, c - b
        cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2) + 1e-6))
        if abs(cos) > 0.5:  # outside 60-120 degrees: not a flat card seen at a sane angle
            return False
    return True


def _snap(aspect: float) -> tuple[float, float]:
    """The nearest document aspect and the relative error to it."""
    best = min((ID1_ASPECT, ID3_ASPECT), key=lambda a: abs(aspect - a) / a)
    return best, abs(aspect - best) / best


def _edge_map(small: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Edges of the L, a and b channels, closed. ``strength`` raises the thresholds: only
    strong edges (a card's border) are kept, not a textured background's (a table's grain,
    a striped wall, blobs) that would join the card's outline into one large contour."""
    lab = cv2.cvtColor(small, cv2.COLOR_RGB2LAB)
    edges = np.zeros(small.shape[:2], np.uint8)
    for channel in cv2.split(lab):
        blurred = cv2.GaussianBlur(channel, (5, 5), 0)
        median = float(np.median(blurred))
        spread = float(blurred.std())
        low = max(8.0, min(median, spread) * 0.5) * strength
        edges |= np.asarray(cv2.Canny(blurred, low, low * 2.5), np.uint8)
    return cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))


def _quad(hull: np.ndarray) -> np.ndarray | None:
    perimeter = cv2.arcLength(hull, True)
    for epsilon in (0.02, 0.035, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
    rect = cv2.minAreaRect(hull)
    box_area = rect[1][0] * rect[1][1]
    if box_area > 0 and cv2.contourArea(hull) / box_area > 0.88:
        return cv2.boxPoints(rect).astype(np.float32)
    return None


def _enclosing(pts: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The quadrilateral (TL, TR, BR, BL) with each side moved outward, parallel to itself,
    until ``points`` lie inside it.

    A card bowed in the hand has arcs for sides: its paper's hull reduced to four corners cuts
    the middle of each arc off, and the text printed there (a KTP's province header, along its
    top edge) with it. The sides keep their directions, so a flat card's quad barely moves.
    """
    centre = pts.mean(axis=0)
    lines = []
    for i in range(4):
        a, b = pts[i].astype(np.float64), pts[(i + 1) % 4].astype(np.float64)
        normal = np.array([b[1] - a[1], a[0] - b[0]])
        normal /= max(float(np.linalg.norm(normal)), 1e-9)
        if np.dot(centre - a, normal) > 0:  # point the normal away from the quad
            normal = -normal
        offset = max(0.0, float(((points - a) @ normal).max()))
        lines.append((a + normal * offset, b - a))
    corners = []
    for i in range(4):  # corner i lies where side i-1 (ending there) meets side i
        (p, d), (q, e) = lines[i - 1], lines[i]
        matrix = np.array([[d[0], -e[0]], [d[1], -e[1]]])
        if abs(np.linalg.det(matrix)) < 1e-9:
            return pts
        t = np.linalg.solve(matrix, q - p)[0]
        corners.append(p + d * t)
    return np.array(corners, np.float32)


def _touches(pts: np.ndarray, width: int, height: int, margin: int = 3) -> bool:
    """Does a quadrilateral (small-copy pixels) reach the edge of the photo?"""
    return bool(
        (pts[:, 0] <= margin).any()
        or (pts[:, 1] <= margin).any()
        or (pts[:, 0] >= width - 1 - margin).any()
        or (pts[:, 1] >= height - 1 - margin).any()
    )


def _along_border(pts: np.ndarray, width: int, height: int, margin: int = 3) -> bool:
    """Does a side of the quadrilateral (small-copy pixels) run along the photo's border?"""
    for i in range(4):
        a, b = pts[i], pts[(i + 1) % 4]
        if (
            (a[0] <= margin and b[0] <= margin)
            or (a[1] <= margin and b[1] <= margin)
            or (a[0] >= width - 1 - margin and b[0] >= width - 1 - margin)
            or (a[1] >= height - 1 - margin and b[1] >= height - 1 - margin)
        ):
            return True
    return False


def document_regions(img: np.ndarray, *, limit: int = 3) -> list[Region]:
    """Candidate document regions in an RGB photo, best first (the whole frame included)."""
    height, width = img.shape[:2]
    scale = min(1.0, SEARCH_SIDE / max(height, width))
    small = (
        cv2.resize(img, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        if scale < 1
        else img
    )
    sh, sw = small.shape[:2]
    frame_area = float(sh * sw)
    contours: list[np.ndarray] = []
    for strength in EDGE_STRENGTHS:
        found_contours, _hierarchy = cv2.findContours(
            _edge_map(small, strength), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE
        )
        contours.extend(found_contours)
    found: list[tuple[Region, bool]] = []  # and whether its quad came from its sides
    quads: list[tuple[np.ndarray, float, float, bool | None]] = []  # quad, fit, area, cut
    for contour in contours:
        hull = cv2.convexHull(contour)
        area = cv2.contourArea(hull)
        if area < MIN_AREA_FRACTION * frame_area or area > 0.985 * frame_area:
            continue
        quad = _quad(hull)
        if quad is None:
            continue
        # A card merged with clutter touching it (a cable, a pen) has a hull, and so a quad,
        # much larger than the outline itself: such a quad is penalised.
        fit = min(1.0, cv2.contourArea(contour) / max(cv2.contourArea(quad), 1.0))
        quads.append((quad, fit, area, None))
    # a card held, touching things or on a busy background: its four straight sides (sides.py)
    for quad, cover, beyond in side_quads(contours, (sh, sw)):
        area = cv2.contourArea(quad)
        if MIN_AREA_FRACTION * frame_area <= area <= 0.985 * frame_area:
            quads.append((quad, cover, area, beyond))
    for quad, fit, area, off in quads:
        pts = _order(quad)
        if not _angles_ok(pts):
            continue
        aspect, error = _snap(side_ratio(pts))
        if error > MAX_ASPECT_ERROR and not (fit >= CLEAN_FIT and error <= SLANTED_ASPECT_ERROR):
            continue
        touches = _touches(pts, sw, sh)
        score = (area / frame_area) * (1 - error) * (0.6 if touches else 1.0) * fit**2
        cut = bool(off) or _along_border(pts, sw, sh)
        region = Region(pts / scale, aspect, score, touches, fit=fit, aspect_error=error, cut=cut)
        found.append((region, off is not None))
    return [*_distinct(found, 0.03 * max(height, width), limit), whole_frame(img)]


def whole_frame(img: np.ndarray) -> Region:
    """The whole photo as the last candidate (a scan, or text to grow a card from)."""
    h, w = img.shape[:2]
    pts = _order(np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32))
    return Region(pts, _snap(side_ratio(pts))[0], 0.0, True, whole_frame=True)


def _distinct(found: list[tuple[Region, bool]], tolerance: float, limit: int) -> list[Region]:
    """Best first, one region per card (its inner and outer edge give near-identical quads), at
    most one from sides. A quad from sides that is cut off (a corner past the frame) gives way
    to a whole outline quad of the same card: a print-out's sheet ran off the photo, its page
    did not (the page's own outline, hidden, was never read and the passport refused)."""
    ranked = sorted(found, key=lambda item: item[0].score, reverse=True)
    whole = [region for region, sides in ranked if not sides and not region.truncated]

    def near(a: Region, b: Region) -> bool:
        return bool(np.abs(a.corners - b.corners).max() <= tolerance)

    distinct: list[Region] = []
    sides_taken = False
    for region, from_sides in ranked:
        if from_sides and region.truncated:
            twin = next((other for other in whole if near(region, other)), None)
            region, from_sides = (region, True) if twin is None else (twin, False)
        if any(near(region, other) for other in distinct) or (from_sides and sides_taken):
            continue
        distinct.append(region)
        sides_taken |= from_sides
        if len(distinct) == limit:
            break
    return distinct


def outside_photo(corners: np.ndarray, img_shape: tuple[int, ...]) -> np.ndarray:
    """Per corner (photo pixels), whether it lies outside a photo of ``img_shape``."""
    height, width = img_shape[:2]
    return np.asarray(
        (corners[:, 0] < 0)
        | (corners[:, 0] >= width)
        | (corners[:, 1] < 0)
        | (corners[:, 1] >= height)
    )


def widened(region: Region, img_shape: tuple[int, ...], *, left: bool) -> Region | None:
    """The region lengthened along its long sides to an ID-1 card's proportions, on its left
    end (TL-BL) or its right (TR-BR); None when it is not narrower than a card.

    For a card whose outline the edge search found only in part: the edge of its portrait
    (a SIM's, on its left) closed the region, and the card's text then lies where a card
    prints its portrait. The sides keep their directions (perspective kept approximately).
    Widened past the photo's border, the card is cut off by the frame (``truncated``).
    """
    if region.whole_frame:
        return None
    factor = ID1_ASPECT / side_ratio(region.corners)
    if factor < 1.05:
        return None
    tl, tr, br, bl = region.corners.astype(np.float32)
    if left:
        tl, bl = tr + (tl - tr) * factor, br + (bl - br) * factor
    else:
        tr, br = tl + (tr - tl) * factor, bl + (br - bl) * factor
    corners = np.array([tl, tr, br, bl], np.float32)
    outside = outside_photo(corners, img_shape)
    touches = region.touches_edge or bool(outside.any())
    cut = region.cut or int(outside.sum()) >= 2
    return Region(corners, ID1_ASPECT, region.score, touches, fit=region.fit, cut=cut)


def rectify(img: np.ndarray, region: Region, *, width: int = READ_WIDTH) -> np.ndarray:
    """The region flattened to ``width`` pixels wide at its document aspect (RGB)."""
    height = round(width / region.aspect)
    if region.whole_frame:
        return cv2.resize(
            img,
            (width, round(width * img.shape[0] / img.shape[1])),
            interpolation=cv2.INTER_AREA if img.shape[1] > width else cv2.INTER_CUBIC,
        )
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(region.corners.astype(np.float32), target)
    interpolation = cv2.INTER_AREA if region.source_width > width else cv2.INTER_CUBIC
    return cv2.warpPerspective(
        img, matrix, (width, height), flags=interpolation, borderMode=cv2.BORDER_REPLICATE
    )


def to_photo(region: Region, points: np.ndarray, *, width: int = READ_WIDTH) -> np.ndarray:
    """Points of the region flattened by ``rectify`` (N x 2) back in photo pixels."""
    if region.whole_frame:
        return points * (float(region.corners[1][0] + 1) / width)
    height = round(width / region.aspect)
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32
    )
    matrix = cv2.getPerspectiveTransform(target, region.corners.astype(np.float32))
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float32), matrix).reshape(
        -1, 2
    )


def regions_grown(
    img: np.ndarray, text_points: list[np.ndarray], *, tolerance: float = 1.0
) -> list[Region]:
    """The document around recognised text: its colour region, grown from the text.

    For a card whose outline the edge search missed (clutter touching it, a background of
    similar brightness): the card's own colour is sampled between the text lines, the pixels
    of that colour connected to the text form the card, and its outline gives the corners:
    first moved out to hold every text line (`_enclosing`), then as the paper gives them;
    each that is a document's shape (none, one or both).
    """
    height, width = img.shape[:2]
    scale = min(1.0, SEARCH_SIDE / max(height, width))
    small = (
        cv2.resize(img, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
        if scale < 1
        else img
    )
    lab = cv2.cvtColor(cv2.GaussianBlur(small, (5, 5), 0), cv2.COLOR_RGB2LAB).astype(np.float32)
    text_mask = np.zeros(small.shape[:2], np.uint8)
    for points in text_points:
        cv2.fillPoly(text_mask, [np.round(points * scale).astype(np.int32)], 1)
    if text_mask.sum() < 50:
        return []
    hull = cv2.convexHull(
        np.concatenate([np.round(p * scale) for p in text_points]).astype(np.int32)
    )
    inside = np.zeros_like(text_mask)
    cv2.fillPoly(inside, [hull], 1)
    paper = (inside == 1) & (text_mask == 0)
    if paper.sum() < 100:
        return []
    # The paper's shades: between the text lines, and around each line (a passport page
    # prints its MRZ on a band of another shade, which the lines between do not sample).
    colours = [np.median(lab[paper], axis=0)]
    for points in text_points:
        line = np.zeros_like(text_mask)
        cv2.fillPoly(line, [np.round(points * scale).astype(np.int32)], 1)
        ring = (cv2.dilate(line, np.ones((9, 9), np.uint8)) == 1) & (text_mask == 0)
        if ring.sum() >= 30 and lab[ring][:, 1:].std(axis=0).max() < 6:  # plain paper
            colour = np.median(lab[ring], axis=0)
            if all(np.abs(colour - other)[1:].max() > 6 for other in colours):
                colours.append(colour)
    mask = np.zeros(small.shape[:2], bool)
    for colour in colours[:3]:
        distance = np.abs(lab - colour)
        mask |= (
            (distance[..., 0] < 45 * tolerance)
            & (distance[..., 1] < 10 * tolerance)
            & (distance[..., 2] < 12 * tolerance)
        )
    mask = (mask | (text_mask == 1)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    count, labels = cv2.connectedComponents(mask)
    seeds = labels[(text_mask == 1) & (mask == 1)]
    if count < 2 or seeds.size == 0:
        return []
    component = (labels == np.bincount(seeds[seeds > 0]).argmax()).astype(np.uint8)
    contours, _hierarchy = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    paper = max(contours, key=cv2.contourArea)
    outline = cv2.convexHull(paper)
    quad = _quad(outline)
    if quad is None:
        quad = cv2.boxPoints(cv2.minAreaRect(outline)).astype(np.float32)
    pts = _order(quad)
    # As for an outline (document_regions), paper that fills its quad may be seen at a steeper
    # slant; so may paper inside the photo that does not (a card bowed in the hand, a thumb over
    # its end: 71 % of its hull, 24 % off ID-1). Paper reaching the border so far off is cut off.
    clean = cv2.contourArea(paper) >= CLEAN_FIT * cv2.contourArea(pts)
    sh, sw = small.shape[:2]
    text = np.concatenate([np.round(p * scale) for p in text_points]).astype(np.float64)
    # The quad widened to hold all the text first (a bowed card's arcs), then the paper's own
    # (text the detector ran past the paper's end; a widened page crossing the photo's border)
    found = []
    for quad_pts in (_enclosing(pts, text), pts):
        aspect, error = _snap(side_ratio(quad_pts))
        touches = _touches(quad_pts, sw, sh)
        limit = SLANTED_ASPECT_ERROR if clean or not touches else MAX_ASPECT_ERROR
        if error <= limit and _angles_ok(quad_pts):
            cut = _along_border(quad_pts, sw, sh)
            found.append(
                Region(quad_pts / scale, aspect, 0.0, touches, aspect_error=error, cut=cut)
            )
    return found


# Colour tolerances (multiples of regions_grown's) tried in turn: at the usual one the
# paper may take in a background of a like colour (a cream card on a beige table, a folded
# KTP on a grey-blue cloth); a tighter one keeps the card's own paper.
TEXT_TOLERANCES = (1.0, 0.5, 0.35)


def regions_from_text(
    img: np.ndarray, points: list[np.ndarray], *, whole_only: bool = False
) -> Iterator[tuple[float, Region]]:
    """The card grown from the paper around ``points`` at each of TEXT_TOLERANCES, widened to
    hold its text and then as its paper gives it, each distinct region once (a tighter
    tolerance often gives the same paper: not read twice); ``whole_only``: only regions inside
    the photo. (Widened, a page whose corner touches the photo's border may cross it, and be
    read as cut off; its paper's own corners then read it whole.)"""
    tried: list[np.ndarray] = []
    for tolerance in TEXT_TOLERANCES:
        for grown in regions_grown(img, points, tolerance=tolerance):
            if whole_only and grown.truncated:
                continue
            if any(np.allclose(grown.corners, corners, atol=8) for corners in tried):
                continue
            tried.append(grown.corners)
            yield tolerance, grown


# A photo within this of a document's aspect may be a scan or a tight crop of one (a 4:3 photo
# is 6 % off a passport page, 16 % off a card).
SCAN_ASPECT_ERROR = 0.03


def scan_like(region: Region) -> bool:
    """Is this whole-frame region shaped like a document (a scan or a crop of one)?"""
    height_ratio = side_ratio(region.corners)
    return _snap(height_ratio)[1] <= SCAN_ASPECT_ERROR
