"""Demo careers data (called by ``manage.py seed_demo`` after accounts and consent); idempotent.

Three employers (Acme from accounts, two more created here) with open, draft and closed jobs,
and a dozen members with varied profiles (the data is in ``careers.demo_data``); then fresh
candidate-search rows and a few saved searches for Acme's recruiters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from careers.demo_data import EMPLOYERS, JOBS, MEMBERS, SAVED_SEARCHES

DEMO_PASSWORD = "demo-pass-2023!"  # noqa: S105 - the published demo password (see README)


def _employers(stdout: TextIO) -> dict[str, Any]:
    from accounts.selectors import employer_list, user_get_by_email
    from accounts.services import employer_create, user_create

    for name, domain, owner_email in EMPLOYERS:
        if any(e.domain.lower() == domain for e in employer_list()):
            continue
        owner = user_get_by_email(email=owner_email) or user_create(
            email=owner_email, password=DEMO_PASSWORD, display_name=f"Owner, {name}"
        )
        employer_create(name=name, domain=domain, owner=owner)
    return {e.domain.lower(): e for e in employer_list()}


def _jobs(employers: dict[str, Any]) -> dict[str, Any]:
    from accounts.selectors import employer_user_ids, user_get
    from careers.models import Job, JobSkill
    from careers.services import job_create

    jobs: dict[str, Any] = {}
    now = timezone.now()
    for domain, title, city, remote, job_type, seniority, low, high, status, days, skills in JOBS:
        employer = employers.get(domain)
        if employer is None:
            continue
        existing = Job.objects.filter(employer=employer, title=title).first()
        if existing is None:
            actor = user_get(user_id=employer_user_ids(employer_id=employer.pk)[0])
            if actor is None:  # an employer the demo made always has its owner
                continue
            existing = job_create(
                employer=employer,
                actor=actor,
                title=title,
                description=(
                    f"{employer.name} is hiring a {title} in {city}. "
                    "Work with a friendly team on products used across Indonesia."
                ),
                location_city=city,
                remote_mode=remote,
                job_type=job_type,
                seniority=seniority,
                salary_min=low,
                salary_max=high,
                currency="IDR",
                status=status,
                skills=[
                    {"name": n, "required": r == "1", "weight": int(w)}
                    for n, r, w in (s.split(":") for s in skills)
                ],
            )
            if existing.published_at:
                # Back-date the demo job; its skills carry the date for recommendations.
                published = now - timedelta(days=days)
                Job.objects.filter(pk=existing.pk).update(published_at=published)
                JobSkill.objects.filter(job_id=existing.pk).update(job_published_at=published)
        jobs[title] = existing
    return jobs


def _members() -> list[str]:
    from accounts.selectors import user_get_by_email
    from accounts.services import user_create
    from careers.models import CareerProfile
    from careers.services import (
        education_add,
        employment_add,
        preference_update,
        profile_skills_replace,
        profile_update,
    )

    created: list[str] = []
    today = timezone.localdate()
    for (
        email,
        name,
        headline,
        city,
        visibility,
        years,
        current,
        domain,
        skills,
        titles,
        modes,
        min_salary,
    ) in MEMBERS:
        user = user_get_by_email(email=email)
        if user is None:
            if name is None:
                continue  # a cast member accounts did not create
            user = user_create(email=email, password=DEMO_PASSWORD, display_name=name)
            created.append(email)
        if CareerProfile.objects.filter(user=user).exists():
            continue
        profile_update(
            user=user,
            headline=headline,
            summary=f"{headline}. Based in {city}.",
            location_city=city,
            location_country="ID",
            visibility=visibility,
            hide_from_current_employer=True,
        )
        if years and current:
            start = date(today.year - years, 3, 1)
            if years > 3:
                employment_add(
                    user=user,
                    employer_name="PT Awal Karier",
                    title="Junior " + headline[:40],
                    start_date=start,
                    end_date=date(today.year - years + 2, 2, 1),
                )
                start = date(today.year - years + 2, 3, 1)
            employment_add(
                user=user,
                employer_name=current,
                employer_domain=domain,
                title=headline[:80],
                start_date=start,
                is_current=True,
                location=city,
            )
        education_add(
            user=user,
            institution="Universitas Indonesia" if city == "Jakarta" else "Universitas " + city,
            degree="S1",
            field="Computer Science" if "Python" in str(skills) else "Business",
            start_date=date(today.year - years - 4, 8, 1),
            end_date=date(today.year - years, 7, 1),
        )
        profile_skills_replace(
            user=user,
            items=[
                {"name": n, "proficiency": int(p), "years": min(int(p) + 1, max(years, 1))}
                for n, p in (s.split(":") for s in skills)
            ],
        )
        preference_update(
            user=user,
            titles=titles,
            locations=[city],
            remote_modes=modes,
            job_types=["full_time"],
            min_salary=min_salary,
        )
    return created


def _engagement(jobs: dict[str, Any]) -> None:
    from accounts.selectors import user_get_by_email
    from careers.models import ActivityEvent, Application
    from careers.services import application_submit, job_mark
    from consent.purposes import PurposeCode
    from consent.selectors import has_consent
    from consent.services import consent_grant

    premium = user_get_by_email(email="premium@demo.test")
    backend = jobs.get("Backend Developer (Python/Django)")
    data = jobs.get("Senior Data Engineer")
    if premium is None or backend is None or data is None:
        return
    if has_consent(premium, PurposeCode.JOB_RECOMMENDATIONS):
        if not ActivityEvent.objects.filter(user=premium, kind="saved").exists():
            job_mark(user=premium, job=data, kind="saved")
            ActivityEvent.objects.create(
                user=premium, kind="searched", query={"q": "python", "location": "Jakarta"}
            )
    if has_consent(premium, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS):
        if not Application.objects.filter(applicant=premium, job=backend).exists():
            application_submit(
                user=premium, job_id=backend.pk, note="I have built Django apps for six years."
            )
    for email in ("dewi@demo.test", "budi@demo.test"):
        user = user_get_by_email(email=email)
        job = jobs.get(
            "Senior Data Engineer" if email.startswith("dewi") else "Go Backend Engineer"
        )
        if user is None or job is None or Application.objects.filter(applicant=user).exists():
            continue
        if not has_consent(user, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS):
            for purpose in (
                PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
                PurposeCode.CANDIDATE_DISCOVERY,
                PurposeCode.JOB_RECOMMENDATIONS,
            ):
                consent_grant(user=user, purpose=purpose, method="system")
        application_submit(user=user, job_id=job.pk, note="")


def seed(stdout: TextIO) -> list[str]:
    """Create the demo employers, jobs, profiles and a little engagement; return login lines."""
    with transaction.atomic():
        employers = _employers(stdout)
        jobs = _jobs(employers)
        created = _members()
        _engagement(jobs)
    lines = [
        "Careers: jobs at /jobs/, profile at /profile/, recommendations at /jobs/recommended/.",
        "  owner@nusantara.demo, owner@kopikita.demo (employer owners); "
        "dewi@demo.test, budi@demo.test, siti@demo.test ... (candidates), same password.",
    ]
    if created:
        stdout.write(f"careers: created {len(created)} demo candidates\n")
    lines.extend(_search(stdout))
    return lines


def _search(stdout: TextIO) -> list[str]:
    """Refresh the demo members' search rows and give Acme a few saved searches (idempotent)."""
    from accounts.selectors import employer_acted_for, user_get_by_email
    from careers.forms.recruiter import CandidateSearchForm
    from careers.models import CareerProfile
    from careers.selectors.recruiters import saved_searches_for
    from careers.services.saved_searches import saved_search_create
    from careers.services.search_index import candidate_index_refresh

    # Synthetic benchmark members are indexed by careers_bench itself; skip them here.
    for profile_id in (
        CareerProfile.objects.exclude(user__email__endswith="@bench.invalid")
        .values_list("pk", flat=True)
        .iterator()
    ):
        candidate_index_refresh(profile_id)
    recruiter = user_get_by_email(email="recruiter1@acme.demo")
    if recruiter is None:
        return []
    employer = employer_acted_for(user=recruiter)
    if employer is None:
        return []
    existing = set(saved_searches_for(employer=employer).values_list("name", flat=True))
    with transaction.atomic():
        for name, params in SAVED_SEARCHES:
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
