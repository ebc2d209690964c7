"""The pipeline's rules (biometrics.decision): check results in, outcome and reason out.

Plain functions, no database: these tests never touch it.
"""

from __future__ import annotations

import pytest

from biometrics import decision
from biometrics.decision import Decision, Liveness
from biometrics.reasons import (
    DOCUMENT_REASONS,
    HUMAN_REVIEW_REASONS,
    REASON_BY_CODE,
    REASONS,
    REVIEW_REJECT_REASONS,
    ReasonCode,
    Status,
)

THRESHOLD, MARGIN = 0.6, 0.05
PASSED = Liveness(passed=True)


def faces(**kwargs) -> Decision:
    return decision.face_outcome(threshold=THRESHOLD, margin=MARGIN, **kwargs)


def test_a_close_match_with_a_passed_recording_is_verified_once_no_duplicate_is_found():
    # when
    outcome = faces(distance=0.40, liveness=PASSED)
    # then
    assert outcome == Decision(Status.VERIFIED, "", search_duplicates=True)
    assert decision.with_duplicates(outcome, found=False) == outcome


@pytest.mark.parametrize(("distance", "expected"), [(0.56, "needs_review"), (0.64, "needs_review")])
def test_a_distance_within_the_margin_of_the_threshold_goes_to_a_person(distance, expected):
    outcome = faces(distance=distance, liveness=None)
    assert (outcome.status, outcome.reason) == (expected, ReasonCode.NEAR_THRESHOLD)
    assert outcome.search_duplicates


def test_a_distance_beyond_the_margin_is_a_face_mismatch_that_counts_towards_the_lock():
    outcome = faces(distance=0.66, liveness=PASSED)
    assert (outcome.status, outcome.reason) == (Status.REJECTED, ReasonCode.FACE_MISMATCH)
    assert not outcome.search_duplicates
    assert decision.counts_as_mismatch(outcome)


def test_a_failed_recording_rejects_even_a_matching_face():
    outcome = faces(distance=0.30, liveness=Liveness(passed=False, code="liveness_flat_face"))
    assert (outcome.status, outcome.reason) == (Status.REJECTED, ReasonCode.LIVENESS_FAILED)
    assert not decision.counts_as_mismatch(outcome)


def test_someone_else_following_the_steps_is_a_face_mismatch_not_a_liveness_failure():
    # given: the recording's face is not the document's, and the selfie is far from it too
    someone_else = Liveness(passed=False, code="liveness_document_mismatch")
    # then
    assert faces(distance=0.70, liveness=someone_else).reason == ReasonCode.FACE_MISMATCH
    # but a near selfie leaves it a liveness failure
    assert faces(distance=0.50, liveness=someone_else).reason == ReasonCode.LIVENESS_FAILED


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("no_face", ReasonCode.NO_FACE_IN_SELFIE),
        ("multiple_faces", ReasonCode.MULTIPLE_FACES_IN_SELFIE),
        ("face_too_small", ReasonCode.FACE_TOO_SMALL),
    ],
)
def test_a_selfie_without_one_usable_face_is_rejected_with_what_was_wrong(error, reason):
    assert faces(selfie_error=error, liveness=PASSED) == Decision.reject(reason)
    assert faces(selfie_error=error, liveness=None) == Decision.reject(reason)


def test_a_selfie_without_a_face_after_a_failed_recording_is_a_liveness_failure():
    failed = Liveness(passed=False, code="liveness_no_face")
    assert faces(selfie_error="no_face", liveness=failed) == Decision.reject(
        ReasonCode.LIVENESS_FAILED
    )


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("no_face", ReasonCode.NO_FACE_ON_DOCUMENT),
        ("multiple_faces", ReasonCode.NO_FACE_ON_DOCUMENT),
        ("face_too_small", ReasonCode.FACE_TOO_SMALL),
    ],
)
def test_a_document_portrait_without_one_usable_face_is_rejected(error, reason):
    assert decision.document_face_outcome(error) == Decision.reject(reason)


def test_the_document_check_ends_the_case_when_it_rejects_or_finds_no_portrait():
    rejected = decision.document_outcome(
        decision="reject", code=ReasonCode.DOCUMENT_EXPIRED, has_portrait=True
    )
    assert rejected == Decision.reject(ReasonCode.DOCUMENT_EXPIRED)
    no_portrait = decision.document_outcome(
        decision="pass", code=ReasonCode.DOCUMENT_UNREADABLE, has_portrait=False
    )
    assert no_portrait == Decision.reject(ReasonCode.DOCUMENT_UNREADABLE)
    assert decision.document_outcome(decision="review", code="", has_portrait=True) is None
    assert decision.document_outcome(decision="pass", code="", has_portrait=True) is None


