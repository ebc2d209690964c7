"""Fixtures for consent tests: an isolated hook registry, a newer policy, gated test views."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from consent import registry
from consent.models import PolicyVersion


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch):
    """Copy the hook registry for one test: add test handlers without leaking them.

    The other apps' real handlers stay registered (erasure must work with them).
    """
    monkeypatch.setattr(
        registry,
        "_withdrawal",
        defaultdict(list, {k: list(v) for k, v in registry._withdrawal.items()}),
    )
    monkeypatch.setattr(registry, "_erasure", list(registry._erasure))
    monkeypatch.setattr(registry, "_export", dict(registry._export))
    monkeypatch.setattr(registry, "_retention", dict(registry._retention))
    return registry


@pytest.fixture
def new_policy(db) -> Callable[..., PolicyVersion]:
    """Return a factory for a policy version that took effect a minute ago."""

    def make(*purposes: str, version: str = "2026-11-01") -> PolicyVersion:
        policy = PolicyVersion.objects.create(
            version=version,
            effective_at=timezone.now() - timedelta(minutes=1),
            text="Updated privacy policy.",
            summary="We now also show your skills to employers in more countries.",
        )
        policy.changed_purposes.set(purposes)
        return policy

    return make


@pytest.fixture(autouse=True)
def _consent_urls(settings) -> None:
    settings.ROOT_URLCONF = "consent.tests.urls"
