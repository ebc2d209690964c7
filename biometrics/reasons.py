"""What each decision and reason code means for the member, and what they can do next."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from biometrics.models import ReasonCode, Status

REASON_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    ReasonCode.NO_FACE_ON_DOCUMENT: (
        _("We could not find a face on the photo of your ID."),
        _("Take a new photo of the whole card, flat, sharp and without glare on the portrait."),
    ),
    ReasonCode.NO_FACE_IN_SELFIE: (
        _("We could not find a face in your selfie."),
        _("Take a new selfie facing the camera in good light, with your whole face visible."),
    ),
    ReasonCode.MULTIPLE_FACES_IN_SELFIE: (
        _("Your selfie shows more than one face."),
        _(
            "Take a selfie with only your own face in the picture. Do not hold the ID card "
            "next to your face: its photo counts as a second face."
        ),
    ),
    ReasonCode.FACE_TOO_SMALL: (
        _("A face in your photos is too small to compare."),
        _("Hold the camera closer so your face (or the card's portrait) fills more of the photo."),
    ),
    ReasonCode.FACE_MISMATCH: (
        _("Your selfie does not match the photo on your ID."),
        _(
            "Make sure you upload your own ID and a recent selfie. After three mismatches in a "
            "row, verification is locked until our staff lift it. If you think the decision is "
            "wrong, submit again and ask for a person to decide instead of the computer."
        ),
    ),
    ReasonCode.ID_NUMBER_IN_USE: (
        _("This ID number is already used by another account."),
        _("If this is your ID, contact support: we will look into it."),
    ),
    ReasonCode.DUPLICATE_FACE: (
        _("Your face is already verified on another account."),
        _("Each person can verify one account. Contact support if you think this is wrong."),
    ),
    ReasonCode.INVALID_ID_NUMBER: (
        _("The ID number is not valid."),
        _("Check the number on your card and submit again."),
    ),
    ReasonCode.IMAGE_UNREADABLE: (
        _("We could not process your photos."),
        _("Submit again with new photos (JPEG, PNG or WebP)."),
    ),
    ReasonCode.LIVENESS_FAILED: (
        _("The liveness check failed: the photos did not show one person following the steps."),
        _(
            "Take the photos again with your camera, in good light, turning your head as each "
            "step asks. If you think the decision is wrong, you can ask a person to decide."
        ),
    ),
    ReasonCode.HUMAN_REVIEW_REQUESTED: (
        _("You asked for a person to decide, so a member of our staff will review your case."),
        _(
            "We will decide within 30 days; you can close this page. This case does not count "
            "towards the lock after repeated mismatches."
        ),
    ),
    ReasonCode.NEAR_THRESHOLD: (
        _("The match was too close to decide automatically."),
        _("A member of our staff will compare the photos. This usually takes a few days."),
    ),
    ReasonCode.POSSIBLE_DUPLICATE: (
        _("Your face looks similar to a face verified on another account."),
        _("A member of our staff will check. This usually takes a few days."),
    ),
    ReasonCode.CONSENT_WITHDRAWN: (
        _("You withdrew your consent, so we stopped and deleted your biometric data."),
        _("You can give consent again and submit a new verification at any time."),
    ),
    ReasonCode.PREMIUM_REQUIRED: (
        _("Your premium membership ended before we could check your photos."),
        _("Renew premium and submit again. Your photos were deleted."),
    ),
    ReasonCode.REVIEW_EXPIRED: (
        _("We could not finish the review within 30 days, so your photos were deleted."),
        _("Please submit again."),
    ),
    ReasonCode.REVIEW_APPROVED: (
        _("A member of our staff checked your photos and approved them."),
        _("Nothing to do: your account shows the verified badge."),
    ),
}

STATUS_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    Status.SUBMITTED: (
        _("We received your photos and will check them shortly."),
        _("This page updates by itself."),
    ),
    Status.PROCESSING: (
        _("We are comparing your selfie with the photo on your ID."),
        _("This page updates by itself."),
    ),
    Status.VERIFIED: (
        _("Your identity is verified."),
        _("Your profile shows a verified badge. Your photos have been deleted."),
    ),
    Status.REJECTED: (_("We could not verify your identity."), _("You can submit again.")),
    Status.NEEDS_REVIEW: (
        _("A member of our staff will review your case."),
        _("We will decide within 30 days; you can close this page."),
    ),
    Status.CANCELLED: (_("This verification was cancelled."), _("You can submit again.")),
}


def decision_message(
    *, status: str, reason_code: str, liveness: dict[str, Any] | None = None
) -> tuple[str, str]:
    """Return (what happened, what to do next) in plain language for a case.

    A failed liveness check adds the engine's own advice (what to do differently) to the
    message, as recorded with the decision.
    """
    message, next_step = REASON_MESSAGES.get(reason_code) or STATUS_MESSAGES[status]
    text = str(message)
    if reason_code == ReasonCode.LIVENESS_FAILED and liveness:
        advice = (liveness.get("messages") or {}).get(get_language() or "") or liveness.get(
            "message"
        )
        if advice:
            text = f"{text} {advice}"
    return text, str(next_step)


def liveness_summary(liveness: dict[str, Any] | None) -> dict[str, Any] | None:
    """The liveness outcome in brief, advice in the active language (no measurements)."""
    if not liveness:
        return None
    messages = liveness.get("messages") or {}
    return {
        "passed": bool(liveness.get("passed")),
        "code": str(liveness.get("code") or ""),
        "message": str(messages.get(get_language() or "") or liveness.get("message") or ""),
    }
