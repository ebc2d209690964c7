"""API authentication by ``Authorization: Token <key>`` against hashed, expiring tokens."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token header, checked against ``accounts.ApiToken`` (see ``api_token_use``).

    ``request.auth`` is the ``ApiToken``: ``DELETE /api/v1/auth/token/`` revokes exactly it.
    """

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        from accounts.services import api_token_use

        token = api_token_use(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        return token.user, token
