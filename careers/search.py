"""Candidate search for recruiters: the search row, the ranked query, the live re-check, profiles.

How a search runs (a fixed handful of queries, whatever N is):

1. *Rank* on the inverted index ``CandidateSearchKey`` (one posting per discoverable profile
   and key: ``s:<skill>``, ``t:<title word>``, ``l:<city>``, with the profile's filter columns
   copied in), read through the covering index ``(key, level DESC, rank DESC, profile)
   INCLUDE (years, verified, work modes)``: index-only scans, no table access. One key: walk
   its postings in relevance order and stop after K. Several: sum each profile's postings over
   the keys' ranges ("all of": every required key present; "any of": at least one skill).
   No key: walk the search rows' partial ``(rank DESC, profile)`` index. Relevance is
   ``60 * sum(proficiency of matched skills) + rank`` (rank: verified 25 + years up to 30),
   ties by profile id, so the order is total and pages are stable. Only the top ``K`` rows are
   fetched (K = a little more than the rows up to the requested page).
2. *Re-check live* those K profiles against the sources of truth: consent for
   ``candidate_discovery`` (``consent.selectors.consented_user_ids``, in SQL), the profile's
   visibility, and the hide-from-current-employer rule on the member's current employments.
   A withdrawal therefore hides the member at once, even before their search row is refreshed.
   If too few pass, K grows and step 1 repeats (rare: the postings already mirror visibility).
3. Card details (public id, skills, badge) for the page's rows from ``CandidateSearchIndex``.

Pagination is bounded (``MAX_PAGE``): recruiters narrow filters rather than page to 10,000.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from careers.discovery import (  # noqa: F401 (part of this module's interface)
    DISCOVERABLE_VISIBILITIES,
    discoverable_profiles,
    employment_at,
    hiding_employers,
)
from config.errors import ApplicationError
from consent.purposes import PurposeCode

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE = 50
# Results are counted exactly up to COUNT_CAP (ten pages); beyond, "more than 200". Every
# counted candidate is re-checked live (consent, visibility, the hide rule), one index probe
# each, so the cap bounds the cost of a search whatever N is.
COUNT_CAP = 10 * PAGE_SIZE
SORTS = ("relevance", "recent", "years")
MAX_SKILLS = 10
MAX_TERMS = 6
# Relevance: one proficiency point on a wanted skill outweighs the whole static rank (max 55),
# so for one skill the (level DESC, rank DESC) index order is the relevance order.
SKILL_WEIGHT = 60
SEARCH_TIMEOUT_MS = 3000
# An "any of" over popular skills groups ~150k postings at 1M profiles; 4MB (the default)
# spills that hash aggregate to disk.
SEARCH_WORK_MEM = "48MB"

_WORD = re.compile(r"[^\W_]+[+#]*", re.UNICODE)
_STOP = {"and", "of", "the", "di", "dan", "at", "for", "in", "to", "a", "an"}
REMOTE_MODES = ("onsite", "hybrid", "remote")


# --- the search row -----------------------------------------------------------------------------


def title_terms(text: str, *, limit: int = 60) -> list[str]:
    """Return the distinct lower-case words of ``text`` (titles and keywords match word by word)."""
    seen: list[str] = []
    for word in _WORD.findall(text.lower()):
        if (len(word) > 1 or not word.isalpha()) and word not in _STOP and word not in seen:
            seen.append(word)
            if len(seen) >= limit:
                break
    return seen


def place_norm(value: str) -> str:
    """Return a city name as search stores and matches it: trimmed, single-spaced, lower case."""
    return " ".join(str(value).split()).lower()[:100]


def static_rank(*, years: int, verified: bool) -> int:
    """Return the query-independent part of relevance: verified first, then experience."""
    return (25 if verified else 0) + min(max(years, 0), 30)


# Education levels a degree is read as, from its free text ("S1 Teknik Informatika", "MBA").
EDUCATION_LEVELS = {1: "secondary", 2: "diploma", 3: "bachelor", 4: "master", 5: "doctorate"}
_DEGREE_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (5, re.compile(r"\b(s3|ph\.? ?d|doctor\w*|doktor\w*|dr\.? ?sc)\b")),
    (4, re.compile(r"\b(s2|master\w*|magister|mba|m\.? ?sc|m\.? ?eng|m\.? ?kom|m\. ?m|m\. ?a)\b")),
    (
        3,
        re.compile(
            r"\b("
            r"s1|d4|bachelor\w*|sarjana|b\.? ?sc|b\.? ?eng|"
            r"b\. ?a|s\.? ?kom|s\. ?t|s\. ?e|s\. ?h|s\.? ?ked|"
            r"undergrad\w*"
            r")\b"
        ),
    ),
    (2, re.compile(r"\b(d1|d2|d3|diploma|associate|ahli madya|a\.? ?md)\b")),
    (1, re.compile(r"\b(sma|smk|ma|high school|secondary|slta)\b")),
]


def education_level(degree: str) -> int | None:
    """Return the level 1-5 (``EDUCATION_LEVELS``) a degree's text names, None if unclear."""
    text = " ".join(str(degree).lower().split())
    for level, pattern in _DEGREE_PATTERNS:
        if pattern.search(text):
            return level
    return None


