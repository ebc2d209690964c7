"""The liveness evaluation and retune commands, on a few rendered recordings."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from biometrics import liveness_burst
from biometrics.management.commands.biometrics_evaluate_liveness import save_burst
from biometrics.tests import bursts


def test_the_evaluation_reports_apcer_per_kind_bpcer_and_cpu_seconds(tmp_path):
    out = StringIO()
    report_path = tmp_path / "report.json"
    call_command(
        "biometrics_evaluate_liveness",
        "--packaged",
        "--rounds=1",
        "--kinds",
        "photo_set",
        "--json",
        str(report_path),
        stdout=out,
        stderr=StringIO(),
    )
    text = out.getvalue()
    assert "| **bona fide** (BPCER) | 2 |" in text
    assert "| `photo_set` (APCER) | 2 | 0 | 0.0 % |" in text
    assert "CPU seconds per burst check" in text
    report = json.loads(report_path.read_text())
    assert report["kinds"]["photo_set"]["attacks"] == 2
    assert 0 < report["cpu_seconds"]["mean"] < 10


def test_the_retune_fits_thresholds_from_labelled_recordings_and_writes_them(tmp_path, settings):
    # given one genuine recording and one photo set, laid out as the retune expects
    save_burst(tmp_path / "genuine" / "one", bursts.genuine(), bursts.SEQUENCE)
    save_burst(tmp_path / "photo_set" / "one", bursts.attack("photo_set"), bursts.SEQUENCE)
    target = tmp_path / "thresholds.json"
    out = StringIO()
    # when
    call_command("biometrics_retune_liveness", str(tmp_path), "--out", str(target), stdout=out)
    # then
    fitted = liveness_burst.Thresholds.load(target)
    assert fitted.parallax_min > 0
    assert "genuine: 1 bursts, BPCER 0.0 %" in out.getvalue()
    assert "photo_set: 1 bursts, APCER 0.0 %" in out.getvalue()
    # and the service uses them once configured
    settings.BIOMETRICS_LIVENESS_THRESHOLDS = str(target)
    assert liveness_burst.configured_thresholds() == fitted
