"""Project-wide middleware: security headers and a clear 503 when the database is down."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The browsable API docs (Swagger UI) need inline styles; everything else is strict.
        if not request.path.startswith("/api/docs/"):
            response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


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
