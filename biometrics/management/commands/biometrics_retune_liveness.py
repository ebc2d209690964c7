"""Fit the burst liveness thresholds from a folder of labelled recordings.

Layout (what `biometrics_evaluate_liveness --save-bursts DIR` writes, and what real captures
must be sorted into): DIR/genuine/<burst>/ and DIR/<attack kind>/<burst>/, each burst a folder
of frames (frame_000.jpg, ... in capture order) with times.json (capture times in ms) and
poses.json (the challenge). Every burst is measured with the checks opened wide, then:

- the cut, speed and jump limits are set just above the largest genuine value (x margin);
- the parallax minimum and the straight-line relief minimum (the nose tip's swing off the
  straightest line through it, on the face's texture) just under the smallest genuine value;
- the paper-or-face score keeps its weights and moves its bias so that at most `--bpcer` of the
  genuine bursts that reach it fall below it.

Prints BPCER and APCER per kind with the new thresholds on the same folder (calibration
figures: evaluate on other recordings) and writes them as JSON for
BIOMETRICS_LIVENESS_THRESHOLDS (see docs/liveness.md).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from biometrics import liveness, liveness_burst

OPEN = liveness_burst.Thresholds(
    max_jump=99.0,
    max_look_change=99.0,
    max_yaw_speed=1e9,
    max_yaw_step=1e9,
    parallax_min=-99.0,
    shape_weights=(1e6, *liveness_burst.DEFAULT_THRESHOLDS.shape_weights[1:]),
    spike_ratio=1e9,
    line_relief_min=-1.0,
    line_relief_max=1e9,
)


def load_burst(folder: Path) -> tuple[list[np.ndarray], list[int], list[str]]:
    frames = []
    for path in sorted(folder.glob("frame_*.jpg")):
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise CommandError(f"unreadable frame {path}")
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    times = json.loads((folder / "times.json").read_text())
    poses = json.loads((folder / "poses.json").read_text())
    return frames, times, poses


class Command(BaseCommand):
    help = "Fit the burst liveness thresholds from a folder of labelled recordings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="thresholds JSON to write")
        parser.add_argument("--bpcer", type=float, default=0.02, help="target genuine rejections")
        parser.add_argument("--margin", type=float, default=1.15, help="x largest genuine value")

    def handle(self, *args: Any, **options: Any) -> None:
        root: Path = options["folder"]
        if not (root / "genuine").is_dir():
            raise CommandError(f"{root}/genuine/ is missing")
        liveness.warm_up()
        measured: dict[str, list[dict[str, Any]]] = {}
        bursts: dict[str, list[tuple[list[np.ndarray], list[int], list[str]]]] = {}
        for label_dir in sorted(p for p in root.iterdir() if p.is_dir()):
            for burst_dir in sorted(p for p in label_dir.iterdir() if p.is_dir()):
                burst = load_burst(burst_dir)
                result = liveness_burst.burst_check(*burst, thresholds=OPEN)
                measured.setdefault(label_dir.name, []).append(
                    {"code": result.code, **result.measured}
                )
                bursts.setdefault(label_dir.name, []).append(burst)
        genuine = measured["genuine"]
        margin = options["margin"]

        def largest(key: str, floor: float) -> float:
            values = [m[key] for m in genuine if m.get(key) is not None]
            return max(floor, max(values, default=floor) * margin)

        parallaxes = [m["parallax"] for m in genuine if m.get("parallax") is not None]
        reliefs = [m["line_relief"] for m in genuine if m.get("line_relief") is not None]
        scores = [
            liveness_burst.shape_score(
                [m[k] for k in liveness_burst.SHAPE_FEATURES], liveness_burst.DEFAULT_THRESHOLDS
            )
            for m in genuine
            if all(m.get(k) is not None for k in liveness_burst.SHAPE_FEATURES)
        ]
        weights = list(liveness_burst.DEFAULT_THRESHOLDS.shape_weights)
        if scores:
            floor = float(np.quantile(scores, options["bpcer"]))
            weights[0] -= floor - 1e-3  # the chosen genuine quantile lands just above 0
        fitted = replace(
            liveness_burst.DEFAULT_THRESHOLDS,
            max_jump=largest("max_jump", 0.3),
            max_look_change=largest("max_look_change", 1.0),
            max_yaw_speed=largest("max_yaw_speed", 150.0),
            max_yaw_step=largest("max_yaw_step", 10.0),
            spike_ratio=largest("jump_spike", 3.0),
            parallax_min=min(parallaxes) / margin if parallaxes else 0.1,
            line_relief_min=(
                min(reliefs) / margin
                if reliefs
                else liveness_burst.DEFAULT_THRESHOLDS.line_relief_min
            ),
            shape_weights=tuple(weights),
        )
        options["out"].write_text(json.dumps(fitted.as_dict(), indent=2))
        self.stdout.write(f"Thresholds written to {options['out']}: {fitted.as_dict()}")
        self.stdout.write("With them, on the same recordings (calibration figures):")
        for label, items in sorted(bursts.items()):
            results = [liveness_burst.burst_check(*b, thresholds=fitted) for b in items]
            passed = sum(r.passed for r in results)
            if label == "genuine":
                rate = (len(results) - passed) / len(results)
                self.stdout.write(f"  genuine: {len(results)} bursts, BPCER {100 * rate:.1f} %")
            else:
                self.stdout.write(
                    f"  {label}: {len(results)} bursts, APCER {100 * passed / len(results):.1f} %"
                )
