"""Accounts API: token sign-in and the signed-in account."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.serializers import MeSerializer, TokenRequestSerializer, TokenResponseSerializer
from config.api_errors import error_body
from config.throttling import ScopedRateThrottle


class TokenView(APIView):
    """Exchange e-mail and password for an API token (rate limited)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
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
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """The signed-in account."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
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
        responses={204: None},
        description="Erase the account: personal data is deleted; the consent ledger keeps only "
        "pseudonymous proof that consent existed.",
    )
    def delete(self, request: Request) -> Response:
        from consent.services import account_erase

        account_erase(user=request.user, method="api")
        return Response(status=status.HTTP_204_NO_CONTENT)
