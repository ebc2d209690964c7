"""Time one whole verification, stage by stage: document check, face match, liveness.

    taskset -c 0 env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        .venv/bin/python manage.py biometrics_bench_verification --rounds 24

Each round is what the worker does for one case, on photos it has never seen: decode the ID
photo, the selfie and the recording's frames, check the document (find, flatten, read,
cross-check), match the document's portrait with the selfie, and check the recording (one
continuous head movement through a random challenge: tracking, cuts, poses, shape, identity,
replay hashes) against the document's template. Documents are synthetic (KTP, passport, SIM
in turn) with Grace Hopper's portrait, photographed by the generator; the recordings are that
portrait rendered as a turning 3-D head (liveness_render, as the liveness evaluation renders
its genuine bursts), as JPEG frames at the browser's quality, the selfie being the frame the
upload takes (the middle of the straight step). Models are loaded before timing, as a worker
does at start-up; the recordings are rendered before timing too.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from PIL import Image
from tqdm import tqdm

from biometrics import face_engine, liveness, liveness_burst
from biometrics import liveness_render as render
from biometrics.demo_images import _portrait
from biometrics.documents import Typed, document_check, generator, ocr
from biometrics.image_intake import CleanImage

KINDS = ("ktp", "passport", "driving_licence")
BROWSER_JPEG_QUALITY = 85  # liveness.js: canvas.toBlob("image/jpeg", 0.85)


def _decode(data: bytes) -> np.ndarray:
    return CleanImage(data=data, content_type="image/jpeg", width=0, height=0).to_array()


def _jpeg(data: bytes) -> bytes:
    """Re-encode as image intake stores it (long side at most 2000 px, quality 90)."""
    with Image.open(io.BytesIO(data)) as opened:
        img = opened.convert("RGB")
        img.thumbnail((2000, 2000))
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=90)
        return out.getvalue()


def _browser_jpeg(frame: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(frame).save(out, format="JPEG", quality=BROWSER_JPEG_QUALITY)
    return out.getvalue()


def _nothing_seen(hashes: list[str]) -> list[bool]:
    """The replay lookup (a database query in the worker, not timed here): nothing seen."""
    return [False] * len(hashes)


def _summary(series: dict[str, list[float]]) -> dict[str, Any]:
    totals = [sum(parts) for parts in zip(*series.values(), strict=True)]
    return {
        "mean": {k: round(statistics.mean(v), 3) for k, v in series.items()},
        "p95": {k: round(float(np.percentile(v, 95)), 3) for k, v in series.items()},
        "total_mean": round(statistics.mean(totals), 3),
        "total_p95": round(float(np.percentile(totals, 95)), 3),
        "total_max": round(max(totals), 3),
    }


class Command(BaseCommand):
    help = "Time a whole verification per stage (document, face match, liveness) on one core."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=24)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--json", dest="json_out")

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        portrait = np.asarray(_portrait().crop((60, 40, 460, 460)))
        face_engine.warm_up()
        liveness.warm_up()
        ocr.warm_up()
        face = render.face_load("grace_hopper", portrait)
        if isinstance(face, str):
            raise RuntimeError(f"the portrait cannot be rendered as a head: {face}")
        cases = []
        for index in tqdm(range(options["rounds"]), desc="Rendering", unit="case", disable=None):
            kind = KINDS[index % len(KINDS)]
            who = generator.identity_random(rng, kind, today=today, faces_count=1)
            flat = generator.render(who, rng=rng, portrait=portrait, mono_chance=0.0)
            photo = _jpeg(generator.photograph(flat, rng=rng))
            typed = Typed(kind, who.id_number, who.name.title(), who.birth_date, who.sex)
            poses = liveness.challenge_new(rng=rng)
            burst = render.genuine_burst(face, poses, np.random.default_rng(rng.getrandbits(32)))
            frames = [_browser_jpeg(frame) for frame in burst.frames]
            kept = frames[liveness_burst.selfie_frame(len(frames), poses)]
            cases.append((photo, typed, poses, frames, burst.times_ms, kept))
        stages = ("decode", "document", "face", "live")
        timings: dict[str, list[float]] = {k: [] for k in stages}
        cpu: dict[str, list[float]] = {k: [] for k in stages}
        decisions: dict[str, int] = {}
        liveness_codes: dict[str, int] = {}
        for photo, typed, poses, frames, times_ms, kept_jpeg in tqdm(
            cases, desc="Verifications", unit="case", disable=None
        ):
            marks = [(time.perf_counter(), time.process_time())]
            document_img = _decode(photo)
            selfie_img = _decode(kept_jpeg)
            frame_imgs = [_decode(frame) for frame in frames]
            marks.append((time.perf_counter(), time.process_time()))
            check = document_check(document_img, typed, today=today)
            marks.append((time.perf_counter(), time.process_time()))
            decisions[check.decision] = decisions.get(check.decision, 0) + 1
            portrait_img = (
                check.read.image if check.read and check.read.image is not None else document_img
            )
            document = face_engine.document_face(portrait_img)
            after_document_face = (time.perf_counter(), time.process_time())
            live = liveness_burst.burst_check(
                frame_imgs, times_ms, poses, reference=document.vector, seen=_nothing_seen
            )
            after_live = (time.perf_counter(), time.process_time())
            # as the worker does: a passed recording's straight face is the selfie's
            selfie = live.face or face_engine.selfie_face(selfie_img)
            face_engine.face_distance(document.vector, selfie.vector)
            done = (time.perf_counter(), time.process_time())
            # stages: face = the document's portrait and the 1:1 match, live = the recording
            face_end = (
                after_document_face[0] + done[0] - after_live[0],
                after_document_face[1] + done[1] - after_live[1],
            )
            marks.append(face_end)
            marks.append(
                (
                    face_end[0] + after_live[0] - after_document_face[0],
                    face_end[1] + after_live[1] - after_document_face[1],
                )
            )
            liveness_codes[live.code or "passed"] = liveness_codes.get(live.code or "passed", 0) + 1
            for index, stage in enumerate(stages):
                timings[stage].append(marks[index + 1][0] - marks[index][0])
                cpu[stage].append(marks[index + 1][1] - marks[index][1])
        report = {
            "rounds": len(cases),
            "document_decisions": decisions,
            "liveness_outcomes": liveness_codes,
            "frames_per_recording": round(statistics.mean(len(case[3]) for case in cases), 1),
            # CPU seconds of this single-threaded process: what one core spends, whatever else
            # the machine runs; wall seconds as measured (longer when the machine is shared).
            "cpu": _summary(cpu),
            "wall": _summary(timings),
        }
        self.stdout.write(json.dumps(report, indent=2))
        if options["json_out"]:
            Path(options["json_out"]).write_text(json.dumps(report, indent=2))
