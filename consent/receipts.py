"""Consent receipts in the Kantara Initiative Consent Receipt v1.1 shape, one per grant event.

``piiPrincipalId`` is the pseudonymous ``subject_ref`` (a keyed hash of the account id), not the
e-mail: a receipt is proof the member may pass on, it survives account erasure unchanged, and the
controller can still match it to the ledger, which keeps ``subject_ref`` after erasure.

Fields outside the specification carry an ``x-`` prefix: the policy version and the SHA-256 of
the exact text shown, which is what lets the receipt be checked against the ledger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentEvent
from consent.purpose_texts import purpose_texts_in
from consent.purposes import ReceiptProfile, purpose_declared

RECEIPT_VERSION = "KI-CR-v1.1.0"


# A purpose without a declaration (a row added by hand) is described as a core function.
DEFAULT_PROFILE = ReceiptProfile(
    purpose_category=("Core Function",), third_party_disclosure=False, third_party_name=""
)

COLLECTION_METHODS: dict[str, str] = {
    ConsentEvent.Method.WEB: "Web form on the privacy centre",
    ConsentEvent.Method.API: "API request by the member",
    ConsentEvent.Method.ADMIN: "Recorded by staff",
    ConsentEvent.Method.SYSTEM: "Recorded by the platform",
}


def policy_effective_date(policy: Any) -> date:
    """The one effective date of a policy version: its start, as a date in the site's time zone.

    Pages (``{{ policy.effective_at|date }}``), consent texts and receipts all use this day, so a
    policy effective at midnight in Jakarta is never "the day before" in UTC.
    """
    return timezone.localdate(policy.effective_at)


def _controller(base_url: str) -> dict[str, Any]:
    default = {
        "piiController": "Platform",
        "onBehalf": False,
        "contact": "Data Protection Officer",
        "address": {"addressCountry": "ID"},
        "email": settings.DEFAULT_FROM_EMAIL,
        "phone": "",
    }
    # The controller's URL is the host that served the request, not a configured default.
    return {**default, **getattr(settings, "CONSENT_CONTROLLER", {}), "piiControllerUrl": base_url}


def receipt_build(*, event: ConsentEvent, base_url: str | None = None) -> dict[str, Any]:
    """Return the Kantara v1.1 receipt for a grant or withdrawal event (JSON-ready).

    ``base_url`` is the scheme and host serving the request ("https://example.org"); links in
    the receipt point there. Without a request (exports by a task) it falls back to SITE_URL.
    A withdrawal receipt is the same shape with ``x-action`` "withdraw": the specification only
    covers grants, and the member needs proof of both.
    """
    base = (base_url or settings.SITE_URL).rstrip("/")
    purpose = event.purpose
    declared = purpose_declared(purpose.code)
    profile = declared.receipt if declared else DEFAULT_PROFILE
    policy_url = base + reverse("consent:policies") + f"#v-{event.policy_version.version}"
    # The member-facing texts read in the language the member consented in ("language" below).
    texts = purpose_texts_in(purpose, event.language or "en")
    return {
        "version": RECEIPT_VERSION,
        "jurisdiction": getattr(settings, "CONSENT_JURISDICTION", "ID"),
        "consentTimestamp": int(event.created_at.timestamp()),
        "collectionMethod": COLLECTION_METHODS.get(event.method, event.method),
        "consentReceiptID": str(event.id),
        "language": event.language,
        "piiPrincipalId": event.subject_ref,
        "piiControllers": [_controller(base)],
        "policyUrl": policy_url,
        "services": [
            {
                "service": "Platform",
                "purposes": [
                    {
                        "purpose": texts.description,
                        "purposeCategory": list(profile.purpose_category),
                        "consentType": "EXPLICIT",
                        "piiCategory": texts.data_categories,
                        "primaryPurpose": True,
                        "termination": texts.retention,
                        "thirdPartyDisclosure": profile.third_party_disclosure,
                        "thirdPartyName": profile.third_party_name,
                    }
                ],
            }
        ],
        "sensitive": purpose.special_category,
        "spiCat": list(profile.spi_cat),
        "x-purposeCode": purpose.code,
        "x-action": event.action,
        "x-policyVersion": event.policy_version.version,
        "x-policyEffectiveDate": policy_effective_date(event.policy_version).isoformat(),
        "x-consentTextSha256": event.text_id,
    }
