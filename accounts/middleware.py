"""Record each member's last interaction; retention periods count from it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

from accounts.services import user_touch


class LastSeenMiddleware:
    """Update ``last_seen_at`` for signed-in users, at most once an hour."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500:
            return response
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                user_touch(user=user)
        except DatabaseError:
            # Bookkeeping only: never turn a served page into an error (e.g. database just went).
            pass
        return response
