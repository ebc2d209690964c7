"""An employer's team page: people and roles, pending invitations, removal revokes access."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import EmployerInvitation, EmployerMembership
from accounts.services import employer_invite

pytestmark = pytest.mark.django_db


def test_only_the_owner_sees_the_team_page(client, owner_a, recruiter_a, employer_a, recruiter_b):
    url = reverse("accounts:employer-team", args=[employer_a.pk])
    client.force_login(owner_a)
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "recruiter-a@example.test" in text and "Owner A" in text
    for outsider in (recruiter_a, recruiter_b):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_invitation_links_use_the_requests_host_and_signup_prefills_the_address(
    client, owner_a, employer_a, django_capture_on_commit_callbacks, settings
):
    # given: the site is served on another host than SITE_URL's
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "portal.example.test"]
    client.force_login(owner_a)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:employer-invite", args=[employer_a.pk]),
            {"email": "new.recruiter@example.test", "role": "recruiter", "next": "team"},
            HTTP_HOST="portal.example.test",
        )
    # then
    body = mail.outbox[0].body
    link = re.search(r"https?://\S+", body).group(0)
    assert link.startswith("http://portal.example.test/accounts/invitations/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    client.logout()
    invitation_page = client.get(link.replace("http://portal.example.test", ""))
    assert f"invitation={token}" in invitation_page.content.decode()
    signup = client.get(reverse("accounts:signup"), {"invitation": token})
    assert 'value="new.recruiter@example.test"' in signup.content.decode()


def test_resend_gives_a_fresh_link_and_revoke_kills_it(
    client, owner_a, employer_a, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        first = employer_invite(employer=employer_a, inviter=owner_a, email="x@example.test")
    old_link = re.search(r"/accounts/invitations/\S+", mail.outbox[0].body).group(0)
    client.force_login(owner_a)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:employer-invitation-resend", args=[first.pk]))
    # then: one pending invitation, a new link; the old link is dead
    assert EmployerInvitation.objects.filter(employer=employer_a).count() == 1
    new_link = re.search(r"/accounts/invitations/\S+", mail.outbox[1].body).group(0)
    assert new_link != old_link
    client.logout()
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200
    # when revoked
    client.force_login(owner_a)
    pending = EmployerInvitation.objects.get(employer=employer_a)
    client.post(reverse("accounts:employer-invitation-revoke", args=[pending.pk]))
    client.logout()
    assert client.get(new_link).status_code == 404


def test_change_role_and_never_leave_the_employer_without_an_owner(
    client, owner_a, recruiter_a, employer_a
):
    client.force_login(owner_a)
    own = EmployerMembership.objects.get(employer=employer_a, user=owner_a)
    theirs = EmployerMembership.objects.get(employer=employer_a, user=recruiter_a)
    client.post(reverse("accounts:employer-member-role", args=[own.pk]), {"role": "recruiter"})
    assert EmployerMembership.objects.get(pk=own.pk).role == "owner"
    client.post(reverse("accounts:employer-member-role", args=[theirs.pk]), {"role": "owner"})
    assert EmployerMembership.objects.get(pk=theirs.pk).role == "owner"
    client.post(reverse("accounts:employer-member-role", args=[theirs.pk]), {"role": "boss"})
    assert EmployerMembership.objects.get(pk=theirs.pk).role == "owner"


def test_removing_a_recruiter_revokes_their_access_to_applications_at_once(
    client, owner_a, recruiter_a, employer_a, api_as, django_capture_on_commit_callbacks
):
    from careers.services import application_submit
    from careers.tests.factories import job_with_skills
    from careers.tests.test_search import make_candidate
    from consent.purposes import PurposeCode
    from consent.services import consent_grant

    # given: an application the recruiter can open
    job = job_with_skills(skills=["Python"], employer=employer_a)
    applicant = make_candidate()
    consent_grant(
        user=applicant.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web"
    )
    with django_capture_on_commit_callbacks(execute=True):
        application = application_submit(user=applicant.user, job_id=job.pk, note="")
    url = reverse("api:recruiter-application", args=[application.pk])
    recruiter = api_as(recruiter_a)
    assert recruiter.get(url).status_code == 200
    # when the owner removes them
    client.force_login(owner_a)
    membership = EmployerMembership.objects.get(employer=employer_a, user=recruiter_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:employer-member-remove", args=[membership.pk]))
    # then
    assert not EmployerMembership.objects.filter(pk=membership.pk).exists()
    assert recruiter.get(url).status_code in (403, 404)


def test_team_api_for_owners_only(
    api_as, owner_a, recruiter_a, employer_a, django_capture_on_commit_callbacks
):
    from accounts.models import EmployerInvitation

    owner, recruiter = api_as(owner_a), api_as(recruiter_a)
    team_url = reverse("api:recruiter-team")
    assert recruiter.get(team_url).status_code == 403
    body = owner.get(team_url).json()
    assert {m["email"] for m in body["members"]} == {
        "owner-a@example.test",
        "recruiter-a@example.test",
    }
    # invite, resend, revoke
    with django_capture_on_commit_callbacks(execute=True):
        created = owner.post(
            reverse("api:recruiter-team-invitations"),
            {"email": "new@example.test", "role": "recruiter"},
            format="json",
            HTTP_HOST="127.0.0.1",
        )
    assert created.status_code == 201
    assert "http://127.0.0.1/accounts/invitations/" in mail.outbox[-1].body
    invitation_url = reverse("api:recruiter-team-invitation", args=[created.json()["id"]])
    resent = owner.post(invitation_url)
    assert resent.status_code == 200 and resent.json()["id"] != created.json()["id"]
    fresh_url = reverse("api:recruiter-team-invitation", args=[resent.json()["id"]])
    assert owner.delete(fresh_url).status_code == 204
    assert not EmployerInvitation.objects.filter(employer=employer_a).exists()
    # role change and removal
    membership = EmployerMembership.objects.get(employer=employer_a, user=recruiter_a)
    member_url = reverse("api:recruiter-team-member", args=[membership.pk])
    assert owner.patch(member_url, {"role": "boss"}, format="json").status_code == 400
    assert owner.patch(member_url, {"role": "owner"}, format="json").json()["role"] == "owner"
    assert owner.delete(member_url).status_code == 204
    assert recruiter.get(team_url).status_code == 403
