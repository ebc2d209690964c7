"""Measure 1:1 matching accuracy on labelled photo pairs with the production face pipeline."""

from __future__ import annotations

import csv
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from biometrics import face_engine
from biometrics.image_intake import ImageRejected, image_intake

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class Pair:
    """Two image file names and whether they show the same person."""

    file_x: str
    file_y: str
    same: bool


def load_pairs(path: Path) -> list[Pair]:
    """Read a `file_x,file_y,Decision` CSV (Decision is Yes or No)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"file_x", "file_y", "Decision"} <= set(
            reader.fieldnames
        ):
            raise CommandError(f"{path} must have the header file_x,file_y,Decision")
        pairs = []
        for row in reader:
            decision = row["Decision"].strip().lower()
            if decision not in ("yes", "no"):
                raise CommandError(f"{path}: Decision must be Yes or No, got {row['Decision']!r}")
            pairs.append(Pair(row["file_x"].strip(), row["file_y"].strip(), decision == "yes"))
    return pairs


def photo_template(raw: bytes) -> np.ndarray | None:
    """Run one photo through intake, decode and face extraction; None if no usable face.

    Tolerant like the document side: the largest whole face is used even when there are more.
    """
    try:
        clean = image_intake(raw, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
        return face_engine.document_face(clean.to_array()).vector
    except (ImageRejected, face_engine.FaceError):
        return None


def extract_templates(
    images_dir: Path, names: list[str]
) -> tuple[dict[str, np.ndarray | None], float]:
    """Embed every named image once; return templates (None = failure) and seconds per image."""
    templates: dict[str, np.ndarray | None] = {}
    elapsed = 0.0
    for name in tqdm(names, desc="Templates", unit="image", disable=None):
        raw = (images_dir / name).read_bytes()
        started = time.perf_counter()
        templates[name] = photo_template(raw)
        elapsed += time.perf_counter() - started
    return templates, elapsed / max(1, len(names))


def eer_threshold(genuine: np.ndarray, impostor: np.ndarray) -> float:
    """Threshold where the false match and false non-match rates are closest (equal error).

    Candidates are midpoints between consecutive observed distances; with perfectly separated
    sets that is the middle of the gap between the worst genuine and best impostor distance.
    """
    values = np.unique(np.concatenate([genuine, impostor]))
    if values.size < 2:
        return float(values[0]) if values.size else float("nan")
    candidates = (values[:-1] + values[1:]) / 2
    fmr = np.array([(impostor <= t).mean() if impostor.size else 0.0 for t in candidates])
    fnmr = np.array([(genuine > t).mean() if genuine.size else 0.0 for t in candidates])
    # Closest rates first; among equally close ones, the lowest error rate.
    gap, worst = np.abs(fmr - fnmr), np.maximum(fmr, fnmr)
    closest = gap == gap.min()
    best = np.flatnonzero(closest & (worst == worst[closest].min()))
    return float(candidates[best].mean())


def score_pairs(
    pairs: list[Pair], templates: dict[str, np.ndarray | None], threshold: float
) -> dict[str, Any]:
    """Accuracy, FMR and FNMR at `threshold`; a pair with a failed image counts as no match."""
    genuine: list[float] = []
    impostor: list[float] = []
    correct = false_matches = false_non_matches = 0
    for pair in pairs:
        a, b = templates[pair.file_x], templates[pair.file_y]
        distance = None if a is None or b is None else face_engine.face_distance(a, b)
        matched = distance is not None and distance <= threshold
        if distance is not None:
            (genuine if pair.same else impostor).append(distance)
        correct += matched == pair.same
        false_matches += matched and not pair.same
        false_non_matches += pair.same and not matched
    n_genuine = sum(p.same for p in pairs)
    n_impostor = len(pairs) - n_genuine
    return {
        "pairs": len(pairs),
        "accuracy": correct / max(1, len(pairs)),
        "fmr": false_matches / max(1, n_impostor),
        "fnmr": false_non_matches / max(1, n_genuine),
        "threshold": threshold,
        "eer_threshold": eer_threshold(np.array(genuine), np.array(impostor)),
        "genuine_distances": genuine,
        "impostor_distances": impostor,
    }


def plot_distances(
    genuine: list[float], impostor: list[float], threshold: float, out: Path
) -> None:
    """Save genuine vs impostor distance histograms with the threshold as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    bins = np.linspace(0.0, max([1.2, *genuine, *impostor]), 49).tolist()
    ax.hist(genuine, bins=bins, alpha=0.6, label=f"same person ({len(genuine)})", color="tab:green")
    ax.hist(impostor, bins=bins, alpha=0.6, label=f"different ({len(impostor)})", color="tab:red")
    ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:.3f}")
    ax.set_xlabel(f"{face_engine.DISTANCE_METRIC} distance ({face_engine.MODEL_NAME})")
    ax.set_ylabel("pairs")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)


class Command(BaseCommand):
    help = "Evaluate 1:1 face matching on labelled pairs (file_x,file_y,Decision CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", type=Path, required=True, help="CSV of labelled pairs")
        parser.add_argument("--images", type=Path, required=True, help="folder of the images")
        parser.add_argument("--json", type=Path, help="write the metrics here")
        parser.add_argument("--plot", type=Path, help="write a distance histogram PNG here")

    def handle(self, *args: Any, **options: Any) -> None:
        pairs = load_pairs(Path(options["pairs"]))
        images_dir = Path(options["images"])
        names = sorted({p.file_x for p in pairs} | {p.file_y for p in pairs})
        missing = [n for n in names if not (images_dir / n).is_file()]
        if missing:
            raise CommandError(f"{len(missing)} images missing from {images_dir}: {missing[:5]}")

        face_engine.warm_up()  # model load is not per-image cost
        templates, seconds_per_image = extract_templates(images_dir, names)
        failures = sorted(name for name, vector in templates.items() if vector is None)
        scores = score_pairs(pairs, templates, face_engine.match_threshold())

        report = {
            "pairs": scores["pairs"],
            "failures": len(failures),
            "accuracy": scores["accuracy"],
            "fmr": scores["fmr"],
            "fnmr": scores["fnmr"],
            "threshold": scores["threshold"],
            "eer_threshold": scores["eer_threshold"],
            "seconds_per_image": seconds_per_image,
        }
        for key, value in report.items():
            shown = f"{value:.4f}" if isinstance(value, float) else value
            self.stdout.write(f"{key}: {shown}")
        if failures:
            self.stdout.write(f"images without a usable face: {', '.join(failures)}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        if options["plot"]:
            plot_distances(
                scores["genuine_distances"],
                scores["impostor_distances"],
                scores["threshold"],
                Path(options["plot"]),
            )