def test_a_document_to_review_sends_only_a_verified_case_to_a_person():
    verified = faces(distance=0.40, liveness=PASSED)
    reviewed = decision.with_document_review(verified, document_decision="review")
    assert (reviewed.status, reviewed.reason) == (Status.NEEDS_REVIEW, ReasonCode.DOCUMENT_REVIEW)
    assert reviewed.search_duplicates  # the duplicate search still runs
    mismatch = faces(distance=0.90, liveness=PASSED)
    assert decision.with_document_review(mismatch, document_decision="review") == mismatch
    assert decision.with_document_review(verified, document_decision="pass") == verified
    assert decision.with_document_review(verified, document_decision=None) == verified


def test_a_member_who_asked_for_a_person_gets_one_after_a_face_or_liveness_rejection():
    for reason in (ReasonCode.FACE_MISMATCH, ReasonCode.LIVENESS_FAILED):
        outcome = decision.with_human_review(Decision.reject(reason), requested=True)
        assert (outcome.status, outcome.reason) == (
            Status.NEEDS_REVIEW,
            ReasonCode.HUMAN_REVIEW_REQUESTED,
        )
        assert not decision.counts_as_mismatch(outcome)
    # but not after other rejections, nor without asking
    other = Decision.reject(ReasonCode.NO_FACE_IN_SELFIE)
    assert decision.with_human_review(other, requested=True) == other
    mismatch = Decision.reject(ReasonCode.FACE_MISMATCH)
    assert decision.with_human_review(mismatch, requested=False) == mismatch


def test_without_a_recording_no_machine_verifies_a_person_decides():
    verified = faces(distance=0.40, liveness=None)
    outcome = decision.with_human_review(verified, requested=True, without_recording=True)
    assert (outcome.status, outcome.reason) == (
        Status.NEEDS_REVIEW,
        ReasonCode.HUMAN_REVIEW_REQUESTED,
    )
    assert outcome.search_duplicates  # the duplicate search still runs
    rejected = Decision.reject(ReasonCode.NO_FACE_IN_SELFIE)
    assert decision.with_human_review(rejected, requested=True, without_recording=True) == rejected


def test_a_face_found_on_another_account_sends_the_case_to_a_person_never_rejects():
    for before in (faces(distance=0.40, liveness=PASSED), faces(distance=0.58, liveness=None)):
        outcome = decision.with_duplicates(before, found=True)
        assert (outcome.status, outcome.reason) == (
            Status.NEEDS_REVIEW,
            ReasonCode.POSSIBLE_DUPLICATE,
        )


def test_only_an_automatic_face_or_liveness_rejection_keeps_its_photos_for_a_review_request():
    mismatch = Decision.reject(ReasonCode.FACE_MISMATCH)
    assert decision.offers_review_request(mismatch, requested=False)
    assert not decision.offers_review_request(
        Decision.reject(ReasonCode.FACE_MISMATCH), requested=True
    )
    assert not decision.offers_review_request(
        Decision.reject(ReasonCode.NO_FACE_ON_DOCUMENT), requested=False
    )
    assert not decision.offers_review_request(
        Decision(Status.NEEDS_REVIEW, ReasonCode.NEAR_THRESHOLD), requested=False
    )


def test_every_reason_code_is_declared_once_in_the_table():
    codes = [reason.code for reason in REASONS]
    assert sorted(codes) == sorted(ReasonCode)
    assert len(codes) == len(set(codes)) == len(REASON_BY_CODE)


def test_the_table_flags_select_the_reason_lists():
    assert HUMAN_REVIEW_REASONS == (ReasonCode.FACE_MISMATCH, ReasonCode.LIVENESS_FAILED)
    assert ReasonCode.DUPLICATE_FACE in REVIEW_REJECT_REASONS  # only ever set by a person
    assert ReasonCode.NEAR_THRESHOLD not in REVIEW_REJECT_REASONS
    assert all(code.value.startswith("document_") for code in DOCUMENT_REASONS)


def test_the_liveness_reason_speaks_of_the_recording_not_of_photos():
    reason = REASON_BY_CODE[ReasonCode.LIVENESS_FAILED]
    assert "recording of your head turn" in str(reason.message)
    assert "photos" not in str(reason.message) + str(reason.advice)
