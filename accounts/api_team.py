"""Team management API for an employer's owners (/api/v1/recruiter/team/...): people and roles,
pending invitations (invite, resend, revoke), remove someone. Recruiters get 403; another
employer's people or invitations are 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors, services
from accounts.models import EmployerInvitation, EmployerMembership
from careers.api.recruiter import EMPLOYER, RecruiterAPIView
from config.errors import ApplicationError, PermissionRefused


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The membership.")
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.ChoiceField(choices=EmployerMembership.Role.choices)


class PendingInvitationSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class TeamSerializer(serializers.Serializer):
    members = MemberSerializer(many=True)
    invitations = PendingInvitationSerializer(many=True)


class InviteSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(
        choices=EmployerMembership.Role.choices, default=EmployerMembership.Role.RECRUITER
    )


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=EmployerMembership.Role.choices)


def _validation(exc: ValidationError) -> ApplicationError:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {}
    return ApplicationError(" ".join(exc.messages), fields=fields)


class OwnerAPIView(RecruiterAPIView):
    """Only owners of the employer acted for; recruiters get 403."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        owned = selectors.user_employer_ids(user=request.user, owner_only=True)
        if self.employer.pk not in owned:
            raise PermissionRefused(_("Only an owner of this employer can manage its team."))

    def site_url(self, request: Request) -> str:
        return request.build_absolute_uri("/").rstrip("/")


class TeamView(OwnerAPIView):
    """GET: the employer's people and pending invitations."""

    @extend_schema(
        operation_id="recruiter_team", parameters=[EMPLOYER], responses={200: TeamSerializer}
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "members": MemberSerializer(
                    selectors.employer_team(employer=self.employer), many=True
                ).data,
                "invitations": PendingInvitationSerializer(
                    selectors.employer_open_invitations(employer=self.employer), many=True
                ).data,
            }
        )


class TeamInvitationsView(OwnerAPIView):
    """POST {"email", "role"}: invite someone (the link uses this request's host)."""

    @extend_schema(
        operation_id="recruiter_team_invite",
        parameters=[EMPLOYER],
        request=InviteSerializer,
        responses={201: PendingInvitationSerializer},
    )
    def post(self, request: Request) -> Response:
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            invitation = services.employer_invite(
                employer=self.employer,
                inviter=request.user,
                site_url=self.site_url(request),
                **data.validated_data,
            )
        except ValidationError as exc:
            raise _validation(exc) from exc
        return Response(
            PendingInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED
        )


class TeamInvitationView(OwnerAPIView):
    """POST: send again with a fresh link. DELETE: withdraw (the link dies)."""

    def _invitation(self, invitation_id: str) -> EmployerInvitation:
        found = (
            selectors.employer_open_invitations(employer=self.employer)
            .filter(pk=services._uuid_or_404(invitation_id))
            .first()
        )
        if found is None:
            raise Http404
        return found

    @extend_schema(
        operation_id="recruiter_team_invitation_resend",
        parameters=[EMPLOYER],
        request=None,
        responses={200: PendingInvitationSerializer},
    )
    def post(self, request: Request, invitation_id: str) -> Response:
        invitation = self._invitation(invitation_id)
        fresh = services.employer_invitation_resend(
            employer=self.employer,
            actor=request.user,
            invitation_id=invitation.pk,
            site_url=self.site_url(request),
        )
        return Response(PendingInvitationSerializer(fresh).data)

    @extend_schema(
        operation_id="recruiter_team_invitation_revoke",
        parameters=[EMPLOYER],
        responses={204: None},
    )
    def delete(self, request: Request, invitation_id: str) -> Response:
        invitation = self._invitation(invitation_id)
        services.employer_invitation_revoke(
            employer=self.employer, actor=request.user, invitation_id=invitation.pk
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamMemberView(OwnerAPIView):
    """PATCH {"role"}: change a role. DELETE: remove someone (their access ends at once)."""

    def _membership(self, membership_id: str) -> EmployerMembership:
        try:
            pk = int(membership_id)
        except (TypeError, ValueError) as exc:
            raise Http404 from exc
        found = selectors.employer_team(employer=self.employer).filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    @extend_schema(
        operation_id="recruiter_team_member_role",
        parameters=[EMPLOYER],
        request=RoleSerializer,
        responses={200: MemberSerializer},
    )
    def patch(self, request: Request, membership_id: str) -> Response:
        membership = self._membership(membership_id)
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            updated = services.employer_member_set_role(
                employer=self.employer,
                actor=request.user,
                user_id=membership.user_id,
                role=data.validated_data["role"],
            )
        except ValidationError as exc:
            raise _validation(exc) from exc
        return Response(MemberSerializer(updated).data)

    @extend_schema(
        operation_id="recruiter_team_member_remove", parameters=[EMPLOYER], responses={204: None}
    )
    def delete(self, request: Request, membership_id: str) -> Response:
        membership = self._membership(membership_id)
        services.employer_member_remove(
            employer=self.employer, actor=request.user, user=membership.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
