"""What the ledger records about the client a consent came from."""

from __future__ import annotations

from typing import TypedDict

from django.http import HttpRequest

from config.client_address import client_address


class ClientInfo(TypedDict):
    """The keyword arguments ``consent_grant`` and ``consent_withdraw`` take from a request."""

    ip_address: str | None
    user_agent: str
    language: str


def client_info(request: HttpRequest) -> ClientInfo:
    """Return ``ip_address``, ``user_agent`` and ``language`` for ``consent_grant/withdraw``.

    The address is the one every throttle uses (``config.client_address``): X-Forwarded-For
    counts only as far as ``TRUSTED_PROXY_COUNT`` proxies appended it.
    """
    return {
        "ip_address": client_address(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        "language": (getattr(request, "LANGUAGE_CODE", "") or "en")[:8],
    }
