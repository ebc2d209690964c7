"""Faults with a real Celery worker: SIGKILL mid-verification, a worker that never returns,
a poison image. Needs PostgreSQL and a broker; run by .ci/run (CELERY_WORKER_TESTS=1).

A case is held "in the middle" deterministically: its selfie file is swapped for a named pipe,
so the worker blocks reading it after it claimed the case (status ``processing``). The sweep
(``verification_sweep_stuck``, Celery beat every 2 minutes) is called directly, with a clock
past ``BIOMETRICS_STUCK_AFTER_MINUTES``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from biometrics.models import FaceTemplate, IdentityAssertion, Verification, VerificationImage
from tests.hardening.conftest import grant, private_files
from tests.hardening.worker import Worker, send, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgresql_and_a_broker():
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL:
        pytest.skip("needs PostgreSQL and a broker (a separate worker process shares them)")


@pytest.fixture
def workers():
    """Start workers on demand; every one still running is SIGKILLed at the end."""
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(**env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def case(premium_member, monkeypatch) -> Verification:
    """A submitted case, queued on the hardening queue (the service's own enqueue, rerouted)."""
    from biometrics import services
    from biometrics.services import processing
    from biometrics.tests.factories import submission
    from consent.purposes import PurposeCode

    monkeypatch.setattr(processing, "_enqueue", send)
    grant(premium_member, PurposeCode.BIOMETRIC_VERIFICATION)
    return services.verification_submit(user=premium_member, **submission())


def _selfie_path(verification: Verification) -> Path:
    from django.core.files.storage import storages

    image = VerificationImage.objects.get(verification=verification, kind="selfie")
    return Path(storages["private"].path(image.file_name))


def hang(verification: Verification) -> tuple[Path, bytes]:
    """Swap the selfie for a named pipe: a worker reading it blocks until killed."""
    path = _selfie_path(verification)
    data = path.read_bytes()
    path.unlink()
    os.mkfifo(path)
    return path, data


def unhang(path: Path, data: bytes) -> None:
    path.unlink()
    path.write_bytes(data)


def state(verification: Verification) -> tuple[str, int]:
    verification.refresh_from_db()
    return verification.status, verification.attempts


def sweep() -> dict[str, int]:
    """The periodic sweep, run as if its clock were past the stuck limit."""
    from biometrics.services import verification_sweep_stuck

    later = timezone.now() + timedelta(minutes=settings.BIOMETRICS_STUCK_AFTER_MINUTES + 1)
    return verification_sweep_stuck(now=later)


def test_a_worker_killed_mid_verification_finishes_it_exactly_once_after_restart(case, workers):
    # given: a worker stuck inside the case (claimed, reading the selfie)
    path, data = hang(case)
    first = workers()
    assert wait_for(lambda: state(case) == ("processing", 1)), first.tail()
    # when: the worker dies without a word, and comes back
    first.kill()
    assert state(case) == ("processing", 1)
    unhang(path, data)
    assert sweep() == {"requeued": 1, "failed": 0}
    second = workers()
    assert wait_for(lambda: state(case)[0] not in {"submitted", "processing"}), second.tail()
    # then: decided once, enrolled once
    assert state(case) == ("verified", 2)
    assert FaceTemplate.objects.filter(user=case.user).count() == 1
    assert IdentityAssertion.objects.filter(user=case.user).count() == 1
    assert private_files() == []
    # and the first delivery, if the broker hands it out again, changes nothing
    from biometrics.services import verification_process

    verification_process(verification_id=case.pk)
    assert state(case) == ("verified", 2)
    assert FaceTemplate.objects.filter(user=case.user).count() == 1


def test_a_case_whose_worker_never_returns_is_requeued_then_failed_never_left_processing(
    case, workers, settings
):
    # given: every attempt hangs; two attempts allowed
    settings.BIOMETRICS_MAX_ATTEMPTS = 2
    hang(case)
    first = workers(BIOMETRICS_MAX_ATTEMPTS="2")
    assert wait_for(lambda: state(case) == ("processing", 1)), first.tail()
    # when: the sweep finds it stuck
    counts = sweep()
    # then: back in the queue, not processing
    assert counts == {"requeued": 1, "failed": 0}
    assert state(case) == ("submitted", 1)
    # when: the next worker hangs on it too, and the sweep comes round again
    first.kill()
    second = workers(BIOMETRICS_MAX_ATTEMPTS="2")
    assert wait_for(lambda: state(case) == ("processing", 2)), second.tail()
    counts = sweep()
    # then: failed for good, its images gone
    assert counts == {"requeued": 0, "failed": 1}
    case.refresh_from_db()
    assert (case.status, case.reason_code) == ("rejected", "image_unreadable")
    assert VerificationImage.objects.filter(verification=case).count() == 0
    assert private_files() == []


def test_a_poison_image_that_breaks_processing_ends_rejected_after_bounded_attempts(
    case, workers, settings
):
    # given: the stored selfie is garbage (it fails to decrypt on every attempt)
    settings.BIOMETRICS_MAX_ATTEMPTS = 3
    _selfie_path(case).write_bytes(b"\x00poison" * 100)
    worker = workers(BIOMETRICS_MAX_ATTEMPTS="3")
    # when: each failure hands the case back; the sweep re-queues it until attempts run out
    sweeps = 0
    for attempt in (1, 2, 3):
        assert wait_for(lambda n=attempt: state(case) == ("submitted", n)), worker.tail()
        sweeps += 1
        counts = sweep()
        if counts["failed"]:
            break
    # then
    case.refresh_from_db()
    assert (case.status, case.reason_code) == ("rejected", "image_unreadable")
    assert case.attempts == 3 and sweeps == 3
    assert private_files() == []
