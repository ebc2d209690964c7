"""Fixtures for the verification tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.files.storage import storages

from biometrics.gallery import gallery_reset
from biometrics.tests.factories import grant_biometric_consent


@pytest.fixture(autouse=True)
def _fresh_gallery():
    """Each test starts with a gallery loaded from its own database state, and no private files.

    Files are written outside the test's (rolled back) transaction, so earlier tests' files
    would otherwise still be there.
    """
    gallery_reset()
    shutil.rmtree(Path(storages["private"].location) / "biometrics", ignore_errors=True)
    yield
    gallery_reset()


@pytest.fixture
def verifier(premium_member):
    """A premium member who gave biometric consent."""
    grant_biometric_consent(premium_member)
    return premium_member


@pytest.fixture
def other_verifier(db):
    from accounts.tests.factories import PremiumFactory, UserFactory

    user = UserFactory(email="second@example.test", display_name="Second Person")
    PremiumFactory(user=user)
    grant_biometric_consent(user)
    return user


@pytest.fixture
def private_files():
    """Return a function listing every file in the private storage."""

    def listing() -> list[Path]:
        root = Path(storages["private"].location)
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return listing


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit a case for ``user`` and run the queued task (as the worker would); return it."""
    from biometrics import services
    from biometrics.tests.factories import submission

    def run(user, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            verification = services.verification_submit(user=user, **submission(**overrides))
        verification.refresh_from_db()
        return verification

    return run
