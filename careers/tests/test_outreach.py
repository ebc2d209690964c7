"""Recruiter outreach: saving candidates to a job or a pool, invitations to apply, the member's
answer and choices, and what withdrawal, erasure and export do with them."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from careers.models import JobInvitation, SourcedCandidate
from careers.services import application_submit, outreach
from careers.tests.factories import job_with_skills
from careers.tests.test_search import make_candidate
from config.errors import ApplicationError
from consent.purposes import PurposeCode
from consent.services import consent_grant, consent_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_a(employer_a):
    return job_with_skills(skills=["Python"], employer=employer_a, title="Backend Engineer")


def test_a_recruiter_saves_a_candidate_to_a_job_and_to_a_new_pool_from_the_profile(
    client, recruiter_a, employer_a, job_a
):
    # given
    candidate = make_candidate(headline="Data Engineer")
    client.force_login(recruiter_a)
    page = reverse("careers:recruiter-candidate", args=[candidate.public_id])
    save = reverse("careers:recruiter-candidate-save", args=[candidate.public_id])
    assert "Backend Engineer" in client.get(page).content.decode()
    # when
    client.post(save, {"target": f"job:{job_a.pk}"})
    client.post(save, {"new_pool": "Data people"})
    client.post(save, {"target": f"job:{job_a.pk}"})  # twice is fine
    # then
    job_page = client.get(reverse("careers:recruiter-job", args=[job_a.pk])).content.decode()
    assert "Data Engineer" in job_page and "Sourced" in job_page
    pools = client.get(reverse("careers:recruiter-pools")).content.decode()
    assert "Data people" in pools
    assert SourcedCandidate.objects.filter(employer=employer_a).count() == 2


def test_nobody_saves_or_invites_a_member_they_may_not_discover(
    recruiter_a, employer_a, job_a, api_as
):
    # given: a private member and a member hiding from employer A
    private = make_candidate(visibility="private")
    hiding = make_candidate(hide=True, current_employer=(employer_a.name, employer_a.domain))
    client = api_as(recruiter_a)
    for profile in (private, hiding):
        # when
        saved = client.post(
            reverse("api:recruiter-candidate-save", args=[profile.public_id]),
            {"job": str(job_a.pk)},
            format="json",
        )
        invited = client.post(
            reverse("api:recruiter-candidate-invite", args=[profile.public_id]),
            {"job": str(job_a.pk)},
            format="json",
        )
        random = client.post(
            reverse("api:recruiter-candidate-save", args=[uuid.uuid4()]),
            {"job": str(job_a.pk)},
            format="json",
        )
        # then: the same 404 as a random id, nothing stored
        assert saved.status_code == invited.status_code == random.status_code == 404
        assert saved.json() == random.json()
    assert not SourcedCandidate.objects.exists() and not JobInvitation.objects.exists()


def test_an_invitation_reaches_the_member_who_declines_and_the_employer_learns_nothing(
    client, recruiter_a, employer_a, job_a, api_as, django_capture_on_commit_callbacks
):
    # given: the member wants e-mail too
    candidate = make_candidate(name="Sari Rahasia")
    outreach.outreach_preference_update(user=candidate.user, invitations=True, email=True)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(recruiter_a).post(
            reverse("api:recruiter-candidate-invite", args=[candidate.public_id]),
            {"job": str(job_a.pk), "message": "Your Python work fits us."},
            format="json",
        )
    # then: the member sees it in the platform and by e-mail
    assert response.status_code == 201
    assert "Sari" not in response.content.decode()
    assert len(mail.outbox) == 1 and "Backend Engineer" in mail.outbox[0].subject
    assert mail.outbox[0].to == [candidate.user.email]
    client.force_login(candidate.user)
    page = client.get(reverse("careers:invitations")).content.decode()
    assert "Backend Engineer" in page and "Your Python work fits us." in page
    assert employer_a.name in page
    # and the invited candidate is in the job's pipeline
    assert SourcedCandidate.objects.filter(job=job_a, profile=candidate).exists()
    # when the member declines
    invitation = JobInvitation.objects.get()
    client.post(reverse("careers:invitation_decline", args=[invitation.pk]))
    # then: declined for the member; the recruiter's view of the job does not change
    assert JobInvitation.objects.get().status == "declined"
    recruiter = api_as(recruiter_a)
    sourced = recruiter.get(reverse("api:recruiter-job-sourced", args=[job_a.pk])).json()
    assert sourced["results"][0]["invited"] is True
    assert "declined" not in str(sourced)


def test_a_member_who_turned_invitations_off_is_not_invited(
    client, recruiter_a, employer_a, job_a, api_as
):
    # given
    candidate = make_candidate()
    client.force_login(candidate.user)
    client.post(reverse("careers:invitations"), {"email": "on"})  # invitations unticked
    # when
    response = api_as(recruiter_a).post(
        reverse("api:recruiter-candidate-invite", args=[candidate.public_id]),
        {"job": str(job_a.pk)},
        format="json",
    )
    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invitations_off"
    assert not JobInvitation.objects.exists()


def test_an_invitation_needs_an_open_job_of_this_employer_and_is_sent_once(
    recruiter_a, employer_a, employer_b, job_a
):
    candidate = make_candidate()
    other_job = job_with_skills(skills=["Python"], employer=employer_b)
    with pytest.raises(ApplicationError):
        outreach.invitation_send(
            employer=employer_a, actor=recruiter_a, public_id=candidate.public_id,
            job_id=other_job.pk,
        )  # fmt: skip
    outreach.invitation_send(
        employer=employer_a, actor=recruiter_a, public_id=candidate.public_id, job_id=job_a.pk
    )
    with pytest.raises(ApplicationError) as again:
        outreach.invitation_send(
            employer=employer_a, actor=recruiter_a, public_id=candidate.public_id,
            job_id=job_a.pk,
        )  # fmt: skip
    assert again.value.status_code == 409
    assert JobInvitation.objects.count() == 1


def test_member_api_lists_declines_and_turns_invitations_off(
    recruiter_a, employer_a, job_a, api_as
):
    candidate = make_candidate()
    invitation = outreach.invitation_send(
        employer=employer_a, actor=recruiter_a, public_id=candidate.public_id, job_id=job_a.pk
    )
    client = api_as(candidate.user)
    listed = client.get(reverse("api:careers-invitations")).json()["results"]
    assert [(i["job_title"], i["employer"], i["status"]) for i in listed] == [
        ("Backend Engineer", employer_a.name, "pending")
    ]
    declined = client.post(reverse("api:careers-invitation-decline", args=[invitation.pk]))
    assert declined.json()["status"] == "declined"
    choices = client.put(
        reverse("api:careers-invitation-choices"),
        {"invitations": False, "email": False},
        format="json",
    )
    assert choices.json() == {"invitations": False, "email": False}
    # someone else's invitation is a 404
    stranger = make_candidate()
    other = api_as(stranger.user).post(
        reverse("api:careers-invitation-decline", args=[invitation.pk])
    )
    assert other.status_code == 404


def test_an_applied_invitation_shows_as_applied(member, recruiter_a, employer_a, job_a):
    from careers.selectors.outreach import invitations_for_member

    candidate = make_candidate()
    outreach.invitation_send(
        employer=employer_a, actor=recruiter_a, public_id=candidate.public_id, job_id=job_a.pk
    )
    consent_grant(
        user=candidate.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web"
    )
    application_submit(user=candidate.user, job_id=job_a.pk, note="")
    assert invitations_for_member(user=candidate.user).get().applied is True


def test_withdrawing_discovery_deletes_saved_entries_and_invitations_and_export_has_them(
    recruiter_a, employer_a, job_a
):
    from careers.privacy import export_careers

    # given
    candidate = make_candidate()
    pool = outreach.pool_create(employer=employer_a, actor=recruiter_a, name="Later")
    outreach.candidate_save(
        employer=employer_a, actor=recruiter_a, public_id=candidate.public_id, pool_id=pool.pk
    )
    outreach.invitation_send(
        employer=employer_a, actor=recruiter_a, public_id=candidate.public_id, job_id=job_a.pk
    )
    exported = export_careers(candidate.user)
    assert exported["invitations"][0]["job"] == "Backend Engineer"
    assert {e["talent_pool"] for e in exported["saved_by_employers"]} == {"Later", None}
    # when
    consent_withdraw(user=candidate.user, purpose=PurposeCode.CANDIDATE_DISCOVERY, method="web")
    # then
    assert not SourcedCandidate.objects.filter(profile=candidate).exists()
    assert not JobInvitation.objects.filter(profile=candidate).exists()
