"""Helpers that put members into consent states through the real services."""

from __future__ import annotations

from typing import Any

from consent.models import ConsentEvent
from consent.purposes import PurposeCode
from consent.services import consent_grant, consent_withdraw


def grant(user: Any, purpose: str, **kwargs: Any) -> ConsentEvent:
    """Record a web grant; biometric grants are signed with the display name."""
    if purpose == PurposeCode.BIOMETRIC_VERIFICATION:
        kwargs.setdefault("signature", user.display_name)
    kwargs.setdefault("method", "web")
    kwargs.setdefault("ip_address", "203.0.113.7")
    kwargs.setdefault("user_agent", "pytest-browser/1.0")
    return consent_grant(user=user, purpose=purpose, **kwargs)


def withdraw(user: Any, purpose: str) -> ConsentEvent:
    event, _notes = consent_withdraw(user=user, purpose=purpose, method="web")
    return event


def grant_all(user: Any) -> list[ConsentEvent]:
    return [grant(user, code) for code in PurposeCode.values]
