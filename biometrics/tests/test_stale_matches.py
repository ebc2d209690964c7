"""Issue 11, item 6: a member who withdraws or is erased leaves every other case's match list.

P is verified; Q uploads the same face and waits for review as a possible duplicate of P. When
P withdraws biometric consent (or erases the account), Q's case must no longer hold P's user or
case id, and the review screen says "a match that no longer exists" instead of P's e-mail.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accounts.services import account_erase
from accounts.tests.factories import PASSWORD
from biometrics.models import Status
from consent.purposes import PurposeCode
from consent.services import consent_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def duplicate_case(verifier, other_verifier, submit):
    """P (verifier) verified; Q (other_verifier) in review as a possible duplicate of P."""
    first = submit(verifier)
    assert first.status == Status.VERIFIED
    second = submit(other_verifier, id_type="passport", id_number="B1234567")
    assert second.reason_code == "possible_duplicate"
    assert str(verifier.pk) in json.dumps(second.duplicate_candidates)
    return first, second


def _leave(how: str, user, capture) -> None:
    with capture(execute=True):
        if how == "withdraws":
            consent_withdraw(user=user, purpose=PurposeCode.BIOMETRIC_VERIFICATION, method="web")
        else:
            account_erase(user=user, method="web")


@pytest.mark.parametrize("how", ["withdraws", "is erased"])
def test_a_member_who_leaves_disappears_from_other_cases_match_lists(
    how, duplicate_case, verifier, client, reviewer, django_capture_on_commit_callbacks
):
    # given
    first, second = duplicate_case
    email, user_id, case_id = verifier.email, str(verifier.pk), str(first.pk)
    # when
    _leave(how, verifier, django_capture_on_commit_callbacks)
    # then: nothing in Q's case points at P any more
    second.refresh_from_db()
    stored = json.dumps(second.duplicate_candidates)
    assert user_id not in stored and case_id not in stored
    assert second.status == Status.NEEDS_REVIEW, "the reviewer still decides Q's case"
    # and the reviewer sees that the match is gone, not P's e-mail
    client.force_login(reviewer)
    page = client.get(reverse("admin:biometrics_verification_review", args=[second.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert email not in text
    assert "A match that no longer exists" in text


def test_a_match_whose_account_is_gone_by_any_route_is_not_shown_as_an_account(
    duplicate_case, verifier, client, reviewer
):
    # given: P's row deleted without the erasure service (a shell, say)
    first, second = duplicate_case
    verifier.delete()
    # when
    client.force_login(reviewer)
    text = client.get(
        reverse("admin:biometrics_verification_review", args=[second.pk])
    ).content.decode()
    # then
    assert "A match that no longer exists" in text


def test_a_match_whose_face_template_is_gone_reads_as_gone(
    duplicate_case, verifier, client, reviewer
):
    # given: P's template deleted without the withdrawal (retention, or a withdrawal that
    # committed while Q's case was being decided)
    from biometrics.models import FaceTemplate

    first, second = duplicate_case
    FaceTemplate.objects.filter(user=verifier).delete()
    # when
    client.force_login(reviewer)
    text = client.get(
        reverse("admin:biometrics_verification_review", args=[second.pk])
    ).content.decode()
    # then
    assert verifier.email not in text
    assert "A match that no longer exists" in text


def test_a_member_still_enrolled_stays_on_the_match_list(
    duplicate_case, verifier, client, reviewer
):
    # given: P keeps consent
    first, second = duplicate_case
    client.force_login(reviewer)
    # when
    text = client.get(
        reverse("admin:biometrics_verification_review", args=[second.pk])
    ).content.decode()
    # then
    assert verifier.email in text
    assert PASSWORD not in text
