"""Measure the burst liveness check ISO/IEC 30107-3 style on rendered recordings.

Bona fide: for every frontal face photo, `rounds` random challenges, each a rendered head turn
through the poses (biometrics.liveness_render: the photo on a mean 3-D face, 8-15 frames per
second, camera jitter, noise, JPEG). Attacks per kind (liveness_render.ATTACK_KINDS): flat,
folded (15-40 degrees along the nose line), cylinder-bent and cut-out bent prints, a screen
showing the photo, a set of photos of the person at the asked turns, unrelated stills, and a
replay of a recorded burst (re-encoded, against the hashes kept from its first submission).
With `--light`, every challenge also gets a light sequence
that the scene reflects (genuine faces and paper; a screen barely; a replayed burst carries an
earlier challenge's). Reports APCER per attack kind, BPCER, and CPU seconds per burst check
(`time.process_time()` of `burst_check`, decoding excluded: the liveness stage's own cost).
The seeds start at EVALUATION_SEED, apart from the seeds the thresholds were calibrated on
(docs/liveness.md).
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from biometrics import liveness, liveness_burst, liveness_replay
from biometrics import liveness_render as render
from biometrics.liveness_light import Light, light_sequence_new

EVALUATION_SEED = 50_000
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
SHARED_FACES = Path("../shared/faces")


def package_faces() -> list[tuple[str, np.ndarray]]:
    """Grace Hopper (matplotlib) and Eileen Collins (scikit-image), shipped with packages."""
    from biometrics.tests.faces import astronaut, face_only, grace_hopper

    return [("grace_hopper", grace_hopper()), ("eileen_collins", face_only(astronaut()))]


def folder_faces(folder: Path) -> list[tuple[str, np.ndarray]]:
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is not None:
            out.append((path.name, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)))
    return out


def save_burst(folder: Path, burst: render.Burst, poses: list[str]) -> None:
    """Write a burst as JPEG frames with times.json and poses.json (input of the retune)."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, frame in enumerate(burst.frames):
        cv2.imwrite(str(folder / f"frame_{k:03d}.jpg"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    (folder / "times.json").write_text(json.dumps(burst.times_ms))
    (folder / "poses.json").write_text(json.dumps(poses))


class Command(BaseCommand):
    help = "APCER per attack kind and BPCER of the burst liveness check on rendered recordings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--images",
            type=Path,
            help="folder of face photos (default: "
            "../shared/faces when present, else the packaged faces)",
        )
        parser.add_argument("--packaged", action="store_true", help="use the packaged faces")
        parser.add_argument("--rounds", type=int, default=10, help="challenges per face and kind")
        parser.add_argument("--seed", type=int, default=EVALUATION_SEED)
        parser.add_argument("--kinds", nargs="*", default=list(render.ATTACK_KINDS))
        parser.add_argument("--thresholds", type=Path, help="JSON from biometrics_retune_liveness")
        parser.add_argument("--json", type=Path, help="write every figure here")
        parser.add_argument("--save-bursts", type=Path, help="write the rendered bursts here")
        parser.add_argument(
            "--light",
            action="store_true",
            help="render the light challenge (the screen's colours reflected by the face or "
            "paper, a replay carrying an earlier challenge's) and check it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = set(options["kinds"]) - set(render.ATTACK_KINDS)
        if unknown:
            raise CommandError(f"unknown attack kinds: {sorted(unknown)}")
        folder = options["images"]
        if folder is None and SHARED_FACES.is_dir() and not options["packaged"]:
            folder = SHARED_FACES
        photos = folder_faces(folder) if folder else package_faces()
        if folder and not photos:
            raise CommandError(f"no photos in {folder}")
        thresholds = (
            liveness_burst.Thresholds.load(options["thresholds"])
            if options["thresholds"]
            else liveness_burst.DEFAULT_THRESHOLDS
        )
        liveness.warm_up()
        faces: list[render.Face] = []
        skipped: dict[str, str] = {}
        for name, img in photos:
            face = render.face_load(name, img)
            if isinstance(face, str):
                skipped[name] = face
            else:
                faces.append(face)
        if not faces:
            raise CommandError(f"no usable frontal face (skipped: {skipped})")
        rounds, seed = options["rounds"], options["seed"]
        kinds = ["bona_fide", *options["kinds"]]
        outcomes: dict[str, dict[str, int]] = {kind: {} for kind in kinds}
        cpu: list[float] = []
        by_face: dict[str, int] = {}
        records: list[dict[str, Any]] = []
        started = time.time()
        for f_index, face in enumerate(faces):
            other = faces[(f_index + 1) % len(faces)] if len(faces) > 1 else None
            for r in range(rounds):
                rng = np.random.default_rng(seed + 1000 * f_index + r)
                poses = liveness.challenge_new(rng=_Chooser(rng))
                for kind in kinds:
                    kind_rng = np.random.default_rng([seed, f_index, r, kinds.index(kind)])
                    code, seconds, measured = self._one(
                        kind,
                        face,
                        other,
                        poses,
                        kind_rng,
                        thresholds,
                        options["save_bursts"],
                        f"{face.name}-{r}",
                        light=options["light"],
                    )
                    cpu.append(seconds)
                    records.append(_record(kind, face.name, r, code, measured, thresholds))
                    outcomes[kind][code or "accepted"] = (
                        outcomes[kind].get(code or "accepted", 0) + 1
                    )
                    if kind == "bona_fide" and code:
                        by_face[face.name] = by_face.get(face.name, 0) + 1
            self.stderr.write(f"{face.name}: done ({time.time() - started:.0f} s)")
        report = self._report(outcomes, cpu, faces, skipped, rounds, by_face, folder, seed)
        report["relief"] = self._relief_report(records, thresholds)
        report["bursts"] = records
        if options["json"]:
            options["json"].write_text(json.dumps(report, indent=2))

    def _one(
        self,
        kind: str,
        face: render.Face,
        other: render.Face | None,
        poses: list[str],
        rng: np.random.Generator,
        thresholds: liveness_burst.Thresholds,
        save: Path | None,
        name: str,
        *,
        light: bool = False,
    ) -> tuple[str, float, dict[str, Any]]:
        sequence = shown = None
        if light:
            # this challenge's colours; the scene reflects them with a strength drawn per burst
            # (screen brightness against ambient light: the weakest are inconclusive)
            sequence = light_sequence_new(10_000, rng=rng)
            shown = Light(sequence, float(rng.uniform(0.03, 0.2)))
            if kind == "replayed_burst":  # recorded during an earlier challenge
                shown = Light(light_sequence_new(10_000, rng=rng), shown.strength)
        if kind == "bona_fide":
            burst = render.genuine_burst(face, poses, rng, light=shown)
        else:
            burst = render.attack_burst(kind, face, poses, rng, other=other, light=shown)
        if save is not None:
            label = "genuine" if kind == "bona_fide" else kind
            save_burst(save / label / name, burst, poses)
        seen = None
        if kind == "replayed_burst":
            first = liveness_burst.burst_check(
                burst.frames,
                burst.times_ms,
                poses,
                thresholds=thresholds,
                light=None if shown is None else shown.sequence,
            )
            kept = list(first.hashes)
            limit = thresholds.hash_max_bits

            def seen(hashes: list[str]) -> list[bool]:
                return [any(liveness_replay.hamming(h, k) <= limit for k in kept) for h in hashes]

            burst = render.Burst(
                frames=[render.camera(frame, rng, quality=80) for frame in burst.frames],
                times_ms=burst.times_ms,
                yaws=burst.yaws,
            )
        result = liveness_burst.burst_check(
            burst.frames, burst.times_ms, poses, thresholds=thresholds, seen=seen, light=sequence
        )
        return result.code, result.seconds, result.measured

    def _relief_report(
        self, records: list[dict[str, Any]], thresholds: liveness_burst.Thresholds
    ) -> dict[str, Any]:
        """Per kind: the straight-line relief's range and what each of its limits stopped."""
        out: dict[str, Any] = {}
        self.stdout.write("")
        self.stdout.write(
            f"Straight-line relief (min {thresholds.line_relief_min}, "
            f"max {thresholds.line_relief_max}): per kind, range measured | stopped by the "
            "minimum | by the maximum | by the landmark score (where no relief was measured)"
        )
        for kind in dict.fromkeys(r["kind"] for r in records):
            rows = [r for r in records if r["kind"] == kind]
            values = [r["line_relief"] for r in rows if r["line_relief"] is not None]
            below = sum(r["stopped_by"] == "line_relief_min" for r in rows)
            above = sum(r["stopped_by"] == "line_relief_max" for r in rows)
            scored = sum(r["stopped_by"] == "shape_score" for r in rows)
            span = f"{min(values):.3f}-{max(values):.3f}" if values else "-"
            out[kind] = {
                "measured": len(values),
                "min": min(values, default=None),
                "max": max(values, default=None),
                "stopped_by_min": below,
                "stopped_by_max": above,
                "stopped_by_shape_score": scored,
            }
            self.stdout.write(f"  {kind}: {span} ({len(values)}) | {below} | {above} | {scored}")
        return out

    def _report(self, outcomes, cpu, faces, skipped, rounds, by_face, folder, seed) -> dict:
        out = self.stdout.write
        source = str(folder) if folder else "packaged faces (Grace Hopper, Eileen Collins)"
        out(
            f"Faces: {source}; {len(faces)} usable, {rounds} challenges per face and kind, "
            f"seeds from {seed}"
        )
        if skipped:
            out("Skipped: " + ", ".join(f"{n} ({why})" for n, why in sorted(skipped.items())))
        out("")
        out("| kind | presentations | accepted | rate | how they were stopped |")
        out("|---|---|---|---|---|")
        report: dict[str, Any] = {"kinds": {}, "source": source, "rounds": rounds, "seed": seed}
        for kind, counts in outcomes.items():
            total = sum(counts.values())
            accepted = counts.get("accepted", 0)
            stopped = {k: v for k, v in sorted(counts.items()) if k != "accepted"}
            if kind == "bona_fide":
                rejected = total - accepted
                rate = rejected / total if total else 0.0
                label = f"**bona fide** (BPCER) | {total} | rejected {rejected}"
                report["bpcer"] = rate
                report["bpcer_by_face"] = by_face
            else:
                rate = accepted / total if total else 0.0
                label = f"`{kind}` (APCER) | {total} | {accepted}"
                report["kinds"][kind] = {"attacks": total, "accepted": accepted, "apcer": rate}
            detail = ", ".join(f"{k.removeprefix('liveness_')} {v}" for k, v in stopped.items())
            out(f"| {label} | {100 * rate:.1f} % | {detail or '-'} |")
            report.setdefault("stopped", {})[kind] = stopped
        seconds = np.array(cpu)
        report["cpu_seconds"] = {
            "mean": float(seconds.mean()),
            "p95": float(np.percentile(seconds, 95)),
            "max": float(seconds.max()),
        }
        out("")
        out(
            f"CPU seconds per burst check: mean {seconds.mean():.2f}, "
            f"p95 {np.percentile(seconds, 95):.2f}, max {seconds.max():.2f}"
        )
        return report


def _record(
    kind: str,
    face: str,
    round_: int,
    code: str,
    measured: dict[str, Any],
    thresholds: liveness_burst.Thresholds,
) -> dict[str, Any]:
    """One burst's outcome, with the shape measurements and which straight-line limit (if any)
    stopped it (both limits report an existing code: folded_face, cut)."""
    relief = measured.get("line_relief")
    stopped_by = ""
    if code == "liveness_folded_face":
        below = relief is not None and relief < thresholds.line_relief_min
        stopped_by = "line_relief_min" if below else "shape_score"
    least = measured.get("line_relief_least_side")
    if least is not None and code == "liveness_cut" and least > thresholds.line_relief_max:
        stopped_by = "line_relief_max"
    return {
        "kind": kind,
        "face": face,
        "round": round_,
        "code": code,
        "stopped_by": stopped_by,
        "line_relief": relief,
        "line_relief_least_side": least,
        "shape_score": measured.get("shape_score"),
        "parallax": measured.get("parallax"),
    }


class _Chooser(random.Random):
    """A random.Random whose `choice` draws from a numpy Generator (challenge_new's rng)."""

    def __init__(self, rng: np.random.Generator) -> None:
        super().__init__(0)
        self.rng = rng

    def choice(self, seq):  # noqa: ANN001, ANN201 (Random.choice is generic; same signature)
        return seq[int(self.rng.integers(len(seq)))]
