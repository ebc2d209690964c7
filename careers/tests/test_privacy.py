"""Careers privacy hooks: export and erasure."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.services import account_erase
from careers import services
from careers.models import ActivityEvent, Application, CareerProfile
from careers.tests.factories import JobFactory, profile_with_skills
from consent.purposes import PurposeCode
from consent.registry import export_handlers

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_member(member, grant):
    grant(member, PurposeCode.JOB_RECOMMENDATIONS)
    grant(member, PurposeCode.SHARE_PROFILE_WITH_EMPLOYERS)
    profile_with_skills(user=member, skills={"Python": 4}, headline="Engineer")
    job = JobFactory(title="Backend Developer")
    services.job_mark(user=member, job=job, kind="saved")
    services.application_submit(user=member, job_id=job.pk, note="Hi")
    return member


def test_export_contains_profile_activity_and_applications(busy_member):
    section = export_handlers()["careers"](busy_member)
    assert section["profile"]["headline"] == "Engineer"
    assert section["profile"]["skills"][0]["name"] == "Python"
    assert {e["kind"] for e in section["activity"]} == {"saved", "applied"}
    assert section["applications"][0]["job"] == "Backend Developer"
    assert section["applications"][0]["profile_shared"]["headline"] == "Engineer"


def test_erasure_deletes_profile_activity_and_applications(busy_member, other_member):
    # given someone else's data that must survive
    profile_with_skills(user=other_member, skills={"Go": 3})
    # when
    account_erase(user=busy_member, method="web")
    # then
    assert not Application.objects.exists()
    assert not ActivityEvent.objects.exists()
    assert list(CareerProfile.objects.values_list("user_id", flat=True)) == [other_member.pk]


def test_member_pages_render(client, busy_member):
    client.force_login(busy_member)
    for name in ("profile", "jobs", "recommended", "activity", "applications"):
        response = client.get(reverse(f"careers:{name}"))
        assert response.status_code == 200, name
