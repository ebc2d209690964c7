"""A document that is not flat: a card bowed between the fingers, a passport page curling
towards the spine, a print-out folded and opened again.

The surface is a curve across one axis of the document: its slope ``theta(u)`` at ``u`` from
0 to 1 along that axis gives each point's position (the integral of cos theta) and depth (of
sin theta); a pinhole camera a few document-lengths away then magnifies the nearer parts. Each
strip is lit by its slope, and a crease is a thin darker line.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import cv2
import numpy as np

STEPS = 1025
U = np.linspace(0.0, 1.0, STEPS)


@dataclass(frozen=True)
class Surface:
    across: bool  # the curve runs along the document's width (else along its height)
    theta: np.ndarray = field(default_factory=lambda: np.zeros(STEPS))  # slope (radians) at U
    creases: tuple[float, ...] = ()  # where folds run, as shares of the axis
    distance: float = 4.0  # the camera's distance, in the document's longer side
    light: float = 0.0  # the light's direction (radians): a strip facing it is brightest
    shading: float = 0.2  # how much brighter or darker a strip turned by 90 degrees would be


def bow(degrees: float) -> np.ndarray:
    """An even curve over the whole axis: the two ends turned ``degrees`` apart."""
    return np.deg2rad(degrees) * (U - 0.5) * 2


def curl(degrees: float, start: float, *, at_start: bool = False) -> np.ndarray:
    """Flat up to ``start``, then curving ever more steeply to the end (the start, if
    ``at_start``): ``degrees`` x 1.4 at the edge."""
    slopes = np.clip((U - start) / (1 - start), 0, None) ** 2 * np.deg2rad(degrees) * 1.4
    return slopes[::-1] if at_start else slopes


def folded(creases: tuple[float, ...], kinks: tuple[float, ...]) -> np.ndarray:
    """Flat strips meeting at ``creases`` at ``kinks`` degrees each (alternating folds)."""
    slopes = np.zeros(STEPS)
    for crease, kink in zip(creases, kinks, strict=True):
        slopes += np.where(U > crease, np.deg2rad(kink), 0.0)
    return slopes - slopes.mean()


def surface_drawn(rng: random.Random, landscape: bool, *, bend: bool, fold: bool) -> Surface:
    """A bend (a bow or a curl at one edge), a fold (in two or three), or both, drawn from
    ``rng``."""
    across = rng.random() < (0.7 if landscape else 0.3)
    theta = np.zeros(STEPS)
    if bend:
        style = rng.random()
        strength = rng.uniform(20, 55)
        if style < 0.55:
            theta += bow(strength) * rng.choice([-1, 1])
        else:
            start = rng.uniform(0.55, 0.8)
            theta += curl(strength, start, at_start=rng.random() < 0.5)
    creases: tuple[float, ...] = ()
    if fold:
        parts = rng.choice([2, 2, 3])
        creases = tuple(k / parts + rng.uniform(-0.04, 0.04) for k in range(1, parts))
        kinks = tuple(rng.uniform(10, 35) * (1 if k % 2 == 0 else -1) for k in range(len(creases)))
        theta += folded(creases, kinks)
        theta -= theta.mean()  # the camera faces the folded document as a whole
    return Surface(
        across=across,
        theta=theta,
        creases=creases,
        distance=rng.uniform(2.5, 5.0),
        light=rng.uniform(-0.6, 0.6),
        shading=rng.uniform(0.12, 0.3),
    )


def surface_seen(document: np.ndarray, surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    """The document on ``surface`` as the camera sees it, on a canvas of the document's size
    (the shape fitted inside), and the mask of the shape (255 on the document)."""
    height, width = document.shape[:2]
    across, theta = surface.across, surface.theta
    length = width if across else height
    cross_len = height if across else width
    step = np.gradient(U) * length
    x = np.cumsum(np.cos(theta) * step)
    z = np.cumsum(np.sin(theta) * step)
    x -= x.mean()
    z -= z.mean()
    distance = surface.distance * max(width, height)
    magnify = distance / (distance + z)  # the nearer parts look larger
    seen = x * magnify
    fit = 0.98 * min((length / 2) / max(float(np.abs(seen).max()), 1.0), 1 / magnify.max())
    seen *= fit
    half_span = magnify * fit  # the other axis' half-extent, as a share of its flat half
    # canvas -> document: the position along the axis inverts the monotonic curve `seen`
    along = np.arange(length, dtype=np.float32) - length / 2
    src_u = np.interp(along, seen, U, left=-1.0, right=-1.0)
    scale_at = np.interp(np.clip(src_u, 0, 1), U, half_span)
    slope_at = np.interp(np.clip(src_u, 0, 1), U, theta)
    shade_along = 1 + surface.shading * np.sin(slope_at - surface.light)
    for crease in surface.creases:  # a thin darker line
        near = np.abs(src_u - crease) * length
        shade_along *= 1 - 0.18 * np.exp(-((near / 2.0) ** 2))
    cross = np.arange(cross_len, dtype=np.float32) - cross_len / 2
    src_cross = cross[None, :] / scale_at[:, None] + cross_len / 2  # (along, cross)
    src_along = np.broadcast_to((src_u * (length - 1))[:, None], src_cross.shape)
    inside = (src_u >= 0)[:, None] & (src_cross >= 0) & (src_cross <= cross_len - 1)
    shade = np.broadcast_to(shade_along[:, None], src_cross.shape)
    if across:
        map_x, map_y, shade, inside = src_along.T, src_cross.T, shade.T, inside.T
    else:
        map_x, map_y = src_cross, src_along
    seen_doc = cv2.remap(
        document,
        np.ascontiguousarray(map_x, np.float32),
        np.ascontiguousarray(map_y, np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    lit = np.clip(seen_doc.astype(np.float32) * shade[..., None], 0, 255).astype(np.uint8)
    return lit, np.where(inside, 255, 0).astype(np.uint8)
