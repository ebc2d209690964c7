"""Saved searches read as sentences in the page's language ("Python and SQL, 3+ years, ...")."""

from __future__ import annotations

from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from careers.search import CandidateQuery


def _join(items: list[str], word: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return format_lazy("{} {} {}", ", ".join(items[:-1]), word, items[-1])


def query_from_params(params: dict[str, Any]) -> CandidateQuery | None:
    """Return the query a saved search's stored params describe, None if they no longer parse."""
    from careers.forms_recruiter import CandidateSearchForm

    form = CandidateSearchForm({k: str(v) for k, v in (params or {}).items()})
    return form.to_query() if form.is_valid() else None


def query_sentence(query: CandidateQuery) -> str:
    """Describe the filters in the active language, most telling first."""
    parts: list[str] = []
    if query.skills:
        parts.append(str(_join(list(query.skills), _("and") if query.match == "all" else _("or"))))
    if query.q:
        if query.title_scope == "current":
            parts.append(_("current title “%(words)s”") % {"words": query.q})
        else:
            parts.append(_("title “%(words)s”") % {"words": query.q})
    if query.min_years:
        parts.append(
            ngettext("%(n)d+ year", "%(n)d+ years", query.min_years) % {"n": query.min_years}
        )
    if query.location:
        parts.append(_("lives in %(city)s") % {"city": query.location})
    if query.work_location:
        parts.append(_("willing to work in %(city)s") % {"city": query.work_location})
    modes = {"remote": _("remote"), "hybrid": _("hybrid"), "onsite": _("on-site")}
    if query.remote in modes:
        parts.append(_("wants %(mode)s work") % {"mode": modes[query.remote]})
    levels = {
        1: _("secondary school or higher"),
        2: _("diploma or higher"),
        3: _("bachelor's degree or higher"),
        4: _("master's degree or higher"),
        5: _("doctorate"),
    }
    if query.education in levels:
        parts.append(levels[query.education])
    if query.field_of_study:
        parts.append(_("studied %(field)s") % {"field": query.field_of_study})
    if query.verified:
        parts.append(_("ID verified"))
    if query.active_days is not None:
        parts.append(
            ngettext(
                "active in the last %(n)d day", "active in the last %(n)d days", query.active_days
            )
            % {"n": query.active_days}
        )
    if not parts:
        return _("Everyone you may find")
    sentence = ", ".join(parts)
    return sentence[:1].upper() + sentence[1:]
