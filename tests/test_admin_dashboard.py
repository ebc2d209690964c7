"""The staff dashboard in the admin draws verification outcomes and consent activity."""

from __future__ import annotations

import pytest
from django.urls import reverse

from biometrics.models import Verification
from consent.services import consent_grant, consent_withdraw

pytestmark = pytest.mark.django_db


def test_staff_see_outcomes_queue_and_consent_activity_as_svg(client, admin_user, member):
    # given
    Verification.objects.create(user=member, id_type="ktp", status="needs_review")
    Verification.objects.create(user=member, id_type="ktp", status="rejected")
    consent_grant(user=member, purpose="candidate_discovery", method="web")
    consent_withdraw(user=member, purpose="candidate_discovery", method="web")
    client.force_login(admin_user)
    # when
    response = client.get(reverse("admin-dashboard"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 5  # outcomes + one per purpose
    assert "Needs review: 1" in html
    assert "Rejected: 1" in html
    assert "Granted: 1" in html and "Withdrawn: 1" in html
    assert 'class="dashboard-figure">1<' in html  # the review queue
    assert member.email not in html


def test_the_admin_index_links_to_the_dashboard(client, admin_user):
    # given
    client.force_login(admin_user)
    # when
    response = client.get(reverse("admin:index"))
    # then
    assert reverse("admin-dashboard") in response.content.decode()


def test_members_cannot_open_the_dashboard(client, member):
    # given
    client.force_login(member)
    # when
    response = client.get(reverse("admin-dashboard"))
    # then
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_dashboard_speaks_indonesian(client, admin_user):
    # given
    client.force_login(admin_user)
    # when
    html = client.get(reverse("admin-dashboard"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    # then
    assert "Antrean tinjauan" in html
    assert "Hasil verifikasi per hari" in html
    assert "Review queue" not in html
