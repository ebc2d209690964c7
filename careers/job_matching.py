"""How well a job fits a member: the recommendation score and its reasons (no database).

Score out of 100, in parts a person can check:
skills 45 (overlap weighted by the job's weights, required counting double, scaled by the
member's proficiency), title 15, place and work mode 10, salary 10, seniority 10, recency 5,
engagement 5 (employers and skills of jobs the member saved). ``careers.selectors
.recommendations`` picks the candidate jobs and calls ``score`` on each.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careers.models import Job, JobType
from config.formatting import format_money, format_years

SENIORITY_ORDER = ["junior", "mid", "senior", "lead"]
WORD = re.compile(r"[\w+#.]+", re.UNICODE)


@dataclass(slots=True)
class JobRow:
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
class MemberFacts:
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
def words(text: str) -> frozenset[str]:
    stop = {"and", "or", "the", "of", "di", "dan", "a", "an", "-", "&"}
    return frozenset(w for w in WORD.findall(text.lower()) if w not in stop and len(w) > 1)


def expected_seniority(years: float) -> str:
    if years < 2:
        return "junior"
    if years < 5:
        return "mid"
    if years < 9:
        return "senior"
    return "lead"


def job_score(
    job: JobRow, member: MemberFacts, now: datetime, *, explain: bool = False
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
    job_words = words(job.title)
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
    expected = expected_seniority(member.years)
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
    return Recommendation(job=job, score=min(100, score), reasons=reasons, parts=parts)  # type: ignore[arg-type]  # a JobRow until the caller sets the Job
