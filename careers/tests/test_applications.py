"""Applications: consent to share, guardian grants to the employer, revocation, stages."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from accounts.models import EmployerMembership
from accounts.tests.factories import EmployerMembershipFactory, UserFactory
from careers import selectors, services
from careers.models import Application, ApplicationStageChange, ApplicationUserObjectPermission
from careers.tests.factories import JobFactory, profile_with_skills
from consent.models import AccessLogEntry
from consent.purposes import PurposeCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_a(employer_a, owner_a, recruiter_a):
    return JobFactory(employer=employer_a, title="Backend Developer")


@pytest.fixture
def applied(sharing_member, job_a):
    profile_with_skills(user=sharing_member, skills={"Python": 5}, headline="Pythonista")
    return services.application_submit(user=sharing_member, job_id=job_a.pk, note="Hello")


def test_apply_page_without_sharing_consent_asks_for_it_first(client, member, job_a):
    # given
    client.force_login(member)
    # when
    response = client.get(reverse("careers:job_apply", args=[job_a.pk]))
    # then
    assert response.status_code == 302
    prompt = reverse("consent:prompt", args=[PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS])
    assert response.url.startswith(prompt)
    assert "next=" in response.url
    assert not Application.objects.exists()


def test_apply_api_is_refused_then_allowed_after_consent(api_as, member, job_a, grant):
    client = api_as(member)
    url = reverse("api:careers-job-apply", args=[job_a.pk])
    # when refused
    refused = client.post(url, {"note": "Hi"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["purpose"] == "share_profile_with_employers"
    # when allowed
    grant(member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    allowed = client.post(url, {"note": "Hi"}, format="json")
    # then
    assert allowed.status_code == 201, allowed.content
    assert allowed.json()["stage"] == "submitted"
    again = client.post(url, {}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_applied"


def test_applying_in_html_shares_the_profile_with_the_employer(client, sharing_member, job_a):
    client.force_login(sharing_member)
    response = client.post(
        reverse("careers:job_apply", args=[job_a.pk]), {"note": "Keen"}, follow=True
    )
    assert response.status_code == 200
    assert "Employer A can now see the profile you shared" in response.content.decode()
    assert Application.objects.get().note == "Keen"


def test_applying_snapshots_the_profile_and_grants_every_employer_person(
    applied, owner_a, recruiter_a, recruiter_b, sharing_member
):
    # then the snapshot is the profile at apply time, with contact details
    snapshot = applied.profile_snapshot
    assert snapshot["headline"] == "Pythonista"
    assert snapshot["email"] == sharing_member.email
    # and the owner and recruiter of employer A hold the grant; employer B's recruiter does not
    assert owner_a.has_perm("careers.view_application", applied)
    assert recruiter_a.has_perm("careers.view_application", applied)
    assert not recruiter_b.has_perm("careers.view_application", applied)
    # and the member's access log names the employer that received it
    assert AccessLogEntry.objects.filter(
        subject=sharing_member, accessor_label="Employer A"
    ).exists()


def test_recruiter_of_another_employer_gets_404_for_applicants(applied, recruiter_b, job_a):
    with pytest.raises(Http404):
        selectors.applications_for_job(user=recruiter_b, job_id=job_a.pk)
    with pytest.raises(Http404):
        selectors.application_get_for_recruiter(user=recruiter_b, application_id=applied.pk)
    with pytest.raises(Http404):
        selectors.job_get_for_recruiter(user=recruiter_b, job_id=job_a.pk)


def test_outsider_member_gets_404_for_someone_elses_application(api_as, applied, other_member):
    client = api_as(other_member)
    url = reverse("api:careers-application", args=[applied.pk])
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404
    applied.refresh_from_db()
    assert applied.stage == Application.Stage.SUBMITTED


def test_recruiter_reading_an_application_is_logged_for_the_member(applied, recruiter_a):
    # when
    seen = selectors.application_get_for_recruiter(user=recruiter_a, application_id=applied.pk)
    # then
    assert seen == applied
    entry = AccessLogEntry.objects.filter(accessor=recruiter_a).get()
    assert entry.subject_id == applied.applicant_id
    assert "Backend Developer" in entry.detail


def test_withdrawing_an_application_revokes_access_and_names_the_employer(
    api_as, applied, recruiter_a, sharing_member, job_a
):
    # when
    response = api_as(sharing_member).delete(reverse("api:careers-application", args=[applied.pk]))
    # then
    assert response.status_code == 200
    assert "Employer A no longer has access" in response.json()["notes"][0]
    assert not ApplicationUserObjectPermission.objects.filter(content_object=applied).exists()
    assert not selectors.applications_for_job(user=recruiter_a, job_id=job_a.pk).exists()
    applied.refresh_from_db()
    assert applied.stage == Application.Stage.WITHDRAWN
    assert applied.profile_snapshot == {}


def test_withdrawing_sharing_consent_revokes_every_grant(
    applied, sharing_member, recruiter_a, withdraw, job_a
):
    # when
    notes = withdraw(sharing_member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    # then
    assert notes == [
        "Employer A no longer has access to the profile you shared for “Backend Developer”."
    ]
    assert not ApplicationUserObjectPermission.objects.exists()
    with pytest.raises(Http404):
        selectors.application_get_for_recruiter(user=recruiter_a, application_id=applied.pk)


def test_recruiter_moves_the_stage_and_the_member_sees_it(
    client, applied, recruiter_a, sharing_member
):
    # when
    services.application_move(application=applied, actor=recruiter_a, stage="interview")
    # then
    assert ApplicationStageChange.objects.filter(to_stage="interview", by=recruiter_a).exists()
    client.force_login(sharing_member)
    page = client.get(reverse("careers:applications")).content.decode()
    assert "Interview" in page


def test_recruiter_of_another_employer_cannot_move_a_stage(applied, recruiter_b):
    with pytest.raises(Http404):
        services.application_move(application=applied, actor=recruiter_b, stage="rejected")


def test_a_recruiter_who_left_loses_access_and_a_new_one_gains_it_on_sync(
    applied, recruiter_a, employer_a
):
    # given recruiter_a leaves and someone new joins
    EmployerMembership.objects.filter(user=recruiter_a).delete()
    newcomer = UserFactory()
    EmployerMembershipFactory(employer=employer_a, user=newcomer)
    # then the leaver sees nothing at once
    assert not selectors.applications_granted_to(user=recruiter_a).exists()
    # when grants are synced
    services.application_grants_sync(employer_id=employer_a.pk)
    # then
    assert selectors.applications_granted_to(user=newcomer).get() == applied
    assert not ApplicationUserObjectPermission.objects.filter(user=recruiter_a).exists()


def test_member_application_list_uses_a_bounded_number_of_queries(
    api_as, sharing_member, employer_a, django_assert_max_num_queries
):
    for job in JobFactory.create_batch(6, employer=employer_a):
        services.application_submit(user=sharing_member, job_id=job.pk)
    client = api_as(sharing_member)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("api:careers-applications"))
    assert len(response.json()) == 6


def test_applying_to_a_closed_job_is_404(api_as, sharing_member, employer_a):
    job = JobFactory(employer=employer_a, status="closed")
    response = api_as(sharing_member).post(reverse("api:careers-job-apply", args=[job.pk]))
    assert response.status_code == 404


def test_html_apply_flow_goes_through_the_consent_prompt_and_back(client, member, job_a):
    # given a member without the sharing consent
    client.force_login(member)
    apply_url = reverse("careers:job_apply", args=[job_a.pk])
    # when they open the apply page, agree on the prompt, and come back
    prompt = client.get(apply_url)
    agreed = client.post(prompt.url, {"next": apply_url})
    page = client.get(agreed.url)
    sent = client.post(apply_url, {"note": "Hello"}, follow=True)
    # then
    assert agreed.url == apply_url
    assert "What the employer will see" in page.content.decode()
    assert "Application withdrawn" not in sent.content.decode()
    assert Application.objects.get(applicant=member).stage == Application.Stage.SUBMITTED


def test_withdrawing_in_html_names_the_employer(client, applied, sharing_member):
    client.force_login(sharing_member)
    response = client.post(reverse("careers:application_withdraw", args=[applied.pk]), follow=True)
    assert "Employer A no longer has access" in response.content.decode()


def test_a_recruiter_who_joins_later_sees_earlier_applications_and_loses_them_on_leaving(
    applied, employer_a, owner_a, django_capture_on_commit_callbacks
):
    # given: an application made before the newcomer was invited
    import re

    from django.core import mail

    from accounts import services as account_services

    newcomer = UserFactory(email="late@employer-a.example")
    with django_capture_on_commit_callbacks(execute=True):
        account_services.employer_invite(employer=employer_a, inviter=owner_a, email=newcomer.email)
    token = re.search(r"/accounts/invitations/(\S+)/", mail.outbox[-1].body).group(1)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        account_services.invitation_accept(token=token, user=newcomer)
    # then
    found = selectors.application_get_for_recruiter(user=newcomer, application_id=applied.pk)
    assert found.pk == applied.pk
    # when
    with django_capture_on_commit_callbacks(execute=True):
        account_services.employer_member_remove(employer=employer_a, actor=owner_a, user=newcomer)
    # then
    assert not newcomer.has_perm("careers.view_application", applied)
    with pytest.raises(Http404):
        selectors.application_get_for_recruiter(user=newcomer, application_id=applied.pk)
