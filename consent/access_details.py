"""Access log details worded in the reader's language, whatever language the access happened in.

A row stores a key and its values (``detail_key``, ``detail_params``); the member's page and the
API word them with ``detail_text`` when read. Rows written before keys existed, or by code that
passes only a text, show their text as stored.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

DETAILS: dict[str, Any] = {
    "verification": _("Identity verification %(ref)s"),
    "data_export": _("Data export (%(method)s)"),
    "shared_on_apply": _("Shared with %(employer)s when you applied to “%(job)s”."),
    "employer_viewed_application": _("%(employer)s opened your application to “%(job)s”."),
    "employer_viewed_profile": _("%(employer)s opened your profile from candidate search."),
}

# Identity verification reads are written as "verification <uuid>" by the biometrics app.
_VERIFICATION = re.compile(r"^verification ([0-9a-f]{8})-[0-9a-f-]{27}$")


def detail_normalise(detail: str, key: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Return (key, params) for a detail given as plain text when its shape is known."""
    if not key:
        match = _VERIFICATION.match(detail or "")
        if match:
            return "verification", {"ref": match.group(1)}
    return key, params


def detail_text(entry: Any) -> str:
    """The detail of an access log row in the active language."""
    key, params = detail_normalise(entry.detail, entry.detail_key, entry.detail_params or {})
    template = DETAILS.get(key)
    if template is None:
        return entry.detail
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return entry.detail
