"""``{% verified_badge user %}``: the "Identity verified on DATE" badge, for any app's page.

Reads the plain assertion through ``biometrics.selectors.identity_assertion`` (a date and an ID
type, never the number, photos or template); renders nothing for a member who is not verified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from biometrics.selectors import identity_assertion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

register = template.Library()


@register.inclusion_tag("biometrics/_verified_badge.html")
def verified_badge(user: User | AnonymousUser | None) -> dict[str, Any]:
    return {"assertion": identity_assertion(user=user)}
