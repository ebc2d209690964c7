"""Sign-in lockout that nobody can aim at someone else (django-axes' combined rules).

Two counters per window (``LOGIN_FAILURE_WINDOW_SECONDS``), both in the shared cache:

- the pair (client address, account): ``LOGIN_FAILURE_LIMIT`` failures lock that pair. The
  account stays open from every other address, so failing on purpose locks only yourself;
- the client address across all accounts: ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures refuse that
  address everywhere (password spraying: one guess at each of many accounts).

Unknown and known e-mail addresses are counted and refused alike, so the answers never tell
whether an account exists. Password confirmations (erasure, password change) count as sign-in
attempts: a stolen session must not become an unlimited password oracle.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from config.client_address import client_rate_key

if TYPE_CHECKING:
    from accounts.models import User


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _keys(email: str, address: str) -> tuple[str, str]:
    account = email.strip().lower()
    return (
        "login-failures:pair:" + _digest(address, account),
        "login-failures:address:" + _digest(address),
    )


def lockout_message() -> str:
    """What a locked client is told (the same for every account, known or not)."""
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    return _(
        "Too many failed attempts. Please wait %(minutes)d minutes or reset your password."
    ) % {"minutes": minutes}


def login_is_locked(*, email: str, request: HttpRequest | None) -> bool:
    """Whether sign-in for ``email`` from this client is refused for now."""
    pair, address = _keys(email, client_rate_key(request))
    values = cache.get_many([pair, address])
    return (
        values.get(pair, 0) >= settings.LOGIN_FAILURE_LIMIT
        or values.get(address, 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )


def _count(key: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)


def login_failure_record(*, email: str, request: HttpRequest | None) -> None:
    """Count a failed sign-in (or password confirmation) for ``email`` from this client."""
    for key in _keys(email, client_rate_key(request)):
        _count(key)


def login_failures_clear(*, email: str, request: HttpRequest | None) -> None:
    """Forget this pair's failures after a success (the address's count across accounts stays)."""
    pair, _address = _keys(email, client_rate_key(request))
    cache.delete(pair)


def password_confirm(*, user: User, password: str, request: HttpRequest | None) -> None:
    """Raise ValidationError unless ``password`` is the user's; failures count as sign-ins."""
    email = str(getattr(user, "email", ""))
    if login_is_locked(email=email, request=request):
        raise ValidationError(lockout_message(), code="locked")
    if not user.check_password(password):
        login_failure_record(email=email, request=request)
        raise ValidationError(_("The password is not correct."), code="password_incorrect")
    login_failures_clear(email=email, request=request)
