"""Template filters for the recruiter portal."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def whole_years(value: Any) -> int:
    """Years of experience as the result cards show them: whole years, rounded down."""
    try:
        return max(0, int(float(value or 0)))
    except (TypeError, ValueError):
        return 0


@register.filter
def as_date(value: Any) -> Any:
    """An ISO date string from a stored profile snapshot as a date (then ``|date`` formats it)."""
    import datetime as dt

    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value
