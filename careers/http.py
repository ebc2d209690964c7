"""What a careers view may assume about its request once authentication has run.

Django and DRF type ``request.user`` as "a user or anonymous"; behind ``login_required``,
``recruiter_view`` and DRF's ``IsAuthenticated`` (the API default) it is always a member. These
types say so once, instead of a check or a cast in every view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from accounts.models import Employer, User


class SignedInRequest(HttpRequest):
    """A request past ``login_required``: its user is a signed-in member."""

    user: User
    # Where consent's "agree first" page sends the member back to (set by views that need it).
    consent_back_url: str


class RecruiterRequest(SignedInRequest):
    """A request past ``recruiter_view``: also the employer the user acts for."""

    employer: Employer


class SignedInAPIRequest(Request):
    """An API request past ``IsAuthenticated``: its user is a signed-in member."""

    user: User
