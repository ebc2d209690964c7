"""Site-wide error pages."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from config.api_errors import error_body
from config.middleware import database_unreachable, service_unavailable


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 as JSON under /api/ (requests Django refuses before any view runs), a page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("bad_request", _("The request could not be understood.")), status=400
        )
    return defaults.bad_request(request, exception or Exception())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 as JSON under /api/, as a page elsewhere."""
    if request.path.startswith("/api/"):
        # Written as DRF writes it (compact), so a malformed id in a URL answers byte for byte
        # like a missing object: nothing tells "no such route" from "not yours".
        return JsonResponse(
            error_body("not_found", _("Not found.")),
            status=404,
            json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},
        )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 as JSON under /api/, as a page elsewhere; 503 when the database is unreachable.

    Django calls this inside its ``except`` block, so the exception is still at hand; this
    covers database outages that surface in middleware, outside any view.
    """
    if database_unreachable(sys.exc_info()[1]):
        return service_unavailable(request)
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("Something went wrong.")), status=500)
    return render(request, "500.html", status=500)


def admin_view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """Django's admin "view on site" redirect, with a 404 (not a 500) for a malformed id.

    ``contenttypes.views.shortcut`` only catches ObjectDoesNotExist and ValueError, but a
    UUID primary key raises ValidationError for text that is not a UUID.
    """
    from django.contrib.contenttypes.views import shortcut
    from django.core.exceptions import ValidationError
    from django.http import Http404

    try:
        return shortcut(request, content_type_id, object_id)
    except ValidationError as exc:
        raise Http404 from exc
