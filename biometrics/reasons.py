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
        _("Your face (step 3) does not match the photo on your ID (step 2)."),
        _(
            "Make sure you use your own ID and take the photos of your own face. After three "
            "mismatches in a row, verification is locked until our staff lift it. If you "
            "think the decision is wrong, ask a person to decide."
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
        _(
            "The liveness check (step 3) failed: the photos did not show one person following "
            "the steps."
        ),
        _(
            "Take the photos again with your camera, in good light, turning your head as each "
            "step asks. If you think the decision is wrong, you can ask a person to decide."
        ),
    ),
    ReasonCode.DOCUMENT_NOT_FOUND: (
        _("We could not find an ID card or passport in the photo of your ID."),
        _(
            "Take a sharp photo of the ID itself: the whole card (or the passport's photo page) "
            "flat on a plain table, filling most of the picture. A photo of a person, a "
            "screenshot or a copy of the details is not enough."
        ),
    ),
    ReasonCode.DOCUMENT_UNREADABLE: (
        _("We found your ID but could not read it."),
        _("Take a new photo of the whole ID, flat, sharp and in even light."),
    ),
    ReasonCode.DOCUMENT_DATA_MISMATCH: (
        _("What you typed does not match your ID."),
        _("Check each detail against your ID, correct it and submit again."),
    ),
    ReasonCode.DOCUMENT_EXPIRED: (
        _("Your ID has expired."),
        _("Use an ID that is still valid: a KTP, a current passport or driving licence."),
    ),
    ReasonCode.DOCUMENT_MRZ_INVALID: (
        _("The machine-readable lines at the bottom of your passport page did not check out."),
        _(
            "Take a new, sharp photo of the whole passport photo page, including the two lines "
            "of letters and <<< signs at the bottom. If it happens again, use another ID."
        ),
    ),
    ReasonCode.DOCUMENT_REVIEW: (
        _("Part of your ID was hard to read, so a member of our staff will check it."),
        _("This usually takes a few days; you can close this page."),
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


FACE_MISMATCH_WITH_LIVENESS = _(
    "You followed the liveness steps; the face in them is not the face on the ID."
)

# The stepper's step a rejection points at: 1 details, 2 the ID photo, 3 the face.
REASON_STEPS: dict[str, int] = {
    ReasonCode.INVALID_ID_NUMBER: 1,
    ReasonCode.ID_NUMBER_IN_USE: 1,
    ReasonCode.DOCUMENT_DATA_MISMATCH: 1,
    ReasonCode.NO_FACE_ON_DOCUMENT: 2,
    ReasonCode.DOCUMENT_NOT_FOUND: 2,
    ReasonCode.DOCUMENT_UNREADABLE: 2,
    ReasonCode.DOCUMENT_EXPIRED: 2,
    ReasonCode.DOCUMENT_MRZ_INVALID: 2,
    ReasonCode.NO_FACE_IN_SELFIE: 3,
    ReasonCode.MULTIPLE_FACES_IN_SELFIE: 3,
    ReasonCode.FACE_TOO_SMALL: 3,
    ReasonCode.FACE_MISMATCH: 3,
    ReasonCode.LIVENESS_FAILED: 3,
    ReasonCode.DUPLICATE_FACE: 3,
}
STEP_NAMES: dict[int, Promise] = {
    1: _("1. Your details"),
    2: _("2. Your ID"),
    3: _("3. Your face"),
}


def failed_step(*, status: str, reason_code: str) -> tuple[int, str] | None:
    """The step of the stepper a rejection asks the member to redo, with its name; else None."""
    if status != Status.REJECTED:
        return None
    step = REASON_STEPS.get(reason_code)
    return (step, str(STEP_NAMES[step])) if step else None


# Why a document could not be read, and what to do about it.
UNREADABLE_CAUSES: dict[str, Promise] = {
    "blur": _(
        "The photo is blurred. Hold the phone still, tap the card on screen to focus, and "
        "take the picture again."
    ),
    "glare": _(
        "Light reflects off the card and hides its text. Tilt the card or move away from the "
        "lamp or window, and avoid the flash."
    ),
    "cut_off": _(
        "Part of the ID is outside the photo, or its edges cannot be seen. Fit the whole ID "
        "in the picture with a little space around it, on a plain background."
    ),
    "too_small": _(
        "The ID is too small in the photo. Hold the camera closer so it fills most of the picture."
    ),
    "unreadable": _("The text on the ID could not be read. Take a sharper photo in even light."),
}

# Field names as a member knows them; a mismatch names the field, never the value read.
DOCUMENT_FIELD_NAMES: dict[str, Promise] = {
    "id_type": _("type of ID"),
    "id_number": _("ID number"),
    "full_name": _("name"),
    "date_of_birth": _("date of birth"),
    "sex": _("sex"),
}


def _document_advice(reason_code: str, document: dict[str, Any] | None) -> str:
    """The document-specific part of a message: the unreadable cause or the fields to fix."""
    if not document:
        return ""
    if reason_code == ReasonCode.DOCUMENT_UNREADABLE:
        cause = UNREADABLE_CAUSES.get(str(document.get("cause") or ""))
        return str(cause) if cause else ""
    if reason_code == ReasonCode.DOCUMENT_DATA_MISMATCH:
        names = [
            str(DOCUMENT_FIELD_NAMES[name])
            for name in document.get("mismatched") or []
            if name in DOCUMENT_FIELD_NAMES
        ]
        if names:
            return str(_("Differs from your ID: %(fields)s.")) % {"fields": ", ".join(names)}
    return ""


def decision_message(
    *,
    status: str,
    reason_code: str,
    liveness: dict[str, Any] | None = None,
    document: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """Return (what happened, what to do next) in plain language for a case.

    A failed liveness check adds the engine's own advice (what to do differently) to the
    message, as recorded with the decision; a document rejection adds its cause or the
    fields that differ (never what was read).
    """
    message, next_step = REASON_MESSAGES.get(reason_code) or STATUS_MESSAGES[status]
    text = str(message)
    advice = _document_advice(reason_code, document)
    if advice:
        text = f"{text} {advice}"
    if reason_code == ReasonCode.FACE_MISMATCH and liveness:
        # Not a liveness failure, even when the frames were the ones that did not match.
        text = f"{text} {FACE_MISMATCH_WITH_LIVENESS}"
    if reason_code == ReasonCode.LIVENESS_FAILED and liveness:
        advice = (liveness.get("messages") or {}).get(get_language() or "") or liveness.get(
            "message"
        )
        if advice:
            text = f"{text} {advice}"
    return text, str(next_step)


def document_summary(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """The document check in brief for the member: kind, decision, cause, fields that differ."""
    if not document:
        return None
    return {
        "kind": document.get("kind"),
        "decision": str(document.get("decision") or ""),
        "code": str(document.get("code") or ""),
        "cause": str(document.get("cause") or ""),
        "mismatched_fields": list(document.get("mismatched") or []),
    }


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
