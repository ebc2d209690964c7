"""The verified badge shows where the status page says: the profile, the account page, the
preview of what an employer sees on applying, and the application the employer opens."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from biometrics.models import IdentityAssertion
from careers.services.applications import application_submit
from careers.tests.factories import job_with_skills
from careers.tests.test_search import make_candidate
from consent.purposes import PurposeCode
from consent.services import consent_grant

pytestmark = pytest.mark.django_db

BADGE = "data-verified-badge"


def _verify(user) -> None:
    IdentityAssertion.objects.create(user=user, verified_at=timezone.now(), id_type="ktp")


def test_a_verified_member_sees_the_badge_on_profile_account_and_apply_preview(client, employer_a):
    profile = make_candidate(consent=False, headline="Sous Chef")
    consent_grant(user=profile.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web")
    job = job_with_skills(skills=["Culinary Arts"], employer=employer_a)
    client.force_login(profile.user)
    pages = [
        reverse("careers:profile"),
        reverse("accounts:account"),
        reverse("careers:job_apply", args=[job.pk]),
    ]
    # before verification: no badge
    for url in pages:
        assert BADGE not in client.get(url).text, url
    # when
    _verify(profile.user)
    # then
    for url in pages:
        page = client.get(url).text
        assert BADGE in page and "Identity verified on" in page, url


def test_the_employer_sees_the_badge_on_the_application(client, recruiter_a, employer_a):
    profile = make_candidate(consent=False, headline="Sous Chef")
    consent_grant(user=profile.user, purpose=PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS, method="web")
    job = job_with_skills(skills=["Culinary Arts"], employer=employer_a)
    application = application_submit(user=profile.user, job_id=job.pk)
    client.force_login(recruiter_a)
    url = reverse("careers:recruiter-application", args=[application.pk])
    assert BADGE not in client.get(url).text
    _verify(profile.user)
    assert BADGE in client.get(url).text
