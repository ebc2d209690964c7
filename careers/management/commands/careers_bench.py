"""manage.py careers_bench: synthetic candidates and jobs at scale, then search/recommend latency.

    manage.py careers_bench --candidates 1000000 --jobs 100000 --json var/careers-bench.json

Generates members and jobs (``careers.bench_generator``), then times
``careers.selectors.search.candidate_search`` over a fixed mix of filters and
``careers.selectors.jobs_recommended`` for a fixed sample of members. ``--reset`` removes the
synthetic data first.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from careers.bench_generator import BENCH_DOMAIN, BENCH_EMAIL, BenchGenerator, Writer

SEARCH_MIX: list[dict[str, str]] = [
    {"skills": "python,django", "match": "all"},
    {"skills": "js,react,typescript", "match": "any", "location": "Jakarta"},
    {"skills": "sql", "match": "all", "min_years": "5"},
    {"q": "software engineer"},
    {"location": "Surabaya", "verified": "true"},
    {"skills": "akuntansi,pajak", "match": "all", "location": "Jakarta"},
    {"skills": "nursing", "location": "Bandung"},
    {"skills": "figma,ui design", "match": "any", "remote": "remote"},
    {},
    {"skills": "python", "page": "5"},
    {"skills": "english,sales", "match": "all", "min_years": "3", "verified": "true"},
    {"q": "marketing manager", "skills": "seo", "match": "any"},
    {"skills": "k8s,docker,aws", "match": "all"},
    {"skills": "bahasa indonesia"},
    {"skills": "python,java,golang,javascript", "match": "any"},
    {"skills": "barista", "location": "Denpasar", "min_years": "2"},
    {"skills": "sql", "sort": "years"},
    {"work_location": "Jakarta", "active_days": "30"},
    {"q": "engineer", "title_scope": "current", "sort": "recent"},
    {"skills": "python,django", "match": "all", "sort": "recent", "active_days": "90"},
    {"skills": "sql", "education": "3", "field_of_study": "computer science"},
    {"location": "Jakarta", "relocation": "true", "sort": "years"},
    {"skills": "python", "salary_band": "3", "relocation": "true"},
    {"q": "data analyst", "salary_band": "2", "active_days": "30"},
]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 2)


class Command(BenchGenerator, BaseCommand):
    help = "Generate synthetic candidates and jobs, then report search and recommend latency."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--candidates", type=int, default=10_000)
        parser.add_argument("--jobs", type=int, default=2_000)
        parser.add_argument("--json", dest="json_out", default="")
        parser.add_argument("--reset", action="store_true", help="delete synthetic data first")
        parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the mix")
        parser.add_argument("--members", type=int, default=40, help="members timed for recommend")
        parser.add_argument("--seed", type=int, default=2023)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["candidates"] < 1 or options["jobs"] < 0:
            raise CommandError("--candidates must be at least 1 and --jobs not negative.")
        from careers.models import Skill

        if not Skill.objects.exists():
            raise CommandError("The skill catalogue is empty: run migrate (or load_skills).")
        self.rng = random.Random(options["seed"])
        self.writer = Writer()
        if options["reset"]:
            self._reset()
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            self._fast_load()
        with self._posting_indexes_deferred():
            built = self._candidates(options["candidates"])
            self._postings_backfill()
        jobs_built = self._jobs(options["jobs"])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
                # Index-only scans need the visibility map that VACUUM sets (VACUUM cannot run
                # inside a transaction, e.g. under the test runner: then statistics only).
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        build_s = round(time.perf_counter() - started, 1)
        self.stderr.write(f"data ready in {build_s}s ({built} candidates, {jobs_built} jobs added)")
        result = {
            "database": connection.vendor,
            "candidates": self._bench_profiles().count(),
            "discoverable_rows": self._discoverable_count(),
            "open_jobs": self._open_jobs(),
            "build_seconds": build_s,
            **self._time_search(options["rounds"]),
            **self._time_recommend(options["members"]),
        }
        text = json.dumps(result, indent=2)
        self.stdout.write(text)
        if options["json_out"]:
            path = Path(options["json_out"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text + "\n")

    # --- timing ---------------------------------------------------------------------------------

    def _discoverable_count(self) -> int:
        from careers.models import CandidateSearchIndex

        return CandidateSearchIndex.objects.filter(discoverable=True).count()

    def _open_jobs(self) -> int:
        from careers.models import Job

        return Job.objects.filter(status=Job.Status.OPEN).count()

    def _time_search(self, rounds: int) -> dict[str, Any]:
        from accounts.models import Employer
        from careers.forms.recruiter import CandidateSearchForm
        from careers.selectors.search import candidate_search

        employer = Employer.objects.filter(domain=f"company7{BENCH_DOMAIN}").first()
        if employer is None:
            employer = Employer(name="Bench Recruiting", domain=f"recruiting{BENCH_DOMAIN}")
        queries = []
        for params in SEARCH_MIX:
            form = CandidateSearchForm(params)
            if not form.is_valid():
                raise CommandError(f"Bench query {params} is invalid: {form.errors.as_json()}")
            queries.append(form.to_query())
        for query in queries:  # warm-up round: caches, plans
            candidate_search(employer=employer, query=query)
        samples: list[float] = []
        per_query: dict[str, list[float]] = {}
        results: dict[str, int] = {}
        for _round in range(max(1, rounds)):
            for params, query in zip(SEARCH_MIX, queries, strict=True):
                started = time.perf_counter()
                page = candidate_search(employer=employer, query=query)
                elapsed = (time.perf_counter() - started) * 1000
                samples.append(elapsed)
                key = json.dumps(params, sort_keys=True)
                per_query.setdefault(key, []).append(elapsed)
                results[key] = len(page.cards)
        return {
            "search_p50_ms": _pct(samples, 0.5),
            "search_p95_ms": _pct(samples, 0.95),
            "search_max_ms": _pct(samples, 1.0),
            "search_samples": len(samples),
            "search_per_query_median_ms": {
                key: round(statistics.median(values), 2) for key, values in per_query.items()
            },
            "search_results_on_page": results,
        }

    def _time_recommend(self, members: int) -> dict[str, Any]:
        from accounts.models import User
        from careers.selectors import jobs_recommended
        from consent.purposes import PurposeCode
        from consent.selectors import consented_user_ids

        users = list(
            User.objects.filter(
                email__endswith=BENCH_EMAIL,
                pk__in=consented_user_ids(purpose=PurposeCode.JOB_RECOMMENDATIONS),
            ).order_by("email")[: max(1, members)]
        )
        if not users:
            return {"recommend_p50_ms": None, "recommend_p95_ms": None}
        samples = []
        try:
            for user in users[:3]:
                jobs_recommended(user=user, limit=20)
            for user in users:
                started = time.perf_counter()
                jobs_recommended(user=user, limit=20)
                samples.append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # noqa: BLE001 - report the search figures even so
            connection.close()
            return {
                "recommend_p50_ms": None,
                "recommend_p95_ms": None,
                "recommend_error": repr(exc),
            }
        return {
            "recommend_p50_ms": _pct(samples, 0.5),
            "recommend_p95_ms": _pct(samples, 0.95),
            "recommend_max_ms": _pct(samples, 1.0),
            "recommend_samples": len(samples),
        }
