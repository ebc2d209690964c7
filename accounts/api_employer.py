"""Base views for the employer API (/api/v1/recruiter/...): who the caller acts for.

``EmployerAPIView`` resolves the employer from ``?employer=`` (default: the caller's first, by
name) before any handler runs, and refuses callers who belong to no employer.
``EmployerOwnerAPIView`` also requires the caller to own it (recruiters get 403). The team API
(``accounts.api_team``) and any other app's employer endpoints build on these.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts import selectors
from accounts.models import Employer
from config.errors import ApplicationError, PermissionRefused

EMPLOYER = OpenApiParameter("employer", str, description="Act for this employer (default: first).")


class EmployerAPIView(APIView):
    """Resolve the employer the caller acts for before any handler runs."""

    employer: Employer

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        employer_id = request.query_params.get("employer")
        employer = selectors.employer_acted_for(user=request.user, employer_id=employer_id)
        if employer is None:
            if employer_id and selectors.employers_of(user=request.user):
                raise ApplicationError(
                    _("You are not a member of this employer."),
                    code="invalid",
                    fields={"employer": [_("Not one of your employers.")]},
                )
            raise PermissionRefused(
                _("Only recruiters of an employer can use the recruiter API."),
                code="recruiter_only",
            )
        self.employer = employer


class EmployerOwnerAPIView(EmployerAPIView):
    """Only owners of the employer acted for; recruiters get 403."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        owned = selectors.user_employer_ids(user=request.user, owner_only=True)
        if self.employer.pk not in owned:
            raise PermissionRefused(_("Only an owner of this employer can manage its team."))

    def site_url(self, request: Request) -> str:
        """The scheme and host that served this request (links in e-mails point back to it)."""
        return request.build_absolute_uri("/").rstrip("/")


def validation_error(exc: ValidationError) -> ApplicationError:
    """A service's ValidationError as the API's error shape (message, and fields if any)."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return ApplicationError(" ".join(exc.messages), fields=fields)
