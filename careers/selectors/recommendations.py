"""Explainable job recommendations: SQL picks a bounded candidate set, Python scores it.

Score out of 100, in parts a person can check:
skills 45 (overlap weighted by the job's weights, required counting double, scaled by the
member's proficiency), title 15, place and work mode 10, salary 10, seniority 10, recency 5,
engagement 5 (employers and skills of jobs the member saved). Dismissed and applied jobs are
never shown.
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from careers.job_matching import (
    JobRow,
    MemberFacts,
    Recommendation,
    job_score,
    words,
)
from careers.models import (
    ActivityEvent,
    Application,
    CareerProfile,
    Employment,
    Job,
    JobSkill,
    ProfileSkill,
)
from careers.selectors.jobs import job_queryset
from careers.selectors.profiles import preference_of
from consent.purposes import PurposeCode
from consent.selectors import has_consent, require_consent

if TYPE_CHECKING:
    from accounts.models import User

SKILLS_USED = 12  # the member's strongest skills that generate candidates
PER_SKILL = 300  # top jobs per skill, read off the (skill, job_open, -points) index
SKILL_CANDIDATES = 150  # jobs kept by summed skill points
TITLE_CANDIDATES = 50  # jobs whose title contains a wanted title
RECENT_CANDIDATES = 20  # newest jobs, so members with no skills still get something


def _member(profile: CareerProfile | None, *, saved_job_ids: list[Any]) -> MemberFacts:
    skills: dict[int, tuple[str, int]] = {}
    titles: list[str] = []
    cities: set[str] = set()
    remote_modes: set[str] = set()
    job_types: set[str] = set()
    min_salary: int | None = None
    currency = "IDR"
    years = 0.0
    wanted: list[str] = []
    if profile is not None:
        for row in profile.skills.all():
            skills[row.skill_id] = (row.skill.name, row.proficiency)
        preference = preference_of(profile)
        if preference is not None:
            titles.extend(preference.titles)
            cities.update(c.strip().lower() for c in preference.locations if c.strip())
            remote_modes.update(preference.remote_modes)
            job_types.update(preference.job_types)
            min_salary, currency = preference.min_salary, preference.currency
        wanted = list(titles) or ([profile.headline] if profile.headline else [])
        if profile.headline:
            titles.append(profile.headline)
        titles.extend(e.title for e in profile.employments.all() if e.is_current)
        if profile.location_city:
            cities.add(profile.location_city.strip().lower())
        years = float(profile.years_experience)
    saved_employers: set[Any] = set()
    saved_skills: set[int] = set()
    if saved_job_ids:
        for employer_id, skill_id in Job.objects.filter(pk__in=saved_job_ids).values_list(
            "employer_id", "job_skills__skill_id"
        ):
            saved_employers.add(employer_id)
            if skill_id is not None:
                saved_skills.add(skill_id)
    title_words: set[str] = set()
    for title in titles:
        title_words |= words(title)
    return MemberFacts(
        skills=skills,
        titles=titles,
        wanted_titles=wanted,
        title_words=title_words,
        cities=cities,
        remote_modes=remote_modes,
        job_types=job_types,
        min_salary=min_salary,
        currency=currency,
        years=years,
        saved_jobs=set(saved_job_ids),
        saved_employers=saved_employers,
        saved_skills=saved_skills,
    )


def _candidate_ids(member: MemberFacts, *, excluded: set[Any]) -> list[Any]:
    """Return a bounded set of open job ids worth scoring (at most ~220).

    Per skill, the jobs where it is worth most come straight off the index
    (skill, job_open, -points); their points are summed per job in Python. One small query
    per skill used, so the work does not grow with the number of jobs.
    """
    strongest = sorted(member.skills, key=lambda sid: -member.skills[sid][1])[:SKILLS_USED]
    points = _skill_points(strongest)
    for job_id in excluded:
        points.pop(job_id, None)
    ids = heapq.nlargest(SKILL_CANDIDATES, points, key=points.__getitem__)
    open_jobs = Job.objects.filter(status=Job.Status.OPEN)
    # Wanted titles, else the headline: each becomes one "title contains" (trigram index on PG).
    title_terms = [t.strip()[:60] for t in member.wanted_titles[:2] if t.strip()]
    if title_terms:
        title_q = Q()
        for term in title_terms:
            title_q |= Q(title__icontains=term)
        ids.extend(
            open_jobs.filter(title_q)
            .order_by("-published_at")
            .values_list("pk", flat=True)[:TITLE_CANDIDATES]
        )
    ids.extend(open_jobs.order_by("-published_at").values_list("pk", flat=True)[:RECENT_CANDIDATES])
    seen: set[Any] = set()
    unique: list[Any] = []
    for job_id in ids:
        if job_id not in seen and job_id not in excluded:
            seen.add(job_id)
            unique.append(job_id)
    return unique


# One round trip on PostgreSQL: per skill, the top jobs off the index (most points, then
# newest), summed per job.
_TOP_PER_SKILL_SQL = """
    SELECT js.job_id, SUM(js.points)
    FROM unnest(%s::bigint[]) AS s(id)
    CROSS JOIN LATERAL (
        SELECT job_id, points FROM careers_jobskill
        WHERE skill_id = s.id AND job_open
        ORDER BY points DESC, job_published_at DESC
        LIMIT %s
    ) AS js
    GROUP BY js.job_id
