"""Careers' reactions to other apps' signals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from accounts.signals import employer_membership_changed
from biometrics.signals import identity_assertion_changed

if TYPE_CHECKING:
    from accounts.models import User


@receiver(employer_membership_changed)
def resync_application_grants(sender: Any, employer_id: Any, **kwargs: Any) -> None:
    """A recruiter joined or left: give or take access to the employer's applications."""
    from careers.services import application_grants_sync

    application_grants_sync(employer_id=employer_id)


@receiver(identity_assertion_changed)
def refresh_verified_badge(sender: Any, user_id: Any, **kwargs: Any) -> None:
    """A member's "ID verified" assertion appeared or went: refresh their search row."""
    from careers.services.search_index import candidate_index_refresh_for_user

    candidate_index_refresh_for_user(user_id=user_id)


@receiver(user_logged_in)
def refresh_last_active(sender: Any, user: User, **kwargs: Any) -> None:
    """A member signed in: "recently active" in candidate search counts from today."""
    from careers.services.search_index import candidate_index_touch

    transaction.on_commit(lambda: candidate_index_touch(user_id=user.pk))
