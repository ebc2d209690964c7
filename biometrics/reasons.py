"""What a case's status and reason code mean for the member, and what they can do next.

The outcome vocabulary of identity verification, declared once: each status, each reason
code (with its message, its advice, the stepper step it points at and its flags) and each
liveness failure code (with the engine's advice). Models, the pipeline's rules
(``biometrics.decision``), the liveness engines, the admin and the pages all read it here.
Pure: no database. Adding a reason code: docs/ARCHITECTURE.md (biometrics).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PROCESSING = "processing", _("Processing")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    CANCELLED = "cancelled", _("Cancelled")


PENDING_STATUSES = (Status.SUBMITTED, Status.PROCESSING, Status.NEEDS_REVIEW)
FINAL_STATUSES = (Status.VERIFIED, Status.REJECTED, Status.CANCELLED)


class ReasonCode(models.TextChoices):
    """Why a case ended up where it is (the label is what staff see); its row is in REASONS."""

    # Rejections
    NO_FACE_ON_DOCUMENT = "no_face_on_document", _("No face on the ID document")
    NO_FACE_IN_SELFIE = "no_face_in_selfie", _("No face in the selfie")
    MULTIPLE_FACES_IN_SELFIE = "multiple_faces_in_selfie", _("More than one face in the selfie")
    FACE_TOO_SMALL = "face_too_small", _("Face too small")
    FACE_MISMATCH = "face_mismatch", _("Selfie does not match the ID photo")
    ID_NUMBER_IN_USE = "id_number_in_use", _("ID number used by another account")
    DUPLICATE_FACE = "duplicate_face", _("Face enrolled on another account")
    INVALID_ID_NUMBER = "invalid_id_number", _("ID number invalid")
    IMAGE_UNREADABLE = "image_unreadable", _("Image unreadable")
    LIVENESS_FAILED = "liveness_failed", _("Liveness check failed")
    DOCUMENT_NOT_FOUND = "document_not_found", _("No ID document in the photo")
    DOCUMENT_UNREADABLE = "document_unreadable", _("ID document unreadable")
    DOCUMENT_DATA_MISMATCH = "document_data_mismatch", _("Details differ from the ID document")
    DOCUMENT_EXPIRED = "document_expired", _("ID document expired")
    DOCUMENT_MRZ_INVALID = "document_mrz_invalid", _("Passport machine-readable zone invalid")
    # Review
    DOCUMENT_REVIEW = "document_review", _("ID document needs a person to check")
    NEAR_THRESHOLD = "near_threshold", _("Match too close to call")
    POSSIBLE_DUPLICATE = "possible_duplicate", _("Face similar to another account")
    HUMAN_REVIEW_REQUESTED = "human_review_requested", _("Member asked for a person to decide")
    # Cancellations
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    PREMIUM_REQUIRED = "premium_required", _("Premium membership ended")
    REVIEW_EXPIRED = "review_expired", _("Review not completed in time")
    # Approvals by a reviewer
    REVIEW_APPROVED = "review_approved", _("Approved by a reviewer")


@dataclass(frozen=True)
class Reason:
    """One reason code: what the member is told, and what may follow it."""

    code: ReasonCode
    message: Promise  # what happened
    advice: Promise  # what to do next
    # The stepper's step a rejection points at: 1 details, 2 the ID photo, 3 the face.
    step: int | None = None
    # A reviewer may reject a case with it.
    reviewable: bool = False
    # After this automatic rejection the member may ask a person to decide (GDPR Art. 22).
    human_review: bool = False
    # It comes from the document check (the staff dashboard counts these).
    document: bool = False


# Reviewable reasons first, in the order the reviewer's list shows them.
REASONS: tuple[Reason, ...] = (
    Reason(
        ReasonCode.FACE_MISMATCH,
        _("Your face (step 3) does not match the photo on your ID (step 2)."),
        _(
            "Make sure you use your own ID and take the photos of your own face. After three "
            "mismatches in a row, verification is locked until our staff lift it. If you "
            "think the decision is wrong, ask a person to decide."
        ),
        step=3,
        reviewable=True,
        human_review=True,
    ),
    Reason(
        ReasonCode.DUPLICATE_FACE,
        _("Your face is already verified on another account."),
        _("Each person can verify one account. Contact support if you think this is wrong."),
        step=3,
        reviewable=True,
    ),
    Reason(
        ReasonCode.ID_NUMBER_IN_USE,
        _("This ID number is already used by another account."),
        _("If this is your ID, contact support: we will look into it."),
        step=1,
        reviewable=True,
    ),
    Reason(
        ReasonCode.INVALID_ID_NUMBER,
        _("The ID number is not valid."),
        _("Check the number on your card and submit again."),
        step=1,
        reviewable=True,
    ),
    Reason(
        ReasonCode.IMAGE_UNREADABLE,
        _("We could not process your photos."),
        _("Submit again with new photos (JPEG, PNG or WebP)."),
        reviewable=True,
    ),
    Reason(
        ReasonCode.NO_FACE_ON_DOCUMENT,
        _("We could not find a face on the photo of your ID."),
        _("Take a new photo of the whole card, flat, sharp and without glare on the portrait."),
        step=2,
        reviewable=True,
    ),
    Reason(
        ReasonCode.NO_FACE_IN_SELFIE,
        _("We could not find a face in your selfie."),
        _("Take a new selfie facing the camera in good light, with your whole face visible."),
        step=3,
        reviewable=True,
    ),
    Reason(
        ReasonCode.MULTIPLE_FACES_IN_SELFIE,
        _("Your selfie shows more than one face."),
        _(
            "Take a selfie with only your own face in the picture. Do not hold the ID card "
            "next to your face: its photo counts as a second face."
        ),
        step=3,
        reviewable=True,
    ),
    Reason(
        ReasonCode.LIVENESS_FAILED,
        _(
            "The liveness check (step 3) failed: the recording of your head turn did not show "
            "one person following the steps."
        ),
        _(
            "Record the check again with your camera, in good light, turning your head as each "
            "step asks. If you think the decision is wrong, you can ask a person to decide."
        ),
        step=3,
        reviewable=True,
        human_review=True,
    ),
    Reason(
        ReasonCode.DOCUMENT_NOT_FOUND,
        _("We could not find an ID card or passport in the photo of your ID."),
        _(
            "Take a sharp photo of the ID itself: the whole card (or the passport's photo page) "
            "flat on a plain table, filling most of the picture. A photo of a person, a "
            "screenshot or a copy of the details is not enough."
        ),
        step=2,
        reviewable=True,
        document=True,
    ),
    Reason(
        ReasonCode.DOCUMENT_UNREADABLE,
        _("We found your ID but could not read it."),
        _("Take a new photo of the whole ID, flat, sharp and in even light."),
        step=2,
        reviewable=True,
        document=True,
    ),
    Reason(
        ReasonCode.DOCUMENT_DATA_MISMATCH,
        _("What you typed does not match your ID."),
        _("Check each detail against your ID, correct it and submit again."),
        step=1,
        reviewable=True,
        document=True,
    ),
    Reason(
        ReasonCode.DOCUMENT_EXPIRED,
        _("Your ID has expired."),
        _("Use an ID that is still valid: a KTP, a current passport or driving licence."),
        step=2,
        reviewable=True,
        document=True,
    ),
    Reason(
        ReasonCode.DOCUMENT_MRZ_INVALID,
        _("The machine-readable lines at the bottom of your passport page did not check out."),
        _(
            "Take a new, sharp photo of the whole passport photo page, including the two lines "
            "of letters and <<< signs at the bottom. If it happens again, use another ID."
        ),
        step=2,
        reviewable=True,
        document=True,
    ),
    Reason(
        ReasonCode.DOCUMENT_REVIEW,
        _("Part of your ID was hard to read, so a member of our staff will check it."),
        _("This usually takes a few days; you can close this page."),
        document=True,
    ),
    Reason(
        ReasonCode.FACE_TOO_SMALL,
        _("A face in your photos is too small to compare."),
        _("Hold the camera closer so your face (or the card's portrait) fills more of the photo."),
        step=3,
    ),
    Reason(
        ReasonCode.HUMAN_REVIEW_REQUESTED,
        _("You asked for a person to decide, so a member of our staff will review your case."),
        _(
            "We will decide within 30 days; you can close this page. This case does not count "
            "towards the lock after repeated mismatches."
        ),
    ),
    Reason(
        ReasonCode.NEAR_THRESHOLD,
        _("The match was too close to decide automatically."),
        _("A member of our staff will compare the photos. This usually takes a few days."),
    ),
    Reason(
        ReasonCode.POSSIBLE_DUPLICATE,
        _("Your face looks similar to a face verified on another account."),
        _("A member of our staff will check. This usually takes a few days."),
    ),
    Reason(
        ReasonCode.CONSENT_WITHDRAWN,
        _("You withdrew your consent, so we stopped and deleted your biometric data."),
        _("You can give consent again and submit a new verification at any time."),
    ),
    Reason(
        ReasonCode.PREMIUM_REQUIRED,
        _("Your premium membership ended before we could check your photos."),
        _("Renew premium and submit again. Your photos were deleted."),
    ),
    Reason(
        ReasonCode.REVIEW_EXPIRED,
        _("We could not finish the review within 30 days, so your photos were deleted."),
        _("Please submit again."),
    ),
    Reason(
        ReasonCode.REVIEW_APPROVED,
        _("A member of our staff checked your photos and approved them."),
        _("Nothing to do: your account shows the verified badge."),
    ),
)
REASON_BY_CODE: dict[str, Reason] = {reason.code.value: reason for reason in REASONS}

# Read from the table: what each flag selects, in the table's order.
REVIEW_REJECT_REASONS = tuple(r.code for r in REASONS if r.reviewable)
HUMAN_REVIEW_REASONS = tuple(r.code for r in REASONS if r.human_review)
DOCUMENT_REASONS = tuple(r.code for r in REASONS if r.document)
REASON_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    r.code.value: (r.message, r.advice) for r in REASONS
}
REASON_STEPS: dict[str, int] = {r.code.value: r.step for r in REASONS if r.step}

# The liveness engines' failure codes (the case's reason is then ``liveness_failed``) and the
# advice the member gets with it. Capture is one continuous recording (liveness_burst); the
# last three are reported only by the per-pose check of cases from before recordings.
LIVENESS_MESSAGES: dict[str, Promise] = {
    "liveness_incomplete": _(
        "We did not receive a full recording. Start the check again and keep the camera on "
        "until every instruction has been shown."
    ),
    "liveness_timing": _(
        "The recording did not match the time of this check. Start the check again and record "
        "it live with your camera, without pausing."
    ),
    "liveness_light_mismatch": _(
        "The light on your face did not follow the colours shown on your screen. Start the check "
        "again facing the screen, in a room that is not too bright, and record it live."
    ),
    "liveness_no_face": _(
        "We lost sight of your face during the recording. Keep your whole face inside the "
        "guide, in good light, and turn only about a third of the way to your shoulder."
    ),
    "liveness_multiple_faces": _(
        "More than one face was in the recording. Make sure only you are in front of the camera."
    ),
    "liveness_cut": _(
        "The recording jumped from one picture to another. Record one continuous movement live "
        "with your camera; photos or edited videos are not accepted."
    ),
    "liveness_too_fast": _(
        "You turned too quickly for us to follow. Start again and turn your head slowly and "
        "smoothly as each instruction appears."
    ),
    "liveness_flat_face": _(
        "When you turned, your face moved like a flat picture, not like a head. Keep the camera "
        "still and turn your head itself; do not show a photo or a screen."
    ),
    "liveness_folded_face": _(
        "When you turned, your face moved like folded or bent paper, not like a head. Turn your "
        "own head in front of the camera; a printed photo is not accepted."
    ),
    "liveness_identity_changed": _(
        "The recording does not show the same person throughout. Only you should be in front "
        "of the camera for the whole check."
    ),
    "liveness_document_mismatch": _(
        "The person in front of the camera does not match the photo on your ID. Use your own ID."
    ),
    "liveness_replayed_burst": _(
        "This recording was already sent before. Start the check again and record it live; "
        "recordings cannot be reused."
    ),
    "liveness_face_too_small": _(
        "Your face was too small in one of the pictures. Hold the camera a little closer."
    ),
    "liveness_turned_too_far": _(
        "We lost sight of your face while you turned. Turn a little less, about a third of the "
        "way to your shoulder, so that both eyes stay visible."
    ),
    "liveness_replayed_frame": _(
        "Some pictures were copies of each other. Use your camera live and move your head for "
        "each step; uploaded or edited pictures are not accepted."
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
        engine_advice = (liveness.get("messages") or {}).get(get_language() or "") or liveness.get(
            "message"
        )
        if engine_advice:
            text = f"{text} {engine_advice}"
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
