"""Liveness recordings for the tests, rendered by the test itself from the packaged faces.

Every burst comes from biometrics.liveness_render (a mean 3-D face or a paper surface carrying
Grace Hopper's photo), so the tests run on a fresh clone without ../shared. Rendering takes
about a second per burst: each is cached for the session.
"""

from __future__ import annotations

import time
from functools import cache

import numpy as np

from biometrics import liveness_render as render
from biometrics.tests.faces import astronaut, face_only, grace_hopper, jpeg_bytes

SEQUENCE = ["left", "straight", "right"]
# Seeds of the test bursts (kept apart from the evaluation's calibration and test seeds).
GENUINE_SEED = 7
ATTACK_SEED = 11


@cache
def hopper() -> render.Face:
    face = render.face_load("grace_hopper", grace_hopper())
    assert isinstance(face, render.Face), face
    return face


@cache
def collins() -> render.Face:
    face = render.face_load("eileen_collins", face_only(astronaut()))
    assert isinstance(face, render.Face), face
    return face


@cache
def genuine(seed: int = GENUINE_SEED, poses: tuple[str, ...] = tuple(SEQUENCE)) -> render.Burst:
    """Grace Hopper (the standard ID's face) turning through `poses` in one movement."""
    return render.genuine_burst(hopper(), list(poses), np.random.default_rng(seed))


@cache
def attack(kind: str, seed: int = ATTACK_SEED) -> render.Burst:
    """A presentation attack on Grace Hopper following SEQUENCE."""
    return render.attack_burst(
        kind, hopper(), list(SEQUENCE), np.random.default_rng(seed), other=collins()
    )


def _jpegs(burst: render.Burst) -> tuple[bytes, ...]:
    return tuple(jpeg_bytes(frame) for frame in burst.frames)


@cache
def genuine_frames(seed: int = GENUINE_SEED) -> tuple[bytes, ...]:
    return _jpegs(genuine(seed))


@cache
def attack_frames(kind: str, seed: int = ATTACK_SEED) -> tuple[bytes, ...]:
    return _jpegs(attack(kind, seed))


def stamped(burst: render.Burst, *, end_ms: int | None = None) -> list[int]:
    """The burst's capture times as epoch milliseconds, ending now (as if just recorded)."""
    end = round(time.time() * 1000) if end_ms is None else end_ms
    return [end - burst.times_ms[-1] + t for t in burst.times_ms]


def genuine_upload(seed: int = GENUINE_SEED) -> dict[str, object]:
    """The service's keyword arguments for a genuine recording: frames and their times now."""
    return {"frames": list(genuine_frames(seed)), "frame_times": stamped(genuine(seed))}


def attack_upload(kind: str, seed: int = ATTACK_SEED) -> dict[str, object]:
    """The service's keyword arguments for an attack's recording."""
    return {"frames": list(attack_frames(kind, seed)), "frame_times": stamped(attack(kind, seed))}
