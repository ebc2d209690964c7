"""Session engine: Django's database sessions, each row tagged with the signed-in user.

``SESSION_ENGINE = "accounts.sessions"``. The tag lets an erasure delete the member's sessions
with the account (``UserSession.user`` cascades), and a password change sign out the member's
other browsers, without decoding every session in the table.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

if TYPE_CHECKING:
    from accounts.models import UserSession


class SessionStore(DatabaseSessionStore):
    """Database sessions stored in ``accounts.UserSession`` with the user's id."""

    @classmethod
    def get_model_class(cls) -> type:
        from accounts.models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance = cast("UserSession", super().create_model_instance(data))
        try:
            instance.user_id = uuid.UUID(str(data.get("_auth_user_id")))
        except ValueError:
            instance.user_id = None
        return instance
