"""The ledger is append-only: no update or delete through the ORM or the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consent.models import AccessLogEntry, ConsentEvent, ConsentState
from consent.purposes import PurposeCode
from consent.services import access_record
from consent.tests.factories import grant, withdraw


def test_grant_and_withdraw_are_separate_events_with_the_state_derived(member):
    # given
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    # when
    withdraw(member, PurposeCode.JOB_RECOMMENDATIONS)
    # then
    events = ConsentEvent.objects.filter(user=member).order_by("created_at")
    assert [e.action for e in events] == ["grant", "withdraw"]
    state = ConsentState.objects.get(user=member, purpose=PurposeCode.JOB_RECOMMENDATIONS)
    assert state.granted is False
    assert state.last_event == events.last()


def test_the_event_stores_policy_text_hash_and_client(member):
    # when
    event = grant(member, PurposeCode.BIOMETRIC_VERIFICATION, signature="Member Satu Lengkap")
    # then
    event.refresh_from_db()
    assert event.policy_version.version == "2023-09-29"
    assert len(event.text_id) == 64
    assert "biometric" in event.text.text.lower() or "face" in event.text.text.lower()
    assert event.signature == "Member Satu Lengkap"
    assert event.ip_address == "203.0.113.7"
    assert event.created_at.tzinfo is not None


def test_a_saved_event_cannot_be_updated(member):
    # given
    event = grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    # when / then
    event.action = "withdraw"
    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.action == "grant"


def test_events_cannot_be_deleted_one_by_one(member):
    event = grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    with pytest.raises(PermissionError):
        event.delete()
    assert ConsentEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_bulk_updated_or_deleted(member):
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    with pytest.raises(PermissionError):
        ConsentEvent.objects.filter(user=member).update(action="withdraw")
    with pytest.raises(PermissionError):
        ConsentEvent.objects.filter(user=member).delete()
    assert ConsentEvent.objects.filter(user=member, action="grant").count() == 1


def test_admin_shows_the_ledger_but_refuses_change_and_delete(client, admin_user, member):
    # given
    event = grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    client.force_login(admin_user)
    change_url = reverse("admin:consent_consentevent_change", args=[event.pk])
    delete_url = reverse("admin:consent_consentevent_delete", args=[event.pk])
    # when
    listing = client.get(reverse("admin:consent_consentevent_changelist"), {"q": event.subject_ref})
    view = client.get(change_url)
    change = client.post(change_url, {"action": "withdraw", "method": "admin"})
    delete = client.post(delete_url, {"post": "yes"})
    add = client.get(reverse("admin:consent_consentevent_add"))
    # then
    assert listing.status_code == 200
    assert event.subject_ref[:16].encode() in listing.content
    assert view.status_code == 200  # viewable, read-only
    assert change.status_code == 403
    assert delete.status_code == 403
    assert add.status_code == 403
    event.refresh_from_db()
    assert event.action == "grant"


def test_admin_access_log_is_read_only(client, admin_user, member, recruiter_a):
    # given
    entry = access_record(
        accessor=recruiter_a,
        subject=member,
        category="career_profile",
        purpose="candidate_discovery",
    )
    client.force_login(admin_user)
    # when
    listing = client.get(reverse("admin:consent_accesslogentry_changelist"))
    delete = client.post(
        reverse("admin:consent_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    # then
    assert listing.status_code == 200
    assert delete.status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(
    "model", ["purpose", "policyversion", "consentstate", "consenttext", "accesslogentry"]
)
def test_every_consent_admin_page_loads(client, admin_user, member, model):
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    client.force_login(admin_user)
    response = client.get(reverse(f"admin:consent_{model}_changelist"))
    assert response.status_code == 200


def test_staff_publish_a_new_policy_version_in_the_admin(client, admin_user):
    # given
    client.force_login(admin_user)
    # when
    response = client.post(
        reverse("admin:consent_policyversion_add"),
        {
            "version": "2027-01-01",
            "effective_at_0": "2027-01-01",
            "effective_at_1": "00:00:00",
            "text": "New text.",
            "summary": "Recruiter search now covers Malaysia.",
            "changed_purposes": [PurposeCode.CANDIDATE_DISCOVERY],
        },
    )
    # then
    assert response.status_code == 302
    from consent.models import PolicyVersion

    policy = PolicyVersion.objects.get(version="2027-01-01")
    assert list(policy.changed_purposes.values_list("code", flat=True)) == [
        PurposeCode.CANDIDATE_DISCOVERY
    ]


def test_a_policy_version_in_effect_cannot_be_edited_or_deleted(client, admin_user):
    from consent.models import PolicyVersion

    policy = PolicyVersion.objects.get(version="2023-09-29")
    client.force_login(admin_user)
    change_url = reverse("admin:consent_policyversion_change", args=[policy.pk])
    client.post(change_url, {"version": "x", "text": "rewritten", "summary": "s"})
    delete = client.post(
        reverse("admin:consent_policyversion_delete", args=[policy.pk]), {"post": "yes"}
    )
    policy.refresh_from_db()
    assert policy.text.startswith("Privacy policy, version 2023-09-29")
    assert delete.status_code == 403
