"""One JSON error shape for every API error: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import ApplicationError
from config.parsers import too_deep

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, fields: dict[str, Any] | None = None, **extra: Any) -> dict:
    """Return the error envelope every API error uses."""
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _flatten(item) for item in detail
        ]
    return [str(detail)]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render DRF, Django and domain errors in the shared envelope."""
    if isinstance(exc, ApplicationError):
        body = error_body(exc.code, str(exc.message), exc.fields, **exc.extra)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            message = _("Please correct the errors below.")
        else:
            fields = {}
            message = " ".join(str(m) for m in exc.messages)
        return Response(error_body("invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, RequestDataTooBig):
        # Django's limits on request size (DATA_UPLOAD_MAX_MEMORY_SIZE) surface while parsing.
        body = error_body("request_too_large", _("The request is too large."))
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, RecursionError):
        # Input nested too deeply for something that walks it (the JSON parser refuses deep
        # bodies itself, config/parsers.py); the client's fault, so a 400, never a 500.
        logger.warning("RecursionError while handling %s", context.get("view"))
        return Response(error_body("parse_error", str(too_deep().detail)), status=400)
    if isinstance(exc, SuspiciousOperation):
        # Too many fields or files, a malformed multipart body: the client's fault, not a 500.
        body = error_body("bad_request", _("The request could not be understood."))
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response

    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail) if isinstance(detail, dict) else {}
        non_field = fields.pop("non_field_errors", None) if isinstance(fields, dict) else None
        if non_field:
            message = " ".join(non_field)
        elif isinstance(detail, list):
            message = " ".join(str(d) for d in detail)
        else:
            message = _("Please correct the errors in the fields listed.")
        response.data = error_body("invalid", message, fields)
        return response

    code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    message = (
        str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc.default_detail)
    )
    extra: dict[str, Any] = {}
    wait = getattr(exc, "wait", None)  # set by Throttled's __init__ (the stubs do not say so)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        extra["retry_after_seconds"] = int(wait)
    response.data = error_body(str(code), message, {}, **extra)
    return response
