"""API shapes: the multipart submission in; a case's state and decision out (no ID, no images)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from biometrics import liveness_burst
from biometrics.liveness import POSES
from biometrics.liveness_light import PALETTE
from biometrics.models import IdType, Sex, Verification
from biometrics.reasons import decision_message, document_summary, failed_step, liveness_summary
from biometrics.services import liveness_challenge_instructions, review_request_open

POSE_CHOICES = [(pose, pose) for pose in POSES]


class PhotoField(serializers.FileField):
    """An uploaded photo read into bytes; the service's image intake does the real checks."""

    # The service takes bytes, not DRF's File: the narrower return is the point of this field.
    def to_internal_value(self, data: Any) -> bytes:  # type: ignore[override]
        upload = super().to_internal_value(data)
        if upload.size and upload.size > settings.MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(
                _("The file is too large. The limit is %(mb)s MB.")
                % {"mb": round(settings.MAX_UPLOAD_BYTES / (1024 * 1024), 1)}
            )
        return upload.read()


class VerificationSubmitSerializer(serializers.Serializer):
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = serializers.CharField(max_length=40)
    full_name = serializers.CharField(max_length=200)
    date_of_birth = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    document = PhotoField(help_text="Photo of the ID document (JPEG, PNG or WebP).")
    selfie = PhotoField(
        required=False,
        help_text="A selfie showing only the member's face. Not needed (and ignored) when "
        "`frames` are sent: a frame of the straight step is the selfie. Without frames it is "
        "required; when the server requires liveness it is accepted only with `no_camera` "
        "(else `liveness_required`).",
    )
    challenge_id = serializers.UUIDField(
        required=False,
        help_text="Id of a liveness challenge from POST me/verifications/challenge/ (single "
        "use, this member's, not expired; else challenge_invalid / challenge_used / "
        "challenge_expired).",
    )
    frames = serializers.ListField(
        child=PhotoField(),
        required=False,
        max_length=liveness_burst.MAX_FRAMES,
        help_text="The liveness recording: 12-60 JPEG frames (8-15 per second over 1.5-8 s, "
        "each at most 400 KB and 1280 px a side, 12 MB in all) in capture order, unmirrored: "
        "repeat the multipart field `frames` once per frame. Else frames_count, "
        "burst_too_large, image_too_large.",
    )
    frame_times = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=2**53),
        required=False,
        max_length=liveness_burst.MAX_FRAMES,
        help_text="Capture time of each frame, epoch milliseconds, one per frame in the same "
        "order (repeat the field). They must lie between the challenge's issue and the "
        "submission, 1.5-8 s in all, at most 0.4 s apart; else the check fails as "
        "liveness_failed / liveness_timing.",
    )
    no_camera = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The member has no camera: send `selfie` instead of a recording and a person "
        "decides (the case goes to human review).",
    )
    request_human_review = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Ask a person to decide instead of an automatic face_mismatch / "
        "liveness_failed rejection (GDPR Art. 22). Only after such a rejection; else "
        "human_review_not_available.",
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """Without liveness frames (and liveness not required) the selfie is required.

        Checked alongside the field errors, so the member sees every missing field at once.
        """
        errors: dict[str, Any] = {}
        value: dict[str, Any] = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            errors = dict(detail) if isinstance(detail, dict) else {"non_field_errors": detail}
        liveness = data.get("frames") or data.get("challenge_id")
        if not (liveness or data.get("selfie") or settings.BIOMETRICS_LIVENESS_REQUIRED):
            errors.setdefault("selfie", [_("This field is required.")])
        if errors:
            raise serializers.ValidationError(errors)
        return value


class VerificationAcceptedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()


class LightSequenceSerializer(serializers.Serializer):
    starts_ms = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="When each colour starts, in ms after the recording's first frame (ascending; "
        "at least 400 ms apart).",
    )
    colours = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(PALETTE)),
        help_text="The screen colour from each start on (sRGB: warm 255,190,140; cool "
        "140,190,255; green 170,255,170).",
    )


class LivenessChallengeSerializer(serializers.Serializer):
    challenge_id = serializers.UUIDField(source="pk")
    poses = serializers.ListField(child=serializers.ChoiceField(choices=POSE_CHOICES))
    instructions = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField()
    light = LightSequenceSerializer(
        allow_null=True,
        help_text="The light challenge: while recording, fill the screen around the camera "
        "preview with these colours on this timing (the face must reflect them). Null: none.",
    )

    def get_instructions(self, obj: Any) -> list[str]:
        return liveness_challenge_instructions(challenge=obj)


class LivenessSummarySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()


