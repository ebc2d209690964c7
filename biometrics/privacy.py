"""Consent hooks: what identity verification does on withdrawal, erasure, export and retention.

Withdrawing ``biometric_verification`` destroys the member's biometric data at once (photos,
face crops, template, encrypted ID number, name and birth date) and cancels pending cases. The
plain "ID verified on DATE" assertion is kept: it holds no biometric data, and the member
consented to being shown as verified (erasure removes it too).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from consent.purposes import PurposeCode
from consent.registry import export_section, on_erasure, on_retention, on_withdrawal

if TYPE_CHECKING:
    from accounts.models import User


@on_withdrawal(PurposeCode.BIOMETRIC_VERIFICATION)
def destroy_biometric_data(user: User) -> list[str]:
    from biometrics.services import biometric_data_destroy

    return biometric_data_destroy(user=user, keep_assertion=True)


@on_erasure
def erase_identity_verification(user: User) -> None:
    from biometrics.services import biometric_data_erase

    biometric_data_erase(user=user)


@export_section("identity_verification")
def export_identity_verification(user: User) -> dict[str, Any]:
    from biometrics.selectors import identity_verification_export

    return identity_verification_export(user=user)


@on_retention("biometrics")
def biometric_retention(now: datetime) -> int:
    from biometrics.services import biometric_retention_sweep

    return biometric_retention_sweep(now=now)
