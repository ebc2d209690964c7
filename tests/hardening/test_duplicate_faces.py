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
    from biometrics.services import cases

    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        PremiumFactory(user=user)
        grant(user, PurposeCode.BIOMETRIC_VERIFICATION)
    gallery()
    with monkeypatch.context() as other_process:
        other_process.setattr(cases, "gallery_add", lambda **kwargs: None)
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


def _on_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


needs_postgresql = pytest.mark.skipif(
    not _on_postgresql(), reason="cross-process locking is PostgreSQL's advisory lock"
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_same_new_face_processed_by_two_workers_at_once_verifies_only_one_account(
    monkeypatch,
):
    # given: two accounts submit the same face; both cases wait in the queue
    import threading
    import time

    from django.db import connection

    from biometrics import services
    from biometrics.services import processing
    from biometrics.tests.factories import submission

    monkeypatch.setattr(processing, "_enqueue", lambda verification_id: None)
    cases = []
    for number, user in zip(
        ("3174094512900001", "3174094512900002"), (UserFactory(), UserFactory()), strict=True
    ):
        PremiumFactory(user=user)
        grant(user, PurposeCode.BIOMETRIC_VERIFICATION)
        cases.append(services.verification_submit(user=user, **submission(id_number=number)))
    assert set(Verification.objects.values_list("status", flat=True)) == {"submitted"}
    gallery()
    start = threading.Barrier(2)
    # The first worker to decide is slow to commit: without serialisation the other worker
    # searches in that gap, misses the face, and verifies it too.
    real_decide, first = processing._decide, threading.Lock()

    def slow_decide(*args, **kwargs):
        if first.acquire(blocking=False):
            time.sleep(1.5)
        return real_decide(*args, **kwargs)

    monkeypatch.setattr(processing, "_decide", slow_decide)

    def work(case_id):
        start.wait()
        try:
            services.verification_process(verification_id=case_id)
        finally:
            connection.close()

    # when: two workers process them at the same moment
    threads = [threading.Thread(target=work, args=(case.pk,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then: exactly one is verified; the other goes to a person as a possible duplicate
    outcomes = sorted(Verification.objects.values_list("status", "reason_code"))
    assert outcomes == [("needs_review", "possible_duplicate"), ("verified", "")]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_duplicate_search_holds_a_database_wide_lock_other_processes_respect():
    # given
    import psycopg
    from django.db import connection

    from biometrics.gallery import _DEDUP_LOCK_KEY, dedup_serialised

    settings_dict = connection.settings_dict
    other = psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
        autocommit=True,
    )
    try:
        # when / then: while held here, another connection cannot take it
        with dedup_serialised():
            taken = other.execute("SELECT pg_try_advisory_lock(%s)", [_DEDUP_LOCK_KEY]).fetchone()
            assert taken == (False,)
        taken = other.execute("SELECT pg_try_advisory_lock(%s)", [_DEDUP_LOCK_KEY]).fetchone()
        assert taken == (True,)
    finally:
        other.close()
