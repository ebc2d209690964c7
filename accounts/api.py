"""Accounts API: token sign-in and sign-out, the member's tokens, the signed-in account."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import ApiToken
from accounts.requests import AuthenticatedRequest
from accounts.serializers import (
    ApiTokenSerializer,
    EraseRequestSerializer,
    MeSerializer,
    RegisteredEmployerSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from config.api_errors import error_body
from config.errors import ApplicationError
from config.throttling import ScopedRateThrottle

EXPIRY = (
    "Tokens expire {idle} days after their last use (sliding), and at the latest {cap} days "
    "after sign-in; a password change, a password reset or a deactivated account ends them at "
    "once."
)


def _expiry_text() -> str:
    return EXPIRY.format(idle=settings.API_TOKEN_IDLE_DAYS, cap=settings.API_TOKEN_MAX_AGE_DAYS)


def _token_rows(request: Request, tokens: list[ApiToken]) -> list[dict[str, Any]]:
    current = request.auth.pk if isinstance(request.auth, ApiToken) else None
    rows = [
        {
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "last_used_at": token.last_used_at,
            "expires_at": token.expires_at,
            "current": token.pk == current,
        }
        for token in tokens
    ]
    # many=True gives a ReturnList (a list of dicts); the stubs type every .data as ReturnDict.
    return cast("list[dict[str, Any]]", ApiTokenSerializer(rows, many=True).data)


class TokenView(APIView):
    """POST: exchange e-mail and password for a new API token. DELETE: revoke this token."""

    throttle_scope = "auth_token"

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Only signing out reads credentials: signing in must work with a stale Authorization
        # header still attached.
        self._signing_in = request.method != "DELETE"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self) -> list:
        return [] if getattr(self, "_signing_in", False) else super().get_authenticators()

    def get_permissions(self) -> list:
        return [AllowAny()] if self._signing_in else [IsAuthenticated()]

    def get_throttles(self) -> list:
        return [ScopedRateThrottle()] if self._signing_in else []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        description="Sign in: every call issues a new token (send it as `Authorization: Token "
        "<token>`); `name` labels it in your token list. " + _expiry_text(),
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=serializer.validated_data["email"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            body = error_body(
                "invalid_credentials",
                _("E-mail address or password is wrong, or sign-in is locked for a while."),
            )
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        name = serializer.validated_data.get("name") or request.META.get("HTTP_USER_AGENT", "")
        token, key = services.api_token_issue(user=user, name=name)
        return Response(
            TokenResponseSerializer(
                {"token": key, "id": token.pk, "name": token.name, "expires_at": token.expires_at}
            ).data
        )

    @extend_schema(
        request=None,
        responses={
            204: None,
            400: OpenApiResponse(description="not_token_authenticated: signed in by session."),
        },
        description="Sign out this token: the token the request is sent with stops working.",
    )
    def delete(self, request: AuthenticatedRequest) -> Response:
        # Signing out needs a signed-in request (get_permissions: IsAuthenticated for DELETE).
        if not isinstance(request.auth, ApiToken):
            raise ApplicationError(
                _("This request is not signed in with an API token."),
                code="not_token_authenticated",
            )
        services.api_token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET: your API tokens that still work. DELETE: revoke them all (sign out every client)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: ApiTokenSerializer(many=True)},
        description="Never the keys: `prefix` is how each key starts; `current` marks the "
        "token this request was sent with.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(_token_rows(request, selectors.api_tokens_for(user=request.user)))

    @extend_schema(
        request=None,
        responses={204: None},
        operation_id="v1_auth_tokens_revoke_all",
        description="Revoke every one of your API tokens, this one included.",
    )
    def delete(self, request: AuthenticatedRequest) -> Response:
        services.api_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    """DELETE: revoke one of your API tokens (404 for anyone else's)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 404: OpenApiResponse(description="Not found, or not yours.")},
    )
    def delete(self, request: AuthenticatedRequest, token_id: str) -> Response:
        services.api_token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmployerListView(APIView):
    """GET: the registered employers, to pick where you work (an id, not a typed name)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="Part of the name or domain.")],
        responses={200: RegisteredEmployerSerializer(many=True)},
        description="Use an `id` as `employer_id` of an employment in PUT /api/v1/me/profile/.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.employers_search(q=request.query_params.get("q", "")), request, view=self
        )
        return paginator.get_paginated_response(RegisteredEmployerSerializer(page, many=True).data)


class _DeleteWithBodySchema(AutoSchema):
    """Document the JSON body of a DELETE: drf-spectacular leaves DELETE bodies out."""

    def _get_request_body(self, direction: str = "request") -> Any:
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


class MeView(APIView):
    """The signed-in account."""

    permission_classes = [IsAuthenticated]
    schema = _DeleteWithBodySchema()

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        user = request.user
        data = {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "date_joined": user.date_joined,
            "premium": selectors.premium_status(user=user).__dict__,
            "employer_memberships": selectors.employer_memberships(user=user),
        }
        return Response(MeSerializer(data).data)

    @extend_schema(
        request=EraseRequestSerializer,
        responses={
            204: None,
            400: OpenApiResponse(description="password missing or wrong (fields.password)."),
            429: OpenApiResponse(description="too_many_attempts: too many wrong passwords."),
        },
        description="Erase the account: personal data is deleted; the consent ledger keeps only "
        "pseudonymous proof that consent existed. Needs your password in the body, as the "
        "erase page does; wrong passwords count towards the sign-in lockout.",
    )
    def delete(self, request: AuthenticatedRequest) -> Response:
        serializer = EraseRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.password_confirm(
                user=request.user,
                password=serializer.validated_data["password"],
                request=request._request,
            )
        except ValidationError as exc:
            locked = exc.code == "locked"
            raise ApplicationError(
                exc.messages[0],
                code="too_many_attempts" if locked else "password_incorrect",
                status_code=429 if locked else 400,
                fields={"password": exc.messages},
            ) from exc
        services.account_erase(user=request.user, method="api")
        return Response(status=status.HTTP_204_NO_CONTENT)
