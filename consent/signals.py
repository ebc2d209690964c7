"""The one documented signal: pseudonymise the ledger whenever a user row is deleted.

``accounts.services.account_erase`` is the way to erase a member (it also runs every app's
erasure handlers); this receiver is the safety net for a user deleted any other way (the admin,
a shell), so signatures and IP addresses never outlive the account in the ledger.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User


def user_pre_delete(sender: type, instance: User, **kwargs: Any) -> None:
    """Strip personal data from the ledger rows of the user being deleted."""
    from consent.services import ledger_pseudonymise

    ledger_pseudonymise(user_id=instance.pk)
