"""Demo consent states, idempotent."""

from __future__ import annotations

from io import StringIO

from accounts.tests.factories import UserFactory
from consent.demo import seed
from consent.models import ConsentEvent
from consent.purposes import PurposeCode
from consent.selectors import consent_check


def test_demo_gives_varied_states_and_is_safe_to_run_twice(db):
    # given
    premium = UserFactory(email="premium@demo.test")
    member = UserFactory(email="member@demo.test")
    UserFactory(email="recruiter1@acme.demo")
    # when
    seed(StringIO())
    count = ConsentEvent.objects.count()
    seed(StringIO())
    # then
    assert ConsentEvent.objects.count() == count
    assert all(consent_check(user=premium, purpose=code) is None for code in PurposeCode.values)
    assert consent_check(user=member, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS) == (
        "withdrawn"
    )
    assert consent_check(user=member, purpose=PurposeCode.CANDIDATE_DISCOVERY) is None
    assert consent_check(user=member, purpose=PurposeCode.BIOMETRIC_VERIFICATION) == "missing"
