"""1:N duplicate detection across worker processes (a bug the load run found, now fixed).

Each worker process keeps its own in-memory gallery. It used to pull new templates from the
database at most every BIOMETRICS_GALLERY_REFRESH_SECONDS, so a face enrolled by another process
within that window was not searched and verified on two accounts. Searches now pull first.
Here the other process is simulated by enrolling with this process's gallery_add switched off.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import PremiumFactory, UserFactory
from biometrics.gallery import gallery
from biometrics.models import Verification
from consent.purposes import PurposeCode
from tests.hardening.conftest import grant

pytestmark = pytest.mark.django_db


def _verify(user, django_capture_on_commit_callbacks, **overrides) -> Verification:
    from biometrics import services
    from biometrics.tests.factories import submission

    with django_capture_on_commit_callbacks(execute=True):
        case = services.verification_submit(user=user, **submission(**overrides))
    case.refresh_from_db()
    return case


def test_a_face_enrolled_by_another_worker_a_moment_ago_is_found_as_a_duplicate(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given: this process's gallery is loaded, then another process enrols a face
    from biometrics import services

    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        PremiumFactory(user=user)
        grant(user, PurposeCode.BIOMETRIC_VERIFICATION)
    gallery()
    with monkeypatch.context() as other_process:
        other_process.setattr(services, "gallery_add", lambda **kwargs: None)
        assert _verify(first, django_capture_on_commit_callbacks).status == "verified"
    # when: the same face comes in on another account, seconds later, in this process
    case = _verify(second, django_capture_on_commit_callbacks, id_number="3174094512900002")
    # then
    assert (case.status, case.reason_code) == ("needs_review", "possible_duplicate")


def test_a_face_enrolled_in_the_same_process_is_found_as_a_duplicate(
    django_capture_on_commit_callbacks,
):
    # given: the control case for the test above (same steps, one process)
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        PremiumFactory(user=user)
        grant(user, PurposeCode.BIOMETRIC_VERIFICATION)
    gallery()
    assert _verify(first, django_capture_on_commit_callbacks).status == "verified"
    # when
    case = _verify(second, django_capture_on_commit_callbacks, id_number="3174094512900002")
    # then
    assert (case.status, case.reason_code) == ("needs_review", "possible_duplicate")
