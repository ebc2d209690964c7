"""Identity verification API: submit (multipart, 202), list and read the member's own cases."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from biometrics import drafts, selectors, services
from biometrics.models import ENCRYPTED_FIELDS, Verification, VerificationDraft
from biometrics.serializers import (
    DraftSavedSerializer,
    DraftSerializer,
    DraftSubmitSerializer,
    DraftUpdateSerializer,
    LivenessChallengeSerializer,
    VerificationAcceptedSerializer,
    VerificationSerializer,
    VerificationSubmitSerializer,
)
from config.errors import ApplicationError
from config.throttling import ScopedRateThrottle

if TYPE_CHECKING:
    from accounts.models import User


def _member(request: Request) -> User:
    """The signed-in member: every endpoint here requires authentication."""
    return cast("User", request.user)


class SubmitThrottle(ScopedRateThrottle):
    """Throttle submissions only; reading one's cases is not limited."""

    def allow_request(self, request: Request, view: APIView) -> bool:
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
        return selectors.verification_list_for_member(user=_member(self.request)).defer(
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
        services.verification_precheck(user=_member(request))
        serializer = VerificationSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verification = services.verification_submit(
            user=_member(request), **serializer.validated_data
        )
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
        challenge = services.liveness_challenge_issue(user=_member(request))
        return Response(self.get_serializer(challenge).data, status=status.HTTP_201_CREATED)


class VerificationDetailView(generics.RetrieveAPIView):
    """One of the member's verifications: state, decision, reason code and message."""

    permission_classes = [IsAuthenticated]
    serializer_class = VerificationSerializer

    def get_object(self) -> Verification:
        return selectors.verification_get_for_member(
            user=_member(self.request), verification_id=self.kwargs["verification_id"]
        )


class ReviewRequestView(generics.GenericAPIView):
    """POST: ask a person to decide an automatic face or liveness rejection (no new upload)."""

    permission_classes = [IsAuthenticated]
    serializer_class = VerificationAcceptedSerializer

    @extend_schema(
        request=None,
        responses={202: VerificationAcceptedSerializer},
        description="Only for the member's latest case, rejected automatically as "
        "face_mismatch or liveness_failed, while its photos are kept "
        "(BIOMETRICS_REVIEW_REQUEST_DAYS) and never after a person decided: else 409 "
        "human_review_not_available. The case is checked again and goes to a person "
        "(status needs_review, reason human_review_requested); a face mismatch no longer "
        "counts towards the lock. 403 consent_required; someone else's case is a 404.",
    )
    def post(self, request: Request, verification_id: str) -> Response:
        verification = services.verification_review_request(
            user=_member(request), verification_id=verification_id
        )
        return Response(
            {"id": str(verification.pk), "status": verification.status},
            status=status.HTTP_202_ACCEPTED,
        )


class DraftView(generics.GenericAPIView):
    """The verification draft: GET it, PUT what is known so far, DELETE it (and its ID photo)."""

    permission_classes = [IsAuthenticated]
    serializer_class = DraftSerializer
    parser_classes = [MultiPartParser, FormParser]

    def _draft(self) -> VerificationDraft:
        draft = selectors.verification_draft_for_member(user=_member(self.request))
        if draft is None:
            raise Http404
        return draft

    @extend_schema(responses={200: DraftSerializer}, description="404 when there is no draft.")
    def get(self, request: Request) -> Response:
        return Response(DraftSerializer(self._draft()).data)

    @extend_schema(
        request={"multipart/form-data": DraftUpdateSerializer},
        responses={200: DraftSavedSerializer},
        description="Keeps every valid detail given and a new ID photo (encrypted); the NIK "
        "is checked against the date of birth and sex known so far. 400 invalid with "
        "`fields` and `field_codes` (e.g. nik_sex_mismatch, image_too_many_pixels) for what "
        "was NOT kept: the rest is saved all the same. Refusals as for a submission (403 "
        "premium_required / consent_required, 429 verification_locked, 409 "
        "verification_pending / already_verified).",
    )
    def put(self, request: Request) -> Response:
        serializer = DraftUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        document = data.pop("document", None)
        read = data.pop("read", False)
        saved = drafts.verification_draft_save(
            user=_member(request), details=data, document=document, read_document=read
        )
        if saved.errors:
            raise ApplicationError(
                _("Please correct the errors below."),
                code="invalid",
                fields=saved.errors,
                extra={"field_codes": saved.codes},
            )
        return Response({**DraftSerializer(saved.draft).data, "read": saved.read})

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        with transaction.atomic():
            drafts.verification_draft_delete(user=_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DraftSubmitView(generics.GenericAPIView):
    """POST: submit the draft with the face step (liveness frames, or a selfie)."""

    permission_classes = [IsAuthenticated]
    serializer_class = DraftSubmitSerializer
    parser_classes = [MultiPartParser, FormParser]
    throttle_classes = [SubmitThrottle]
    throttle_scope = "verification_submit"

    @extend_schema(
        request={"multipart/form-data": DraftSubmitSerializer},
        responses={202: VerificationAcceptedSerializer},
        description="As POST me/verifications/, with the details and ID photo from the "
        "draft (400 with fields for what is missing). A refused submission keeps the "
        "draft: after challenge_expired, get a new challenge and send the frames again. "
        "The draft is deleted when the case is accepted.",
    )
    def post(self, request: Request) -> Response:
        services.verification_precheck(user=_member(request))
        serializer = DraftSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verification = drafts.verification_draft_submit(
            user=_member(request), **serializer.validated_data
        )
        return Response(
            {"id": str(verification.pk), "status": verification.status},
            status=status.HTTP_202_ACCEPTED,
        )
