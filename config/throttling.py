"""Rate limits for the API and the HTML pages: one cache, one set of rates, one client address.

The API views use ``ScopedRateThrottle`` from here (DRF's, counting anonymous clients by
``config.client_address.client_rate_key`` instead of DRF's own X-Forwarded-For reading).
HTML views use ``rate_limited`` (a decorator) or ``rate_limit_allows`` with the same rates
(``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``), so a limit is set in one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import throttling

from config.client_address import client_rate_key


class ClientAddressThrottleMixin:
    """Count anonymous clients by the project's client address (trusted proxies only)."""

    def get_ident(self, request: Any) -> str:
        return client_rate_key(request)


class ScopedRateThrottle(ClientAddressThrottleMixin, throttling.ScopedRateThrottle):
    """DRF's ScopedRateThrottle (per user when signed in, else per client address)."""


class _KeyedThrottle(ClientAddressThrottleMixin, throttling.SimpleRateThrottle):
    """A throttle for one scope, counting by the client address or by a given key."""

    def __init__(self, scope: str, key: str | None = None) -> None:
        self.scope = scope
        self.key = key
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        ident = self.key if self.key is not None else self.get_ident(request)
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": digest}


def rate_limit_allows(scope: str, request: HttpRequest | None, *, key: str | None = None) -> float:
    """Count one attempt in ``scope``; return 0 if allowed, else the seconds to wait.

    Counted by the client address, or by ``key`` when given (an e-mail address, say).
    """
    throttle = _KeyedThrottle(scope, key)
    # DRF types allow_request for its own Request and a view; this throttle reads neither: its
    # get_cache_key takes the client address from a plain HttpRequest, or the given key.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return 0.0
    return max(1.0, throttle.wait() or 1.0)


def too_many_attempts(request: HttpRequest, wait: float) -> HttpResponse:
    """The HTML answer to a client over its limit: 429 with Retry-After."""
    minutes = max(1, round(wait / 60))
    message = _("Too many attempts from your connection. Please try again in %(n)d minute(s).") % {
        "n": minutes
    }
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(int(wait))
    return response


def rate_limited(scope: str, *, methods: Iterable[str] = ("POST",)) -> Callable:
    """Decorate an HTML view: over the scope's rate (per client address), answer 429."""
    limited = {m.upper() for m in methods}

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in limited:
                wait = rate_limit_allows(scope, request)
                if wait:
                    return too_many_attempts(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
