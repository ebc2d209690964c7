"""API serializers for consent: states, ledger events, receipts, access log."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from consent.access_details import detail_text
from consent.selectors import PurposeStatus


class ConsentStatusSerializer(serializers.Serializer):
    """One purpose with the member's state: granted, withdrawn, missing or policy_updated."""

    code = serializers.CharField(source="purpose.code")
    name = serializers.CharField(source="purpose.name")
    description = serializers.CharField(source="purpose.description")
    special_category = serializers.BooleanField(source="purpose.special_category")
    signature_required = serializers.BooleanField(source="purpose.special_category")
    state = serializers.SerializerMethodField()
    policy_version = serializers.CharField(allow_null=True)
    since = serializers.DateTimeField(allow_null=True)

    def get_state(self, status: PurposeStatus) -> str:
        return "granted" if status.granted else str(status.reason)


class ConsentGrantRequestSerializer(serializers.Serializer):
    signature = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Your full name, typed: required for biometric_verification.",
    )


class ConsentEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    purpose = serializers.CharField(source="purpose_id")
    action = serializers.CharField()
    policy_version = serializers.CharField(source="policy_version.version")
    created_at = serializers.DateTimeField()
    method = serializers.CharField()
    text_sha256 = serializers.CharField(source="text_id")


class ConsentGrantResponseSerializer(serializers.Serializer):
    event = ConsentEventSerializer()
    receipt_id = serializers.UUIDField()


class ConsentWithdrawResponseSerializer(serializers.Serializer):
    event = ConsentEventSerializer()
    notes = serializers.ListField(child=serializers.CharField())
    receipt_id = serializers.UUIDField()


class ReceiptSerializer(serializers.Serializer):
    """Kantara Consent Receipt v1.1 (documentation only; the receipt is returned as built)."""

    version = serializers.CharField()
    jurisdiction = serializers.CharField()
    consentTimestamp = serializers.IntegerField()  # the specification's names
    collectionMethod = serializers.CharField()
    consentReceiptID = serializers.CharField()
    language = serializers.CharField()
    piiPrincipalId = serializers.CharField()
    piiControllers = serializers.ListField(child=serializers.DictField())
    policyUrl = serializers.URLField()
    services = serializers.ListField(child=serializers.DictField())
    sensitive = serializers.BooleanField()
    spiCat = serializers.ListField(child=serializers.CharField())


class AccessLogEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    who = serializers.SerializerMethodField()
    what = serializers.CharField(source="category")
    why = serializers.CharField(source="purpose")
    detail = serializers.SerializerMethodField(help_text="Worded in the request's language.")
    when = serializers.DateTimeField(source="created_at")
    last_at = serializers.DateTimeField(
        allow_null=True, help_text="Latest of repeated identical reads folded into this row."
    )
    count = serializers.IntegerField(help_text="How many identical reads this row stands for.")
    by_you = serializers.SerializerMethodField()

    def get_detail(self, entry: Any) -> str:
        return detail_text(entry)

    def get_who(self, entry: Any) -> str:
        return entry.accessor_label

    def get_by_you(self, entry: Any) -> bool:
        return entry.accessor_id == entry.subject_id
