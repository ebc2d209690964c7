"""Liveness challenges: the one-time pose sequence a member records, issued and redeemed once."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from biometrics import liveness, liveness_burst
from biometrics.liveness_light import PALETTE, LightSequence, light_sequence_new
from biometrics.models import LivenessChallenge, Verification
from biometrics.services.limits import verification_precheck
from config.encryption import lookup_hash
from config.errors import ApplicationError

if TYPE_CHECKING:
    from accounts.models import User


def liveness_challenge_issue(*, user: User) -> LivenessChallenge:
    """Issue a one-time pose sequence to a member who may submit; refusals as for submission.

    With it, a random light challenge (liveness_light): the screen colours the page shows while
    recording, kept with the challenge so that the check compares the face with these.

    At most ``BIOMETRICS_CHALLENGES_PER_HOUR`` per member (429 ``too_many_challenges``).
    """
    verification_precheck(user=user)
    now = timezone.now()
    recent = LivenessChallenge.objects.filter(user=user, issued_at__gte=now - timedelta(hours=1))
    if recent.count() >= settings.BIOMETRICS_CHALLENGES_PER_HOUR:
        raise ApplicationError(
            _("Too many liveness challenges requested. Try again in an hour."),
            code="too_many_challenges",
            status_code=429,
        )
    challenge = liveness.challenge_issue(
        now=now, ttl=timedelta(seconds=settings.BIOMETRICS_CHALLENGE_TTL_SECONDS)
    )
    return LivenessChallenge.objects.create(
        user=user,
        poses=list(challenge.poses),
        light=light_sequence_new(light_duration_ms(len(challenge.poses))).as_dict(),
        nonce_hash=lookup_hash(challenge.nonce, namespace="liveness-challenge"),
        issued_at=challenge.issued_at,
        expires_at=challenge.expires_at,
    )


# After the last pose the page may still record a little: the colours run on past it.
LIGHT_MARGIN_MS = 1000


def light_duration_ms(steps: int) -> int:
    """How long the light sequence must run: the whole recording of `steps` poses, and more."""
    lead = liveness_burst.CAPTURE_LEAD_IN_SECONDS * 1000
    return round(lead + liveness_burst.CAPTURE_STEP_SECONDS * 1000 * steps) + LIGHT_MARGIN_MS


def liveness_challenge_light(*, challenge: LivenessChallenge) -> LightSequence | None:
    """The challenge's light sequence, or None for a challenge without one (or a bad one)."""
    stored = challenge.light
    if not isinstance(stored, dict):
        return None
    try:
        starts = tuple(int(value) for value in stored["starts_ms"])
        colours = tuple(str(value) for value in stored["colours"])
    except (KeyError, TypeError, ValueError):
        return None
    if not starts or len(starts) != len(colours) or any(c not in PALETTE for c in colours):
        return None
    return LightSequence(starts_ms=starts, colours=colours)


def liveness_challenge_instructions(*, challenge: LivenessChallenge) -> list[str]:
    """What to tell the member at each step, in the active language."""
    return [str(liveness.POSE_INSTRUCTIONS[pose]) for pose in challenge.poses]


CHALLENGE_ERRORS = {
    "challenge_invalid": _lazy("This liveness challenge is not valid. Start again."),
    "challenge_expired": _lazy(
        "This liveness challenge has expired. Take the photos again with the new instructions."
    ),
    "challenge_used": _lazy(
        "This liveness challenge was already used. Take the photos again with the new instructions."
    ),
}


def challenge_problem(user: User, challenge_id: Any) -> tuple[LivenessChallenge | None, str]:
    """Return the member's challenge and "" if it can be redeemed now, else the error code.

    Someone else's challenge and a missing one get the same ``challenge_invalid``.
    """
    try:
        challenge = LivenessChallenge.objects.filter(pk=challenge_id, user_id=user.pk).first()
    except (DjangoValidationError, ValueError, TypeError):
        challenge = None
    if challenge is None:
        return None, "challenge_invalid"
    if challenge.used_at is not None:
        return challenge, "challenge_used"
    if challenge.expires_at <= timezone.now():
        return challenge, "challenge_expired"
    return challenge, ""


def challenge_redeem(*, user: User, challenge_id: Any, verification: Verification) -> None:
    """Mark the challenge used by ``verification``, once; else raise its field error."""
    now = timezone.now()
    redeemed = LivenessChallenge.objects.filter(
        pk=challenge_id, user_id=user.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, verification=verification)
    if redeemed != 1:
        _challenge, code = challenge_problem(user, challenge_id)
        code = code or "challenge_used"
        raise ApplicationError(
            _("Please correct the errors below."),
            code="invalid",
            fields={"challenge_id": [str(CHALLENGE_ERRORS[code])]},
            extra={"field_codes": {"challenge_id": code}},
        )