def search_keys(
    *,
    skills: Iterable[tuple[int, int]],
    titles: Iterable[str],
    places: Iterable[str],
    remote_modes: Iterable[str],
    home: str = "",
    current_titles: Iterable[str] = (),
    educations: Iterable[tuple[str, str]] = (),
) -> dict[str, int]:
    """Return a profile's search keys (the source of its postings, see ``CandidateSearchKey``).

    ``titles``: every title (headline and all jobs); ``current_titles``: headline and current
    jobs; ``home``: the city the member lives in; ``places``: cities they would work in (the
    caller includes the home city); ``educations``: (degree, field of study) pairs.
    """
    keys: dict[str, int] = {}
    for skill_id, proficiency in skills:
        keys[f"s:{skill_id}"] = int(proficiency)
    for title in titles:
        for word in title_terms(title):
            keys[f"t:{word}"] = 1
    for title in current_titles:
        for word in title_terms(title):
            keys[f"tc:{word}"] = 1
    if place_norm(home):
        keys[f"c:{place_norm(home)}"] = 1
    for place in places:
        if place_norm(place):
            keys[f"l:{place_norm(place)}"] = 1
    top = 0
    for degree, field_of_study in educations:
        top = max(top, education_level(degree) or 0)
        for word in title_terms(f"{field_of_study} {degree}", limit=12):
            keys[f"f:{word}"] = 1
    for level in range(1, top + 1):
        keys[f"e:{level}"] = 1
    for mode in remote_modes:
        if mode in REMOTE_MODES:
            keys[f"r:{mode}"] = 1
    return keys


def search_postings(
    *,
    profile_id: Any,
    keys: dict[str, int],
    rank: int,
    years: int,
    verified: bool,
    active_on: date | None = None,
) -> list[Any]:
    """Return the inverted-index postings for one discoverable profile's search keys."""
    from careers.models import CandidateSearchKey

    modes = {mode: f"r:{mode}" in keys for mode in REMOTE_MODES}
    return [
        CandidateSearchKey(
            profile_id=profile_id,
            key=key[:64],
            level=level if key.startswith("s:") else 0,
            rank=rank,
            years=years,
            verified=verified,
            active_on=active_on or timezone.localdate(),
            **modes,
        )
        for key, level in keys.items()
        if not key.startswith("r:")
    ]


def verification_dates(user_ids: list[Any]) -> dict[Any, date | None]:
    """Return {user id: verified-on date or None} for the verified ones among ``user_ids``.

    Reads through the biometrics app's selectors. Until they exist (or if they fail), nobody is
    verified: a missing badge is the safe failure.
    """
    try:
        from biometrics import selectors as bio
    except ImportError:
        return {}
    if hasattr(bio, "verified_on_dates"):
        return dict(bio.verified_on_dates(user_ids=user_ids))
    if not hasattr(bio, "verified_user_ids"):
        return {}
    from careers.models import CareerProfile

    verified = CareerProfile.objects.filter(user_id__in=user_ids).filter(
        user_id__in=bio.verified_user_ids()
    )
    return dict.fromkeys(verified.values_list("user_id", flat=True))


def last_active_on(profile: Any) -> date:
    """Return the last day the member signed in or changed their career profile."""
    days = [
        timezone.localdate(moment)
        for moment in (profile.updated_at, getattr(profile.user, "last_login", None))
        if moment is not None
    ]
    return max(days) if days else timezone.localdate()


