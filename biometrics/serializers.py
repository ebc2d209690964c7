"""API shapes: the multipart submission in; a case's state and decision out (no ID, no images)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from biometrics.models import IdType, Sex, Verification
from biometrics.reasons import decision_message


class PhotoField(serializers.FileField):
    """An uploaded photo read into bytes; the service's image intake does the real checks."""

    def to_internal_value(self, data: Any) -> bytes:
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
    selfie = PhotoField(help_text="A selfie showing only the member's face.")


class VerificationAcceptedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()


class VerificationSerializer(serializers.ModelSerializer):
    reason_message = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()
    final = serializers.BooleanField(source="is_final")
    submitted_at = serializers.DateTimeField(source="created_at")

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
        ]

    def get_reason_message(self, obj: Verification) -> str:
        return decision_message(status=obj.status, reason_code=obj.reason_code)[0]

    def get_next_step(self, obj: Verification) -> str:
        return decision_message(status=obj.status, reason_code=obj.reason_code)[1]
