"""Withdrawal takes effect: registered handlers run with the event, in one transaction."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from consent.models import ConsentEvent
from consent.purposes import PurposeCode
from consent.selectors import consent_check
from consent.services import consent_withdraw
from consent.tests.factories import grant

BIO = PurposeCode.BIOMETRIC_VERIFICATION
SHARE = PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS


def test_handlers_of_the_withdrawn_purpose_run_with_the_member(member, hooks):
    # given
    seen = []
    hooks.on_withdrawal(SHARE)(lambda user: seen.append(("share", user.pk)) or ["note"])
    hooks.on_withdrawal(BIO)(lambda user: seen.append(("bio", user.pk)))
    grant(member, SHARE)
    # when
    _event, notes = consent_withdraw(user=member, purpose=SHARE, method="web")
    # then
    assert ("share", member.pk) in seen
    assert ("bio", member.pk) not in seen
    assert "note" in notes


def test_a_failing_handler_leaves_the_consent_granted_and_unrecorded(member, hooks):
    # given
    def broken(user):
        raise RuntimeError("search index unavailable")

    hooks.on_withdrawal(SHARE)(broken)
    grant(member, SHARE)
    # when
    with pytest.raises(RuntimeError):
        consent_withdraw(user=member, purpose=SHARE, method="web")
    # then: nothing half-done; the member can retry
    assert consent_check(user=member, purpose=SHARE) is None
    assert not ConsentEvent.objects.filter(user=member, action="withdraw").exists()


def test_files_deleted_on_commit_survive_a_rolled_back_withdrawal(
    member, hooks, django_capture_on_commit_callbacks
):
    # given: the documented pattern for irreversible deletes
    storage = storages["private"]
    name = storage.save("consent-test/selfie.bin", ContentFile(b"encrypted"))

    def destroy_files(user):
        transaction.on_commit(lambda: storage.delete(name))

    def broken(user):
        raise RuntimeError("boom")

    hooks.on_withdrawal(BIO)(destroy_files)
    hooks.on_withdrawal(BIO)(broken)
    grant(member, BIO)
    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        consent_withdraw(user=member, purpose=BIO, method="web")
    # then
    assert storage.exists(name)
    storage.delete(name)


def test_files_deleted_on_commit_go_when_the_withdrawal_commits(
    member, hooks, django_capture_on_commit_callbacks
):
    storage = storages["private"]
    name = storage.save("consent-test/selfie.bin", ContentFile(b"encrypted"))
    hooks.on_withdrawal(BIO)(lambda user: transaction.on_commit(lambda: storage.delete(name)))
    grant(member, BIO)
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(user=member, purpose=BIO, method="web")
    assert not storage.exists(name)


def test_registering_the_same_handler_twice_runs_it_once(member, hooks):
    calls = []

    def handler(user):
        calls.append(user.pk)

    hooks.on_withdrawal(SHARE)(handler)
    hooks.on_withdrawal(SHARE)(handler)
    consent_withdraw(user=member, purpose=SHARE, method="web")
    assert calls == [member.pk]


def test_retention_handlers_register_bare_or_named(hooks):
    @hooks.on_retention
    def expire(now):
        return 0

    @hooks.on_retention("named-rule")
    def other(now):
        return 0

    names = hooks.retention_handlers()
    assert names["named-rule"] is other
    assert any(fn is expire for fn in names.values())


def test_an_unknown_method_is_refused(member):
    from config.errors import ApplicationError

    with pytest.raises(ApplicationError):
        consent_withdraw(user=member, purpose=SHARE, method="carrier-pigeon")
