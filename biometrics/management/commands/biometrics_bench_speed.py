"""Time one verification (ID photo + selfie) through our pipeline and through DeepFace.verify.

Run it pinned to one core for the "one core" figure; threads cannot be limited from inside
once numpy has loaded its BLAS, so set the variables on the command line:

    taskset -c 0 env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
        python manage.py biometrics_bench_speed --images DIR --limit 20
"""

from __future__ import annotations

import io
import json
import math
import os
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image, ImageOps
from tqdm import tqdm

from biometrics import face_engine
from biometrics.image_intake import ImageRejected, image_intake
from biometrics.management.commands.biometrics_evaluate import (
    MAX_BYTES,
    MAX_PIXELS,
    Pair,
    load_pairs,
)


def balanced(pairs: list[Pair], limit: int | None) -> list[Pair]:
    """Alternate same-person and different-person pairs, so a short run still measures both."""
    if not limit or limit >= len(pairs):
        return pairs
    same = [p for p in pairs if p.same]
    different = [p for p in pairs if not p.same]
    mixed: list[Pair] = []
    while len(mixed) < limit and (same or different):
        for source in (same, different):
            if source and len(mixed) < limit:
                mixed.append(source.pop(0))
    return mixed


def resized_jpeg(raw: bytes, megapixels: float) -> bytes:
    """Re-encode a photo scaled to about `megapixels` (upscaling shows the 12 Mpx case)."""
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(raw))).convert("RGB")
    factor = math.sqrt(megapixels * 1_000_000 / (img.width * img.height))
    img = img.resize(
        (round(img.width * factor), round(img.height * factor)), Image.Resampling.BICUBIC
    )
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


def ours(id_raw: bytes, selfie_raw: bytes) -> tuple[float | None, float, float, float, float]:
    """Verify one pair our way.

    Returns (distance or None, intake seconds, intake CPU seconds, verify seconds, verify CPU
    seconds). Intake
    (validation, decode, re-encode) runs at upload time in production; the verification task
    then decodes the stored JPEGs and runs the face engine. Both are timed.
    """
    t0, cpu0 = time.perf_counter(), time.process_time()
    try:
        id_clean = image_intake(id_raw, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
        selfie_clean = image_intake(selfie_raw, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
    except ImageRejected:
        return None, time.perf_counter() - t0, time.process_time() - cpu0, 0.0, 0.0
    t1, cpu1 = time.perf_counter(), time.process_time()
    try:
        document = face_engine.document_face(id_clean.to_array())
        selfie = face_engine.selfie_face(selfie_clean.to_array())
        distance: float | None = face_engine.face_distance(document.vector, selfie.vector)
    except face_engine.FaceError:
        distance = None
    return distance, t1 - t0, cpu1 - cpu0, time.perf_counter() - t1, time.process_time() - cpu1


def decoded_bgr(raw: bytes) -> np.ndarray:
    """What a DeepFace user would hand it: an upright BGR array (decode not timed)."""
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(raw))).convert("RGB")
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


