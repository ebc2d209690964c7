"""Explainable job recommendations: SQL picks a bounded candidate set, Python scores it.

Score out of 100, in parts a person can check:
skills 45 (overlap weighted by the job's weights, required counting double, scaled by the
member's proficiency), title 15, place and work mode 10, salary 10, seniority 10, recency 5,
engagement 5 (employers and skills of jobs the member saved). Dismissed and applied jobs are
never shown.
"""

from __future__ import annotations

import functools
import heapq
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careers.models import (
    ActivityEvent,
    Application,
    CareerProfile,
    Employment,
    Job,
    JobSkill,
    JobType,
    ProfileSkill,
)
from careers.selectors.jobs import job_queryset
from careers.selectors.profiles import preference_of
from config.formatting import format_money, format_years
from consent.purposes import PurposeCode
from consent.selectors import has_consent, require_consent

SKILLS_USED = 12  # the member's strongest skills that generate candidates
PER_SKILL = 300  # top jobs per skill, read off the (skill, job_open, -points) index
SKILL_CANDIDATES = 150  # jobs kept by summed skill points
TITLE_CANDIDATES = 50  # jobs whose title contains a wanted title
RECENT_CANDIDATES = 20  # newest jobs, so members with no skills still get something
SENIORITY_ORDER = ["junior", "mid", "senior", "lead"]
WORD = re.compile(r"[\w+#.]+", re.UNICODE)


@dataclass(slots=True)
class _JobRow:
    """The columns scoring needs, read as tuples (no model instances for ~300 candidates)."""

    pk: Any
    employer_id: Any
    employer_name: str
    title: str
    location_city: str
    remote_mode: str
    job_type: str
    salary_min: int | None
    salary_max: int | None
    currency: str
    seniority: str
    published: datetime
    skills: list[tuple[int, bool, int]] = field(default_factory=list)  # (skill, required, weight)


# Match strength bands: the list shows good and strong matches first, weaker ones on request.
STRONG_MATCH = 70
GOOD_MATCH = 50


@dataclass
class Recommendation:
    """One recommended job, its score out of 100 and the reasons behind it."""

    job: Job
    score: int
    reasons: list[str]
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def strength(self) -> str:
        """ "strong", "good" or "weak": the band the score falls in (its colour on the page)."""
        if self.score >= STRONG_MATCH:
            return "strong"
        if self.score >= GOOD_MATCH:
            return "good"
        return "weak"


@dataclass
class _Member:
    skills: dict[int, tuple[str, int]]  # skill id -> (name, proficiency 1-5)
    titles: list[str]
    wanted_titles: list[str]  # the preference titles, else the headline (candidate query)
    title_words: set[str]
    cities: set[str]
    remote_modes: set[str]
    job_types: set[str]
    min_salary: int | None
    currency: str
    years: float
    saved_jobs: set[Any]
    saved_employers: set[Any]
    saved_skills: set[int]


@functools.lru_cache(maxsize=8192)
def _words(text: str) -> frozenset[str]:
    stop = {"and", "or", "the", "of", "di", "dan", "a", "an", "-", "&"}
    return frozenset(w for w in WORD.findall(text.lower()) if w not in stop and len(w) > 1)


def _expected_seniority(years: float) -> str:
    if years < 2:
        return "junior"
    if years < 5:
        return "mid"
    if years < 9:
        return "senior"
    return "lead"


