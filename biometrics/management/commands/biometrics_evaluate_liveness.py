"""Measure the liveness check ISO/IEC 30107-3 style on simulated head turns and attacks.

Bona fide sequences: for every frontal face photo, random challenges whose frames are the photo
with the head turned by a 3D head model (see `simulate_turn`), plus the small differences two
real camera frames always have (shift, scale, light, sensor noise, JPEG). Attack sequences per
kind, see ATTACKS, plus `document_swap` (a genuine sequence against someone else's ID template)
and reused/expired challenges against an in-memory store. Reports APCER per attack kind (share
of attacks accepted) and BPCER (share of bona fide sequences rejected), with counts. Simulated
turns are weaker evidence than real camera frames: see docs/liveness.md.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from biometrics import face_engine, liveness
from biometrics.image_intake import ImageRejected, image_intake
from biometrics.liveness_simulation import (
    POSE_YAW_SIGN,
    SIMULATED_TURN,
    TURNED_PHOTO_ANGLE,
    Subject,
    bona_fide,
    camera_jitter,
    pose_frame,
    reencode,
    subject_load,
    tilt_photo,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}

# --- attacks ------------------------------------------------------------------------------


def _attack_static_photo(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A printed photo held in front of the camera for every step (the camera adds noise)."""
    return [camera_jitter(subject.image, rng) for _ in poses]