class Command(BaseCommand):
    help = "Compare per-verification time and accuracy: our pipeline vs DeepFace.verify."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--images", type=Path, required=True)
        parser.add_argument("--pairs", type=Path, help="CSV of pairs (default IMAGES/pairs.csv)")
        parser.add_argument("--limit", type=int, help="use this many pairs, half of each kind")
        parser.add_argument(
            "--megapixels", type=float, default=0.0, help="rescale every photo to this size first"
        )
        parser.add_argument("--skip-deepface", action="store_true")
        parser.add_argument("--json", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        images_dir = Path(options["images"])
        pairs_path = Path(options["pairs"]) if options["pairs"] else images_dir / "pairs.csv"
        if not pairs_path.is_file():
            raise CommandError(f"no pairs file at {pairs_path}")
        pairs = balanced(load_pairs(pairs_path), options["limit"])
        names = sorted({p.file_x for p in pairs} | {p.file_y for p in pairs})
        raws = {name: (images_dir / name).read_bytes() for name in names}
        if options["megapixels"]:
            raws = {name: resized_jpeg(raw, options["megapixels"]) for name, raw in raws.items()}
        sizes = [Image.open(io.BytesIO(raw)).size for raw in raws.values()]
        threshold = face_engine.match_threshold()

        face_engine.warm_up()
        our_intake, our_intake_cpu, our_verify, our_cpu, our_correct = [], [], [], [], 0
        for pair in tqdm(pairs, desc="Ours", unit="pair", disable=None):
            distance, intake_s, intake_cpu, verify_s, cpu_s = ours(
                raws[pair.file_x], raws[pair.file_y]
            )
            our_intake.append(intake_s)
            our_intake_cpu.append(intake_cpu)
            our_verify.append(verify_s)
            our_cpu.append(cpu_s)
            our_correct += (distance is not None and distance <= threshold) == pair.same

        report: dict[str, Any] = {
            "pairs": len(pairs),
            "images": len(names),
            "megapixels_max": max(w * h for w, h in sizes) / 1e6,
            "megapixels_mean": float(np.mean([w * h for w, h in sizes])) / 1e6,
            "cpu_affinity": sorted(os.sched_getaffinity(0)),
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
            "ours_seconds": float(np.mean(our_verify)),
            # CPU time of this process: unaffected by other jobs sharing the core.
            "ours_cpu_seconds": float(np.mean(our_cpu)),
            "ours_intake_seconds": float(np.mean(our_intake)),
            "ours_intake_cpu_seconds": float(np.mean(our_intake_cpu)),
            "ours_with_intake_seconds": float(np.mean(our_verify) + np.mean(our_intake)),
            "ours_accuracy": our_correct / len(pairs),
            "threshold": threshold,
        }

        if not options["skip_deepface"]:
            # DeepFace's module import turns every warning off process-wide; keep that local.
            with warnings.catch_warnings():
                from deepface import DeepFace

            arrays = {name: decoded_bgr(raw) for name, raw in raws.items()}
            # Model and detector load once, outside the timing, as ours did in warm_up().
            DeepFace.build_model(face_engine.MODEL_NAME)
            DeepFace.build_model(face_engine.DETECTOR_BACKEND, task="face_detector")
            their_times, their_cpu, their_correct = [], [], 0
            for pair in tqdm(pairs, desc="DeepFace", unit="pair", disable=None):
                t0, cpu0 = time.perf_counter(), time.process_time()
                try:
                    result = DeepFace.verify(
                        img1_path=arrays[pair.file_x],
                        img2_path=arrays[pair.file_y],
                        model_name=face_engine.MODEL_NAME,
                        detector_backend=face_engine.DETECTOR_BACKEND,
                        distance_metric=face_engine.DISTANCE_METRIC,
                        silent=True,
                    )
                    verified = bool(result["verified"])
                except ValueError:  # deepface raises ValueError when it finds no face
                    verified = False
                their_times.append(time.perf_counter() - t0)
                their_cpu.append(time.process_time() - cpu0)
                their_correct += verified == pair.same
            report["deepface_seconds"] = float(np.mean(their_times))
            report["deepface_cpu_seconds"] = float(np.mean(their_cpu))
            report["deepface_accuracy"] = their_correct / len(pairs)
            report["speedup"] = report["deepface_seconds"] / report["ours_seconds"]
            report["speedup_cpu"] = report["deepface_cpu_seconds"] / report["ours_cpu_seconds"]
            report["speedup_with_intake"] = (
                report["deepface_seconds"] / report["ours_with_intake_seconds"]
            )

        for key, value in report.items():
            shown = f"{value:.3f}" if isinstance(value, float) else value
            self.stdout.write(f"{key}: {shown}")
        if options["json"]:
            Path(options["json"]).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
