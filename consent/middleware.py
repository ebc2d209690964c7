"""Turn a missing consent in an HTML view into a prompt instead of an error page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from config.api_errors import error_body
from consent.exceptions import ConsentRequired


class ConsentRequiredMiddleware:
    """Send the member to the privacy centre, naming the purpose and where to come back to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ConsentRequired):
            return None
        if request.path.startswith("/api/"):
            body = error_body(
                exception.code,
                exception.message,
                purpose=exception.purpose,
                reason=exception.reason,
            )
            return JsonResponse(body, status=403)
        messages.warning(request, exception.message)
        url = reverse("consent:prompt", args=[exception.purpose])
        # A view may say where "Not now" leads (``request.consent_back_url``, e.g. the job page
        # for /jobs/<id>/apply/): going back to the guarded page would only prompt again.
        back = getattr(request, "consent_back_url", "")
        # After a POST to an address that only takes POST (save a job), come back to ``back``.
        target = back if request.method != "GET" and back else request.get_full_path()
        query = {key: value for key, value in (("next", target), ("back", back)) if value}
        return redirect(f"{url}?{urlencode(query)}")
