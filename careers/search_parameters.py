"""What a candidate-search parameter declares, and the helpers its declarations share.

``CandidateFilter`` is the shape of one declaration in ``careers.candidate_filters``;
``ProfileFacts`` is what the index reads from a profile to give it keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from careers.search_terms import education_level, place_norm, title_terms

if TYPE_CHECKING:
    from careers.search_query import CandidateQuery

PAGE_SIZE = 20
MAX_PAGE = 50
MAX_SKILLS = 10
MAX_TERMS = 6
SORTS = ("relevance", "recent", "years")
TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"", "false", "0", "no", "off"}
# Columns every posting has whatever the filters: which profile, which key, how well, how good.
CORE_POSTING_COLUMNS = ("profile_id", "key", "level", "rank")


@dataclass(frozen=True)
class ProfileFacts:
    """What the index reads from one profile (built by the index writer and by the benchmark).

    ``titles``: headline and every job title; ``current_titles``: headline and current jobs;
    ``home``: the city the member lives in; ``places``: cities they would work in (including
    home); ``educations``: (degree, field of study) pairs; ``preference``: the member's job
    preferences (a ``JobPreference``, saved or not), None if they have none.
    """

    skills: Sequence[tuple[int, int]] = ()
    titles: Sequence[str] = ()
    current_titles: Sequence[str] = ()
    home: str = ""
    places: Sequence[str] = ()
    remote_modes: Sequence[str] = ()
    educations: Sequence[tuple[str, str]] = ()
    preference: Any = None


Condition = tuple[str, str, Any]  # (column, lookup "exact" or "gte", value)


@dataclass(frozen=True)
class CandidateFilter:
    """One search parameter: its form field, API schema, query value, index keys and conditions."""

    name: str
    form_field: Callable[[], forms.Field]
    default: Any = ""
    api_type: type = str
    enum: tuple[Any, ...] | None = None
    help: str = ""  # the OpenAPI description
    clean: Callable[[Any], Any] | None = None  # after the form field's own cleaning
    coerce: Callable[[Any], Any] | None = None  # cleaned value -> query value
    param: Callable[[CandidateQuery], Any] | None = None  # query-string value; None: left out
    index: Callable[[ProfileFacts], dict[str, int]] | None = None
    keys: Callable[[CandidateQuery], list[str]] | None = None
    where: Callable[[CandidateQuery], list[Condition]] | None = None
    columns: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    flag_prefix: str = ""
    describe: Callable[[CandidateQuery], str | None] | None = None
    show: Callable[[dict[str, int]], str | None] | None = None  # a result card's line, from keys
    sentence_order: int = 100

    def query_value(self, cleaned: Any) -> Any:
        """Return the query's value for this parameter from the form's cleaned value."""
        if self.coerce is not None:
            return self.coerce(cleaned)
        return self.default if cleaned in (None, "") else cleaned

    def param_value(self, query: CandidateQuery) -> Any:
        """Return the query-string value, None when the parameter is left out."""
        if self.param is not None:
            return self.param(query)
        value = getattr(query, self.name)
        return None if value == self.default else value


def squash(value: str) -> str:
    return " ".join(str(value).split())


def clean_skills(value: str) -> list[str]:
    """Return ``value`` trimmed, with single spaces."""
    names: list[str] = []
    for raw in value.split(","):
        name = squash(raw)
        if name and name.lower() not in {n.lower() for n in names}:
            if len(name) > 100:
                raise forms.ValidationError(_("A skill name is at most 100 characters."))
            names.append(name)
    if len(names) > MAX_SKILLS:
        raise forms.ValidationError(
            _("Search for at most %(n)d skills at once.") % {"n": MAX_SKILLS}
        )
    return names


def clean_bool(value: str) -> bool:
    """Return the distinct skill names of a comma-separated list (at most ``MAX_SKILLS``)."""
    value = value.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise forms.ValidationError(_("Use true or false."))


def join_words(items: list[str], word: str) -> str:
    """Return a query-string boolean; reject anything but the usual spellings."""
    if len(items) < 2:
        return "".join(items)
    return str(format_lazy("{} {} {}", ", ".join(items[:-1]), word, items[-1]))


def words_keys(prefix: str, texts: Iterable[str], *, limit: int = 60) -> dict[str, int]:
    """Return ``a, b and c`` (``word`` is the translated "and" or "or")."""
    return {f"{prefix}:{word}": 1 for text in texts for word in title_terms(text, limit=limit)}


def city_key(prefix: str, city: str) -> dict[str, int]:
    """Return a key ``<prefix>:<word>`` for each word of ``texts``."""
    return {f"{prefix}:{place_norm(city)}": 1} if place_norm(city) else {}


def text_filter(name: str, label: Any, max_length: int, **extra: Any) -> dict[str, Any]:
    """Return the key of a city, none for an empty one."""
    return {
        "name": name,
        "form_field": lambda: forms.CharField(
            label=label, required=False, max_length=max_length, **extra
        ),
        "clean": squash,
    }


def title_keys(facts: ProfileFacts) -> dict[str, int]:
    """Return the title-word keys: any title (``t:``) and current ones (``tc:``)."""
    return words_keys("t", facts.titles) | words_keys("tc", facts.current_titles)


def education_keys(facts: ProfileFacts) -> dict[str, int]:
    """Return a key per education level up to the member's highest (``e:``)."""
    top = max((education_level(degree) or 0 for degree, _f in facts.educations), default=0)
    return {f"e:{level}": 1 for level in range(1, top + 1)}


def field_keys(facts: ProfileFacts) -> dict[str, int]:
    """Return the field-of-study word keys (``f:``)."""
    texts = [f"{field_of_study} {degree}" for degree, field_of_study in facts.educations]
    return words_keys("f", texts, limit=12)
