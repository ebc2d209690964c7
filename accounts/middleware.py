"""Record each member's last interaction; retention periods count from it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.services import user_touch


class LastSeenMiddleware:
    """Update ``last_seen_at`` for signed-in users, at most once an hour."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.status_code < 500:
            user_touch(user=user)
        return response
