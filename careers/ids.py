"""Ids that arrive as text (request bodies, query strings): a malformed one is a 404, not a 500."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404


def uuid_or_404(value: Any) -> uuid.UUID:
    """Return ``value`` as a UUID; raise 404 (as for a missing object) if it is not one.

    URL ids need no call: the ``<uuid:...>`` converter only lets valid ones through.
    """
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc
