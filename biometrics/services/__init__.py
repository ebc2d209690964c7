"""Write side of identity verification: submit, process (the task body), review, destroy.

State machine (docs/biometrics.md):

    submitted -> processing -> verified | rejected | needs_review
    needs_review -> verified | rejected (reviewer) | cancelled (30 days without review)
    submitted | processing | needs_review -> cancelled (consent withdrawn, premium ended)
    processing -> submitted (transient error, or the sweep found it stuck; bounded by attempts)

A final case keeps personal data only when verified (encrypted ID number, name, birth date,
sex and the ID-number hash, which finds the same ID on another account). Images go as soon as
a decision is final; while a human reviews, at most ``BIOMETRICS_REVIEW_RETENTION_DAYS``.

One module per stage: ``limits`` (who may submit), ``challenges`` (liveness challenges),
``submission``, ``checks`` and ``processing`` (the pipeline; its rules are in
``biometrics.decision``), ``review`` (a person decides), ``erasure`` and ``retention``;
``cases`` holds the steps they share. Other apps import from this package only.
"""

from biometrics.services.challenges import (
    liveness_challenge_instructions,
    liveness_challenge_issue,
    liveness_challenge_light,
)
from biometrics.services.erasure import biometric_data_destroy, biometric_data_erase
from biometrics.services.limits import human_review_available, verification_precheck
from biometrics.services.processing import verification_process, verification_sweep_stuck
from biometrics.services.retention import biometric_retention_sweep
from biometrics.services.review import (
    REVIEW_PERMISSION,
    review_request_open,
    verification_lock_lift,
    verification_review_approve,
    verification_review_document,
    verification_review_open,
    verification_review_reject,
    verification_review_request,
)
from biometrics.services.submission import verification_submit

__all__ = [
    "REVIEW_PERMISSION",
    "biometric_data_destroy",
    "biometric_data_erase",
    "biometric_retention_sweep",
    "human_review_available",
    "liveness_challenge_instructions",
    "liveness_challenge_issue",
    "liveness_challenge_light",
    "review_request_open",
    "verification_lock_lift",
    "verification_precheck",
    "verification_process",
    "verification_review_approve",
    "verification_review_document",
    "verification_review_open",
    "verification_review_reject",
    "verification_review_request",
    "verification_submit",
    "verification_sweep_stuck",
]
