"""Authenticate by e-mail (case-insensitive), refusing locked-out clients (accounts.lockout)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.lockout import login_failure_record, login_failures_clear, login_is_locked
from accounts.models import User


class EmailBackend(ModelBackend):
    """ModelBackend that looks the user up by e-mail, case-insensitively."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (email or username or kwargs.get("email") or "").strip()
        if not email or password is None:
            return None
        if login_is_locked(email=email, request=request):
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            login_failure_record(email=email, request=request)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            login_failures_clear(email=email, request=request)
            return user
        login_failure_record(email=email, request=request)
        return None