"""


def _skill_points(skill_ids: list[int]) -> dict[Any, int]:
    """Return ``{job_id: summed points}`` over the top PER_SKILL open jobs of each skill."""
    if not skill_ids:
        return {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_TOP_PER_SKILL_SQL, [list(skill_ids), PER_SKILL])
            return {job_id: int(total) for job_id, total in cursor.fetchall()}
    points: dict[Any, int] = {}
    for skill_id in skill_ids:  # elsewhere (SQLite): one small indexed query per skill
        rows = (
            JobSkill.objects.filter(skill_id=skill_id, job_open=True)
            .order_by("-points", "-job_published_at")
            .values_list("job_id", "points")[:PER_SKILL]
        )
        for job_id, value in rows:
            points[job_id] = points.get(job_id, 0) + value
    return points


def _rows(ids: list[Any]) -> list[JobRow]:
    """Load the candidates as plain rows with their skills (two queries).

    Two queries rather than one join: repeating the job columns on every job-skill row cost
    more in parsing timestamps than the extra round trip.
    """
    jobs = (
        Job.objects.filter(pk__in=ids, status=Job.Status.OPEN)
        .annotate(shown_at=Coalesce("published_at", "created_at"))
        .values_list(
            "pk",
            "employer_id",
            "employer__name",
            "title",
            "location_city",
            "remote_mode",
            "job_type",
            "salary_min",
            "salary_max",
            "currency",
            "seniority",
            "shown_at",
        )
    )
    rows = {values[0]: JobRow(*values) for values in jobs.order_by()}
    skills = (
        JobSkill.objects.filter(job_id__in=list(rows))
        .order_by()
        .values_list("job_id", "skill_id", "required", "weight")
    )
    for job_id, skill_id, required, weight in skills:
        rows[job_id].skills.append((skill_id, required, weight))
    for row in rows.values():  # required and heavier first: the order reasons name them in
        row.skills.sort(key=lambda s: (not s[1], -s[2], s[0]))
    return list(rows.values())


def jobs_recommended(*, user: User, limit: int = 20) -> list[Recommendation]:
    """Return the member's top open jobs with reasons; needs job_recommendations consent.

    A bounded number of queries whatever the number of jobs: consent, profile and its parts,
    engagement, one candidate query per skill used (at most 12), title and recent candidates,
    candidate rows and skills, then the chosen jobs with employer and skills.
    """
    require_consent(user, PurposeCode.JOB_RECOMMENDATIONS)
    limit = max(1, min(int(limit), 100))
    member, excluded = _member_for(user)
    now = timezone.now()
    rows = _rows(_candidate_ids(member, excluded=excluded))
    ranked = sorted(
        ((job_score(row, member, now).score, row) for row in rows),
        key=lambda pair: (-pair[0], -pair[1].published.timestamp()),
    )[:limit]
    jobs = job_queryset().in_bulk([row.pk for _score_value, row in ranked])
    shortlist = []
    for _score_value, row in ranked:
        recommendation = job_score(row, member, now, explain=True)
        recommendation.job = jobs[row.pk]
        shortlist.append(recommendation)
    return shortlist


def job_recommendation(*, user: User, job: Job) -> Recommendation | None:
    """How well one job matches the member, with reasons; None without the consent.

    The job page shows this; a job the member dismissed or applied to is still scored.
    """
    if not has_consent(user, PurposeCode.JOB_RECOMMENDATIONS) or job.status != Job.Status.OPEN:
        return None
    member, _excluded = _member_for(user)
    rows = _rows([job.pk])
    if not rows:
        return None
    recommendation = job_score(rows[0], member, timezone.now(), explain=True)
    recommendation.job = job
    return recommendation


def _member_for(user: User) -> tuple[MemberFacts, set[Any]]:
    """The member's scoring inputs and the jobs never to recommend (dismissed, applied)."""
    profile = (
        CareerProfile.objects.select_related("preference")
        .prefetch_related(
            Prefetch("skills", queryset=ProfileSkill.objects.select_related("skill")),
            Prefetch("employments", queryset=Employment.objects.filter(is_current=True)),
        )
        .filter(user_id=user.pk)
        .first()
    )
    marked = ActivityEvent.objects.filter(
        user_id=user.pk,
        kind__in=[ActivityEvent.Kind.SAVED, ActivityEvent.Kind.DISMISSED],
        job__isnull=False,
    ).values_list("job_id", "kind")
    applied = Application.objects.filter(applicant_id=user.pk).values_list(
        "job_id", Value(ActivityEvent.Kind.APPLIED)
    )
    marks = list(marked.order_by().union(applied.order_by(), all=True))
    saved = [job_id for job_id, kind in marks if kind == ActivityEvent.Kind.SAVED]
    excluded = {job_id for job_id, kind in marks if kind != ActivityEvent.Kind.SAVED}
    return _member(profile, saved_job_ids=saved), excluded
