"""The guard other apps call before every processing step."""

from __future__ import annotations

import pytest

from consent.exceptions import ConsentRequired
from consent.purposes import PurposeCode
from consent.selectors import consent_check, consented_user_ids, has_consent, require_consent
from consent.tests.factories import grant, withdraw

PURPOSES = PurposeCode.values


@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_purpose_refuses_a_member_who_never_consented(member, purpose):
    # when / then
    with pytest.raises(ConsentRequired) as caught:
        require_consent(member, purpose)
    assert caught.value.purpose == purpose
    assert caught.value.reason == "missing"
    assert caught.value.status_code == 403
    assert has_consent(member, purpose) is False


@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_purpose_refuses_after_withdrawal(member, purpose):
    # given
    grant(member, purpose)
    withdraw(member, purpose)
    # when / then
    with pytest.raises(ConsentRequired) as caught:
        require_consent(member, purpose)
    assert caught.value.reason == "withdrawn"


@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_purpose_refuses_consent_given_under_a_superseded_policy(member, new_policy, purpose):
    # given
    grant(member, purpose)
    new_policy(purpose)
    # when / then
    with pytest.raises(ConsentRequired) as caught:
        require_consent(member, purpose)
    assert caught.value.reason == "policy_updated"
    assert member.pk not in set(
        consented_user_ids(purpose=purpose).values_list("user_id", flat=True)
    )


@pytest.mark.parametrize("purpose", PURPOSES)
def test_granted_consent_lets_processing_go_ahead(member, purpose):
    # given
    grant(member, purpose)
    # when / then
    require_consent(member, purpose)
    assert has_consent(member, purpose) is True


def test_consent_for_one_purpose_does_not_open_another(member):
    # given
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    # then
    assert consent_check(user=member, purpose=PurposeCode.CANDIDATE_DISCOVERY) == "missing"


def test_a_new_policy_for_another_purpose_leaves_consent_valid(member, new_policy):
    # given
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    new_policy(PurposeCode.BIOMETRIC_VERIFICATION)
    # then
    assert has_consent(member, PurposeCode.JOB_RECOMMENDATIONS)


def test_consented_user_ids_lists_only_current_consenters(member, other_member, premium_member):
    # given
    grant(member, PurposeCode.CANDIDATE_DISCOVERY)
    grant(other_member, PurposeCode.CANDIDATE_DISCOVERY)
    withdraw(other_member, PurposeCode.CANDIDATE_DISCOVERY)
    # when
    ids = set(
        consented_user_ids(purpose=PurposeCode.CANDIDATE_DISCOVERY).values_list(
            "user_id", flat=True
        )
    )
    # then
    assert ids == {member.pk}


def test_anonymous_visitors_never_have_consent(db):
    from django.contrib.auth.models import AnonymousUser

    assert consent_check(user=AnonymousUser(), purpose=PurposeCode.JOB_RECOMMENDATIONS) == "missing"
