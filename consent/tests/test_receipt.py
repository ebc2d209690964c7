"""Consent receipts in the Kantara Consent Receipt v1.1 shape."""

from __future__ import annotations

from consent.purposes import PurposeCode
from consent.selectors import consent_receipt_latest
from consent.services import subject_ref
from consent.tests.factories import grant

KANTARA_FIELDS = {
    "version",
    "jurisdiction",
    "consentTimestamp",
    "collectionMethod",
    "consentReceiptID",
    "language",
    "piiPrincipalId",
    "piiControllers",
    "policyUrl",
    "services",
    "sensitive",
    "spiCat",
}
PURPOSE_FIELDS = {
    "purpose",
    "purposeCategory",
    "consentType",
    "piiCategory",
    "primaryPurpose",
    "termination",
    "thirdPartyDisclosure",
    "thirdPartyName",
}


def test_biometric_receipt_has_every_field_and_marks_sensitive_data(member):
    # given
    event = grant(member, PurposeCode.BIOMETRIC_VERIFICATION, language="id")
    # when
    receipt = consent_receipt_latest(user=member, purpose=PurposeCode.BIOMETRIC_VERIFICATION)
    # then
    assert KANTARA_FIELDS <= set(receipt)
    assert receipt["version"] == "KI-CR-v1.1.0"
    assert receipt["consentTimestamp"] == int(event.created_at.timestamp())
    assert isinstance(receipt["consentTimestamp"], int)
    assert receipt["consentReceiptID"] == str(event.pk)
    assert receipt["language"] == "id"
    assert receipt["sensitive"] is True
    assert receipt["spiCat"]
    assert receipt["policyUrl"].endswith("/privacy/policies/#v-2023-09-29")
    assert receipt["piiControllers"][0]["piiController"]
    purpose = receipt["services"][0]["purposes"][0]
    assert set(purpose) == PURPOSE_FIELDS
    assert purpose["consentType"] == "EXPLICIT"
    # the member consented in Indonesian, so the receipt reads in Indonesian too
    assert "swafoto" in purpose["piiCategory"]
    assert "3 tahun" in purpose["termination"]
    assert purpose["thirdPartyDisclosure"] is False
    assert receipt["x-consentTextSha256"] == event.text_id


def test_receipt_names_the_member_only_pseudonymously(member):
    grant(member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    receipt = consent_receipt_latest(user=member, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    assert receipt["piiPrincipalId"] == subject_ref(member.pk)
    assert member.email not in str(receipt)
    assert str(member.pk) not in str(receipt)
    purpose = receipt["services"][0]["purposes"][0]
    assert purpose["thirdPartyDisclosure"] is True
    assert purpose["thirdPartyName"]
    assert receipt["sensitive"] is False
    assert receipt["language"] == "en"
    assert "career profile" in purpose["piiCategory"]
