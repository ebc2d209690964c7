"""Demo careers data (called by ``manage.py seed_demo`` after accounts and consent); idempotent.

Three employers (Acme from accounts, two more created here) with open, draft and closed jobs,
and a dozen members with varied profiles. careers-search adds its own demo data through
``careers.search_demo.seed`` when that module exists.
"""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

DEMO_PASSWORD = "demo-pass-2023!"  # noqa: S105 - the published demo password (see README)

EMPLOYERS = [
    # (name, domain, owner e-mail)
    ("Nusantara Fintech", "nusantarafintech.co.id", "owner@nusantara.demo"),
    ("Kopi Kita Digital", "kopikita.id", "owner@kopikita.demo"),
]

# (employer domain, title, city, remote, type, seniority, salary min, max, status, days ago,
#  skills as "Name:required(1/0):weight")
JOBS: list[tuple[Any, ...]] = [
    (
        "acme.co.id",
        "Backend Developer (Python/Django)",
        "Jakarta",
        "hybrid",
        "full_time",
        "mid",
        15_000_000,
        25_000_000,
        "open",
        2,
        ["Python:1:5", "Django:1:5", "PostgreSQL:1:3", "Docker:0:2", "Redis:0:1"],
    ),
    (
        "acme.co.id",
        "Senior Data Engineer",
        "Jakarta",
        "remote",
        "full_time",
        "senior",
        28_000_000,
        40_000_000,
        "open",
        5,
        ["Python:1:5", "SQL:1:4", "Apache Spark:1:4", "Airflow:0:3", "AWS:0:2"],
    ),
    (
        "acme.co.id",
        "Frontend Engineer (React)",
        "Bandung",
        "onsite",
        "full_time",
        "mid",
        12_000_000,
        20_000_000,
        "open",
        12,
        ["JavaScript:1:5", "React:1:5", "TypeScript:0:3", "CSS:1:2"],
    ),
    (
        "acme.co.id",
        "QA Automation Intern",
        "Jakarta",
        "onsite",
        "internship",
        "junior",
        3_000_000,
        4_500_000,
        "open",
        20,
        ["Python:0:2", "Selenium:1:4", "Git:0:1"],
    ),
    (
        "acme.co.id",
        "Engineering Manager",
        "Jakarta",
        "hybrid",
        "full_time",
        "lead",
        45_000_000,
        60_000_000,
        "draft",
        0,
        ["Python:0:3", "Agile:1:4"],
    ),
    (
        "acme.co.id",
        "Android Developer",
        "Surabaya",
        "onsite",
        "full_time",
        "mid",
        14_000_000,
        22_000_000,
        "closed",
        70,
        ["Kotlin:1:5", "Android:1:5"],
    ),
    (
        "nusantarafintech.co.id",
        "Go Backend Engineer",
        "Jakarta",
        "hybrid",
        "full_time",
        "senior",
        30_000_000,
        45_000_000,
        "open",
        1,
        ["Go:1:5", "PostgreSQL:1:4", "Kubernetes:0:3", "gRPC:0:2"],
    ),
    (
        "nusantarafintech.co.id",
        "Risk Data Analyst",
        "Jakarta",
        "onsite",
        "full_time",
        "mid",
        13_000_000,
        19_000_000,
        "open",
        9,
        ["SQL:1:5", "Python:0:3", "Excel:1:3", "Tableau:0:2"],
    ),
    (
        "nusantarafintech.co.id",
        "DevOps Engineer",
        "Remote",
        "remote",
        "contract",
        "senior",
        25_000_000,
        35_000_000,
        "open",
        15,
        ["Kubernetes:1:5", "Terraform:1:4", "AWS:1:4", "Docker:1:3", "Linux:0:2"],
    ),
    (
        "nusantarafintech.co.id",
        "Junior Python Developer",
        "Yogyakarta",
        "hybrid",
        "full_time",
        "junior",
        7_000_000,
        10_000_000,
        "open",
        3,
        ["Python:1:5", "Django:0:3", "Git:1:2"],
    ),
    (
        "kopikita.id",
        "Digital Marketing Specialist",
        "Denpasar",
        "hybrid",
        "full_time",
        "mid",
        8_000_000,
        12_000_000,
        "open",
        4,
        ["SEO:1:5", "Google Analytics:1:4", "Copywriting:0:3", "Social Media Marketing:1:3"],
    ),
    (
        "kopikita.id",
        "Full-stack Developer (Laravel/Vue)",
        "Denpasar",
        "remote",
        "contract",
        "mid",
        10_000_000,
        16_000_000,
        "open",
        6,
        ["PHP:1:5", "Laravel:1:5", "Vue.js:1:4", "MySQL:0:3"],
    ),
    (
        "kopikita.id",
        "UI/UX Designer",
        "Bandung",
        "hybrid",
        "part_time",
        "mid",
        6_000_000,
        9_000_000,
        "open",
        25,
        ["Figma:1:5", "User Research:0:3", "UX Design:1:3"],
    ),
]

