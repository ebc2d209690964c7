"""An employer's team page for its owners: people and roles, pending invitations (resend,
revoke), remove someone, change a role. Removing someone revokes their access to the
employer's applications at once (the membership signal re-syncs the application grants)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import InvitationForm
from accounts.models import Employer, EmployerInvitation, EmployerMembership
from accounts.requests import AuthenticatedHttpRequest
from config.errors import ApplicationError


def site_url(request: HttpRequest) -> str:
    """The scheme and host that served this request (links in e-mails point back to it)."""
    return request.build_absolute_uri("/").rstrip("/")


def _owner_employer(request: AuthenticatedHttpRequest, employer_id: str) -> Employer:
    return selectors.employer_get_for_member(
        user=request.user, employer_id=employer_id, owner_only=True
    )


def _back(employer_id: object) -> HttpResponse:
    return redirect("accounts:employer-team", employer_id=employer_id)


@login_required
def team(request: AuthenticatedHttpRequest, employer_id: str) -> HttpResponse:
    """The team page (owners only; anyone else gets 404)."""
    employer = _owner_employer(request, employer_id)
    return render(
        request,
        "accounts/team.html",
        {
            "employer": employer,
            "team": selectors.employer_team(employer=employer),
            "invitations": selectors.employer_open_invitations(employer=employer),
            "now": timezone.now(),
            "roles": EmployerMembership.Role.choices,
            "form": InvitationForm(),
        },
    )


def _membership(request: AuthenticatedHttpRequest, membership_id: int) -> EmployerMembership:
    """A membership of an employer the caller owns, else 404 (same as a random id)."""
    owned = selectors.user_employer_ids(user=request.user, owner_only=True)
    membership = (
        EmployerMembership.objects.select_related("user", "employer")
        .filter(pk=membership_id, employer_id__in=owned)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def _invitation(
    request: AuthenticatedHttpRequest, invitation_id: uuid.UUID | str
) -> EmployerInvitation:
    owned = selectors.user_employer_ids(user=request.user, owner_only=True)
    invitation = (
        EmployerInvitation.objects.select_related("employer")
        .filter(pk=invitation_id, employer_id__in=owned, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


@login_required
@require_POST
def member_role(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Make a member owner or recruiter."""
    membership = _membership(request, membership_id)
    try:
        services.employer_member_set_role(
            employer=membership.employer,
            actor=request.user,
            user_id=membership.user_id,
            role=request.POST.get("role", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, getattr(exc, "message", None) or " ".join(exc.messages))
    else:
        messages.success(request, _("Role changed."))
    return _back(membership.employer_id)


@login_required
@require_POST
def member_remove(request: AuthenticatedHttpRequest, membership_id: int) -> HttpResponse:
    """Remove someone from the employer: their access to its applications ends at once."""
    membership = _membership(request, membership_id)
    employer = membership.employer
    try:
        services.employer_member_remove(employer=employer, actor=request.user, user=membership.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s no longer belongs to %(employer)s and lost access to its applications.")
            % {"name": membership.user.display_name, "employer": employer.name},
        )
    return _back(employer.pk)


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, invitation_id: str) -> HttpResponse:
    """Send a pending invitation again with a fresh link."""
    invitation = _invitation(request, invitation_id)
    services.employer_invitation_resend(
        employer=invitation.employer,
        actor=request.user,
        invitation_id=invitation.pk,
        site_url=site_url(request),
    )
    messages.success(
        request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
    )
    return _back(invitation.employer_id)


@login_required
@require_POST
def invitation_revoke(request: AuthenticatedHttpRequest, invitation_id: str) -> HttpResponse:
    """Withdraw a pending invitation."""
    invitation = _invitation(request, invitation_id)
    services.employer_invitation_revoke(
        employer=invitation.employer, actor=request.user, invitation_id=invitation.pk
    )
    messages.success(request, _("Invitation withdrawn: its link no longer works."))
    return _back(invitation.employer_id)