class DocumentSummarySerializer(serializers.Serializer):
    kind = serializers.CharField(
        allow_null=True,
        help_text="The kind of ID found in the photo: ktp, passport or driving_licence "
        "(null when none was found).",
    )
    decision = serializers.ChoiceField(choices=["pass", "review", "reject"])
    code = serializers.ChoiceField(
        choices=[
            "",
            "document_not_found",
            "document_unreadable",
            "document_data_mismatch",
            "document_expired",
            "document_mrz_invalid",
            "document_review",
        ],
    )
    cause = serializers.ChoiceField(
        choices=["", "blur", "glare", "cut_off", "too_small", "unreadable", "not_found"],
        help_text="Why a document_unreadable ID could not be read.",
    )
    mismatched_fields = serializers.ListField(
        child=serializers.ChoiceField(
            choices=["id_type", "id_number", "full_name", "date_of_birth", "sex"]
        ),
        help_text="Fields whose typed value differs from the ID (never the value read).",
    )


class VerificationSerializer(serializers.ModelSerializer):
    reason_message = serializers.SerializerMethodField()
    liveness = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    final = serializers.BooleanField(source="is_final")
    submitted_at = serializers.DateTimeField(source="created_at")
    failed_step = serializers.SerializerMethodField()
    review_request_available = serializers.SerializerMethodField()

    class Meta:
        model = Verification
        fields = [
            "id",
            "id_type",
            "status",
            "reason_code",
            "reason_message",
            "next_step",
            "final",
            "submitted_at",
            "finished_at",
            "decided_at",
            "liveness",
            "document",
            "human_review_requested",
            "failed_step",
            "review_request_available",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=1, max_value=3))
    def get_failed_step(self, obj: Verification) -> int | None:
        """The step a rejection asks to redo: 1 details, 2 the ID photo, 3 the face."""
        step = failed_step(status=obj.status, reason_code=obj.reason_code)
        return step[0] if step else None

    @extend_schema_field(serializers.BooleanField())
    def get_review_request_available(self, obj: Verification) -> bool:
        """POST review-request/ is open: a person can be asked to decide, without new photos."""
        return review_request_open(verification=obj)

    def get_reason_message(self, obj: Verification) -> str:
        return decision_message(
            status=obj.status,
            reason_code=obj.reason_code,
            liveness=obj.liveness,
            document=obj.document_check,
        )[0]

    def get_next_step(self, obj: Verification) -> str:
        return decision_message(status=obj.status, reason_code=obj.reason_code)[1]

    @extend_schema_field(DocumentSummarySerializer(allow_null=True))
    def get_document(self, obj: Verification) -> dict[str, Any] | None:
        """The document check in brief (never what was read)."""
        return document_summary(obj.document_check)

    @extend_schema_field(LivenessSummarySerializer(allow_null=True))
    def get_liveness(self, obj: Verification) -> dict[str, Any] | None:
        """The liveness outcome in brief (never frames, measurements or templates)."""
        return liveness_summary(obj.liveness)


class DraftSerializer(serializers.Serializer):
    """The member's verification draft: what the stepper kept (never what the reader read)."""

    id_type = serializers.CharField(allow_blank=True)
    id_number = serializers.CharField(allow_null=True)
    full_name = serializers.CharField(allow_null=True)
    date_of_birth = serializers.DateField(allow_null=True)
    sex = serializers.CharField(allow_null=True)
    has_id_photo = serializers.BooleanField(source="has_document")
    updated_at = serializers.DateTimeField()


class DraftPrefillSerializer(serializers.Serializer):
    id_type = serializers.CharField(required=False)
    id_number = serializers.CharField(required=False)
    full_name = serializers.CharField(required=False)
    date_of_birth = serializers.CharField(required=False)
    sex = serializers.CharField(required=False)


class DraftSavedSerializer(DraftSerializer):
    read = DraftPrefillSerializer(
        allow_null=True,
        help_text="What the document reader found on the new ID photo (with read=true), to "
        "offer as a prefill; null when nothing was read. Not stored.",
    )


class DraftUpdateSerializer(serializers.Serializer):
    """Any of the details and a new ID photo; every field is optional."""

    id_type = serializers.CharField(required=False, allow_blank=True, max_length=40)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=80)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=400)
    date_of_birth = serializers.CharField(required=False, allow_blank=True, max_length=40)
    sex = serializers.CharField(required=False, allow_blank=True, max_length=10)
    document = PhotoField(required=False, help_text="Photo of the ID (JPEG, PNG or WebP).")
    read = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Read the new ID photo and return what was read as `read` (about 0.6 s).",
    )


class DraftSubmitSerializer(serializers.Serializer):
    """The face step; the details and ID photo come from the draft."""

    selfie = PhotoField(required=False)
    challenge_id = serializers.UUIDField(required=False)
    frames = serializers.ListField(child=PhotoField(), required=False, max_length=6)
    request_human_review = serializers.BooleanField(required=False, default=False)
