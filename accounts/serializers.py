"""API serializers for accounts."""

from __future__ import annotations

from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, write_only=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


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
