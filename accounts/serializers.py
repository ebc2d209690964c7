"""API serializers for accounts."""

from __future__ import annotations

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)
    name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A label for this token in your list (default: your client's User-Agent).",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The key: shown this once, stored only as a hash.")
    id = serializers.UUIDField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField(
        help_text="Moves forward each time the token is used, up to a fixed limit."
    )


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="How the key starts (the key itself is never shown).")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="The token this request was sent with.")


class EraseRequestSerializer(serializers.Serializer):
    password = serializers.CharField(
        trim_whitespace=False, write_only=True, help_text="Your password, to confirm the erasure."
    )


class EmployerMembershipSerializer(serializers.Serializer):
    employer_id = serializers.UUIDField(source="employer.id")
    employer_name = serializers.CharField(source="employer.name")
    employer_domain = serializers.CharField(source="employer.domain")
    role = serializers.CharField()


class PremiumSerializer(serializers.Serializer):
    active = serializers.BooleanField()
    tier = serializers.CharField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    display_name = serializers.CharField()
    date_joined = serializers.DateTimeField()
    premium = PremiumSerializer()
    employer_memberships = EmployerMembershipSerializer(many=True)


class RegisteredEmployerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    domain = serializers.CharField()
