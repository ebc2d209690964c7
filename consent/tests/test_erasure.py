"""Erasure: personal data goes; the ledger keeps only pseudonymous proof."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import EmployerInvitation, User
from accounts.services import account_erase
from consent.models import AccessLogEntry, ConsentEvent
from consent.purposes import PurposeCode
from consent.services import access_record, subject_ref
from consent.tests.factories import grant, grant_all, withdraw
from consent.tests.scan import remnants

ERASED_IP = "198.51.100.23"
SIGNATURE = "Recruiter Anak Lengkap"


def _busy_member(person, other, employer):
    """Give ``person`` consents, a signature, access-log rows both ways, an invitation."""
    for code in PurposeCode.values:
        extra = {"signature": SIGNATURE} if code == PurposeCode.BIOMETRIC_VERIFICATION else {}
        grant(person, code, ip_address=ERASED_IP, user_agent="ErasedBrowser/9", **extra)
    withdraw(person, PurposeCode.JOB_RECOMMENDATIONS)
    access_record(accessor=person, subject=other, category="career_profile", purpose="x")
    access_record(accessor=other, subject=person, category="career_profile", purpose="y")
    EmployerInvitation.objects.create(
        employer=employer,
        email=person.email,
        token_hash="a" * 64,
        expires_at="2099-01-01T00:00:00Z",
    )


def test_erasure_leaves_no_personal_data_in_any_table(recruiter_a, member, employer_a, hooks):
    # given
    _busy_member(recruiter_a, member, employer_a)
    grant_all(member)
    needles = [
        recruiter_a.email,
        recruiter_a.display_name,
        ERASED_IP,
        SIGNATURE,
        "ErasedBrowser/9",
        str(recruiter_a.pk),
        recruiter_a.pk.hex,
    ]
    assert remnants(needles)  # the scan does find them before
    ref = subject_ref(recruiter_a.pk)
    # when
    account_erase(user=recruiter_a, method="web")
    # then
    assert remnants(needles) == []
    assert not User.objects.filter(pk=recruiter_a.pk).exists()
    # pseudonymous proof that consent existed remains, with what it was and when
    kept = ConsentEvent.objects.filter(subject_ref=ref)
    assert kept.count() == 4 + 1 + 3  # grants, the withdrawal, erasure withdrawals
    assert all(e.erased and e.user_id is None and not e.signature for e in kept)
    assert {e.purpose_id for e in kept} == set(PurposeCode.values)
    assert all(e.policy_version_id and e.text_id and e.created_at for e in kept)
    # the other member's data and their view of the access log are untouched
    assert ConsentEvent.objects.filter(user=member).count() == 4
    assert AccessLogEntry.objects.get(subject=member).accessor_label == "A deleted account"


def test_erasure_runs_every_withdrawal_and_erasure_handler(member, hooks):
    # given: biometric consent already lapsed (withdrawn), data may still exist
    calls = []
    for code in PurposeCode.values:
        hooks.on_withdrawal(code)(lambda user, code=code: calls.append(code))
    hooks.on_erasure(lambda user: calls.append("erasure"))
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    # when
    account_erase(user=member, method="web")
    # then
    assert sorted(calls) == sorted([*PurposeCode.values, "erasure"])


def test_a_failing_erasure_handler_erases_nothing(member, hooks):
    import pytest

    grant(member, PurposeCode.BIOMETRIC_VERIFICATION)

    def broken(user):
        raise RuntimeError("storage offline")

    hooks.on_erasure(broken)
    with pytest.raises(RuntimeError):
        account_erase(user=member, method="web")
    assert User.objects.filter(pk=member.pk).exists()
    event = ConsentEvent.objects.get(user=member)
    assert event.signature and not event.erased


def test_a_user_deleted_outside_erasure_still_leaves_no_signature(member):
    grant(member, PurposeCode.BIOMETRIC_VERIFICATION, ip_address=ERASED_IP)
    member.delete()
    event = ConsentEvent.objects.get()
    assert (event.user_id, event.signature, event.ip_address, event.erased) == (
        None,
        "",
        None,
        True,
    )


def test_erase_page_needs_the_password(client, member):
    client.force_login(member)
    page = client.get(reverse("consent:erase"))
    wrong = client.post(reverse("consent:erase"), {"password": "nope", "confirm": "on"})
    assert page.status_code == 200
    assert wrong.status_code == 200
    assert "The password is not correct." in wrong.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


def test_erase_page_deletes_the_account_and_signs_out(client, member, password):
    # given
    grant(member, PurposeCode.CANDIDATE_DISCOVERY)
    client.force_login(member)
    # when
    response = client.post(reverse("consent:erase"), {"password": password, "confirm": "on"})
    # then
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert client.get(reverse("consent:centre")).status_code == 302  # signed out
    assert ConsentEvent.objects.filter(erased=True).count() == 2
