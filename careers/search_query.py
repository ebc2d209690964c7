"""A candidate search's query, and what the rest of careers reads off the filter declarations.

``CandidateQuery`` holds one value per declared parameter (``careers.candidate_filters``);
the functions below give the index writer its keys and columns, the search its required keys
and conditions, and result cards their lines. Nothing here names a filter.
"""

from __future__ import annotations

from typing import Any

from careers.candidate_filters import PARAMETERS
from careers.search_parameters import CORE_POSTING_COLUMNS, Condition, ProfileFacts


class CandidateQuery:
    """Validated search filters, one attribute per ``PARAMETERS`` entry (immutable).

    Build it with ``CandidateSearchForm(...).to_query()``; tests and services may pass values
    directly: ``CandidateQuery(skills=("Python",), location="Jakarta")``.
    """

    __slots__ = ("_values",)

    def __init__(self, **values: Any) -> None:
        unknown = set(values) - set(BY_NAME)
        if unknown:
            raise TypeError(f"Unknown candidate filters: {', '.join(sorted(unknown))}")
        resolved = {p.name: values.get(p.name, p.default) for p in PARAMETERS}
        object.__setattr__(self, "_values", resolved)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("CandidateQuery is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CandidateQuery) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        changed = ", ".join(
            f"{p.name}={self._values[p.name]!r}"
            for p in PARAMETERS
            if self._values[p.name] != p.default
        )
        return f"CandidateQuery({changed})"

    def as_params(self, *, page: int | None = None) -> dict[str, Any]:
        """Return the filters as query-string parameters (saved searches, page links)."""
        params: dict[str, Any] = {}
        for parameter in PARAMETERS:
            value = parameter.param_value(self)
            if value is not None:
                params[parameter.name] = value
        if page is not None and page > 1:
            params["page"] = page
        return params


BY_NAME = {p.name: p for p in PARAMETERS}
POSTING_COLUMNS: tuple[str, ...] = tuple(
    dict.fromkeys([*CORE_POSTING_COLUMNS, *(c for p in PARAMETERS for c in (*p.columns, *p.flags))])
)
FLAG_KEYS = {flag: f"{p.flag_prefix}:{flag}" for p in PARAMETERS for flag in p.flags}


def card_lines(keys: dict[str, int]) -> list[str]:
    """Return what a result card says from a search row's keys (shared preferences only)."""
    return [str(line) for p in PARAMETERS if p.show is not None and (line := p.show(keys))]


def search_keys(facts: ProfileFacts) -> dict[str, int]:
    """Return a profile's search keys (the source of its postings, see ``CandidateSearchKey``)."""
    keys: dict[str, int] = {}
    for parameter in PARAMETERS:
        if parameter.index is not None:
            keys |= parameter.index(facts)
    return keys


def required_keys(query: CandidateQuery) -> list[str]:
    """Return the posting keys a candidate must all have (skills aside: the search adds those)."""
    return [key for p in PARAMETERS if p.keys is not None for key in p.keys(query)]


def conditions(query: CandidateQuery) -> list[Condition]:
    """Return the (column, lookup, value) conditions on the postings' columns."""
    return [c for p in PARAMETERS if p.where is not None for c in p.where(query)]
