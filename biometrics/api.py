"""Identity verification API: submit (multipart, 202), list and read the member's own cases."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from biometrics import selectors, services
from biometrics.models import ENCRYPTED_FIELDS, Verification
from biometrics.serializers import (
    LivenessChallengeSerializer,
    VerificationAcceptedSerializer,
    VerificationSerializer,
    VerificationSubmitSerializer,
)
from config.throttling import ScopedRateThrottle


class SubmitThrottle(ScopedRateThrottle):
    """Throttle submissions only; reading one's cases is not limited."""

    def allow_request(self, request: Request, view: object) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


class VerificationListView(generics.ListAPIView):
    """GET: the member's verifications, newest first. POST: submit a new one."""

    permission_classes = [IsAuthenticated]
    serializer_class = VerificationSerializer
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [SubmitThrottle]
    throttle_scope = "verification_submit"

    def get_queryset(self) -> QuerySet[Verification]:
        # The list never shows personal fields: don't even decrypt them.
        return selectors.verification_list_for_member(user=self.request.user).defer(
            *ENCRYPTED_FIELDS
        )

    @extend_schema(
        request={"multipart/form-data": VerificationSubmitSerializer},
        responses={202: VerificationAcceptedSerializer},
        description="403 premium_required / consent_required; 429 too_many_attempts / "
        "verification_locked; 409 verification_pending / already_verified; 400 field errors "
        "(fields, and field_codes such as nik_sex_mismatch, image_too_many_pixels, "
        "liveness_required, challenge_invalid, challenge_used, challenge_expired, "
        "frames_count, frame_times_invalid, burst_too_large, human_review_not_available). "
        "Liveness: send challenge_id, the recording as the multipart field `frames` (once per "
        "frame, in capture order) and `frame_times` (once per frame); without a camera, "
        "`no_camera` and a `selfie` (a person decides).",
    )
    def post(self, request: Request) -> Response:
        services.verification_precheck(user=request.user)
        serializer = VerificationSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verification = services.verification_submit(user=request.user, **serializer.validated_data)
        return Response(
            {"id": str(verification.pk), "status": verification.status},
            status=status.HTTP_202_ACCEPTED,
        )


class LivenessChallengeView(generics.GenericAPIView):
    """POST: issue a one-time liveness challenge (poses to take, in order) to the member."""

    permission_classes = [IsAuthenticated]
    serializer_class = LivenessChallengeSerializer

    @extend_schema(
        request=None,
        responses={201: LivenessChallengeSerializer},
        description="Refusals as for a submission (403 premium_required / consent_required, "
        "429 verification_locked / too_many_attempts, 409 verification_pending / "
        "already_verified), and 429 too_many_challenges. Record the poses in order as one "
        "continuous movement and send the challenge_id with the recording before expires_at.",
    )
    def post(self, request: Request) -> Response:
        challenge = services.liveness_challenge_issue(user=request.user)
        return Response(self.get_serializer(challenge).data, status=status.HTTP_201_CREATED)


class VerificationDetailView(generics.RetrieveAPIView):
    """One of the member's verifications: state, decision, reason code and message."""

    permission_classes = [IsAuthenticated]
    serializer_class = VerificationSerializer

    def get_object(self) -> Verification:
        return selectors.verification_get_for_member(
            user=self.request.user, verification_id=self.kwargs["verification_id"]
        )
