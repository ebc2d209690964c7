"""Request types for views that only run for a signed-in member.

``request.user`` is ``User | AnonymousUser`` to a type checker. Behind ``login_required`` (HTML)
or ``IsAuthenticated`` (API) it is always a ``User``; annotating the view's request with these
types says so once, without a cast or a runtime check in every view (django-stubs' recipe).
"""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An HTML view's request behind ``login_required``."""

    user: User


class AuthenticatedRequest(Request):
    """An API view's request behind ``IsAuthenticated``."""

    user: User