def candidate_index_touch(*, user_id: Any) -> None:
    """A member signed in: refresh their search row once a day, so "recently active" holds."""
    from careers.models import CandidateSearchIndex

    today = timezone.localdate()
    row = CandidateSearchIndex.objects.filter(user_id=user_id).values("profile_id", "active_on")
    found = row.first()
    if found is not None and found["active_on"] != today:
        candidate_index_refresh(found["profile_id"])


def candidate_index_refresh(profile_id: uuid.UUID | str) -> None:
    """Rebuild one profile's search row from its profile, skills, jobs and preferences.

    Called by the careers profile services after every change (on commit); call it too when
    something else feeding the row changes (a verification decision). Deletes the row if the
    profile is gone.
    """
    from careers.models import (
        CandidateSearchIndex,
        CandidateSearchKey,
        CareerProfile,
        JobPreference,
    )

    profile = (
        CareerProfile.objects.filter(pk=profile_id)
        .select_related("user")
        .prefetch_related("skills", "employments", "educations")
        .first()
    )
    if profile is None:
        CandidateSearchKey.objects.filter(profile_id=profile_id).delete()
        CandidateSearchIndex.objects.filter(profile_id=profile_id).delete()
        return
    preference = JobPreference.objects.filter(profile_id=profile.pk).first()
    verified_on = verification_dates([profile.user_id])
    verified = profile.user_id in verified_on
    years = int(profile.years_experience or 0)
    employments = list(profile.employments.all())
    keys = search_keys(
        skills=[(s.skill_id, s.proficiency) for s in profile.skills.all()],
        titles=[profile.headline, *(e.title for e in employments)],
        current_titles=[profile.headline, *(e.title for e in employments if e.is_current)],
        home=profile.location_city,
        places=[profile.location_city, *((preference.locations if preference else []) or [])],
        remote_modes=(preference.remote_modes if preference else []) or [],
        educations=[(e.degree, e.field) for e in profile.educations.all()],
    )
    discoverable = profile.visibility in DISCOVERABLE_VISIBILITIES
    rank = static_rank(years=years, verified=verified)
    active_on = last_active_on(profile)
    with transaction.atomic():
        CandidateSearchIndex.objects.update_or_create(
            profile_id=profile.pk,
            defaults={
                "public_id": profile.public_id,
                "user_id": profile.user_id,
                "discoverable": discoverable,
                "years": years,
                "verified": verified,
                "verified_on": verified_on.get(profile.user_id),
                "rank": rank,
                "active_on": active_on,
                "keys": keys,
                "updated_at": timezone.now(),
            },
        )
        CandidateSearchKey.objects.filter(profile_id=profile.pk).delete()
        if discoverable:
            CandidateSearchKey.objects.bulk_create(
                search_postings(
                    profile_id=profile.pk,
                    keys=keys,
                    rank=rank,
                    years=years,
                    verified=verified,
                    active_on=active_on,
                )
            )


def candidate_index_refresh_for_user(*, user_id: uuid.UUID | str) -> None:
    """Rebuild the search row of this member's profile, if they have one (verification hook)."""
    from careers.models import CareerProfile

    profile_id = CareerProfile.objects.filter(user_id=user_id).values_list("pk", flat=True).first()
    if profile_id is not None:
        candidate_index_refresh(profile_id)


def candidate_index_rebuild(*, batch_size: int = 500) -> int:
    """Rebuild every profile's search row (after a ranking change); return how many."""
    from careers.models import CareerProfile

    count = 0
    for profile_id in CareerProfile.objects.values_list("pk", flat=True).iterator(batch_size):
        candidate_index_refresh(profile_id)
        count += 1
    return count


