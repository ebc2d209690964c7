"""Project-wide middleware: security headers, no caching of personal answers, a 400 for a NUL
character in the URL, and a clear 503 when the database is down."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response.

    The API docs (Swagger UI) get a policy of their own (``API_DOCS_CONTENT_SECURITY_POLICY``):
    as strict, plus what Swagger UI needs (its SVG icons as ``data:`` images, and fetching the
    schema). Every other page gets ``CONTENT_SECURITY_POLICY``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            settings.API_DOCS_CONTENT_SECURITY_POLICY
            if request.path.startswith("/api/docs/")
            else settings.CONTENT_SECURITY_POLICY
        )
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class PrivateResponseMiddleware:
    """Forbid caching any answer that may carry personal data.

    Every API answer (a token, a profile, even an error naming a field), every answer to a
    request with a session cookie or credentials, and every answer that sets a cookie gets
    ``Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private``: no shared
    cache, no back-button copy. Static files and public pages for visitors stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        # A session cookie stands for "maybe signed in": asking request.user would load the
        # session and the user from the database, which may be the very thing that is down.
        if (
            request.path.startswith("/api/")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or "HTTP_AUTHORIZATION" in request.META
            or response.cookies
        ):
            add_never_cache_headers(response)
        return response


class NulCharacterMiddleware:
    """Refuse (400, in the error shape under /api/) a URL whose path or query carries a NUL
    character (``%00``).

    Views read query parameters as they come (a search term, an invitation token), and
    PostgreSQL refuses NUL in any text it is given: each such value reaching a query was a 500
    (found by the API fuzzer on ``GET /api/v1/employers/?q=``). Forms and serializers already
    refuse NUL in what they validate; this covers what no form sees, in one place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        named = [
            key.replace("\x00", "")
            for key in query
            if "\x00" in key or any("\x00" in value for value in query.getlist(key))
        ]
        if named and request.path.startswith("/api/"):
            # as a serializer answers a field it refuses: the parameter named
            message = _("Null characters are not allowed.")
            body = {
                "error": {
                    "code": "invalid",
                    "message": _("Please correct the errors in the fields listed."),
                    "fields": {name: [message] for name in named},
                }
            }
            return JsonResponse(body, status=400)
        if named or "\x00" in request.path_info:
            # answered by handler400 (config.views.bad_request), logged on django.security
            raise SuspiciousOperation("NUL character in the URL")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a clear message, not a 500, when the database cannot be reached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unreachable(exception):
            return None
        logger.error("database unavailable: %s", type(exception).__name__)
        return service_unavailable(request)


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether an exception means the database cannot be reached (not a bug in a query)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    text = str(exc).lower()
    markers = ("connection", "could not connect", "server closed", "unable to open", "timeout")
    return any(marker in text for marker in markers)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """A 503 that renders without touching the database: JSON under /api/, a page elsewhere."""
    message = _("The service is temporarily unavailable. Please try again in a minute.")
    if request.path.startswith("/api/"):
        body = {"error": {"code": "service_unavailable", "message": message, "fields": {}}}
        return JsonResponse(body, status=503, headers={"Retry-After": "30"})
    html = render_to_string("503.html", {"message": message})
    return HttpResponse(html, status=503, headers={"Retry-After": "30"})
