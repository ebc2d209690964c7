"""Template filters for the privacy centre."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from consent.access_details import detail_text
from consent.purposes import PurposeCode

register = template.Library()


@register.filter
def purpose_label(code: str) -> str:
    """Return the member-facing name of a purpose code, or the code made readable."""
    if code in PurposeCode.values:
        return str(PurposeCode(code).label)
    return readable(code)


@register.filter
def access_detail(entry: Any) -> str:
    """The detail of an access log row, worded in the reader's language."""
    return detail_text(entry)


@register.filter
def readable(code: str) -> str:
    """Turn a machine code such as ``career_profile`` into "Career profile"."""
    return _(code.replace("_", " ").capitalize()) if code else ""
