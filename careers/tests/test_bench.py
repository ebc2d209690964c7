"""careers_bench runs end to end on a tiny N and reports the agreed keys."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from careers.models import CandidateSearchIndex

pytestmark = pytest.mark.django_db


def test_bench_on_a_tiny_population_prints_latency_keys_and_reuses_its_data(tmp_path, capsys):
    # given
    out = tmp_path / "bench.json"
    # when
    call_command("careers_bench", candidates=200, jobs=50, rounds=1, members=3, json_out=str(out))
    first = json.loads(out.read_text())
    call_command("careers_bench", candidates=200, jobs=50, rounds=1, members=3)
    # then
    for key in ("search_p50_ms", "search_p95_ms", "recommend_p50_ms", "recommend_p95_ms"):
        assert isinstance(first[key], float)
    assert first["candidates"] == 200
    assert CandidateSearchIndex.objects.count() == 200
    assert '"search_p95_ms"' in capsys.readouterr().out


def test_bench_reset_removes_its_synthetic_members():
    # given
    call_command("careers_bench", candidates=30, jobs=5, rounds=1, members=1)
    # when
    call_command("careers_bench", candidates=10, jobs=2, rounds=1, members=1, reset=True)
    # then
    assert CandidateSearchIndex.objects.count() == 10


def test_index_rebuild_gives_every_bench_member_the_same_row_the_generator_wrote(capsys):
    # given: the generator writes rows and postings itself, from the same filter declarations
    from careers.models import CandidateSearchKey

    call_command("careers_bench", candidates=40, jobs=5, rounds=1, members=1)
    written = dict(CandidateSearchIndex.objects.values_list("profile_id", "keys"))
    postings = CandidateSearchKey.objects.count()
    capsys.readouterr()
    # when
    call_command("careers_index_rebuild", batch_size=7)
    # then: the index writer agrees with the generator on every key and posting
    assert "Rebuilt 40 search rows." in capsys.readouterr().out
    assert dict(CandidateSearchIndex.objects.values_list("profile_id", "keys")) == written
    assert CandidateSearchKey.objects.count() == postings