def _attack_tilted_photo(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A printed photo held straight, or turned left/right as a whole, for the asked pose."""
    frames = []
    for pose in poses:
        angle = POSE_YAW_SIGN[pose] * TURNED_PHOTO_ANGLE
        frames.append(camera_jitter(tilt_photo(subject.image, angle), rng))
    return frames


def _attack_identity_swap(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A genuine-looking sequence in which one step shows someone else in the right pose."""
    frames = bona_fide(subject, poses, rng, turn)
    step = int(rng.integers(len(poses)))
    other = others[int(rng.integers(len(others)))]
    frames[step] = pose_frame(other, poses[step], rng, turn)
    return frames


def _attack_wrong_order(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """Real poses, but not in the order asked (e.g. a recording made for another challenge)."""
    for _ in range(20):
        shuffled = list(rng.permutation(poses))
        if shuffled != poses:
            return bona_fide(subject, shuffled, rng, turn)
    wrong = ["straight" if pose != "straight" else "left" for pose in poses]
    return bona_fide(subject, wrong, rng, turn)


def _attack_mirror_replay(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """The attacker has one real turn and mirrors it (re-encoded) for the opposite turn."""
    frames = bona_fide(subject, poses, rng, turn)
    source = next(i for i, pose in enumerate(poses) if pose in liveness.TURNS)
    for i, pose in enumerate(poses):
        if i != source and pose in liveness.TURNS:
            copy = frames[source] if pose == poses[source] else frames[source][:, ::-1]
            frames[i] = reencode(np.ascontiguousarray(copy), quality=85)
    return frames


def _attack_replayed_frame(
    subject: Subject,
    others: list[Subject],
    poses: list[str],
    rng: np.random.Generator,
    turn: tuple[float, float] = SIMULATED_TURN,
) -> list[np.ndarray]:
    """A real sequence in which one frame is re-sent (re-encoded, resized) for a later step."""
    frames = bona_fide(subject, poses, rng, turn)
    for i in range(len(poses)):
        for j in range(i + 1, len(poses)):
            if poses[i] == poses[j]:
                height, width = frames[i].shape[:2]
                smaller = cv2.resize(frames[i], (round(width * 0.9), round(height * 0.9)))
                frames[j] = reencode(cv2.resize(smaller, (width, height)), quality=75)
                return frames
    raise ValueError("replayed_frame needs a challenge with a repeated pose")


def _both_turns(poses: list[str]) -> bool:
    return {"left", "right"} <= set(poses)


def _repeated_pose(poses: list[str]) -> bool:
    return len(set(poses)) < len(poses)


# Challenge length per attack kind: a frame replayed for a repeated pose needs a challenge that
# repeats a pose, which only challenges longer than 3 steps do.
ATTACK_LENGTH = {"replayed_frame": 4}


Attack = Callable[..., list[np.ndarray]]

# Each attack kind, and which challenges it makes sense for (the attacker does not choose the
# challenge; we draw challenges until one fits, e.g. a mirror replay needs both turns).
ATTACKS: dict[str, Attack] = {
    "static_photo": _attack_static_photo,
    "tilted_photo": _attack_tilted_photo,
    "identity_swap": _attack_identity_swap,
    "wrong_order": _attack_wrong_order,
    "mirror_replay": _attack_mirror_replay,
    "replayed_frame": _attack_replayed_frame,
}
ATTACK_CHALLENGES: dict[str, Callable[[list[str]], bool]] = {
    "mirror_replay": _both_turns,
    "replayed_frame": _repeated_pose,
}


# --- challenge store (what the web layer must enforce) ------------------------------------


@dataclass
class ChallengeStore:
    """In-memory stand-in for the web layer's challenge table: single use, expiry, owner."""

    issued: dict[str, tuple[liveness.Challenge, str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def issue(self, owner: str, *, now: datetime, rng: Any = None) -> liveness.Challenge:
        challenge = liveness.challenge_issue(now=now, rng=rng)
        self.issued[challenge.nonce] = (challenge, owner)
        return challenge

    def redeem(self, nonce: str, owner: str, *, now: datetime) -> liveness.Challenge | None:
        """Return the challenge once, to its owner, before expiry; None otherwise."""
        found = self.issued.get(nonce)
        if found is None or nonce in self.used or found[1] != owner or found[0].is_expired(now):
            return None
        self.used.add(nonce)
        return found[0]


# --- command ------------------------------------------------------------------------------


def load_subjects(images: Path | None) -> tuple[list[Subject], dict[str, str]]:
    """Every single frontal face photo in `images` (or the shipped faces), and the skipped ones."""
    if images is None:
        from biometrics.tests.faces import astronaut, grace_hopper

        pairs = [("grace_hopper", grace_hopper()), ("astronaut", astronaut())]
    else:
        pairs = []
        for path in sorted(images.iterdir()):
            if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
                continue
            try:
                clean = image_intake(path.read_bytes(), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
            except ImageRejected as error:
                pairs.append((path.name, error.code))
                continue
            pairs.append((path.name, clean.to_array()))
    subjects, skipped = [], {}
    for name, img in pairs:
        loaded = subject_load(name, img) if isinstance(img, np.ndarray) else img
        if isinstance(loaded, Subject):
            subjects.append(loaded)
        else:
            skipped[name] = loaded
    return subjects, skipped


def flat_parallax(
    frames: list[np.ndarray], poses: list[str], measured: dict[str, dict[str, list[float]]]
) -> None:
    """Record the parallax of turned flat photos, which the pose check usually stops first."""
    try:
        analyses = [liveness.analyse_frame(frame) for frame in frames]
    except face_engine.FaceError:
        return
    reference = analyses[poses.index("straight")].landmarks
    for pose, analysis in zip(poses, analyses, strict=True):
        if pose in liveness.TURNS:
            moved = liveness.parallax(reference, analysis.landmarks)
            sign = 1.0 if pose == "left" else -1.0
            measured.setdefault("tilted_photo", {}).setdefault("parallax_flat", []).append(
                sign * moved
            )


def identity_of(name: str) -> str:
    """The person in a photo named `<identity>_<n>.<ext>` (obama_2.jpg, obama_small.jpg: obama)."""
    stem = Path(name).stem
    return stem.rsplit("_", 1)[0] if "_" in stem else stem


def _rate(failures: int, total: int) -> float | None:
    return None if total == 0 else failures / total


class Command(BaseCommand):
    help = "Report APCER per attack kind and BPCER of the liveness check on simulated sequences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=Path, help="folder of face photos (default: shipped)")
        parser.add_argument("--json", type=Path, help="write the figures to this file")
        parser.add_argument("--rounds", type=int, default=0, help="sequences per photo and kind")
        parser.add_argument("--seed", type=int, default=30107)
        parser.add_argument(
            "--turn",
            type=float,
            nargs=2,
            default=SIMULATED_TURN,
            metavar=("MIN", "MAX"),
            help="degrees of the simulated bona fide turns (default 25 35)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        images: Path | None = options["images"]
        if images is not None and not images.is_dir():
            raise CommandError(f"{images} is not a folder")
        liveness.warm_up()
        subjects, skipped = load_subjects(images)
        if len({identity_of(subject.name) for subject in subjects}) < 2:
            raise CommandError("need frontal photos of at least two people (for identity_swap)")
        rounds = options["rounds"] or (10 if images is None else 3)
        rng = np.random.default_rng(options["seed"])
        turn = (float(options["turn"][0]), float(options["turn"][1]))
        report_turn = list(turn)
        import random

        challenge_rng = random.Random(options["seed"])  # noqa: S311 - reproducible evaluation
        report: dict[str, Any] = {
            "subjects": [subject.name for subject in subjects],
            "skipped": skipped,
            "rounds": rounds,
            "simulated_turn_degrees": report_turn,
        }
        measured: dict[str, dict[str, list[float]]] = {}
        codes: dict[str, dict[str, int]] = {}
        timings: list[float] = []
        cpu_timings: list[float] = []

        def run(
            kind: str,
            frames: list[np.ndarray],
            poses: list[str],
            reference: np.ndarray | None = None,
        ) -> bool:
            cpu = time.process_time()
            result = liveness.liveness_check(frames, poses, reference=reference)
            cpu_timings.append(time.process_time() - cpu)
            timings.append(result.seconds)
            seen = measured.setdefault(kind, {})
            signs = {"left": 1.0, "right": -1.0, "straight": 1.0}
            reference = result.yaws[result.reference_step - 1] if result.reference_step else 0.0
            for pose, yaw, moved in zip(
                poses,
                result.yaws or [None] * len(poses),
                result.parallaxes or [None] * len(poses),
                strict=True,
            ):
                if yaw is not None and pose == "straight":
                    seen.setdefault("yaw_straight", []).append(abs(yaw))
                elif yaw is not None:
                    seen.setdefault(f"yaw_{pose}", []).append(signs[pose] * (yaw - reference))
                if moved is not None and pose in liveness.TURNS:
                    seen.setdefault(f"parallax_{pose}", []).append(signs[pose] * moved)
            for key in ("identity_distance", "replay_difference"):
                value = getattr(result, key)
                if value is not None:
                    seen.setdefault(key, []).append(value)
            tally = codes.setdefault(kind, {})
            tally[result.code or "passed"] = tally.get(result.code or "passed", 0) + 1
            return result.passed

        genuine = rejected = 0
        by_photo: dict[str, int] = {}
        attack_counts = {kind: [0, 0] for kind in [*ATTACKS, "document_swap"]}
        for subject in subjects:
            others = [s for s in subjects if identity_of(s.name) != identity_of(subject.name)]
            for _round in range(rounds):
                poses = liveness.challenge_new(rng=challenge_rng)
                genuine += 1
                refused = not run("bona_fide", bona_fide(subject, poses, rng, turn), poses)
                rejected += refused
                by_photo[subject.name] = by_photo.get(subject.name, 0) + refused
                for kind, attack in ATTACKS.items():
                    fits = ATTACK_CHALLENGES.get(kind, lambda _poses: True)
                    length = ATTACK_LENGTH.get(kind, liveness.DEFAULT_CHALLENGE_LENGTH)
                    challenge = poses if length == len(poses) else []
                    while not challenge or not fits(challenge):
                        challenge = liveness.challenge_new(rng=challenge_rng, length=length)
                    frames = attack(subject, others, challenge, rng, turn=turn)
                    if kind == "tilted_photo":
                        flat_parallax(frames, challenge, measured)
                    attack_counts[kind][0] += 1
                    attack_counts[kind][1] += run(kind, frames, challenge)
                # a live, genuine sequence, but the ID document shows someone else
                other = others[int(rng.integers(len(others)))]
                frames = bona_fide(subject, poses, rng, turn)
                attack_counts["document_swap"][0] += 1
                attack_counts["document_swap"][1] += run(
                    "document_swap", frames, poses, reference=other.template
                )

        # Reused and expired challenges: enforced by the web layer's store, not by the check.
        store = ChallengeStore()
        now = datetime(2026, 1, 1, tzinfo=UTC)
        reuse = expired = 0
        trials = len(subjects) * rounds
        for i in range(trials):
            challenge = store.issue(f"member-{i}", now=now, rng=challenge_rng)
            store.redeem(challenge.nonce, f"member-{i}", now=now)
            reuse += store.redeem(challenge.nonce, f"member-{i}", now=now) is not None
            late = store.issue(f"member-{i}", now=now, rng=challenge_rng)
            expired += (
                store.redeem(late.nonce, f"member-{i}", now=late.expires_at + timedelta(seconds=1))
                is not None
            )
        attack_counts["reused_challenge"] = [trials, reuse]
        attack_counts["expired_challenge"] = [trials, expired]

        report["bpcer_rejected_by_photo"] = {name: n for name, n in by_photo.items() if n}
        report["bpcer"] = {
            "sequences": genuine,
            "rejected": rejected,
            "rate": _rate(rejected, genuine),
        }
        report["apcer"] = {
            kind: {"attacks": total, "accepted": accepted, "rate": _rate(accepted, total)}
            for kind, (total, accepted) in attack_counts.items()
        }
        report["codes"] = codes
        report["measured"] = {
            kind: {
                key: {
                    "min": round(min(v), 3),
                    "median": round(float(np.median(v)), 3),
                    "max": round(max(v), 3),
                }
                for key, v in values.items()
            }
            for kind, values in measured.items()
        }
        report["seconds_per_check"] = round(float(np.mean(timings)), 3)
        report["cpu_seconds_per_check"] = round(float(np.mean(cpu_timings)), 3)
        report["cpu_seconds_per_check_p95"] = round(float(np.percentile(cpu_timings, 95)), 3)
        self._print(report)
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    def _print(self, report: dict[str, Any]) -> None:
        out = self.stdout.write
        out(
            f"photos: {len(report['subjects'])} used, {len(report['skipped'])} skipped "
            f"{json.dumps(report['skipped'])}; sequences per photo and kind: {report['rounds']}"
        )
        bpcer = report["bpcer"]
        out(f"BPCER bona_fide: {bpcer['rejected']}/{bpcer['sequences']} = {bpcer['rate']:.3f}")
        out(
            f"BPCER rejections by photo (of {report['rounds']} each): "
            f"{json.dumps(report['bpcer_rejected_by_photo'])}"
        )
        for kind, row in report["apcer"].items():
            out(f"APCER {kind}: {row['accepted']}/{row['attacks']} = {row['rate']:.3f}")
        for kind, tally in report["codes"].items():
            out(f"codes {kind}: {json.dumps(tally, sort_keys=True)}")
        for kind, values in report["measured"].items():
            out(f"measured {kind}: {json.dumps(values, sort_keys=True)}")
        out(
            f"CPU seconds per check: {report['cpu_seconds_per_check']:.3f} "
            f"(p95 {report['cpu_seconds_per_check_p95']:.3f}); "
            f"wall {report['seconds_per_check']:.3f} on this machine's current load"
        )
