"""Consent API for the signed-in member: states, grant, withdraw, receipts, access log, export."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from consent import selectors, services
from consent.client_info import client_info
from consent.serializers import (
    AccessLogEntrySerializer,
    ConsentEventSerializer,
    ConsentGrantRequestSerializer,
    ConsentGrantResponseSerializer,
    ConsentStatusSerializer,
    ConsentWithdrawResponseSerializer,
    ReceiptSerializer,
)


def _base_url(request: Request) -> str:
    """Scheme and host serving this request, for links inside receipts."""
    return request.build_absolute_uri("/").rstrip("/")


NOT_FOUND = OpenApiResponse(description="Unknown purpose (error envelope, code not_found).")


class ConsentListView(APIView):
    """Every purpose with the member's consent state and the policy version it was given under."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: ConsentStatusSerializer(many=True)},
        description="state is one of granted, withdrawn, missing, policy_updated (a newer "
        "policy version changed this purpose: grant again to accept it).",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        overview = selectors.consent_overview(user=request.user)
        return Response(ConsentStatusSerializer(overview, many=True).data)


class ConsentDetailView(APIView):
    """Grant (POST) or withdraw (DELETE) consent for one purpose."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ConsentGrantRequestSerializer,
        responses={
            201: ConsentGrantResponseSerializer,
            400: OpenApiResponse(
                description="signature_required: biometric consent is signed "
                "by typing your full name in `signature`."
            ),
            404: NOT_FOUND,
        },
        description="Grant consent under the current privacy policy. biometric_verification "
        "needs `signature` (your full name, typed: the e-signed release).",
    )
    def post(self, request: AuthenticatedRequest, purpose: str) -> Response:
        selectors.purpose_get(code=purpose)
        serializer = ConsentGrantRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.consent_grant(
            user=request.user,
            purpose=purpose,
            method="api",
            signature=serializer.validated_data.get("signature", ""),
            **client_info(request._request),
        )
        body = {"event": ConsentEventSerializer(event).data, "receipt_id": str(event.id)}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: ConsentWithdrawResponseSerializer, 404: NOT_FOUND},
        description="Withdraw consent. Processing stops at once; `notes` says what happened "
        "(for example which employers had your profile).",
    )
    def delete(self, request: AuthenticatedRequest, purpose: str) -> Response:
        selectors.purpose_get(code=purpose)
        event, notes = services.consent_withdraw(
            user=request.user, purpose=purpose, method="api", **client_info(request._request)
        )
        body = {
            "event": ConsentEventSerializer(event).data,
            "notes": notes,
            "receipt_id": str(event.id),
        }
        return Response(body)


class ConsentReceiptView(APIView):
    """The Kantara v1.1 consent receipt of the member's latest grant for a purpose."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: ReceiptSerializer,
            404: OpenApiResponse(description="Unknown purpose, or no grant for it."),
        }
    )
    def get(self, request: AuthenticatedRequest, purpose: str) -> Response:
        return Response(
            selectors.consent_receipt_latest(
                user=request.user, purpose=purpose, base_url=_base_url(request)
            )
        )


class ConsentReceiptByIdView(APIView):
    """The receipt of one of the member's consent events, a grant or a withdrawal."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: ReceiptSerializer,
            404: OpenApiResponse(description="No such event among your own (error envelope)."),
        },
        description="`receipt_id` from a grant or withdrawal response. Withdrawal receipts "
        "carry `x-action` = withdraw.",
    )
    def get(self, request: AuthenticatedRequest, event_id: str) -> Response:
        return Response(
            selectors.consent_receipt_get(
                user=request.user, event_id=event_id, base_url=_base_url(request)
            )
        )


class AccessLogView(APIView):
    """Who accessed the member's sensitive data, newest first (paginated)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AccessLogEntrySerializer(many=True)})
    def get(self, request: AuthenticatedRequest) -> Response:
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(
            selectors.access_log_for(user=request.user), request, view=self
        )
        return paginator.get_paginated_response(AccessLogEntrySerializer(page, many=True).data)


class ExportView(APIView):
    """Everything held about the member, as one JSON document (recorded in the access log)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="Keys: format, generated_at, account, consents (current, events with "
        "receipts), access_log, and one key per app section (identity_verification, careers). "
        "identity_verification holds your ID number, name, birth date and sex for as long as "
        "we hold them (GDPR Art. 15). Never contains photos or face templates. Each export is "
        "recorded in your access log.",
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        data = services.member_export_create(user=request.user, method="api")
        return Response(data, headers={"Cache-Control": "no-store"})
