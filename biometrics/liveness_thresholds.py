"""The burst check's decision thresholds: defaults calibrated on rendered bursts, or a retune's.

`biometrics_retune_liveness` writes a JSON file of them from labelled real captures; point
BIOMETRICS_LIVENESS_THRESHOLDS at it (docs/liveness.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Thresholds:
    """Decision thresholds; defaults calibrated on rendered bursts (docs/liveness.md)."""

    # largest face jump between neighbouring frames, in outer-eye-corner widths
    max_jump: float = 0.6
    # largest change of the aligned face's look between neighbours (standardised grey, mean
    # absolute difference): a different picture altogether
    max_look_change: float = 1.6
    # fastest yaw change between neighbours, degrees per second, and per frame
    max_yaw_speed: float = 400.0
    max_yaw_step: float = 25.0
    # nose parallax after the best homography (plane), median over turned frames
    parallax_min: float = 0.10
    # paper or face: a linear score of SHAPE_FEATURES (bias first), must reach shape_min
    shape_weights: tuple[float, ...] = (2.0, 10.0, 0.0, -3.0)
    shape_min: float = 0.0
    # the nose tip's smallest swing off a straight line through it, followed on the face's
    # texture (eye widths, liveness_shape.straight_line_relief): paper keeps one line straight
    line_relief_min: float = 0.022
    # ... and its largest: a nose stands at most ~35 mm in front of a chord 80 mm long, which
    # at a 50 degree turn is 0.3 eye widths; more means the texture does not belong to one
    # moving surface (two photos shown one after the other that the cut test let through)
    line_relief_max: float = 0.35
    # a cut: one face jump (eye widths) much bigger than the jumps either side of it (a still
    # shown for a while, then the next); jumps under spike_min_jump are noise
    spike_ratio: float = 4.5
    spike_min_jump: float = 0.1
    # identity over sampled frames
    identity_max_distance: float = 0.6
    # replay: Hamming distance of 256-bit frame hashes (at most 7: see hash_bands), and the
    # share of a burst's frames seen before
    hash_max_bits: int = 7
    replay_min_share: float = 0.25

    @classmethod
    def load(cls, path: Path) -> Thresholds:
        """Thresholds from a JSON file written by `biometrics_retune_liveness`."""
        data = json.loads(path.read_text())
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT_THRESHOLDS = Thresholds()


def configured_thresholds() -> Thresholds:
    """The thresholds in use: BIOMETRICS_LIVENESS_THRESHOLDS (a retune's JSON) or the defaults."""
    from django.conf import settings

    path = getattr(settings, "BIOMETRICS_LIVENESS_THRESHOLDS", "")
    return Thresholds.load(Path(path)) if path else DEFAULT_THRESHOLDS


def shape_score(features: Sequence[float], thresholds: Thresholds) -> float:
    """Linear score of the shape features: positive looks like a head, negative like paper."""
    weights = thresholds.shape_weights
    return float(weights[0] + np.dot(weights[1:], np.asarray(features, dtype=np.float64)))