# (e-mail, name, headline, city, visibility, years back of a current job, current employer,
#  employer domain, skills "Name:proficiency", preference titles, remote modes, min salary)
MEMBERS: list[tuple[Any, ...]] = [
    (
        "premium@demo.test",
        None,
        "Backend Developer, Python and Django",
        "Jakarta",
        "recruiters",
        6,
        "PT Maju Jaya",
        "majujaya.co.id",
        ["Python:5", "Django:5", "PostgreSQL:4", "Docker:3", "Redis:2", "AWS:2"],
        ["Backend Developer", "Data Engineer"],
        ["hybrid", "remote"],
        18_000_000,
    ),
    (
        "member@demo.test",
        None,
        "Frontend developer",
        "Bandung",
        "everyone",
        3,
        "Startup Bandung",
        "",
        ["JavaScript:4", "React:4", "TypeScript:3", "CSS:4", "Figma:2"],
        ["Frontend Engineer"],
        ["onsite", "hybrid"],
        10_000_000,
    ),
    (
        "recruiter1@acme.demo",
        None,
        "Talent acquisition",
        "Jakarta",
        "private",
        4,
        "Acme Indonesia",
        "acme.co.id",
        ["Recruitment:4", "Excel:3"],
        [],
        [],
        None,
    ),
    (
        "dewi@demo.test",
        "Dewi Lestari",
        "Data engineer, Spark and Airflow",
        "Jakarta",
        "recruiters",
        8,
        "Bank Sentosa",
        "banksentosa.co.id",
        ["Python:5", "SQL:5", "Apache Spark:4", "Airflow:4", "AWS:3"],
        ["Data Engineer"],
        ["remote", "hybrid"],
        30_000_000,
    ),
    (
        "budi@demo.test",
        "Budi Santoso",
        "Go and Kubernetes engineer",
        "Jakarta",
        "everyone",
        10,
        "Acme Indonesia",
        "acme.co.id",
        ["Go:5", "Kubernetes:5", "PostgreSQL:4", "Terraform:3", "Docker:4", "Linux:4"],
        ["Backend Engineer", "DevOps Engineer"],
        ["hybrid"],
        35_000_000,
    ),
    (
        "siti@demo.test",
        "Siti Rahmawati",
        "Digital marketer",
        "Denpasar",
        "recruiters",
        4,
        "Toko Bali",
        "",
        ["SEO:5", "Google Analytics:4", "Copywriting:4", "Social Media Marketing:5"],
        ["Digital Marketing Specialist"],
        ["hybrid", "remote"],
        9_000_000,
    ),
    (
        "agus@demo.test",
        "Agus Wijaya",
        "Laravel developer",
        "Surabaya",
        "recruiters",
        5,
        "Software House Surabaya",
        "",
        ["PHP:5", "Laravel:5", "Vue.js:3", "MySQL:4", "JS:3"],
        ["Full-stack Developer"],
        ["remote"],
        12_000_000,
    ),
    (
        "rina@demo.test",
        "Rina Kurniawan",
        "Fresh graduate, Python",
        "Yogyakarta",
        "everyone",
        0,
        "",
        "",
        ["Python:3", "Git:3", "SQL:2"],
        ["Junior Python Developer"],
        ["hybrid", "onsite"],
        6_000_000,
    ),
    (
        "made@demo.test",
        "Made Putra",
        "UI/UX designer",
        "Denpasar",
        "private",
        3,
        "Studio Ubud",
        "",
        ["Figma:5", "User Research:4", "UX Design:4"],
        ["UI/UX Designer"],
        ["remote"],
        8_000_000,
    ),
    (
        "fajar@demo.test",
        "Fajar Nugroho",
        "Android developer (Kotlin)",
        "Surabaya",
        "recruiters",
        5,
        "Aplikasi Nusantara",
        "",
        ["Kotlin:5", "Android:5", "Java:4", "Git:3"],
        ["Android Developer"],
        ["onsite"],
        15_000_000,
    ),
]


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
    if importlib.util.find_spec("careers.search_demo") is not None:
        from careers.search_demo import seed as search_seed

        lines.extend(search_seed(stdout) or [])
    return lines
