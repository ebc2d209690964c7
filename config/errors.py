"""Domain errors that any app may raise; the API turns them into the one JSON error shape."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal the user can understand: a stable code, a message, an HTTP status.

    Services raise these; API views let them propagate to ``config.api_errors`` and HTML views
    show ``message``.
    """

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status_code is not None:
            self.status_code = status_code
        self.fields = fields or {}
        self.extra = extra or {}


class PermissionRefused(ApplicationError):
    """The caller may not do this (403), for a reason they can act on."""

    status_code = 403
    code = "permission_denied"
