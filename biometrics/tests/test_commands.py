import json

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image

from biometrics.management.commands.biometrics_evaluate import eer_threshold
from biometrics.tests.faces import astronaut, face_only, grace_hopper, id_card, retaken

EVALUATE_KEYS = {
    "pairs",
    "failures",
    "accuracy",
    "fmr",
    "fnmr",
    "threshold",
    "eer_threshold",
    "seconds_per_image",
}


@pytest.fixture(scope="module")
def labelled_folder(tmp_path_factory):
    """Four photos of two people plus a faceless one, and every pair among them labelled."""
    folder = tmp_path_factory.mktemp("pairs")
    photos = {
        "hopper_card.jpg": id_card(face_only(grace_hopper())),
        "hopper_selfie.jpg": retaken(grace_hopper()),
        "collins_1.jpg": astronaut(),
        "collins_2.jpg": retaken(astronaut()),
        "wall.jpg": np.full((400, 400, 3), 90, np.uint8),
    }
    for name, pixels in photos.items():
        Image.fromarray(pixels).save(folder / name, quality=92)
    names = sorted(photos)
    lines = ["file_x,file_y,Decision"]
    for i, x in enumerate(names):
        for y in names[i + 1 :]:
            same = x.split("_")[0] == y.split("_")[0]
            lines.append(f"{x},{y},{'Yes' if same else 'No'}")
    (folder / "pairs.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_evaluate_reports_accuracy_and_counts_the_faceless_photo_as_a_failure(
    labelled_folder, tmp_path
):
    # given
    out, plot = tmp_path / "eval.json", tmp_path / "eval.png"
    # when
    call_command(
        "biometrics_evaluate",
        pairs=str(labelled_folder / "pairs.csv"),
        images=str(labelled_folder),
        json=str(out),
        plot=str(plot),
    )
    # then
    report = json.loads(out.read_text())
    assert set(report) == EVALUATE_KEYS
    assert report["pairs"] == 10 and report["failures"] == 1
    # the faceless photo is in 4 impostor pairs, which count as correct rejections
    assert report["accuracy"] == 1.0 and report["fmr"] == 0.0 and report["fnmr"] == 0.0
    assert report["seconds_per_image"] > 0
    assert Image.open(plot).size[0] > 400


def test_the_equal_error_threshold_sits_in_the_gap_between_the_two_groups():
    assert eer_threshold(np.array([0.2, 0.4]), np.array([0.8, 0.9])) == pytest.approx(0.6)
    # overlapping: one impostor at 0.35 sits among the genuine pairs
    assert 0.3 <= eer_threshold(np.array([0.2, 0.3, 0.4]), np.array([0.35, 0.8, 0.9])) <= 0.4


def test_bench_dedup_checks_itself_against_brute_force(tmp_path):
    # given
    out = tmp_path / "dedup.json"
    # when
    call_command("biometrics_bench_dedup", templates=20_000, queries=20, json=str(out))
    # then
    report = json.loads(out.read_text())
    assert report["exact"] is True
    assert report["templates"] == 20_000 + 25  # 5 neighbours planted around 5 queries
    assert 0 < report["p50_ms"] <= report["p95_ms"]
    assert report["memory_mb"] > 20_000 * 128 * 4 / 1e6


def test_bench_speed_times_our_pipeline_on_labelled_pairs(labelled_folder, tmp_path):
    # given
    out = tmp_path / "speed.json"
    # when
    call_command(
        "biometrics_bench_speed",
        images=str(labelled_folder),
        limit=4,
        skip_deepface=True,
        json=str(out),
    )
    # then
    report = json.loads(out.read_text())
    assert report["pairs"] == 4
    assert report["ours_accuracy"] == 1.0
    assert 0 < report["ours_seconds"] < report["ours_with_intake_seconds"]
    assert "deepface_seconds" not in report
