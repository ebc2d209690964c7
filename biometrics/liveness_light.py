"""The light challenge: the face must reflect a random sequence of screen colours, on time.

While the burst is recorded the page fills the screen around the camera preview with a random,
server-issued sequence of soft colours. The member's face, a few tens of centimetres from the
screen, reflects them: the face's chroma (red and blue against green) follows the sequence, a
camera frame or two late. A recording made in advance (a replayed burst, a video played on a
screen) followed another sequence or none, so it cannot follow this one.

Honest limits (docs/liveness.md): in bright ambient light, or with a dim screen, the reflection
is too weak to measure; the check then reports `inconclusive` and is not required, so the light
challenge is a required signal only when the capture shows enough screen-versus-ambient contrast.
Chromium's fake camera (the browser journeys) plays a file and cannot react: inconclusive too.

Accessibility (WCAG 2.3.1, three flashes): colour changes are at least `MIN_SEGMENT_MS` apart
(under three changes a second), soft colours, never saturated red, and the page warns before
flashing; a member who prefers reduced motion is offered review by a person instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

# Soft screen colours (sRGB): warm, cool, green. Their reflected chroma differs along both axes.
PALETTE: dict[str, tuple[int, int, int]] = {
    "warm": (255, 190, 140),
    "cool": (140, 190, 255),
    "green": (170, 255, 170),
}
MIN_SEGMENT_MS = 400  # at most 2.5 colour changes a second (WCAG 2.3.1: no more than 3)
MAX_SEGMENT_MS = 800
# Screen and camera latency: the reflection shows up this much after the colour is asked for.
MAX_LAG_MS = 400
LAG_STEP_MS = 50
# Decision: the face's chroma change must correlate with the sequence at least this well...
MIN_CORRELATION = 0.5
# ...when the response is measurable at all: the chroma change explained by the sequence, in
# log-ratio units (about a 2 % colour shift); below it the check is inconclusive.
MIN_RESPONSE = 0.022


@dataclass(frozen=True)
class LightSequence:
    """Colours and when each starts, in ms from the first frame of the capture."""

    starts_ms: tuple[int, ...]
    colours: tuple[str, ...]

    def colour_at(self, offset_ms: float) -> str:
        """The colour on screen `offset_ms` after the capture started."""
        index = int(np.searchsorted(np.asarray(self.starts_ms), offset_ms, side="right")) - 1
        return self.colours[max(index, 0)]

    def as_dict(self) -> dict[str, list]:
        """JSON for the page and for storage with the challenge."""
        return {"starts_ms": list(self.starts_ms), "colours": list(self.colours)}


def light_sequence_new(
    duration_ms: int, *, rng: np.random.Generator | None = None
) -> LightSequence:
    """A random sequence covering `duration_ms`: no colour twice in a row, 400-800 ms each."""
    chooser = rng or np.random.default_rng(secrets.randbits(64))
    names = list(PALETTE)
    starts, colours = [0], [names[int(chooser.integers(len(names)))]]
    while starts[-1] < duration_ms:
        starts.append(starts[-1] + int(chooser.integers(MIN_SEGMENT_MS, MAX_SEGMENT_MS + 1)))
        options = [name for name in names if name != colours[-1]]
        colours.append(options[int(chooser.integers(len(options)))])
    return LightSequence(starts_ms=tuple(starts), colours=tuple(colours))


def _expected(colour: str) -> np.ndarray:
    red, green, blue = PALETTE[colour]
    return np.log(np.array([red / green, blue / green]))


def face_chroma(frame: np.ndarray, points: np.ndarray) -> np.ndarray:
    """log(R/G) and log(B/G) of the face's skin (between the brows and the mouth)."""
    region = points[[1, 2, 3, 31, 35, 13, 14, 15, 26, 17]]
    mask = np.zeros(frame.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(np.round(region).astype(np.int32)), 1)
    mean = np.array(cv2.mean(frame, mask=mask)[:3]) + 1.0
    return np.log(np.array([mean[0] / mean[1], mean[2] / mean[1]]))


@dataclass(frozen=True)
class LightResult:
    """How well the face's colour followed the sequence."""

    correlation: float
    response: float
    lag_ms: int

    @property
    def inconclusive(self) -> bool:
        return self.response < MIN_RESPONSE

    @property
    def passed(self) -> bool:
        return self.inconclusive or self.correlation >= MIN_CORRELATION


def _residual(values: np.ndarray, nuisance: np.ndarray) -> np.ndarray:
    """`values` (frames, channels) with what the nuisance columns explain removed."""
    solution, *_rest = np.linalg.lstsq(nuisance, values, rcond=None)
    return values - nuisance @ solution


def light_check(
    frames: Sequence[np.ndarray],
    times_ms: Sequence[int],
    points: Sequence[np.ndarray],
    sequence: LightSequence,
    yaws: Sequence[float] | None = None,
) -> LightResult:
    """Correlate the face's chroma change with the colours asked for, over plausible lags.

    `points`: each frame's 68 landmarks; `times_ms`: capture times, the first frame being the
    sequence's origin; `yaws`: each frame's yaw. Slow drift (a quadratic in time) and what the
    head's turn does to the skin's colour (a quadratic in yaw) are regressed out of both the
    observed and the expected chroma first. The correlation is Pearson's over both channels
    together; the response is the chroma change left after that (what a flash would show).
    """
    observed = np.array([face_chroma(f, p) for f, p in zip(frames, points, strict=True)])
    offsets = np.asarray(times_ms, dtype=np.float64) - float(times_ms[0])
    span = max(float(offsets[-1]), 1.0)
    columns = [np.ones_like(offsets), offsets / span, (offsets / span) ** 2]
    if yaws is not None:
        turn = np.asarray(yaws, dtype=np.float64) / 30.0
        columns += [turn, turn**2]
    nuisance = np.stack(columns, axis=1)
    observed = _residual(observed, nuisance)
    response = float(observed.std())
    best = LightResult(correlation=-1.0, response=response, lag_ms=0)
    for lag in range(0, MAX_LAG_MS + 1, LAG_STEP_MS):
        expected = np.array([_expected(sequence.colour_at(t - lag)) for t in offsets])
        x, y = _residual(expected, nuisance).ravel(), observed.ravel()
        if float(x.std()) < 1e-9 or float(y.std()) < 1e-9:
            continue
        correlation = float(np.corrcoef(x, y)[0, 1])
        if correlation > best.correlation:
            best = LightResult(correlation=correlation, response=response, lag_ms=lag)
    return best


# --- for the renderer (biometrics.liveness_render): the scene lit by the screen -------------


@dataclass
class Light:
    """The light challenge's colours as a rendered scene reflects them (`strength`: 0 = none).

    Each frame is tinted by the colour on screen `lag_ms` earlier, at `strength`, fading with
    the distance from the face (the background is further from the screen).
    """

    sequence: LightSequence
    strength: float
    lag_ms: float = 100.0

    def apply(self, frame: np.ndarray, offset_ms: float, points: np.ndarray) -> np.ndarray:
        colour = np.array(PALETTE[self.sequence.colour_at(offset_ms - self.lag_ms)], np.float32)
        tint = colour / colour.mean() - 1.0
        height, width = frame.shape[:2]
        centre = points.mean(axis=0)
        sigma = float(np.linalg.norm(points[16] - points[0]))
        yy, xx = np.mgrid[0:height, 0:width]
        near = np.exp(-((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * sigma**2))
        gain = 1.0 + self.strength * near[:, :, None] * tint[None, None, :]
        return np.clip(frame.astype(np.float32) * gain, 0, 255).astype(np.uint8)
