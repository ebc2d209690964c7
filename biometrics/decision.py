"""The rules that turn check results into a case's outcome and its reason code.

Pure: no database, no files, no settings. The pipeline (``biometrics.services.processing``)
runs the checks in order (ID number, document, the document's portrait, liveness, the
selfie's face and the 1:1 match, then the 1:N duplicate search) and asks the rule for each
step; a rule that returns a decision ends the automatic part. What the member asked for (a
person to decide, no camera) is applied last, then the duplicate search.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from biometrics.reasons import HUMAN_REVIEW_REASONS, ReasonCode, Status


@dataclass(frozen=True)
class Decision:
    """A case's outcome: its status and reason code."""

    status: str
    reason: str = ""
    # The 1:1 match passed: the 1:N duplicate search is still to run (``with_duplicates``).
    search_duplicates: bool = False

    @classmethod
    def reject(cls, reason: str) -> Decision:
        return cls(status=Status.REJECTED, reason=reason)

    @property
    def rejected(self) -> bool:
        return self.status == Status.REJECTED


@dataclass(frozen=True)
class Liveness:
    """What the liveness check found: passed, or the engine's failure code."""

    passed: bool
    code: str = ""


# Face-engine error codes (face_engine.FaceError.code) per photo.
DOCUMENT_FACE_REASONS = {
    "no_face": ReasonCode.NO_FACE_ON_DOCUMENT,
    "multiple_faces": ReasonCode.NO_FACE_ON_DOCUMENT,
    "face_too_small": ReasonCode.FACE_TOO_SMALL,
}
SELFIE_FACE_REASONS = {
    "no_face": ReasonCode.NO_FACE_IN_SELFIE,
    "multiple_faces": ReasonCode.MULTIPLE_FACES_IN_SELFIE,
    "face_too_small": ReasonCode.FACE_TOO_SMALL,
}
# Liveness codes that mean "the face in the recording is not the face on the ID".
FACE_NOT_THE_DOCUMENTS = frozenset({"liveness_document_mismatch"})


def document_outcome(*, decision: str, code: str, has_portrait: bool) -> Decision | None:
    """A document check that rejects, or leaves no flattened document to match, ends the case.

    ``decision`` is the check's ``"pass"``, ``"review"`` or ``"reject"``; ``code`` its reason.
    None: go on (a ``"review"`` is applied after the faces, ``with_document_review``).
    """
    if decision == "reject" or not has_portrait:
        return Decision.reject(code)
    return None


def document_face_outcome(error: str) -> Decision:
    """No usable face on the document's portrait (a face-engine error code)."""
    return Decision.reject(DOCUMENT_FACE_REASONS[error])


def face_outcome(
    *,
    selfie_error: str = "",
    distance: float | None = None,
    liveness: Liveness | None,
    threshold: float,
    margin: float,
) -> Decision:
    """The 1:1 match of the selfie with the document's portrait, together with liveness.

    ``selfie_error``: the face-engine error on the selfie ("" when a face was found, and then
    ``distance`` is the template distance). ``liveness``: None for a case without a recording.
    A distance beyond ``threshold + margin`` is a mismatch; within ``margin`` of the threshold
    a person decides; below, verified (once the duplicate search finds nobody).
    """
    failed = liveness is not None and not liveness.passed
    if selfie_error:
        if failed:
            return Decision.reject(ReasonCode.LIVENESS_FAILED)
        return Decision.reject(SELFIE_FACE_REASONS[selfie_error])
    if distance is None:
        raise ValueError("a selfie with a face has a distance")
    beyond = distance > threshold + margin
    if failed and liveness is not None and liveness.code in FACE_NOT_THE_DOCUMENTS and beyond:
        # The person followed the steps but is not the person on the ID: a face mismatch,
        # not a failed liveness check.
        return Decision.reject(ReasonCode.FACE_MISMATCH)
    if failed:
        return Decision.reject(ReasonCode.LIVENESS_FAILED)
    if beyond:
        return Decision.reject(ReasonCode.FACE_MISMATCH)
    if distance > threshold - margin:
        return Decision(Status.NEEDS_REVIEW, ReasonCode.NEAR_THRESHOLD, search_duplicates=True)
    return Decision(Status.VERIFIED, "", search_duplicates=True)


def with_document_review(decision: Decision, *, document_decision: str | None) -> Decision:
    """A document the check could not fully read sends an otherwise verified case to a person."""
    if document_decision == "review" and decision.status == Status.VERIFIED:
        return replace(decision, status=Status.NEEDS_REVIEW, reason=ReasonCode.DOCUMENT_REVIEW)
    return decision


def with_human_review(
    decision: Decision, *, requested: bool, without_recording: bool = False
) -> Decision:
    """Apply the member's request for a person to decide (GDPR Art. 22).

    ``without_recording`` (no camera while liveness is required): no machine may verify, so
    a case that would be verified or reviewed goes to a person. ``requested``: a face or
    liveness rejection goes to a person instead, and does not count towards the lock.
    """
    if (without_recording and decision.status in (Status.VERIFIED, Status.NEEDS_REVIEW)) or (
        requested and decision.rejected and decision.reason in HUMAN_REVIEW_REASONS
    ):
        return replace(
            decision, status=Status.NEEDS_REVIEW, reason=ReasonCode.HUMAN_REVIEW_REQUESTED
        )
    return decision


def with_duplicates(decision: Decision, *, found: bool) -> Decision:
    """A face found on another account sends the case to a person; it never rejects alone."""
    if found:
        return replace(decision, status=Status.NEEDS_REVIEW, reason=ReasonCode.POSSIBLE_DUPLICATE)
    return decision


def offers_review_request(decision: Decision, *, requested: bool) -> bool:
    """Does this rejection keep its photos so the member may still ask a person to decide?"""
    return decision.rejected and decision.reason in HUMAN_REVIEW_REASONS and not requested


def counts_as_mismatch(decision: Decision) -> bool:
    """Does this decision count towards the lock after repeated face mismatches?"""
    return decision.rejected and decision.reason == ReasonCode.FACE_MISMATCH
