"""The candidate-search vocabulary: every recruiter filter, declared once (declarations only).

A ``CandidateFilter`` (``careers.search_parameters``) says everything about one query-string
parameter, and everything else reads it from ``PARAMETERS``: the portal's and the API's form
(``careers.forms.recruiter``), the query and its query string (``careers.search_query``), the
OpenAPI parameters (``careers.api.recruiter``), the keys a profile is indexed under and the
posting columns (``search_query.search_keys`` / ``POSTING_COLUMNS``, used by the index writer and
``careers_bench``), the ORM and raw-SQL conditions (``careers.selectors.search``), the lines a
result card shows (``show``) and the sentence a saved search reads as (``careers.search_text``).
To add a filter, add a declaration here; see docs/ARCHITECTURE.md for the recipe.

A filter matches in one of two ways:

* **keys**: ``index`` gives each profile keys (``"l:jakarta"``), ``keys`` turns a query into the
  keys a candidate must all have. New keys need no schema change, only a rebuild of the search
  rows (``manage.py careers_index_rebuild``).
* **columns**: ``where`` compares search-row columns that every posting copies (``columns``) or
  boolean posting columns read from keys (``flags``). A new column needs a model field too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from careers.search_parameters import (
    MAX_PAGE,
    MAX_TERMS,
    SORTS,
    CandidateFilter,
    ProfileFacts,
    city_key,
    clean_bool,
    clean_skills,
    education_keys,
    field_keys,
    join_words,
    squash,
    text_filter,
    title_keys,
)
from careers.search_terms import (
    REMOTE_MODES,
    place_norm,
    title_terms,
)

# --- the salary expectation band ------------------------------------------------------------

# Salary expectation bands (monthly, IDR), lower bound inclusive: a member who shares their
# expectation is found by its band, never by the amount.
SALARY_BANDS = {1: 0, 2: 5_000_000, 3: 10_000_000, 4: 20_000_000, 5: 40_000_000}


def salary_band(amount: int | None, currency: str) -> int | None:
    """Return the band 1-5 (``SALARY_BANDS``) a monthly amount in IDR falls in, else None."""
    if amount is None or currency.upper() != "IDR":
        return None
    return max(band for band, floor in SALARY_BANDS.items() if amount >= floor)


def _salary_keys(facts: ProfileFacts) -> dict[str, int]:
    """Return the salary band key (``sb:``), only if the member shares their expectation."""
    preference = facts.preference
    if preference is None or not preference.share_salary:
        return {}
    band = salary_band(preference.min_salary, preference.currency)
    return {f"sb:{band}": 1} if band else {}


def salary_band_labels() -> list[tuple[int, Any]]:
    """Return each salary band with its label, lowest first."""
    return [
        (1, gettext_lazy("under IDR 5 million")),
        (2, gettext_lazy("IDR 5-10 million")),
        (3, gettext_lazy("IDR 10-20 million")),
        (4, gettext_lazy("IDR 20-40 million")),
        (5, gettext_lazy("IDR 40 million or more")),
    ]


# --- the declarations (form order; the sentence follows ``sentence_order``) ---------------------

FILTERS: list[CandidateFilter] = [
    CandidateFilter(
        name="skills",
        form_field=lambda: forms.CharField(
            label=gettext_lazy("Skills"),
            required=False,
            max_length=600,
            help_text=gettext_lazy(
                "Comma-separated, e.g. Python, Django. Aliases work (JS, k8s, Akuntansi)."
            ),
        ),
        default=(),
        help="Comma-separated skills; aliases understood.",
        clean=clean_skills,
        coerce=lambda value: tuple(value or ()),
        param=lambda q: ",".join(q.skills) if q.skills else None,
        # Matched by the search itself: names become skill ids, "any of" sums levels.
        index=lambda facts: {f"s:{skill_id}": int(level) for skill_id, level in facts.skills},
        describe=lambda q: (
            join_words(list(q.skills), _("and") if q.match == "all" else _("or"))
            if q.skills
            else None
        ),
        sentence_order=10,
    ),
    CandidateFilter(
        name="match",
        form_field=lambda: forms.ChoiceField(
            label=gettext_lazy("Match"),
            required=False,
            choices=[
                ("all", gettext_lazy("All of these skills")),
                ("any", gettext_lazy("Any of these skills")),
            ],
        ),
        default="all",
        enum=("all", "any"),
        clean=lambda value: value or "all",
        param=lambda q: q.match if q.skills else None,
    ),
    CandidateFilter(
        name="q",
        form_field=lambda: forms.CharField(
            label=gettext_lazy("Title keywords"), required=False, max_length=200
        ),
        help="Title keywords (all must match).",
        clean=squash,
        index=title_keys,
        keys=lambda q: [
            f"{'tc' if q.title_scope == 'current' else 't'}:{word}"
            for word in title_terms(q.q, limit=MAX_TERMS)
        ],
        describe=lambda q: (
            None
            if not q.q
            else (
                _("current title “%(words)s”")
                if q.title_scope == "current"
                else _("title “%(words)s”")
            )
            % {"words": q.q}
        ),
        sentence_order=20,
    ),
    CandidateFilter(
        name="title_scope",
        form_field=lambda: forms.ChoiceField(
            label=gettext_lazy("Title held"),
            required=False,
            choices=[("any", gettext_lazy("Now or in the past")), ("current", gettext_lazy("Now"))],
        ),
        default="any",
        enum=("any", "current"),
        help="Match q in any title (default) or only the headline and current jobs.",
        param=lambda q: q.title_scope if q.q and q.title_scope != "any" else None,
    ),
    CandidateFilter(
        **text_filter(
            "location",
            gettext_lazy("Lives in"),
            100,
            help_text=gettext_lazy("The city the member lives in."),
        ),
        help="Lives in this city.",
        index=lambda facts: city_key("c", facts.home),
        keys=lambda q: [f"c:{place_norm(q.location)}"] if q.location else [],
        describe=lambda q: _("lives in %(city)s") % {"city": q.location} if q.location else None,
        sentence_order=40,
    ),
    CandidateFilter(
        **text_filter(
            "work_location",
            gettext_lazy("Willing to work in"),
            100,
            help_text=gettext_lazy("A city the member wants to work in, or lives in."),
        ),
        help="Willing to work in this city (wanted, or lives there).",
        index=lambda facts: {k: v for p in facts.places for k, v in city_key("l", p).items()},
        keys=lambda q: [f"l:{place_norm(q.work_location)}"] if q.work_location else [],
        describe=lambda q: (
            _("willing to work in %(city)s") % {"city": q.work_location}
            if q.work_location
            else None
        ),
        sentence_order=50,
    ),
    CandidateFilter(
        name="remote",
        form_field=lambda: forms.ChoiceField(
            label=gettext_lazy("Work mode wanted"),
            required=False,
            choices=[
                ("", gettext_lazy("Any")),
                ("remote", gettext_lazy("Remote")),
                ("hybrid", gettext_lazy("Hybrid")),
                ("onsite", gettext_lazy("On-site")),
            ],
        ),
        enum=("remote", "hybrid", "onsite"),
        coerce=lambda value: value if value in REMOTE_MODES else "",
        index=lambda facts: {f"r:{m}": 1 for m in facts.remote_modes if m in REMOTE_MODES},
        where=lambda q: [(q.remote, "exact", True)] if q.remote in REMOTE_MODES else [],
        flags=REMOTE_MODES,
        flag_prefix="r",
        describe=lambda q: (
            _("wants %(mode)s work")
            % {
                "mode": {"remote": _("remote"), "hybrid": _("hybrid"), "onsite": _("on-site")}[
                    q.remote
                ]
            }
            if q.remote in REMOTE_MODES
            else None
        ),
        sentence_order=60,
    ),
    CandidateFilter(
        name="min_years",
        form_field=lambda: forms.IntegerField(
            label=gettext_lazy("Minimum years of experience"),
            required=False,
            min_value=0,
            max_value=60,
        ),
        default=None,
        api_type=int,
        where=lambda q: [("years", "gte", q.min_years)] if q.min_years else [],
        columns=("years",),
        describe=lambda q: (
            ngettext("%(n)d+ year", "%(n)d+ years", q.min_years) % {"n": q.min_years}
            if q.min_years
            else None
        ),
        sentence_order=30,
    ),
    CandidateFilter(
        name="education",
        form_field=lambda: forms.TypedChoiceField(
            label=gettext_lazy("Education"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                ("", gettext_lazy("Any")),
                ("1", gettext_lazy("Secondary school or higher")),
                ("2", gettext_lazy("Diploma or higher")),
                ("3", gettext_lazy("Bachelor's degree or higher")),
                ("4", gettext_lazy("Master's degree or higher")),
                ("5", gettext_lazy("Doctorate")),
            ],
        ),
        default=None,
        api_type=int,
        enum=(1, 2, 3, 4, 5),
        help="At least: 1 secondary, 2 diploma, 3 bachelor, 4 master, 5 doctorate.",
        index=education_keys,
        keys=lambda q: [f"e:{int(q.education)}"] if q.education else [],
        describe=lambda q: {
            1: _("secondary school or higher"),
            2: _("diploma or higher"),
            3: _("bachelor's degree or higher"),
            4: _("master's degree or higher"),
            5: _("doctorate"),
        }.get(q.education),
        sentence_order=70,
    ),
    CandidateFilter(
        **text_filter("field_of_study", gettext_lazy("Field of study"), 120),
        help="Words of the field of study.",
        index=field_keys,
        keys=lambda q: [f"f:{w}" for w in title_terms(q.field_of_study, limit=MAX_TERMS)],
        describe=lambda q: (
            _("studied %(field)s") % {"field": q.field_of_study} if q.field_of_study else None
        ),
        sentence_order=80,
    ),
    CandidateFilter(
        name="active_days",
        form_field=lambda: forms.TypedChoiceField(
            label=gettext_lazy("Last active"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                ("", gettext_lazy("Any time")),
                ("7", gettext_lazy("In the last 7 days")),
                ("30", gettext_lazy("In the last 30 days")),
                ("90", gettext_lazy("In the last 90 days")),
                ("365", gettext_lazy("In the last year")),
            ],
        ),
        default=None,
        api_type=int,
        enum=(7, 30, 90, 365),
        help="Active in the last N days.",
        where=lambda q: (
            []
            if q.active_days is None
            else [("active_on", "gte", timezone.localdate() - timedelta(days=q.active_days))]
        ),
        columns=("active_on",),
        describe=lambda q: (
            None
            if q.active_days is None
            else ngettext(
                "active in the last %(n)d day", "active in the last %(n)d days", q.active_days
            )
            % {"n": q.active_days}
        ),
        sentence_order=100,
    ),
    CandidateFilter(
        name="verified",
        # A select, not a checkbox: CheckboxInput reads any unknown string as True, and the API
        # must reject ?verified=maybe.
        form_field=lambda: forms.CharField(
            label=gettext_lazy("Identity"),
            required=False,
            max_length=5,
            widget=forms.Select(
                choices=[("", gettext_lazy("Anyone")), ("true", gettext_lazy("Verified only"))]
            ),
        ),
        default=False,
        api_type=bool,
        clean=clean_bool,
        coerce=bool,
        param=lambda q: "true" if q.verified else None,
        where=lambda q: [("verified", "exact", True)] if q.verified else [],
        columns=("verified",),
        describe=lambda q: _("ID verified") if q.verified else None,
        sentence_order=90,
    ),
    CandidateFilter(
        name="relocation",
        # Only members who told employers they would relocate have the key: off means unshared.
        form_field=lambda: forms.CharField(
            label=gettext_lazy("Relocation"),
            required=False,
            max_length=5,
            widget=forms.Select(
                choices=[("", gettext_lazy("Anyone")), ("true", gettext_lazy("Open to relocation"))]
            ),
        ),
        default=False,
        api_type=bool,
        help="Only members who chose to tell employers they are open to relocation.",
        clean=clean_bool,
        coerce=bool,
        param=lambda q: "true" if q.relocation else None,
        index=lambda facts: (
            {"rl:1": 1} if getattr(facts.preference, "open_to_relocation", False) else {}
        ),
        keys=lambda q: ["rl:1"] if q.relocation else [],
        describe=lambda q: _("open to relocation") if q.relocation else None,
        show=lambda keys: _("Open to relocation") if "rl:1" in keys else None,
        sentence_order=65,
    ),
    CandidateFilter(
        name="salary_band",
        # Indexed only when the member chose to share it, and only as a band.
        form_field=lambda: forms.TypedChoiceField(
            label=gettext_lazy("Salary expectation"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[
                ("", gettext_lazy("Any")),
                *((str(b), label) for b, label in salary_band_labels()),
            ],
        ),
        default=None,
        api_type=int,
        enum=tuple(SALARY_BANDS),
        help="Monthly expectation in IDR, shared members only: 1 under 5M, 2 5-10M, "
        "3 10-20M, 4 20-40M, 5 40M or more.",
        index=_salary_keys,
        keys=lambda q: [f"sb:{int(q.salary_band)}"] if q.salary_band else [],
        describe=lambda q: (
            _("expects %(band)s a month") % {"band": dict(salary_band_labels())[q.salary_band]}
            if q.salary_band in SALARY_BANDS
            else None
        ),
        show=lambda keys: next(
            (
                _("Expects %(band)s a month") % {"band": label}
                for band, label in salary_band_labels()
                if f"sb:{band}" in keys
            ),
            None,
        ),
        sentence_order=68,
    ),
    CandidateFilter(
        name="sort",
        form_field=lambda: forms.ChoiceField(
            label=gettext_lazy("Sort by"),
            required=False,
            choices=[
                ("relevance", gettext_lazy("Relevance")),
                ("recent", gettext_lazy("Recently active")),
                ("years", gettext_lazy("Years of experience")),
            ],
        ),
        default="relevance",
        enum=SORTS,
    ),
]

PAGE = CandidateFilter(
    name="page",
    form_field=lambda: forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput
    ),
    default=1,
    api_type=int,
    help=f"1-{MAX_PAGE}",
    coerce=lambda value: value or 1,
    param=lambda q: None,  # pages are added by ``as_params(page=...)``
)
PARAMETERS: list[CandidateFilter] = [*FILTERS, PAGE]
