"""Saved searches read as sentences in the page's language ("Python and SQL, 3+ years, ...").

Each filter words its own part (``CandidateFilter.describe``); this module orders and joins them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from careers.candidate_filters import PARAMETERS
from careers.forms.recruiter import CandidateSearchForm
from careers.search_query import CandidateQuery


def query_from_params(params: dict[str, Any]) -> CandidateQuery | None:
    """Return the query a saved search's stored params describe, None if they no longer parse."""
    form = CandidateSearchForm({k: str(v) for k, v in (params or {}).items()})
    return form.to_query() if form.is_valid() else None


def query_sentence(query: CandidateQuery) -> str:
    """Describe the filters in the active language, most telling first."""
    ordered = sorted(
        (p for p in PARAMETERS if p.describe is not None), key=lambda p: p.sentence_order
    )
    parts: list[str] = []
    for parameter in ordered:
        part = parameter.describe(query) if parameter.describe is not None else None
        if part:
            parts.append(str(part))
    if not parts:
        return _("Everyone you may find")
    sentence = ", ".join(parts)
    return sentence[:1].upper() + sentence[1:]
