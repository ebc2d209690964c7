"""Template context: whether the signed-in user is premium and works for an employer."""

from __future__ import annotations

from django.http import HttpRequest

from accounts import selectors


def membership(request: HttpRequest) -> dict[str, object]:
    """Expose ``is_premium`` and ``is_recruiter`` lazily to every template."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_premium": False, "is_recruiter": False}
    return {
        "is_premium": lambda: selectors.user_is_premium(user=user),
        "is_recruiter": lambda: bool(selectors.user_employer_ids(user=user)),
    }
