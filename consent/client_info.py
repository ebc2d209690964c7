"""What the ledger records about the client a consent came from."""

from __future__ import annotations

from django.http import HttpRequest


def client_info(request: HttpRequest) -> dict[str, str | None]:
    """Return ``ip_address``, ``user_agent`` and ``language`` for ``consent_grant/withdraw``.

    REMOTE_ADDR only: forwarded headers are trivially forged unless a trusted proxy sets them,
    and the production proxy is configured to set REMOTE_ADDR.
    """
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "language": (getattr(request, "LANGUAGE_CODE", "") or "en")[:8],
    }