# --- the query ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateQuery:
    """Validated search filters (build with ``careers.forms_recruiter.CandidateSearchForm``)."""

    skills: tuple[str, ...] = ()
    match: str = "all"
    q: str = ""
    title_scope: str = "any"  # "any": headline or any job title; "current": headline, current jobs
    location: str = ""  # lives in
    work_location: str = ""  # willing to work in (wanted locations, or lives there)
    remote: str = ""
    min_years: int | None = None
    verified: bool = False
    education: int | None = None  # this level (EDUCATION_LEVELS) or higher
    field_of_study: str = ""
    active_days: int | None = None  # signed in or changed their profile in the last N days
    sort: str = "relevance"  # or "recent", "years"
    page: int = 1

    def as_params(self, *, page: int | None = None) -> dict[str, Any]:
        """Return the filters as query-string parameters (saved searches, page links)."""
        params: dict[str, Any] = {}
        if self.skills:
            params["skills"] = ",".join(self.skills)
            params["match"] = self.match
        if self.q:
            params["q"] = self.q
            if self.title_scope != "any":
                params["title_scope"] = self.title_scope
        for name in ("location", "work_location", "remote"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        for name in ("min_years", "education", "active_days"):
            if getattr(self, name) is not None:
                params[name] = getattr(self, name)
        if self.field_of_study:
            params["field_of_study"] = self.field_of_study
        if self.verified:
            params["verified"] = "true"
        if self.sort != "relevance":
            params["sort"] = self.sort
        if page is not None and page > 1:
            params["page"] = page
        return params

    def active_since(self) -> date | None:
        """Return the earliest last-active day the filter accepts, None without the filter."""
        if self.active_days is None:
            return None
        return timezone.localdate() - timedelta(days=self.active_days)


@dataclass(frozen=True)
class SkillChip:
    """A skill on a result card; ``matched`` when the recruiter searched for it."""

    name: str
    proficiency: int
    matched: bool


@dataclass(frozen=True)
class CandidateCard:
    """What a search result shows: no name, no contact, no account id."""

    public_id: uuid.UUID
    headline: str
    city: str
    years: int
    skills: list[SkillChip]
    verified: bool
    verified_on: date | None
    score: int
    active_on: date | None = None


@dataclass(frozen=True)
class CandidatePage:
    """One page of results and how to move on."""

    cards: list[CandidateCard]
    page: int
    page_size: int
    has_next: bool
    unknown_skills: list[str] = field(default_factory=list)
    searched_skills: list[str] = field(default_factory=list)
    # Members who match and may be shown, counted exactly up to COUNT_CAP ("more than" beyond).
    total: int = 0
    total_capped: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def pages(self) -> int:
        """How many pages the counted results fill (at most MAX_PAGE); beyond the exact count,
        at least one more than this page while there is a next one."""
        counted = max(1, -(-self.total // self.page_size))
        if self.total_capped:
            counted = max(counted, self.page + (1 if self.has_next else 0))
        return min(MAX_PAGE, counted)

    def page_numbers(self) -> list[int | None]:
        """Page links to show: first, last, and two either side of this one (None: a gap)."""
        wanted = {1, self.pages, *range(self.page - 2, self.page + 3)}
        shown = sorted(n for n in wanted if 1 <= n <= self.pages)
        numbers: list[int | None] = []
        for n in shown:
            if numbers and n - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def _ranked(query: CandidateQuery, skill_ids: list[int]) -> Any:
    """Return (profile_id, score) rows, best first, for the filters; see the module docstring.

    Three shapes: no key to match (walk the search rows' partial rank index), one key (walk
    its postings in index order), several keys (sum each profile's postings over the keys'
    index ranges; "all of" needs every required key, "any of" at least one skill).
    """
    from careers.models import CandidateSearchIndex, CandidateSearchKey

    required: list[str] = []
    optional: list[str] = []
    if skill_ids:
        skill_keys = [f"s:{i}" for i in skill_ids]
        if query.match == "any" and len(skill_keys) > 1:
            optional = skill_keys
        else:
            required += skill_keys
    title_key = "tc" if query.title_scope == "current" else "t"
    required += [f"{title_key}:{w}" for w in title_terms(query.q, limit=MAX_TERMS)]
    if query.location:
        required.append(f"c:{place_norm(query.location)}")
    if query.work_location:
        required.append(f"l:{place_norm(query.work_location)}")
    if query.education:
        required.append(f"e:{int(query.education)}")
    required += [f"f:{w}" for w in title_terms(query.field_of_study, limit=MAX_TERMS)]
    filters = Q()
    if query.min_years:
        filters &= Q(years__gte=query.min_years)
    if query.verified:
        filters &= Q(verified=True)
    since = query.active_since()
    if since is not None:
        filters &= Q(active_on__gte=since)

    if not required and not optional:
        rows = CandidateSearchIndex.objects.filter(filters, discoverable=True)
        if query.remote:
            rows = rows.filter(keys__has_key=f"r:{query.remote}")
        # Same expressions as the partial indexes: walk one, stop after K rows.
        order = {
            "years": [F("years").desc(), F("rank").desc()],
            "recent": [F("active_on").desc(), F("rank").desc()],
        }.get(query.sort, [F("rank").desc()])
        return rows.order_by(*order, "profile_id").values(
            "profile_id", "years", "active_on", score=F("rank")
        )

    if query.remote:
        filters &= Q(**{query.remote: True})
    if len(required) == 1 and not optional:
        first = {
            "years": [F("years").desc()],
            "recent": [F("active_on").desc()],
        }.get(query.sort, [])
        return (
            CandidateSearchKey.objects.filter(filters, key=required[0])
            .order_by(*first, "-level", "-rank", "profile_id")
            .values("profile_id", "years", "active_on", score=F("level") * SKILL_WEIGHT + F("rank"))
        )
    return _KeyJoin(query=query, required=required, optional=optional)


class _KeyJoin:
    """Several keys: a self-join of the postings, one alias per required key.

    Written as joins (not one GROUP BY over every key's range) so the planner picks the rarest
    key to drive from and probes the others through the (profile, key) primary key: "Python
    and Django in Jakarta" reads the Django range, not all of Jakarta. "Any of" skills are
    summed per profile over their ranges, joined to the required keys the same way.
    """

    def __init__(self, *, query: CandidateQuery, required: list[str], optional: list[str]) -> None:
        from careers.models import CandidateSearchKey

        self.table = connection.ops.quote_name(CandidateSearchKey._meta.db_table)
        self.query = query
        self.required = required
        self.optional = optional

    def _filters(self, alias: str) -> tuple[str, list[Any]]:
        sql, params = [], []
        if self.query.min_years:
            sql.append(f"{alias}.years >= %s")
            params.append(self.query.min_years)
        if self.query.verified:
            sql.append(f"{alias}.verified = %s")
            params.append(True)
        if self.query.remote in REMOTE_MODES:
            sql.append(f"{alias}.{self.query.remote} = %s")
            params.append(True)
        since = self.query.active_since()
        if since is not None:
            sql.append(f"{alias}.active_on >= %s")
            params.append(since)
        return "".join(f" AND {clause}" for clause in sql), params

    def _sql(self, limit: int) -> tuple[str, list[Any]]:
        t = self.table
        if self.optional:
            base, keys = "o", self.optional
        else:
            base, keys = "r0", self.required[:1]
        joined = [k for k in self.required if keys != [k]] if not self.optional else self.required
        joins, params = [], []
        for n, key in enumerate(joined, start=1):
            joins.append(f"JOIN {t} j{n} ON j{n}.profile_id = {base}.profile_id AND j{n}.key = %s")
            params.append(key)
        filter_sql, filter_params = self._filters(base)
        marks = ", ".join(["%s"] * len(keys))
        where = f"WHERE {base}.key IN ({marks}){filter_sql}"
        params += [*keys, *filter_params]
        source = f"FROM {t} {base} {' '.join(joins)} {where}"
        # Identifiers and the weight come from this module; every value is a parameter.
        if self.optional:
            # Required keys carry level 0, so the sum is over the matched skills only.
            score = f"SUM({base}.level) * {SKILL_WEIGHT} + MAX({base}.rank)"
            years, active = f"MAX({base}.years)", f"MAX({base}.active_on)"
            select = (
                f"SELECT {base}.profile_id, {score} AS score, {years} AS years, "  # noqa: S608
                f"{active} AS active_on {source} GROUP BY {base}.profile_id"
            )
        else:
            # Only skill postings carry a level; leaving the others out keeps their probes
            # index-only on the (profile, key) primary key.
            levels = " + ".join(
                [
                    f"{base}.level",
                    *(f"j{n}.level" for n, k in enumerate(joined, start=1) if k.startswith("s:")),
                ]
            )
            score = f"({levels}) * {SKILL_WEIGHT} + {base}.rank"
            years, active = f"{base}.years", f"{base}.active_on"
            select = (
                f"SELECT {base}.profile_id, {score} AS score, {years} AS years, "  # noqa: S608
                f"{active} AS active_on {source}"
            )
        first = {"years": f"{years} DESC, ", "recent": f"{active} DESC, "}
        order = first.get(self.query.sort, "")
        sql = f"{select} ORDER BY {order}score DESC, {base}.profile_id LIMIT %s"
        return sql, [*params, limit]


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _rank_sql(ranked: Any, limit: int) -> tuple[str, list[Any]]:
    """Return the SQL of the top ``limit`` rows of a ranked query (a QuerySet or a key join)."""
    if isinstance(ranked, _KeyJoin):
        return ranked._sql(limit)
    sql, params = ranked[:limit].query.sql_with_params()
    return sql, list(params)


def _sort_key(sort: str) -> Any:
    """The order the rank step produced, to keep it after the live re-check."""
    if sort == "years":
        return lambda r: (-r["years"], -r["score"], r["profile_id"])
    if sort == "recent":
        return lambda r: (
            r["active_on"] is None,
            -(r["active_on"].toordinal() if r["active_on"] else 0),
            -r["score"],
            r["profile_id"],
        )
    return lambda r: (-r["score"], r["profile_id"])


def _ranked_live(
    query: CandidateQuery, ranked: Any, *, limit: int, employer: Any, hidden_from: list[Any]
) -> list[dict[str, Any]]:
    """Return the top ``limit`` ranked rows, each with ``live``: may this employer see them now.

    One statement: the rank query (LIMIT inside, so the check runs on those rows only) and,
    per row, the live re-check (consent, visibility, hide rule) as an EXISTS on its profile.
    """
    rank_sql, rank_params = _rank_sql(ranked, limit)
    check = discoverable_profiles(
        employer=employer, profile_ids=RawSQL("r.profile_id", ()), hidden_from=hidden_from
    ).values("pk")
    check_sql, check_params = check.query.sql_with_params()
    sql = (
        f"SELECT r.profile_id, r.score, r.years, r.active_on, EXISTS ({check_sql}) "  # noqa: S608
        f"FROM ({rank_sql}) r"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*check_params, *rank_params])
        rows = [
            {
                "profile_id": _as_uuid(profile_id),
                "score": int(score),
                "years": int(years or 0),
                "active_on": _as_date(active_on),
                "live": bool(live),
            }
            for profile_id, score, years, active_on, live in cursor.fetchall()
        ]
    rows.sort(key=_sort_key(query.sort))
    return rows


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _timeout_guard() -> None:
    """Bound every search statement, and let "any of" aggregate in memory (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(SEARCH_TIMEOUT_MS)}")
            cursor.execute(f"SET LOCAL work_mem = '{SEARCH_WORK_MEM}'")


def candidate_search(
    *, employer: Any, query: CandidateQuery, page_size: int = PAGE_SIZE
) -> CandidatePage:
    """Return one page of candidates ``employer`` may discover, most relevant first.

    Unknown skills: with "all of" nobody can match, so the page is empty; with "any of" they are
    ignored. Both cases report them in ``unknown_skills``.
    """
    from careers.selectors import skill_lookup

    page = max(1, min(query.page, MAX_PAGE))
    lookup = skill_lookup(list(query.skills)) if query.skills else {}
    unknown = [name for name, skill in lookup.items() if skill is None]
    skill_ids: list[int] = []
    names: list[str] = []
    for skill in lookup.values():
        if skill is not None and skill.pk not in skill_ids:
            skill_ids.append(skill.pk)
            names.append(skill.name)
    empty = CandidatePage(
        cards=[], page=page, page_size=page_size, has_next=False,
        unknown_skills=unknown, searched_skills=names,
    )  # fmt: skip
    if query.skills and (not skill_ids or (query.match == "all" and unknown)):
        return empty

    offset = (page - 1) * page_size
    # Count every shown-able match up to the cap: one more than the cap says "more than".
    # Read half as many again: some ranked rows fail the live re-check (no consent, hiding).
    wanted = max(offset + page_size, COUNT_CAP) + 1
    fetch = wanted + wanted // 2
    hidden_from = hiding_employers(employer=employer)
    try:
        with transaction.atomic():
            _timeout_guard()
            ranked = _ranked(query, skill_ids)
            while True:
                batch = _ranked_live(
                    query, ranked, limit=fetch, employer=employer, hidden_from=hidden_from
                )
                passed = [r for r in batch if r["live"]]
                # Enough, or nothing more to read, or the postings disagree with the live
                # state so much that reading on is not worth it (the count says "at least").
                exhausted = len(batch) < fetch
                if len(passed) >= wanted or exhausted or fetch >= 16 * wanted:
                    break
                fetch *= 4
            rows = passed[offset : offset + page_size]
            details = {
                row["pk"]: row
                for row in discoverable_profiles(
                    employer=employer,
                    profile_ids=[r["profile_id"] for r in rows],
                    hidden_from=hidden_from,
                ).values("pk", "headline", "location_city")
            }
    except OperationalError as exc:
        if connection.vendor != "postgresql" or "statement timeout" not in str(exc):
            raise
        logger.warning("candidate search timed out: %s", query.as_params())
        raise ApplicationError(
            _("This search took too long. Add a skill, a city or another filter and try again."),
            code="search_timeout",
            status_code=503,
        ) from exc

    rows = [r for r in rows if r["profile_id"] in details]
    cards = _cards(rows, details, set(skill_ids))
    return CandidatePage(
        cards=cards,
        page=page,
        page_size=page_size,
        has_next=len(passed) > offset + page_size and page < MAX_PAGE,
        unknown_skills=unknown,
        searched_skills=names,
        total=min(len(passed), COUNT_CAP),
        total_capped=len(passed) > COUNT_CAP or not exhausted,
    )


def _cards(ranked: list[dict], live: dict, wanted: set[int]) -> list[CandidateCard]:
    from careers.models import CandidateSearchIndex, Skill

    details = {
        row["profile_id"]: row
        for row in CandidateSearchIndex.objects.filter(
            pk__in=[r["profile_id"] for r in ranked]
        ).values("profile_id", "public_id", "keys", "verified", "verified_on", "years", "active_on")
    }
    rows = [
        {**details[r["profile_id"]], "score": r["score"]}
        for r in ranked
        if r["profile_id"] in details
    ]
    chips_by_row = []
    skill_ids: set[int] = set()
    for row in rows:
        skills = [
            (int(key[2:]), int(value))
            for key, value in (row["keys"] or {}).items()
            if key.startswith("s:")
        ]
        skills.sort(key=lambda item: (item[0] not in wanted, -item[1], item[0]))
        skills = skills[:8]
        chips_by_row.append(skills)
        skill_ids.update(skill_id for skill_id, _level in skills)
    names = dict(Skill.objects.filter(pk__in=skill_ids).values_list("pk", "name"))
    cards = []
    for row, skills in zip(rows, chips_by_row, strict=True):
        profile = live[row["profile_id"]]
        cards.append(
            CandidateCard(
                public_id=row["public_id"],
                headline=profile["headline"],
                city=profile["location_city"],
                years=row["years"],
                skills=[
                    SkillChip(name=names[i], proficiency=level, matched=i in wanted)
                    for i, level in skills
                    if i in names
                ],
                verified=row["verified"],
                verified_on=row["verified_on"],
                score=row["score"],
                active_on=row["active_on"],
            )
        )
    return cards


# --- the full profile ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateProfile:
    """A full profile as one recruiter may see it, and why they may."""

    public_id: uuid.UUID
    source: str  # "discovery" (live profile) or "application" (snapshot shared on apply)
    data: dict[str, Any]
    verified: bool
    verified_on: date | None
    shared_at: Any = None


def _uuid_or_404(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


@transaction.atomic
def candidate_get_for_recruiter(*, user: Any, employer: Any, public_id: Any) -> CandidateProfile:
    """Return a candidate's full profile if ``user`` (a recruiter of ``employer``) may see it.

    Allowed when the member is discoverable by this employer right now (live profile), or
    applied to one of its jobs and ``user`` holds the grant (the snapshot they shared). Anything
    else, including a random id, raises the same 404. Every view is written to the member's
    access log in this transaction.
    """
    from careers.models import CareerProfile
    from careers.selectors import applications_granted_to, profile_public_dict
    from consent.services import access_record

    pid = _uuid_or_404(public_id)
    profile = CareerProfile.objects.filter(public_id=pid).select_related("user").first()
    if profile is None:
        raise Http404
    # Names only, no words: the member reads this label in their own language, later.
    label = f"{getattr(user, 'display_name', '') or user} ({employer.name})"
    dates = verification_dates([profile.user_id])
    if discoverable_profiles(employer=employer, profile_ids=[profile.pk]).exists():
        profile = (
            CareerProfile.objects.filter(pk=profile.pk)
            .select_related("user")
            .prefetch_related("employments", "educations", "skills__skill")
            .get()
        )
        data = profile_public_dict(profile)
        access_record(
            accessor=user,
            subject=profile.user,
            category="career profile",
            purpose=PurposeCode.CANDIDATE_DISCOVERY,
            detail=employer.name,  # "why" (the purpose) is worded when the member reads it
            detail_key="employer_viewed_profile",
            detail_params={"employer": employer.name},
            accessor_label=label,
        )
        return CandidateProfile(
            public_id=pid,
            source="discovery",
            data=data,
            verified=profile.user_id in dates,
            verified_on=dates.get(profile.user_id),
        )
    application = (
        applications_granted_to(user=user)
        .filter(applicant_id=profile.user_id, job__employer_id=employer.pk)
        .select_related("job")
        .order_by("-created_at")
        .first()
    )
    if application is None or not application.profile_snapshot:
        raise Http404
    access_record(
        accessor=user,
        subject=profile.user,
        category="career profile (application)",
        purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS,
        detail=f"{employer.name}: {application.job.title}",
        detail_key="employer_viewed_application",
        detail_params={"employer": employer.name, "job": application.job.title},
        accessor_label=label,
    )
    return CandidateProfile(
        public_id=pid,
        source="application",
        data=application.profile_snapshot,
        verified=profile.user_id in dates,
        verified_on=dates.get(profile.user_id),
        shared_at=application.created_at,
    )


# --- which employer a recruiter acts for --------------------------------------------------------


def recruiter_employers(*, user: Any) -> list[Any]:
    """Return the employers ``user`` belongs to (owner or recruiter), by name."""
    from accounts.selectors import employer_list, user_employer_ids

    ids = user_employer_ids(user=user)
    return list(employer_list(ids=ids).order_by("name")) if ids else []


def recruiter_employer(*, user: Any, employer_id: Any = None) -> Any | None:
    """Return the employer ``user`` acts for: the one asked for if theirs, else their first.

    None when ``user`` belongs to no employer, or asked for one that is not theirs.
    """
    employers = recruiter_employers(user=user)
    if not employers:
        return None
    if employer_id in (None, ""):
        return employers[0]
    return next((e for e in employers if str(e.pk) == str(employer_id)), None)


# --- saved searches -----------------------------------------------------------------------------


def saved_searches_for(*, employer: Any) -> QuerySet:
    """Return the employer's saved searches, by name (shared by its recruiters)."""
    from careers.models import SavedSearch

    return SavedSearch.objects.filter(employer_id=employer.pk).order_by("name")


def saved_search_get(*, employer: Any, saved_search_id: Any) -> Any:
    """Return one of the employer's saved searches, else 404 (same for another employer's)."""
    pk = _uuid_or_404(saved_search_id)
    found = saved_searches_for(employer=employer).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@transaction.atomic
def saved_search_create(*, employer: Any, actor: Any, name: str, query: CandidateQuery) -> Any:
    """Save ``query`` (without its page) under ``name`` for the employer's recruiters."""
    from careers.models import SavedSearch

    name = " ".join(str(name).split())[:120]
    if not name:
        raise ApplicationError(
            _("Give the search a name."), fields={"name": [_("This field is required.")]}
        )
    if saved_searches_for(employer=employer).filter(name__iexact=name).exists():
        raise ApplicationError(
            _("A saved search with this name already exists."),
            code="duplicate",
            fields={"name": [_("A saved search with this name already exists.")]},
        )
    return SavedSearch.objects.create(
        employer=employer, created_by=actor, name=name, params=query.as_params()
    )


@transaction.atomic
def saved_search_delete(*, employer: Any, saved_search_id: Any) -> None:
    """Delete one of the employer's saved searches (404 if it is not theirs)."""
    saved_search_get(employer=employer, saved_search_id=saved_search_id).delete()