def _member(profile: CareerProfile | None, *, saved_job_ids: list[Any]) -> _Member:
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
        title_words |= _words(title)
    return _Member(
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


def _candidate_ids(member: _Member, *, excluded: set[Any]) -> list[Any]:
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


def _rows(ids: list[Any]) -> list[_JobRow]:
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
    rows = {values[0]: _JobRow(*values) for values in jobs.order_by()}
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


def _score(
    job: _JobRow, member: _Member, now: datetime, *, explain: bool = False
) -> Recommendation:
    """Score one candidate; with ``explain``, also word the reasons (only for the shortlist:
    translating ~10 strings for each of ~300 candidates costs more than the scoring)."""
    parts: dict[str, float] = {}
    reasons: list[str] = []

    def say(make: Any) -> None:
        if explain:
            reasons.append(make())

    job_skills = job.skills  # (skill id, required, weight), required and heavier first

    # Skills: each asked skill is worth its weight, double when required; a matched skill
    # earns that share scaled by proficiency (a 5/5 gets all of it, a 1/5 gets 60%).
    total = sum(weight * (2 if req else 1) for _skill, req, weight in job_skills)
    earned = 0.0
    required = [js for js in job_skills if js[1]]
    nice = [js for js in job_skills if not js[1]]
    matched_required = [js for js in required if js[0] in member.skills]
    matched_nice = [js for js in nice if js[0] in member.skills]
    for skill_id, req, weight in matched_required + matched_nice:
        proficiency = member.skills[skill_id][1]
        earned += weight * (2 if req else 1) * (0.5 + proficiency / 10)
    parts["skills"] = round(45 * earned / total, 1) if total else 0.0
    if required:
        names = ", ".join(member.skills[js[0]][0] for js in matched_required)
        if matched_required:
            say(
                lambda: (
                    ngettext(
                        "Matches %(n)d of %(total)d required skill: %(names)s",
                        "Matches %(n)d of %(total)d required skills: %(names)s",
                        len(required),
                    )
                    % {"n": len(matched_required), "total": len(required), "names": names}
                )
            )
    if matched_nice:
        say(
            lambda: (
                _("Also has %(n)d of %(total)d nice-to-have skills: %(names)s")
                % {
                    "n": len(matched_nice),
                    "total": len(nice),
                    "names": ", ".join(member.skills[js[0]][0] for js in matched_nice),
                }
            )
        )

    # Title: the share of the job title's words found in the member's wanted titles/headline.
    job_words = _words(job.title)
    title_score = 0.0
    if job_words and member.title_words:
        exact = next((t for t in member.titles if t.strip().lower() in job.title.lower()), None)
        if exact:
            title_score = 15.0
            say(lambda: _("Title matches “%(title)s”") % {"title": exact.strip()})
        else:
            overlap = job_words & member.title_words
            title_score = round(15 * len(overlap) / len(job_words), 1)
            if overlap:
                say(
                    lambda: (
                        _("Title shares words with what you look for: %(words)s")
                        % {"words": ", ".join(sorted(overlap))}
                    )
                )
    parts["title"] = title_score

    # Place and work mode.
    place = 0.0
    if job.remote_mode == Job.RemoteMode.REMOTE and (
        not member.remote_modes or Job.RemoteMode.REMOTE in member.remote_modes
    ):
        place = 10.0
        say(lambda: _("Remote work"))
    elif job.location_city and job.location_city.strip().lower() in member.cities:
        fits_mode = not member.remote_modes or job.remote_mode in member.remote_modes
        place = 10.0 if fits_mode else 5.0
        say(lambda: _("In %(city)s, where you want to work") % {"city": job.location_city})
    elif not member.cities and not member.remote_modes:
        place = 5.0
    if member.job_types and job.job_type in member.job_types:
        say(lambda: _("%(type)s, as you prefer") % {"type": JobType(job.job_type).label})
    elif member.job_types:
        place = max(0.0, place - 5)
    parts["place"] = place

    # Salary against the member's minimum (same currency only).
    salary = 5.0
    if member.min_salary and job.currency == member.currency:
        top = job.salary_max or job.salary_min
        if top is None:
            salary = 5.0
        elif top >= member.min_salary:
            salary = 10.0
            say(
                lambda: (
                    _("Pays up to %(amount)s, above your minimum")
                    % {"amount": format_money(top, job.currency)}
                )
            )
        else:
            salary = 0.0
    parts["salary"] = salary

    # Seniority against years of experience.
    expected = _expected_seniority(member.years)
    distance = abs(SENIORITY_ORDER.index(job.seniority) - SENIORITY_ORDER.index(expected))
    parts["seniority"] = {0: 10.0, 1: 5.0}.get(distance, 0.0)
    if distance == 0 and member.years:
        say(
            lambda: (
                _("%(level)s role fits your experience (%(years)s)")
                % {"level": Job.Seniority(job.seniority).label, "years": format_years(member.years)}
            )
        )

    # Recency: full marks on the day, nothing after 60 days.
    age_days = max(0.0, (now - job.published).total_seconds() / 86400)
    parts["recency"] = round(5 * max(0.0, 1 - age_days / 60), 1)
    if age_days < 7:
        say(
            lambda: (
                ngettext("Posted %(n)d day ago", "Posted %(n)d days ago", int(age_days))
                % {"n": int(age_days)}
                if age_days >= 1
                else _("Posted today")
            )
        )

    # Engagement: jobs the member saved say what they like.
    engagement = 0.0
    if job.pk in member.saved_jobs:
        engagement = 5.0
        say(lambda: _("You saved this job"))
    elif job.employer_id in member.saved_employers:
        engagement += 3
        say(lambda: _("You saved another job at %(employer)s") % {"employer": job.employer_name})
    shared = {js[0] for js in job_skills} & member.saved_skills
    if shared and job.pk not in member.saved_jobs:
        engagement += min(2.0, len(shared) / 2)
        if job.employer_id not in member.saved_employers:
            say(lambda: _("Similar to jobs you saved"))
    parts["engagement"] = engagement

    score = int(round(sum(parts.values())))
    # The job itself is attached by the caller, for the few that make the list.
    return Recommendation(job=job, score=min(100, score), reasons=reasons, parts=parts)  # type: ignore[arg-type]


def jobs_recommended(*, user: Any, limit: int = 20) -> list[Recommendation]:
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
        ((_score(row, member, now).score, row) for row in rows),
        key=lambda pair: (-pair[0], -pair[1].published.timestamp()),
    )[:limit]
    jobs = job_queryset().in_bulk([row.pk for _score_value, row in ranked])
    shortlist = []
    for _score_value, row in ranked:
        recommendation = _score(row, member, now, explain=True)
        recommendation.job = jobs[row.pk]
        shortlist.append(recommendation)
    return shortlist


def job_recommendation(*, user: Any, job: Job) -> Recommendation | None:
    """How well one job matches the member, with reasons; None without the consent.

    The job page shows this; a job the member dismissed or applied to is still scored.
    """
    if not has_consent(user, PurposeCode.JOB_RECOMMENDATIONS) or job.status != Job.Status.OPEN:
        return None
    member, _excluded = _member_for(user)
    rows = _rows([job.pk])
    if not rows:
        return None
    recommendation = _score(rows[0], member, timezone.now(), explain=True)
    recommendation.job = job
    return recommendation


def _member_for(user: Any) -> tuple[_Member, set[Any]]:
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
