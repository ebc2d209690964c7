"""Shared fixtures: the permission cast every object-level test uses.

member, other_member, premium_member, recruiter_a, recruiter_b, owner_a, reviewer, admin_user.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import EmployerMembership, User
from accounts.tests.factories import (
    PASSWORD,
    EmployerFactory,
    EmployerMembershipFactory,
    PremiumFactory,
    UserFactory,
)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def member(db) -> User:
    return UserFactory(email="member@example.test", display_name="Member Satu")


@pytest.fixture
def other_member(db) -> User:
    return UserFactory(email="other@example.test", display_name="Other Dua")


@pytest.fixture
def premium_member(db) -> User:
    user = UserFactory(email="premium@example.test", display_name="Premium Tiga")
    PremiumFactory(user=user)
    return user


@pytest.fixture
def employer_a(db):
    return EmployerFactory(name="Employer A", domain="employer-a.example")


@pytest.fixture
def employer_b(db):
    return EmployerFactory(name="Employer B", domain="employer-b.example")


@pytest.fixture
def owner_a(employer_a) -> User:
    user = UserFactory(email="owner-a@example.test", display_name="Owner A")
    EmployerMembershipFactory(employer=employer_a, user=user, role=EmployerMembership.Role.OWNER)
    return user


@pytest.fixture
def recruiter_a(employer_a) -> User:
    user = UserFactory(email="recruiter-a@example.test", display_name="Recruiter A")
    EmployerMembershipFactory(employer=employer_a, user=user)
    return user


@pytest.fixture
def recruiter_b(employer_b) -> User:
    user = UserFactory(email="recruiter-b@example.test", display_name="Recruiter B")
    EmployerMembershipFactory(employer=employer_b, user=user)
    return user


@pytest.fixture
def reviewer(db) -> User:
    """A staff member who reviews verifications (biometrics.review_verification)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(email="reviewer@example.test", display_name="Reviewer", is_staff=True)
    perms = Permission.objects.filter(content_type__app_label="biometrics")
    user.user_permissions.add(*perms)
    return user


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser(
        email="admin@example.test", password=PASSWORD, display_name="Admin"
    )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """Return an APIClient authenticated with a token for the given user."""

    from accounts.services import api_token_issue

    keys: dict[object, str] = {}

    def make(user: User) -> APIClient:
        if user.pk not in keys:  # one token per user per test, as a signed-in client keeps one
            keys[user.pk] = api_token_issue(user=user, name="test client")[1]
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return client

    return make


@pytest.fixture
def throttle(monkeypatch):
    """Set rate limits for one test: ``throttle(auth_token="3/min")``.

    DRF reads the rates once, at import; the API throttles and the HTML pages' limits
    (``config.throttling``) both read this class attribute, which monkeypatch puts back.
    """
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**rates: str) -> None:
        monkeypatch.setattr(
            SimpleRateThrottle,
            "THROTTLE_RATES",
            {**api_settings.DEFAULT_THROTTLE_RATES, **rates},
        )
        cache.clear()

    return set_rates


@pytest.fixture(autouse=True, scope="session")
def _ocr_reads_each_document_once():
    """The real OCR engine, with each distinct image read once per test session.

    Many tests submit the same standard document; see biometrics/tests/ocr_cache.py.
    """
    from biometrics.documents import ocr
    from biometrics.tests.ocr_cache import CachingEngine

    previous = ocr.engine_set(CachingEngine(ocr.RapidOcrEngine))
    yield
    ocr.engine_set(previous)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _reset_language():
    """Start every test in the default language.

    LocaleMiddleware activates the request's language in the thread and leaves it there, so a
    test client request with ``Accept-Language: id`` would otherwise turn the next test's
    messages Indonesian.
    """
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """Skip tests that need a real worker or a browser when those are not provided.

    ``.ci/run`` starts a Celery worker and sets CELERY_WORKER_TESTS=1; browser tests run where
    Debian's Chromium is installed (``/usr/bin/chromium``) and playwright imports.
    """
    import importlib.util
    import os
    import shutil

    worker = os.environ.get("CELERY_WORKER_TESTS") == "1"
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    browser = bool(shutil.which(chromium)) and importlib.util.find_spec("playwright") is not None
    for item in items:
        if "celery_worker" in item.keywords and not worker:
            item.add_marker(
                pytest.mark.skip(reason="needs a real Celery worker and broker (.ci/run runs it)")
            )
        if "browser" in item.keywords and not browser:
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {chromium} and playwright"))
        if worker and "celery_worker" not in item.keywords:
            item.add_marker(pytest.mark.skip(reason="worker run: only celery_worker tests"))


@pytest.fixture(autouse=True)
def _seeded_policy(request):
    """Restore the seeded purposes and policy after a transactional test flushed them."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and not {"db", "transactional_db"} & set(names):
        yield
        return
    transactional = "transactional_db" in names or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from consent.models import Purpose

    if not Purpose.objects.exists():
        import importlib

        from django.apps import apps

        seed = importlib.import_module("consent.migrations.0002_seed_purposes_and_policy").seed
        seed(apps, None)
    yield
