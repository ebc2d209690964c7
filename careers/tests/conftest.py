"""Careers fixtures: consent helpers."""

from __future__ import annotations

from typing import Any

import pytest

from consent.purposes import PurposeCode
from consent.services import consent_grant, consent_withdraw


@pytest.fixture
def grant():
    """Return ``grant(user, purpose)`` recording the member's consent."""

    def give(user: Any, purpose: str) -> None:
        consent_grant(user=user, purpose=purpose, method="web")

    return give


@pytest.fixture
def withdraw():
    """Return ``withdraw(user, purpose) -> notes``."""

    def take(user: Any, purpose: str) -> list[str]:
        _event, notes = consent_withdraw(user=user, purpose=purpose, method="web")
        return notes

    return take


@pytest.fixture
def recommending_member(member, grant):
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    return member


@pytest.fixture
def sharing_member(member, grant):
    grant(member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    return member
