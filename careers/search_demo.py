"""Demo data for candidate search: fresh search rows for the demo members, saved searches."""

from __future__ import annotations

from typing import TextIO

from django.db import transaction

SAVED = [
    ("Python developers in Jakarta", {"skills": "Python", "match": "all", "location": "Jakarta"}),
    ("Data people, 3+ years", {"skills": "SQL, Python, Tableau", "match": "any", "min_years": 3}),
    ("Verified candidates", {"verified": "true"}),
]


def seed(stdout: TextIO) -> list[str]:
    """Refresh the demo members' search rows and give Acme a few saved searches (idempotent)."""
    from accounts.selectors import user_get_by_email
    from careers.forms_recruiter import CandidateSearchForm
    from careers.models import CareerProfile
    from careers.search import (
        candidate_index_refresh,
        recruiter_employer,
        saved_search_create,
        saved_searches_for,
    )

    # Synthetic benchmark members are indexed by careers_bench itself; skip them here.
    for profile_id in (
        CareerProfile.objects.exclude(user__email__endswith="@bench.invalid")
        .values_list("pk", flat=True)
        .iterator()
    ):
        candidate_index_refresh(profile_id)
    recruiter = user_get_by_email(email="recruiter1@acme.demo")
    employer = recruiter_employer(user=recruiter) if recruiter else None
    if employer is None:
        return []
    existing = set(saved_searches_for(employer=employer).values_list("name", flat=True))
    with transaction.atomic():
        for name, params in SAVED:
            if name in existing:
                continue
            form = CandidateSearchForm({k: str(v) for k, v in params.items()})
            if form.is_valid():
                saved_search_create(
                    employer=employer, actor=recruiter, name=name, query=form.to_query()
                )
    stdout.write("careers: candidate search rows refreshed, Acme saved searches ready\n")
    return [
        "Recruiter portal: recruiter1@acme.demo at /recruiter/ (candidate search at "
        "/recruiter/candidates/, saved searches at /recruiter/searches/)."
    ]
