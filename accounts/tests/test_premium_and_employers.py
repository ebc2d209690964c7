"""Premium membership and employer organisations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts import selectors, services
from accounts.models import EmployerMembership
from accounts.tests.factories import PremiumFactory, UserFactory
from config.errors import ApplicationError, PermissionRefused

pytestmark = pytest.mark.django_db


def test_premium_is_active_only_between_start_and_expiry(member):
    # given
    now = timezone.now()
    PremiumFactory(user=member, starts_at=now - timedelta(days=10), expires_at=now + timedelta(1))
    # then
    assert selectors.user_is_premium(user=member)
    assert not selectors.user_is_premium(user=member, at=now + timedelta(days=2))
    assert not selectors.user_is_premium(user=member, at=now - timedelta(days=11))


def test_expired_premium_shows_as_free_on_the_account_page(client, member):
    # given
    now = timezone.now()
    PremiumFactory(user=member, starts_at=now - timedelta(40), expires_at=now - timedelta(10))
    client.force_login(member)
    # when
    page = client.get("/accounts/").content.decode()
    # then
    assert "Free" in page
    assert "Your premium ended on" in page


def test_demo_premium_activates_from_the_account_page(client, member):
    # given
    client.force_login(member)
    # when
    response = client.post("/accounts/premium/demo/", follow=True)
    # then
    assert selectors.user_is_premium(user=member)
    assert "Premium is active for 30 days" in response.content.decode()


def test_demo_premium_is_refused_where_disabled(client, member, settings):
    # given
    settings.DEMO_PREMIUM_ENABLED = False
    client.force_login(member)
    # when
    client.post("/accounts/premium/demo/")
    # then
    assert not selectors.user_is_premium(user=member)


def test_granting_premium_again_extends_rather_than_shortens(member):
    # given
    first = services.premium_grant(user=member, days=30, source="staff")
    expiry = first.expires_at
    # when
    second = services.premium_grant(user=member, days=10, source="staff")
    # then
    assert second.expires_at == expiry + timedelta(days=10)


def test_owner_invites_a_recruiter_who_accepts_by_email_link(
    client, employer_a, owner_a, django_capture_on_commit_callbacks
):
    # given
    client.force_login(owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/accounts/employers/{employer_a.pk}/invite/",
            {"email": "new.recruiter@example.test", "role": "recruiter"},
        )
    link = re.search(r"(/accounts/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert "http://testserver/accounts/invitations/" in mail.outbox[0].body  # the serving host
    invitee = UserFactory(email="new.recruiter@example.test")
    client.force_login(invitee)
    # when
    client.post(link)
    # then
    membership = EmployerMembership.objects.get(user=invitee)
    assert membership.employer == employer_a
    assert membership.role == "recruiter"
    assert client.post(link).status_code == 404  # single use


def test_a_recruiter_cannot_invite(employer_a, recruiter_a):
    # when / then
    with pytest.raises(PermissionRefused):
        services.employer_invite(employer=employer_a, inviter=recruiter_a, email="x@y.test")


def test_invitation_for_another_address_cannot_be_accepted(
    client, employer_a, owner_a, member, django_capture_on_commit_callbacks
):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        services.employer_invite(employer=employer_a, inviter=owner_a, email="someone@else.test")
    link = re.search(r"(/accounts/invitations/\S+/)", mail.outbox[0].body).group(1)
    client.force_login(member)
    # when
    response = client.post(link, follow=True)
    # then
    assert "sent to another e-mail address" in response.content.decode()
    assert not EmployerMembership.objects.filter(user=member).exists()


def test_invite_page_of_another_employer_is_not_found(client, employer_b, owner_a):
    # given
    client.force_login(owner_a)
    # when
    response = client.post(
        f"/accounts/employers/{employer_b.pk}/invite/", {"email": "x@y.test", "role": "recruiter"}
    )
    # then
    assert response.status_code == 404
    assert mail.outbox == []


def test_the_last_owner_cannot_be_removed(employer_a, owner_a):
    # when / then
    with pytest.raises(ApplicationError):
        services.employer_member_remove(employer=employer_a, actor=owner_a, user=owner_a)


def test_registering_an_employer_makes_the_member_its_owner(client, member):
    # given
    client.force_login(member)
    # when
    client.post("/accounts/employers/", {"name": "Kopi Nusantara", "domain": "https://kopi.id/"})
    # then
    membership = EmployerMembership.objects.get(user=member)
    assert membership.role == "owner"
    assert membership.employer.domain == "kopi.id"


def test_deleting_a_user_in_the_admin_erases_through_the_consent_app(client, admin_user, member):
    # given
    from consent.models import ConsentEvent
    from consent.purposes import PurposeCode
    from consent.services import consent_grant

    consent_grant(user=member, purpose=PurposeCode.JOB_RECOMMENDATIONS, method="web")
    client.force_login(admin_user)
    # when
    response = client.post(f"/admin/accounts/user/{member.pk}/delete/", {"post": "yes"})
    # then
    assert response.status_code == 302
    assert not type(member).objects.filter(pk=member.pk).exists()
    events = ConsentEvent.objects.filter(purpose_id=PurposeCode.JOB_RECOMMENDATIONS)
    assert events.filter(erased=True).exists()
    assert not events.filter(user__isnull=False).exists()
