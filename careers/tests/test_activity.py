"""Job-search activity: recorded only with job_recommendations consent; member deletes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from careers.models import ActivityEvent
from careers.tests.factories import JobFactory
from consent.purposes import PurposeCode

pytestmark = pytest.mark.django_db


def test_viewing_and_searching_without_consent_records_nothing(client, member):
    # given a member who never agreed to job recommendations
    job = JobFactory(title="Python Developer")
    client.force_login(member)
    # when
    listing = client.get(reverse("careers:jobs"), {"q": "python"})
    detail = client.get(reverse("careers:job_detail", args=[job.pk]))
    # then browsing works and nothing is stored
    assert listing.status_code == 200
    assert "Python Developer" in listing.content.decode()
    assert detail.status_code == 200
    assert not ActivityEvent.objects.exists()


def test_with_consent_views_and_searches_are_recorded(client, recommending_member):
    job = JobFactory(title="Python Developer")
    client.force_login(recommending_member)
    client.get(reverse("careers:jobs"), {"q": "python"})
    client.get(reverse("careers:job_detail", args=[job.pk]))
    kinds = sorted(ActivityEvent.objects.values_list("kind", flat=True))
    assert kinds == ["searched", "viewed"]
    assert ActivityEvent.objects.get(kind="searched").query == {"q": "python"}


def test_saving_a_job_without_consent_asks_for_it(client, member):
    # given
    job = JobFactory()
    client.force_login(member)
    # when
    response = client.post(reverse("careers:job_save", args=[job.pk]))
    # then the consent prompt opens, with a way back
    assert response.status_code == 302
    assert reverse("consent:prompt", args=[PurposeCode.JOB_RECOMMENDATIONS]) in response.url
    assert not ActivityEvent.objects.exists()


def test_saving_a_job_without_consent_is_403_in_the_api(api_as, member):
    job = JobFactory()
    response = api_as(member).post(reverse("api:careers-job-save", args=[job.pk]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
    assert response.json()["error"]["purpose"] == "job_recommendations"


def test_member_deletes_one_event_and_then_all(api_as, recommending_member):
    client = api_as(recommending_member)
    jobs = JobFactory.create_batch(2)
    for job in jobs:
        client.get(reverse("api:careers-job", args=[job.pk]))
    listed = client.get(reverse("api:careers-activity")).json()["results"]
    assert len(listed) == 2
    first = listed[0]["id"]
    assert client.delete(reverse("api:careers-activity-event", args=[first])).status_code == 204
    assert ActivityEvent.objects.count() == 1
    assert client.delete(reverse("api:careers-activity")).status_code == 204
    assert not ActivityEvent.objects.exists()


def test_member_cannot_delete_someone_elses_event(api_as, member, other_member, grant):
    grant(other_member, PurposeCode.JOB_RECOMMENDATIONS)
    event = ActivityEvent.objects.create(user=other_member, kind="searched", query={"q": "x"})
    response = api_as(member).delete(reverse("api:careers-activity-event", args=[event.pk]))
    assert response.status_code == 404
    assert ActivityEvent.objects.filter(pk=event.pk).exists()


def test_withdrawing_recommendations_consent_deletes_activity_and_stops_recording(
    client, recommending_member, withdraw
):
    # given
    job = JobFactory()
    client.force_login(recommending_member)
    client.get(reverse("careers:job_detail", args=[job.pk]))
    assert ActivityEvent.objects.count() == 1
    # when
    notes = withdraw(recommending_member, PurposeCode.JOB_RECOMMENDATIONS)
    client.get(reverse("careers:job_detail", args=[job.pk]))
    # then
    assert not ActivityEvent.objects.exists()
    assert any("deleted your job-search activity" in n for n in notes)


def test_activity_page_lists_events_with_a_bounded_number_of_queries(
    client, recommending_member, django_assert_max_num_queries
):
    for job in JobFactory.create_batch(5):
        client.force_login(recommending_member)
        client.get(reverse("careers:job_detail", args=[job.pk]))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("careers:activity"))
    assert response.content.decode().count("Viewed a job") == 5
