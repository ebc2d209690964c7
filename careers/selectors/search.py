"""Candidate search for recruiters: the ranked query over the postings, the live re-check, cards.

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
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from careers.discovery import discoverable_profiles, hiding_employers
from careers.models import CandidateSearchIndex, CandidateSearchKey, Skill
from careers.search_parameters import MAX_PAGE, PAGE_SIZE, Condition
from careers.search_query import (
    FLAG_KEYS,
    POSTING_COLUMNS,
    CandidateQuery,
    card_lines,
    conditions,
    required_keys,
)
from careers.selectors.profiles import skill_lookup
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import Employer

logger = logging.getLogger(__name__)

# Results are counted exactly up to COUNT_CAP (ten pages); beyond, "more than 200". Every
# counted candidate is re-checked live (consent, visibility, the hide rule), one index probe
# each, so the cap bounds the cost of a search whatever N is.
COUNT_CAP = 10 * PAGE_SIZE
# Relevance: one proficiency point on a wanted skill outweighs the whole static rank (max 55),
# so for one skill the (level DESC, rank DESC) index order is the relevance order.
SKILL_WEIGHT = 60
SEARCH_TIMEOUT_MS = 3000
# An "any of" over popular skills groups ~150k postings at 1M profiles; 4MB (the default)
# spills that hash aggregate to disk.
SEARCH_WORK_MEM = "48MB"
SQL_LOOKUPS = {"exact": "=", "gte": ">="}


def _orm_conditions(found: list[Condition], *, on_row: bool = False) -> Q:
    """Return the conditions as a Q on the postings (``on_row``: on the search rows, where work
    modes are keys rather than columns)."""
    q = Q()
    for column, lookup, value in found:
        if on_row and column in FLAG_KEYS:
            q &= Q(keys__has_key=FLAG_KEYS[column])
        else:
            q &= Q(**{f"{column}__{lookup}": value})
    return q


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
    # What the member chose to tell employers (open to relocation, a salary band), worded.
    shared: list[str] = field(default_factory=list)


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
    required: list[str] = []
    optional: list[str] = []
    if skill_ids:
        skill_keys = [f"s:{i}" for i in skill_ids]
        if query.match == "any" and len(skill_keys) > 1:
            optional = skill_keys
        else:
            required += skill_keys
    required += required_keys(query)
    found = conditions(query)

    if not required and not optional:
        rows = CandidateSearchIndex.objects.filter(
            _orm_conditions(found, on_row=True), discoverable=True
        )
        # Same expressions as the partial indexes: walk one, stop after K rows.
        order = {
            "years": [F("years").desc(), F("rank").desc()],
            "recent": [F("active_on").desc(), F("rank").desc()],
        }.get(query.sort, [F("rank").desc()])
        return rows.order_by(*order, "profile_id").values(
            "profile_id", "years", "active_on", score=F("rank")
        )

    if len(required) == 1 and not optional:
        first = {
            "years": [F("years").desc()],
            "recent": [F("active_on").desc()],
        }.get(query.sort, [])
        return (
            CandidateSearchKey.objects.filter(_orm_conditions(found), key=required[0])
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
        self.table = connection.ops.quote_name(CandidateSearchKey._meta.db_table)
        self.query = query
        self.required = required
        self.optional = optional

    def _filters(self, alias: str) -> tuple[str, list[Any]]:
        sql, params = [], []
        for column, lookup, value in conditions(self.query):
            if column not in POSTING_COLUMNS:
                raise ValueError(f"{column} is not a posting column")
            sql.append(f"{alias}.{column} {SQL_LOOKUPS[lookup]} %s")
            params.append(value)
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
    query: CandidateQuery, ranked: Any, *, limit: int, employer: Employer, hidden_from: list[Any]
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
    *, employer: Employer, query: CandidateQuery, page_size: int = PAGE_SIZE
) -> CandidatePage:
    """Return one page of candidates ``employer`` may discover, most relevant first.

    Unknown skills: with "all of" nobody can match, so the page is empty; with "any of" they are
    ignored. Both cases report them in ``unknown_skills``.
    """
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
                shared=card_lines(row["keys"] or {}),
            )
        )
    return cards
