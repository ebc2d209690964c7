"""Signals other apps may listen to (documented in docs/biometrics.md).

``identity_assertion_changed`` is sent after the commit that created, refreshed or deleted a
member's "ID verified on DATE" assertion, with ``user_id``. Careers uses it to refresh the
member's search row (the verified filter). Receivers must not raise.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

identity_assertion_changed = Signal()


def send_identity_assertion_changed(*, user_id: Any) -> None:
    """Send ``identity_assertion_changed`` once the current transaction commits."""
    transaction.on_commit(
        lambda: identity_assertion_changed.send_robust(sender=None, user_id=user_id)
    )
