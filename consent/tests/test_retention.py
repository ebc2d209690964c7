"""The retention sweep: registered rules plus consent's own, as a command and a task."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from consent.models import AccessLogEntry
from consent.services import access_log_expire, access_record, retention_sweep
from consent.tasks import retention_sweep_task


@pytest.fixture
def only_test_rules(hooks, monkeypatch):
    monkeypatch.setattr(hooks, "_retention", {})
    return hooks


def _old_entry(subject, accessor, days):
    entry = access_record(accessor=accessor, subject=subject, category="c", purpose="p")
    AccessLogEntry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return entry


def test_access_log_older_than_three_years_is_removed(member, recruiter_a, only_test_rules):
    # given
    old = _old_entry(member, recruiter_a, 3 * 365 + 1)
    recent = _old_entry(member, recruiter_a, 30)
    # when
    results = retention_sweep()
    again = retention_sweep()
    # then
    assert results == {"consent.access_log": 1}
    assert again == {"consent.access_log": 0}
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()
    assert AccessLogEntry.objects.filter(pk=recent.pk).exists()


def test_command_runs_registered_rules_and_prints_counts(db, only_test_rules):
    # given
    seen = []

    @only_test_rules.on_retention("careers.activity")
    def expire_activity(now):
        seen.append(now)
        return 3

    out = StringIO()
    # when
    call_command("retention_sweep", stdout=out)
    # then
    assert "careers.activity: 3" in out.getvalue()
    assert "consent.access_log: 0" in out.getvalue()
    assert seen and seen[0].tzinfo is not None


def test_a_failing_rule_does_not_stop_the_others_and_fails_the_command(db, only_test_rules):
    ran = []
    only_test_rules.on_retention("a.broken")(lambda now: 1 / 0)
    only_test_rules.on_retention("b.fine")(lambda now: ran.append(now) or 2)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("retention_sweep", stdout=out)
    assert ran
    assert "a.broken: FAILED" in out.getvalue()


def test_task_runs_the_same_sweep(db, only_test_rules):
    only_test_rules.on_retention("x.rule")(lambda now: 5)
    assert retention_sweep_task.delay().get() == {"consent.access_log": 0, "x.rule": 5}


def test_beat_schedule_runs_the_sweep_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-sweep"]
    assert entry["task"] == retention_sweep_task.name


def test_old_access_log_rows_are_removed_in_batches(member, recruiter_a, only_test_rules):
    # given
    for days in (3 * 365 + 1, 3 * 365 + 2, 3 * 365 + 3):
        _old_entry(member, recruiter_a, days)
    recent = _old_entry(member, recruiter_a, 30)
    # when
    removed = access_log_expire(timezone.now(), batch_size=2)
    # then
    assert removed == 3
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [recent.pk]
